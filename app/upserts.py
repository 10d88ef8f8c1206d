"""Insert-or-update of rows keyed by a pair, race-free.

Reading first and inserting when nothing was found loses a race (both readers find
nothing, the second insert breaks the key). `save_pair` inserts inside a savepoint and,
when someone else inserted the key meanwhile, updates their row instead; it goes through
the ORM so the activity log sees the change. `flush_unique` turns a duplicate key on a
plain insert into a refusal the user can read.
"""

from sqlalchemy.exc import IntegrityError

from app.errors import DomainError
from app.extensions import db


def save_pair(model, keys: dict, values: dict):
    """The row of `model` at primary key `keys`, created or updated to `values`."""
    key = tuple(keys.values())
    row = db.session.get(model, key)
    if row is None:
        try:
            with db.session.begin_nested():
                row = model(**keys, **values)
                db.session.add(row)
            return row
        except IntegrityError as error:
            if not _is_duplicate_key(error):
                raise
            row = db.session.get(model, key, populate_existing=True)
    for name, value in values.items():
        setattr(row, name, value)
    return row


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
