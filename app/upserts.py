"""Insert-or-update of rows keyed by a pair, race-free: one statement the database settles.

Reading first and inserting when nothing was found loses a race (both readers find
nothing, the second insert breaks the key); `INSERT ... ON CONFLICT DO UPDATE` does not.
"""

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError
from app.extensions import db

_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def upsert(model, keys: dict, values: dict) -> None:
    """Insert `keys` + `values` into `model`'s table, or update `values` where `keys` exist."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model).values(**keys, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=values))


def _is_duplicate_key(error: IntegrityError) -> bool:
    original = error.orig
    return getattr(original, "sqlstate", None) == "23505" or "UNIQUE constraint" in str(original)


def flush_unique(message: str, field: str | None = None) -> None:
    """Flush new rows whose key someone else may be inserting at this moment: a duplicate
    key becomes DomainError(message), refused like any invalid input (the caller rolls
    back), never a 500."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if not _is_duplicate_key(error):
            raise
        raise DomainError(message, field) from None
