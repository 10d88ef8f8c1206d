"""`flask --app wsgi people add|import ...`."""

from flask.cli import AppGroup

people_cli = AppGroup("people", help="Each partner's people: staff, experts, local stakeholders.")
