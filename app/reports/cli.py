"""`flask --app wsgi report semester N --output FILE.pdf`."""

from flask.cli import AppGroup

report_cli = AppGroup("report", help="Semester reports.")
