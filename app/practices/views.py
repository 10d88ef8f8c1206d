"""Pages of the practices area."""

from flask import Blueprint

bp = Blueprint("practices", __name__)
