"""Screens of the delegations area."""

from flask import Blueprint

bp = Blueprint("delegations", __name__)
