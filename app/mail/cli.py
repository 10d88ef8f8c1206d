"""`flask --app wsgi mail deliver [--once]`: the delivery worker."""

import logging
import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.mail.delivery import deliver_due

mail_cli = AppGroup("mail", help="The outbox: invitations and updates by e-mail.")


@mail_cli.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due and exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
def deliver(once: bool, interval: float) -> None:
    """Send the outbox's due messages; without --once, keep doing so until stopped."""
    _show_log()
    while True:
        try:
            done = deliver_due()
        except OperationalError as error:  # the database is away: try again next round
            db.session.rollback()
            if once:
                raise click.ClickException(f"database unavailable: {error.orig}") from error
            click.echo(f"database unavailable, retrying: {error.orig}", err=True)
        else:
            if done.sent or done.retrying or done.failed or done.withdrawn or once:
                click.echo(
                    f"sent {done.sent}, waiting to retry {done.retrying}, "
                    f"refused {done.failed}, not sent {done.withdrawn}"
                )
            for error in done.errors[:1]:
                click.echo(f"server: {error}", err=True)
        finally:
            db.session.remove()
        if once:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return


def _show_log() -> None:
    """Without MAIL_SERVER the messages go to the `app.mail` log: show it on stderr unless
    logging is configured already."""
    logger = logging.getLogger("app.mail")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not logging.getLogger().handlers and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        logger.addHandler(handler)
