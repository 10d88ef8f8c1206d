"""Pages of the outcomes area."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)
