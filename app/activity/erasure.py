"""Forgetting an erased person in the log: the entries about them keep what happened
(created, changed, registered, expert of a session) but no longer their name,
organisation or function.

The person's own entries lose every personal value (a change of one is dropped, a
creation names them "former participant"); entries of sessions and registrations
name people by their name at the time (the experts of a session, whom a registration is
for), so those values are replaced wherever they equal one of the person's old names.
"""

import json

from sqlalchemy import or_, select

from app.activity.models import ActivityEntry
from app.extensions import db

#: Fields of a person's own entries whose values are personal.
PERSONAL_FIELDS = ("name", "organisation", "function", "language")
#: Kinds of entries that name people in their values or label.
NAMING_KINDS = ("session", "registration")


def _replaced(value, old: set[str], replacement: str):
    if isinstance(value, list):
        return [_replaced(item, old, replacement) for item in value]
    return replacement if isinstance(value, str) and value in old else value


def _scrub_own(entry: ActivityEntry, replacement: str) -> None:
    changes = entry.changed_fields
    for key in PERSONAL_FIELDS:
        if key not in changes:
            continue
        if key == "name" and changes[key][0] is None:
            changes[key] = [None, replacement]  # created: under the name it has now
        else:
            del changes[key]  # the old values go; that they changed says nothing more
    entry.changes = json.dumps(changes, ensure_ascii=False, sort_keys=True)
    entry.label = replacement
    entry.snapshot = None


def _scrub_naming(entry: ActivityEntry, old: set[str], replacement: str) -> None:
    changes = {key: _replaced(v, old, replacement) for key, v in entry.changed_fields.items()}
    entry.changes = json.dumps(changes, ensure_ascii=False, sort_keys=True)
    entry.label = _replaced(entry.label, old, replacement)


def forget_person(person_id: int, old_name: str, replacement: str) -> None:
    """Take the erased person's values out of the log entries about them, and their old
    name out of the entries naming them; `replacement` is the name stored instead."""
    for entry in db.session.scalars(
        select(ActivityEntry).where(
            ActivityEntry.object_kind == "person", ActivityEntry.object_id == person_id
        )
    ):
        _scrub_own(entry, replacement)
    old = {old_name} - {"", replacement}
    if not old:
        return
    mentions = [ActivityEntry.label.in_(old)]
    for value in old:
        escaped = json.dumps(value, ensure_ascii=False)  # as it is written inside the JSON
        mentions.append(ActivityEntry.changes.contains(escaped, autoescape=True))
    for entry in db.session.scalars(
        select(ActivityEntry).where(ActivityEntry.object_kind.in_(NAMING_KINDS), or_(*mentions))
    ):
        _scrub_naming(entry, old, replacement)
