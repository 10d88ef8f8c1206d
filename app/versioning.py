"""Row versions for optimistic locking: what an edit form remembers of the object it shows.

Every form that changes an existing object carries `version_of(obj)` in a hidden field;
the write succeeds only while the row is still at that version.
"""


def version_of(obj) -> str:
    """The version token a form carries for `obj` (an event, practice, plan, ...)."""
    from app.events.models import Event

    if isinstance(obj, Event):
        stamp = obj.updated_at.isoformat() if obj.updated_at else ""
        return f"{obj.revision}/{stamp}"
    return str(getattr(obj, "version", "") or "")
