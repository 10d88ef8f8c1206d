"""Screens of the mail area: the outbox (coordinators) and the unsubscribe page (anyone
holding a link from a message)."""

from flask import Blueprint, Response, abort, render_template, request
from flask_wtf import FlaskForm

from app.auth import permissions as can
from app.errors import DomainError
from app.extensions import csrf, db
from app.mail import services
from app.mail.models import MessageStatus, OutboxMessage

bp = Blueprint("mail", __name__)


@bp.get("/outbox")
def outbox():
    can.require(can.can_read_outbox())
    status = services.parse_status(request.args.get("status"))
    return render_template(
        "mail/outbox.html",
        messages=services.outbox_messages(status),
        status=status,
        statuses=list(MessageStatus),
        limit=services.OUTBOX_PAGE,
    )


def _message(message_id: int) -> OutboxMessage:
    can.require(can.can_read_outbox())
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


@bp.get("/outbox/<int:message_id>")
def message(message_id: int):
    return render_template("mail/message.html", message=_message(message_id))


@bp.get("/outbox/<int:message_id>.ics")
def attachment(message_id: int):
    item = _message(message_id)
    if not item.calendar:
        abort(404)  # a submitted report's message has nothing attached
    response = Response(item.calendar, mimetype="text/calendar")
    response.mimetype_params.update(charset="utf-8", method=item.method)
    response.headers["Content-Disposition"] = f'attachment; filename="message-{item.id}.ics"'
    return response


# The token in the link authenticates the request: mail clients post RFC 8058's one-click
# unsubscribe without a session or a CSRF token.
@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    try:
        person = services.person_for_unsubscribe(token)
    except DomainError as error:
        return render_template("mail/unsubscribe.html", error=error.message), 400
    if request.method == "POST":
        services.unsubscribe(person)
        db.session.commit()
        return render_template("mail/unsubscribe.html", done=True, person=person)
    return render_template("mail/unsubscribe.html", person=person, form=FlaskForm())
