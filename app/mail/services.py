"""What the screens of the mail area ask: the outbox's messages, and opting out by link."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.mail.messages import person_id_from_token
from app.mail.models import MessageStatus, OutboxMessage
from app.partners.models import Person

OUTBOX_PAGE = 200  # the latest messages the page lists


def outbox_messages(status: str | None = None) -> list[OutboxMessage]:
    """The latest messages, newest first, optionally in one status."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(OUTBOX_PAGE)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query))


def parse_status(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return MessageStatus(value).value
    except ValueError:
        return None


def person_for_unsubscribe(token: str) -> Person:
    """The person an unsubscribe link was made for; DomainError for a link we did not make."""
    person_id = person_id_from_token(token)
    person = db.session.get(Person, person_id) if person_id else None
    if person is None:
        raise DomainError(
            _(
                "This unsubscribe link is not valid. Use the link of a recent e-mail, "
                "or ask the coordinator."
            ),
            "token",
        )
    return person


def unsubscribe(person: Person) -> None:
    """No more e-mails to this person; messages still waiting are not sent (the caller
    commits)."""
    if person.wants_email:
        person.wants_email = False
