"""Screens of the mail area."""

from flask import Blueprint

bp = Blueprint("mail", __name__)
