"""`flask --app wsgi mail deliver [--once]`."""

from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="The outbox: invitations and updates by e-mail.")
