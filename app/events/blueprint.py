"""The events blueprint; its screens live in views.py (one event) and list_views.py (the
list, the month calendar and the list's downloads). Rules are written in full (`/events/…`)
because the downloads sit beside the list (`/events.csv`), outside an `/events/` prefix."""

from flask import Blueprint

bp = Blueprint("events", __name__)
