"""Insert-or-update of rows keyed by a pair, race-free: one statement the database settles.

Reading first and inserting when nothing was found loses a race (both readers find
nothing, the second insert breaks the key); `INSERT ... ON CONFLICT DO UPDATE` does not.
"""

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db

_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def upsert(model, keys: dict, values: dict) -> None:
    """Insert `keys` + `values` into `model`'s table, or update `values` where `keys` exist."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model).values(**keys, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=values))
