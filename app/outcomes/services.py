"""Indicator figures, computed from recorded outcomes (never typed twice)."""

import secrets
from dataclasses import dataclass
from datetime import date as _date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.enums import ActionStatus, OutcomeKind
from app.errors import DomainError
from app.extensions import db
from app.input_rules import db_id
from app.outcomes.models import Action, ActionGroup, ActionPlan, Attachment, Indicator, Outcome
from app.partners.models import Partner, Project
from app.upserts import flush_unique
from app.versioning import check_version


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    this_period: Decimal
    to_date: Decimal

    @property
    def share_of_target(self) -> Decimal | None:
        target = self.indicator.target
        if not target:
            return None
        return (self.to_date / target * 100).quantize(Decimal("1"))


def indicator_table(project: Project, period_number: int) -> list[IndicatorRow]:
    """Each indicator's target, achieved in `period_number`, and achieved up to and in it."""
    project.period(period_number)  # UnknownPeriod for a semester that does not exist
    value = func.coalesce(func.sum(Outcome.value), 0)
    this_period = dict(
        db.session.execute(
            select(Outcome.indicator_id, value)
            .where(Outcome.kind == "figure", Outcome.period_number == period_number)
            .group_by(Outcome.indicator_id)
        ).all()
    )
    to_date = dict(
        db.session.execute(
            select(Outcome.indicator_id, value)
            .where(Outcome.kind == "figure", Outcome.period_number <= period_number)
            .group_by(Outcome.indicator_id)
        ).all()
    )
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.project_id == project.id).order_by(Indicator.code)
    )
    return [
        IndicatorRow(
            indicator=i,
            this_period=Decimal(this_period.get(i.id, 0)),
            to_date=Decimal(to_date.get(i.id, 0)),
        )
        for i in indicators
    ]


# --- Recording: action plans, actions, outcomes, indicators, evidence (issue 4) ---------


def _text(data: dict, name: str, limit: int | None = None, required: str | None = None) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise DomainError(required, name)
    if limit and len(value) > limit:
        raise DomainError(_("At most %(limit)d characters.", limit=limit), name)
    return value


def save_action_plan(
    partner: Partner, data: dict, *, seen_version: str | None = None
) -> ActionPlan:
    """Create or update a partner's regional action plan (title, policy instrument).

    A form passes the version it was loaded at ("0" before the plan existed)."""
    title = _text(data, "title", 200, _("An action plan needs a title."))
    instrument = _text(data, "policy_instrument", 300)
    objective = _text(data, "objective")
    plan = db.session.scalar(select(ActionPlan).where(ActionPlan.partner_id == partner.id))
    if plan is not None and seen_version is not None:
        check_version(plan, seen_version)
    if plan is None:
        plan = ActionPlan(partner=partner, title=title)
        db.session.add(plan)
    plan.title, plan.policy_instrument, plan.objective = title, instrument, objective
    flush_unique(_("Someone else saved this action plan at the same moment; reload the page."))
    return plan


def add_action_group(plan: ActionPlan, data: dict) -> ActionGroup:
    title = _text(data, "title", 200, _("An action group needs a title."))
    group = ActionGroup(
        plan=plan,
        title=title,
        objective=_text(data, "objective"),
        inspired_by=_text(data, "inspired_by", 300),
        position=max((g.position for g in plan.groups), default=0) + 1,
    )
    db.session.add(group)
    db.session.flush()
    return group


def save_action(
    group: ActionGroup,
    data: dict,
    action: Action | None = None,
    user=None,
    *,
    seen_version: str | None = None,
) -> Action:
    """Create or update an action; an inspiring practice moves its transfer on."""
    if action is not None and seen_version is not None:
        check_version(action, seen_version)
    from app.practices.models import GoodPractice
    from app.practices.services import on_action_saved

    title = _text(data, "title", 300, _("An action needs a title."))
    status = data.get("status") or ActionStatus.PLANNED.value
    if status not in {s.value for s in ActionStatus}:
        raise DomainError(_("Choose planned, in progress or done."), "status")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if value is not None and not isinstance(value, _date):
            raise DomainError(_("Give a date as YYYY-MM-DD."), name)
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("The end is before the start."), "ends_on")
    practice = None
    practice_id = data.get("inspired_by_practice_id") or None
    if practice_id:
        try:
            practice = db.session.get(GoodPractice, db_id(practice_id))
        except (TypeError, ValueError):
            practice = None
        if practice is None or practice.project_id != group.plan.partner.project_id:
            raise DomainError(
                _("Choose a good practice of this project."), "inspired_by_practice_id"
            )
    if action is None:
        action = Action(
            group=group, position=max((a.position for a in group.actions), default=0) + 1
        )
        db.session.add(action)
    action.title = title
    action.description = _text(data, "description")
    action.owner = _text(data, "owner", 200)
    action.starts_on, action.ends_on = starts_on, ends_on
    action.status = status
    action.results = _text(data, "results")
    action.inspired_by_practice = practice
    db.session.flush()
    on_action_saved(action, user=user)
    return action


def _value(raw, field: str = "value") -> Decimal:
    """A figure (field "value") or a target (field "target"): a number, not negative."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("“%(value)s” is not a number.", value=raw), field) from None
    if not value.is_finite():
        raise DomainError(_("“%(value)s” is not a number.", value=raw), field)
    if value < 0:
        if field == "target":
            raise DomainError(_("A target cannot be negative."), field)
        raise DomainError(_("An indicator figure cannot be negative."), field)
    if value >= Decimal("1e12"):
        raise DomainError(_("That figure is too large."), field)
    return value.quantize(Decimal("0.01"))


def record_outcome(
    project: Project,
    *,
    kind: str,
    text: str = "",
    event=None,
    action: Action | None = None,
    indicator_id=None,
    value=None,
    period_number=None,
) -> Outcome:
    """A lesson, a decision or an indicator figure on an event or an action."""
    if (event is None) == (action is None):
        raise DomainError(_("An outcome belongs to one event or one action."), "kind")
    try:
        kind = OutcomeKind(kind).value
    except ValueError:
        raise DomainError(
            _("Choose a lesson, a decision or an indicator figure."), "kind"
        ) from None
    text = (text or "").strip()
    outcome = Outcome(event=event, action=action, kind=kind, text=text)
    # Not flushed before it is complete (and added): the indicator look-up below would
    # flush the half-made outcome through the event's or action's collection.
    with db.session.no_autoflush:
        if kind == OutcomeKind.FIGURE:
            try:
                indicator = db.session.get(Indicator, db_id(indicator_id))
            except (TypeError, ValueError):
                indicator = None
            if indicator is None or indicator.project_id != project.id:
                raise DomainError(_("Choose the indicator the figure counts for."), "indicator_id")
            if value is None or str(value).strip() == "":
                raise DomainError(_("Give the figure's value."), "value")
            outcome.value = _value(value)
            try:
                number = int(period_number)
            except (TypeError, ValueError):
                raise DomainError(_("Choose the reporting period."), "period_number") from None
            project.period(number)  # UnknownPeriod (a DomainError) when it does not exist
            outcome.indicator, outcome.period_number = indicator, number
        elif not text:
            raise DomainError(_("Write the lesson or decision."), "text")
    db.session.add(outcome)
    db.session.flush()
    return outcome


def save_indicator(
    project: Project,
    data: dict,
    indicator: Indicator | None = None,
    *,
    seen_version: str | None = None,
) -> Indicator:
    if indicator is not None and seen_version is not None:
        check_version(indicator, seen_version)
    code = _text(data, "code", 20, _("An indicator needs a code.")).upper()
    name = _text(data, "name", 300, _("An indicator needs a name."))
    unit = _text(data, "unit", 40)
    raw = data.get("target")
    target = None if raw is None or str(raw).strip() == "" else _target(raw)
    clash = db.session.scalar(
        select(Indicator).where(Indicator.project_id == project.id, Indicator.code == code)
    )
    if clash is not None and clash is not indicator:
        raise DomainError(_("Another indicator already has the code %(code)s.", code=code), "code")
    if indicator is None:
        indicator = Indicator(project=project)
        db.session.add(indicator)
    indicator.code, indicator.name, indicator.unit, indicator.target = code, name, unit, target
    flush_unique(_("Another indicator already has the code %(code)s.", code=code), "code")
    return indicator


def _target(raw) -> Decimal:
    return _value(raw, "target")


# Evidence files. Types by extension, checked against the file's first bytes, and always
# served as a download with a fixed content type (never the browser's guess).
ALLOWED_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
}
#: Kinds of evidence: stored code -> label (lazy: read in the reader's language).
CATEGORIES = {
    "invitation": _l("Invitation"),
    "agenda": _l("Agenda"),
    "attendance": _l("Attendance list"),
    # Translators: the written record of a meeting, a kind of evidence.
    "minutes": _l("Minutes"),
    "photo": _l("Photo"),
    "presentation": _l("Presentation"),
    "other": _l("Other"),
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def upload_dir() -> Path:
    path = Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_upload_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _clean_name(name: str) -> str:
    name = Path((name or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '"<>:|?*').strip(" .")
    return name[:255]


def store_attachment(
    stream,
    filename: str,
    *,
    category: str = "other",
    event=None,
    practice=None,
    action=None,
    user=None,
) -> Attachment:
    """Check and keep an uploaded file; nothing is written when it is refused."""
    if sum(x is not None for x in (event, practice, action)) != 1:
        raise DomainError(_("Evidence belongs to one event, practice or action."), "file")
    original = _clean_name(filename)
    if not original:
        raise DomainError(_("Choose a file to upload."), "file")
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if extension not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise DomainError(
            _(
                "Files of type “.%(extension)s” are not accepted. Accepted types: %(allowed)s.",
                extension=extension or "?",
                allowed=allowed,
            ),
            "file",
        )
    if category not in CATEGORIES:
        raise DomainError(_("Choose what kind of evidence this is."), "category")
    limit = max_upload_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise DomainError(
            _("The file is larger than the limit of %(limit)d MB.", limit=limit // (1024 * 1024)),
            "file",
        )
    if not data:
        raise DomainError(_("The file is empty."), "file")
    content_type, signatures = ALLOWED_TYPES[extension]
    if not any(data.startswith(sig) for sig in signatures):
        raise DomainError(
            _(
                "The file's contents are not a .%(extension)s file; it was not accepted.",
                extension=extension,
            ),
            "file",
        )
    stored = secrets.token_hex(24)
    path = upload_dir() / stored
    path.write_bytes(data)
    attachment = Attachment(
        event_id=event.id if event is not None else None,
        practice_id=practice.id if practice is not None else None,
        action_id=action.id if action is not None else None,
        category=category,
        original_name=original,
        stored_name=stored,
        content_type=content_type,
        size_bytes=len(data),
        uploaded_by_id=getattr(user, "id", None),
    )
    db.session.add(attachment)
    try:
        db.session.flush()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name


def delete_attachment(attachment: Attachment) -> None:
    # The file stays on disk so that the removal can be undone from the history;
    # `flask activity purge` deletes it once the keeping time is over.
    db.session.delete(attachment)
    db.session.flush()
