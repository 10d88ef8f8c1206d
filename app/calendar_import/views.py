"""Importing a calendar (.ics): upload, preview, confirm."""

from flask import Blueprint

bp = Blueprint("calendar_import", __name__)
