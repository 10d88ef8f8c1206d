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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
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
# How a refusal names a column, where its name is not the word users know (English: the
# words refusals have always used; `field_label` reads them in the page's language).
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


def field_label(key: str) -> str:
    """A column as a refusal names it, in the page's language: 'starts_at' -> 'start'."""
    words = {
        "start": pgettext("changed field", "start"),
        "end": pgettext("changed field", "end"),
        "all-day": pgettext("changed field", "all-day"),
        "host": pgettext("changed field", "host"),
        "venue": pgettext("changed field", "venue"),
        "visibility": pgettext("changed field", "visibility"),
        "meeting link": pgettext("changed field", "meeting link"),
        "owner": pgettext("changed field", "owner"),
        "inspiring practice": pgettext("changed field", "inspiring practice"),
        "time zone": pgettext("changed field", "time zone"),
        "start date": pgettext("changed field", "start date"),
        "end date": pgettext("changed field", "end date"),
        "partner": pgettext("changed field", "partner"),
        "importing partner": pgettext("changed field", "importing partner"),
        "event": pgettext("changed field", "event"),
        "kind": pgettext("changed field", "kind"),
        "number": pgettext("changed field", "number"),
        "title": pgettext("changed field", "title"),
        "description": pgettext("changed field", "description"),
        "timezone": pgettext("changed field", "timezone"),
        "format": pgettext("changed field", "format"),
        "location": pgettext("changed field", "location"),
        "online platform": pgettext("changed field", "online platform"),
        "expected attendance": pgettext("changed field", "expected attendance"),
        "status": pgettext("changed field", "status"),
        "practice": pgettext("changed field", "practice"),
        "stage": pgettext("changed field", "stage"),
        "policy instrument": pgettext("changed field", "policy instrument"),
        "objective": pgettext("changed field", "objective"),
        "group": pgettext("changed field", "group"),
        "position": pgettext("changed field", "position"),
        "results": pgettext("changed field", "results"),
        "code": pgettext("changed field", "code"),
        "name": pgettext("changed field", "name"),
        "unit": pgettext("changed field", "unit"),
        "target": pgettext("changed field", "target"),
        "theme": pgettext("changed field", "theme"),
        "summary": pgettext("changed field", "summary"),
        "problem": pgettext("changed field", "problem"),
        "resources": pgettext("changed field", "resources"),
        "evidence of success": pgettext("changed field", "evidence of success"),
        "transfer potential": pgettext("changed field", "transfer potential"),
        "links": pgettext("changed field", "links"),
        "email": pgettext("changed field", "email"),
        "role": pgettext("changed field", "role"),
        "language": pgettext("changed field", "language"),
        "active": pgettext("changed field", "active"),
        "second factor key": pgettext("changed field", "second factor key"),
        "second factor pending key": pgettext("changed field", "second factor pending key"),
        "second factor last step": pgettext("changed field", "second factor last step"),
        "second factor failures": pgettext("changed field", "second factor failures"),
        "second factor failed at": pgettext("changed field", "second factor failed at"),
    }
    english = FIELD_LABELS.get(key, key.replace("_", " "))
    return words.get(english, english)


def _refusal_texts(table: str) -> tuple[str, str, str, str, str]:
    """The refusals for a row of `table`, each a whole sentence (the noun takes its own
    case, gender and article in each language): (sent without a version; changed since
    the form was opened, naming `%(fields)s`; the same naming none; changed since the page
    was opened, naming fields; naming none)."""
    if table == "event":
        return (
            _(
                "This form did not say which version of the event it was loaded from, so "
                "nothing was saved. Reload the page and make your change again."
            ),
            _("Someone else changed this event after you opened the form: %(fields)s."),
            _(
                "Someone else changed this event after you opened the form: its participants, "
                "agenda or attendance."
            ),
            _("Someone else changed this event after you opened the page: %(fields)s."),
            _(
                "Someone else changed this event after you opened the page: its participants, "
                "agenda or attendance."
            ),
        )
    if table == "event_session":
        return (
            _(
                "This form did not say which version of the session it was loaded from, so "
                "nothing was saved. Reload the page and make your change again."
            ),
            _("Someone else changed this session after you opened the form: %(fields)s."),
            _("Someone else changed this session after you opened the form."),
            _("Someone else changed this session after you opened the page: %(fields)s."),
            _("Someone else changed this session after you opened the page."),
        )
    if table == "good_practice":
        return (
            _(
                "This form did not say which version of the good practice it was loaded "
                "from, so nothing was saved. Reload the page and make your change again."
            ),
            _("Someone else changed this good practice after you opened the form: %(fields)s."),
            _("Someone else changed this good practice after you opened the form."),
            _("Someone else changed this good practice after you opened the page: %(fields)s."),
            _("Someone else changed this good practice after you opened the page."),
        )
    if table == "transfer":
        return (
            _(
                "This form did not say which version of the transfer it was loaded from, so "
                "nothing was saved. Reload the page and make your change again."
            ),
            _("Someone else changed this transfer after you opened the form: %(fields)s."),
            _("Someone else changed this transfer after you opened the form."),
            _("Someone else changed this transfer after you opened the page: %(fields)s."),
            _("Someone else changed this transfer after you opened the page."),
        )
    if table == "action_plan":
        return (
            _(
                "This form did not say which version of the action plan it was loaded from, "
                "so nothing was saved. Reload the page and make your change again."
            ),
            _("Someone else changed this action plan after you opened the form: %(fields)s."),
            _("Someone else changed this action plan after you opened the form."),
            _("Someone else changed this action plan after you opened the page: %(fields)s."),
            _("Someone else changed this action plan after you opened the page."),
        )
    if table == "action":
        return (
            _(
                "This form did not say which version of the action it was loaded from, so "
                "nothing was saved. Reload the page and make your change again."
            ),
            _("Someone else changed this action after you opened the form: %(fields)s."),
            _("Someone else changed this action after you opened the form."),
            _("Someone else changed this action after you opened the page: %(fields)s."),
            _("Someone else changed this action after you opened the page."),
        )
    if table == "indicator":
        return (
            _(
                "This form did not say which version of the indicator it was loaded from, so "
                "nothing was saved. Reload the page and make your change again."
            ),
            _("Someone else changed this indicator after you opened the form: %(fields)s."),
            _("Someone else changed this indicator after you opened the form."),
            _("Someone else changed this indicator after you opened the page: %(fields)s."),
            _("Someone else changed this indicator after you opened the page."),
        )
    if table == "user":
        return (
            _(
                "This form did not say which version of the account it was loaded from, so "
                "nothing was saved. Reload the page and make your change again."
            ),
            _("Someone else changed this account after you opened the form: %(fields)s."),
            _("Someone else changed this account after you opened the form."),
            _("Someone else changed this account after you opened the page: %(fields)s."),
            _("Someone else changed this account after you opened the page."),
        )
    return (
        _(
            "This form did not say which version of the record it was loaded from, so "
            "nothing was saved. Reload the page and make your change again."
        ),
        _("Someone else changed this record after you opened the form: %(fields)s."),
        _("Someone else changed this record after you opened the form."),
        _("Someone else changed this record after you opened the page: %(fields)s."),
        _("Someone else changed this record after you opened the page."),
    )


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
        field_label(key)
        for key, digest in zip(keys, digests, strict=True)
        if digest != _digest(getattr(obj, key))
    ]


def stale(obj, seen: str | None, *, form: bool = True) -> StaleEdit:
    """The refusal for a form loaded at `seen`, naming what changed since (read `obj` fresh:
    after a rollback, or before any change of this request)."""
    texts = _refusal_texts(obj.__tablename__)
    if _seen_number(seen) is None:
        return StaleEdit(texts[0])
    changed = changed_since(obj, seen)
    named, unnamed = texts[1:3] if form else texts[3:5]
    first = named % {"fields": ", ".join(changed)} if changed else unnamed
    then = (
        _("Your input is below; check it and save again.")
        if form
        else _("Nothing was changed; check the page and try again.")
    )
    return StaleEdit(f"{first} {then}", changed)


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


#: Lazy: read in the page's language; `str()` it before a flash (the session is JSON).
LOST_RACE = _l(
    "Someone else changed this at the same moment, so your change was not saved. "
    "Reload the page to see their change, and make yours again."
)
_LOST_RACE_PAGE = """{% extends "base.html" %}{% block content %}
<h1>{{ heading }}</h1><p>{{ message }}</p>{% endblock %}"""


def init_app(app: Flask) -> None:
    app.jinja_env.globals["version_of"] = version_of

    @app.errorhandler(StaleDataError)
    def _lost_race(_error):
        """A lost race no view turned into its form: a plain refusal, never a 500."""
        db.session.rollback()
        page = render_template_string(
            _LOST_RACE_PAGE, heading=_("Not saved"), message=str(LOST_RACE)
        )
        return page, 409
