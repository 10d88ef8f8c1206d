"""The delivery worker: sends what the outbox holds, once each.

Each message is claimed with one conditional UPDATE (`WHERE status = 'pending'`), so two
workers never take the same one; the send is recorded as soon as the server has accepted
the message. A server that is down or answers 4xx leaves the message waiting, with
exponential backoff (attempts, next attempt and last error kept); a 5xx refusal of the
recipient or the message marks it failed. A worker that dies between claiming and
recording leaves a claim that expires after CLAIM_LEASE; the message is then sent again
with the same Message-ID, which lets clients drop the duplicate.

Without MAIL_SERVER (development) each message is written to the log instead and marked
as such; /outbox shows them.
"""

import logging
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.db_types import utcnow
from app.extensions import db
from app.mail.messages import unsubscribe_url
from app.mail.models import MessageKind, MessageStatus, OutboxMessage
from app.partners.models import Person

log = logging.getLogger("app.mail")

CLAIM_LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
BATCH = 100  # messages per round


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


# --- The e-mail itself -------------------------------------------------------------


def as_email(message: OutboxMessage, sender: str, person: Person | None) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr((person.name if person else "", message.to_address))
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = formatdate(usegmt=True)
    if message.person_id:
        link = unsubscribe_url(message.person_id)
        email["List-Unsubscribe"] = f"<{link}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    if message.kind == MessageKind.REPORT or not message.calendar:
        return email  # a submitted report's message: its link only, nothing attached
    email.add_attachment(
        message.calendar,
        subtype="calendar",
        params={"method": message.method},
        filename="invitation.ics" if message.method == "REQUEST" else "cancellation.ics",
    )
    return email


def readable(email: EmailMessage) -> str:
    """Headers and decoded parts, as a developer reads them in the log."""
    lines = [f"{name}: {value}" for name, value in email.items() if name != "Content-Type"]
    for part in email.iter_parts():
        lines += ["", f"[{part.get('Content-Type')}]", part.get_content().rstrip()]
    return "\n".join(lines)


# --- Transports -----------------------------------------------------------------------


class TemporaryFailure(Exception):
    """Try again later: the server is down, busy or refused for now (4xx)."""

    def __init__(self, message: str, server_down: bool = True):
        super().__init__(message)
        self.server_down = server_down


class PermanentFailure(Exception):
    """The server refused this message or recipient for good (5xx)."""


class SmtpTransport:
    """One connection per round, opened at the first message."""

    status = MessageStatus.SENT

    def __init__(self, config) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
        if config.get("MAIL_USE_TLS"):
            connection.starttls()
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        return connection

    def send(self, email: EmailMessage) -> None:
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(_describe(error)) from error
            raise TemporaryFailure(_describe(error), server_down=False) from error
        except smtplib.SMTPDataError as error:
            self._drop()
            if error.smtp_code >= 500:
                raise PermanentFailure(_describe(error)) from error
            raise TemporaryFailure(_describe(error)) from error
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            raise TemporaryFailure(_describe(error)) from error

    def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except OSError:
                pass

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                pass  # every message of the round is recorded already


class LogTransport:
    """Development: the message goes to the log."""

    status = MessageStatus.LOGGED

    def send(self, email: EmailMessage) -> None:
        log.info("E-mail (no MAIL_SERVER set, not sent):\n%s", readable(email))

    def close(self) -> None:
        pass


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def transport():
    config = current_app.config
    return SmtpTransport(config) if config.get("MAIL_SERVER") else LogTransport()


# --- One round -------------------------------------------------------------------------


@dataclass
class Round:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    withdrawn: int = 0
    errors: list[str] = field(default_factory=list)


def _due(now: datetime):
    table = OutboxMessage.__table__
    return and_(
        table.c.status == MessageStatus.PENDING.value,
        table.c.due_at <= now,
        or_(table.c.next_attempt_at.is_(None), table.c.next_attempt_at <= now),
    )


def release_stale_claims(now: datetime) -> int:
    """Claims of a worker that stopped mid-send go back to waiting (see the module doc)."""
    table = OutboxMessage.__table__
    done = db.session.execute(
        update(table)
        .where(
            table.c.status == MessageStatus.SENDING.value, table.c.claimed_at < now - CLAIM_LEASE
        )
        .values(status=MessageStatus.PENDING.value, claim=None, next_attempt_at=now)
    )
    db.session.commit()
    return done.rowcount


def claim(message_id: int, now: datetime) -> str | None:
    """Take one message for this worker: one conditional UPDATE, committed at once."""
    token = secrets.token_hex(16)
    table = OutboxMessage.__table__
    done = db.session.execute(
        update(table)
        .where(table.c.id == message_id, _due(now))
        .values(status=MessageStatus.SENDING.value, claim=token, claimed_at=now)
    )
    db.session.commit()
    return token if done.rowcount == 1 else None


def _finish(message_id: int, token: str, **values) -> None:
    table = OutboxMessage.__table__
    db.session.execute(
        update(table).where(table.c.id == message_id, table.c.claim == token).values(**values)
    )
    db.session.commit()


def deliver_due(now: datetime | None = None) -> Round:
    """Send every message due by `now` (default: the clock) that this worker can claim."""
    now = now or utcnow()
    result = Round()
    release_stale_claims(now)
    ids = db.session.scalars(
        select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.due_at).limit(BATCH)
    ).all()
    db.session.commit()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    carrier = transport()
    try:
        for message_id in ids:
            token = claim(message_id, now)
            if token is None:
                continue  # another worker has it
            if not _send_one(message_id, token, sender, carrier, now, result):
                break  # the server is down: the rest wait for the next round
    finally:
        carrier.close()
    return result


def _send_one(message_id, token, sender, carrier, now, result: Round) -> bool:
    """Send one claimed message; False when the server could not be reached."""
    message = db.session.get(OutboxMessage, message_id)
    person = db.session.get(Person, message.person_id) if message.person_id else None
    if person is not None and (not person.wants_email or person.is_erased):
        _finish(message_id, token, status=MessageStatus.WITHDRAWN.value, claim=None)
        result.withdrawn += 1
        return True
    attempts = message.attempts + 1
    try:
        carrier.send(as_email(message, sender, person))
    except PermanentFailure as error:
        _finish(
            message_id,
            token,
            status=MessageStatus.FAILED.value,
            attempts=attempts,
            last_error=str(error),
            claim=None,
        )
        result.failed += 1
        return True
    except TemporaryFailure as error:
        _finish(
            message_id,
            token,
            status=MessageStatus.PENDING.value,
            attempts=attempts,
            last_error=str(error),
            next_attempt_at=now + backoff(attempts),
            claim=None,
        )
        result.retrying += 1
        result.errors.append(str(error))
        return not error.server_down
    _finish(
        message_id,
        token,
        status=carrier.status.value,
        attempts=attempts,
        sent_at=utcnow(),
        claim=None,
    )
    result.sent += 1
    return True
