"""Row versions for optimistic locking: what an edit form remembers of the object it shows.

Every form that changes an existing object carries `version_of(obj)` in a hidden field.
The database enforces it: versioned models map a `version` column as SQLAlchemy's
`version_id_col`, so their UPDATE says `WHERE version = <the version loaded>` and a row
someone else changed meanwhile updates nothing (StaleDataError). `check_version` refuses
a form whose version is not the loaded one (or is missing) before anything is written;
between that check and the commit, the database refuses the loser of a race.

The token is "<version>:<digest>.<digest>...", one short digest per field as the form saw
it, so a refusal can name the fields someone else changed without storing old values.
"""

import hashlib

from flask import Flask, render_template_string
from sqlalchemy import inspect, update
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField
from wtforms.utils import unset_value

from app.errors import DomainError
from app.extensions import db

# Bookkeeping and secrets: never compared, never digested into a page.
_NOT_COMPARED = frozenset(
    {
        "id",
        "version",
        "revision",
        "created_at",
        "updated_at",
        "project_id",
        "original_starts_at",
        "original_ends_at",
        "original_all_day",
        "original_location",
        "password_hash",
        "feed_token",
    }
)
# How a refusal names a column, where its name is not the word users know.
FIELD_LABELS = {
    "starts_at": "start",
    "ends_at": "end",
    "all_day": "all-day",
    "host_partner_id": "host",
    "venue_id": "venue",
    "is_public": "visibility",
    "online_url": "meeting link",
    "owner_partner_id": "owner",
    "inspired_by_practice_id": "inspiring practice",
    "preferred_timezone": "time zone",
    "started_on": "start date",
    "ended_on": "end date",
    "starts_on": "start date",
    "ends_on": "end date",
    "partner_id": "partner",
    "importer_partner_id": "importing partner",
    "event_id": "event",
}
# What the refusal calls each versioned table's row.
NOUNS = {
    "event": "event",
    "event_session": "session",
    "good_practice": "good practice",
    "transfer": "transfer",
    "action_plan": "action plan",
    "action": "action",
    "indicator": "indicator",
    "user": "account",
}


class VersionField(HiddenField):
    """The version a form was loaded at. Read only from the posted form, never filled from
    the object (`Form(obj=...)`): a form sent without it must stay without it."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, None, extra_filters)

    def populate_obj(self, obj, name) -> None:
        pass  # the mapper raises the version, never a form


class StaleEdit(DomainError):
    """A form loaded before someone else's save, or sent without its version."""

    def __init__(self, message: str, changed: list[str] | None = None):
        super().__init__(message, "version")
        self.changed = changed or []


def _compared(obj) -> list[str]:
    return [a.key for a in inspect(type(obj)).column_attrs if a.key not in _NOT_COMPARED]


def _digest(value) -> str:
    """Four hex digits: enough to tell which field changed (a collision only leaves a field
    unnamed), too few to give away the value. str(), not repr(): the same instant loaded
    with another tzinfo object is the same value."""
    return hashlib.blake2s(f"{type(value).__name__}:{value}".encode(), digest_size=2).hexdigest()


def version_of(obj) -> str:
    """The version token a form carries for `obj` (an event, practice, plan, ...)."""
    digests = ".".join(_digest(getattr(obj, key)) for key in _compared(obj))
    return f"{obj.version}:{digests}"


def _seen_number(seen: str | None) -> int | None:
    number = (seen or "").strip().partition(":")[0]
    return int(number) if number.isdigit() and len(number) < 10 else None


def changed_since(obj, seen: str | None) -> list[str]:
    """The fields whose stored value differs from what a form loaded at `seen` showed."""
    digests = (seen or "").partition(":")[2].split(".")
    keys = _compared(obj)
    if len(digests) != len(keys):
        return []
    return [
        FIELD_LABELS.get(key, key.replace("_", " "))
        for key, digest in zip(keys, digests, strict=True)
        if digest != _digest(getattr(obj, key))
    ]


def stale(obj, seen: str | None, *, form: bool = True) -> StaleEdit:
    """The refusal for a form loaded at `seen`, naming what changed since (read `obj` fresh:
    after a rollback, or before any change of this request)."""
    noun = NOUNS.get(obj.__tablename__, "record")
    if _seen_number(seen) is None:
        return StaleEdit(
            f"This form did not say which version of the {noun} it was loaded from, so "
            "nothing was saved. Reload the page and make your change again."
        )
    changed = changed_since(obj, seen)
    what = f": {', '.join(changed)}" if changed else ""
    if not changed and noun == "event":
        what = ": its participants, agenda or attendance"
    then = (
        "Your input is below; check it and save again."
        if form
        else "Nothing was changed; check the page and try again."
    )
    return StaleEdit(
        f"Someone else changed this {noun} after you opened the "
        f"{'form' if form else 'page'}{what}. {then}",
        changed,
    )


def check_version(obj, seen: str | None, *, form: bool = True) -> None:
    """Refuse a form loaded at another version than the row's (or sent without one)."""
    if _seen_number(seen) != obj.version:
        raise stale(obj, seen, form=form)


def refusal(error: Exception, obj, seen: str | None, *, form: bool = True) -> DomainError:
    """What a view shows for `error` after `db.session.rollback()`: a lost race (the
    database found the row changed) becomes the stale refusal naming what changed."""
    if isinstance(error, StaleDataError):
        return stale(obj, seen, form=form)
    return error


def bump(obj) -> None:
    """Raise `obj`'s version although none of its columns change (a change to its parts),
    so the write is still checked against the version the form saw."""
    obj.version = obj.version + 1


def save_if_unchanged(model, row_id: int, seen: str | None, **values) -> None:
    """UPDATE one row only while it is at the version `seen` (for rows that other code also
    writes without a form, so they are not mapped with version_id_col)."""
    number = _seen_number(seen)
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.version == number)
        .values(version=model.version + 1, **values)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise StaleDataError(f"{model.__tablename__} {row_id} is not at version {number}")


LOST_RACE = (
    "Someone else changed this at the same moment, so your change was not saved. "
    "Reload the page to see their change, and make yours again."
)
_LOST_RACE_PAGE = """{% extends "base.html" %}{% block content %}
<h1>Not saved</h1><p>{{ message }}</p>{% endblock %}"""


def init_app(app: Flask) -> None:
    app.jinja_env.globals["version_of"] = version_of

    @app.errorhandler(StaleDataError)
    def _lost_race(_error):
        """A lost race no view turned into its form: a plain refusal, never a 500."""
        db.session.rollback()
        return render_template_string(_LOST_RACE_PAGE, message=LOST_RACE), 409
