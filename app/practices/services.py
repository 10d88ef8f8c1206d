"""Good practices and their transfers: the logic that views, CLI and other areas call.

Every function validates first and raises DomainError before anything is written; none
commits (the caller commits, as with app.events.services.create_event).
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.db_types import utcnow
from app.enums import EventKind, EventStatus, PracticeRole, TransferStage
from app.errors import DomainError
from app.extensions import db
from app.formatting import format_date
from app.input_rules import db_id, one_line, web_address
from app.partners.models import Partner, Project
from app.practices.models import GoodPractice, PracticeEvent, Transfer, TransferStageChange
from app.upserts import flush_unique, save_pair
from app.versioning import bump, check_version

TITLE_MAX = 100  # the programme's limit for a good practice's title
TEXT_FIELDS = (
    "theme",
    "location",
    "summary",
    "problem",
    "resources",
    "evidence_of_success",
    "transfer_potential",
)
SHORT_LIMITS = {"theme": 120, "location": 200}


def _partner_of(project: Project, partner_id) -> Partner:
    try:
        partner = db.session.get(Partner, db_id(partner_id))
    except (TypeError, ValueError):
        partner = None
    if partner is None or partner.project_id != project.id:
        raise DomainError(_("Choose a partner of this project."), "owner_partner_id")
    return partner


def _links(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines:
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DomainError(
                _(
                    "“%(line)s” is not a web address: give one http(s):// address per line.",
                    line=one_line(line),
                ),
                "links",
            )
        web_address(line, "links", f"“{one_line(line)}”")
    return "\n".join(lines)


def save_practice(
    project: Project,
    data: dict,
    practice: GoodPractice | None = None,
    *,
    seen_version: str | None = None,
) -> GoodPractice:
    """Create (practice None) or update a good practice from form data; an edit form passes
    the version it was loaded at (see app.versioning)."""
    if practice is not None and seen_version is not None:
        check_version(practice, seen_version)
    title = one_line(data.get("title"))
    if not title:
        raise DomainError(_("A good practice needs a title."), "title")
    if len(title) > TITLE_MAX:
        raise DomainError(
            ngettext(
                "The title has %(num)d character; the programme allows at most %(limit)d.",
                "The title has %(num)d characters; the programme allows at most %(limit)d.",
                len(title),
                limit=TITLE_MAX,
            ),
            "title",
        )
    owner = _partner_of(project, data.get("owner_partner_id"))
    values = {}
    for name in TEXT_FIELDS:
        value = (data.get(name) or "").strip()
        limit = SHORT_LIMITS.get(name)
        if limit and len(value) > limit:
            raise DomainError(_("At most %(limit)d characters.", limit=limit), name)
        values[name] = value
    started_on, ended_on = data.get("started_on"), data.get("ended_on")
    for name, value in (("started_on", started_on), ("ended_on", ended_on)):
        if value is not None and not isinstance(value, date):
            raise DomainError(_("Give a date as YYYY-MM-DD."), name)
    if started_on and ended_on and ended_on < started_on:
        raise DomainError(_("The end date is before the start date."), "ended_on")
    links = _links(data.get("links", ""))
    if practice is None:
        practice = GoodPractice(project=project)
        db.session.add(practice)
    practice.title = title
    practice.owner = owner
    for name, value in values.items():
        setattr(practice, name, value)
    practice.started_on, practice.ended_on = started_on, ended_on
    practice.links = links
    practice.is_public = bool(data.get("is_public", True))
    db.session.flush()
    return practice


def link_practice_to_event(
    practice: GoodPractice, event, role: str, *, seen_version: str | None = None
) -> PracticeEvent:
    """Record that a practice was presented, studied or worked on at an event.

    The form carries the event's version; the link raises it, so of two simultaneous links
    from pages loaded at the same version only one is saved. Saved with `save_pair`, so the
    pair never collides on its key.
    """
    if seen_version is not None:
        check_version(event, seen_version, form=False)
    try:
        role = PracticeRole(role).value
    except ValueError:
        raise DomainError(_("Choose presented, studied or import workshop."), "role") from None
    if practice.project_id != event.project_id:
        raise DomainError(_("That practice belongs to another project."), "practice_id")
    db.session.flush()
    link = save_pair(
        PracticeEvent, {"practice_id": practice.id, "event_id": event.id}, {"role": role}
    )
    bump(event)
    db.session.expire(practice, ["event_links"])
    return link


def create_transfer(
    practice: GoodPractice,
    importer: Partner,
    *,
    user=None,
    reason: str = "",
    event=None,
    action=None,
    stage: str = TransferStage.IDENTIFIED.value,
    happened_on: date | None = None,
) -> Transfer:
    """A practice taken up by an importing partner, starting at `stage` on `happened_on`
    (default: the event's day, else today)."""
    if importer.id == practice.owner_partner_id:
        raise DomainError(
            _(
                "%(city)s owns “%(title)s”: a partner cannot import its own practice.",
                city=importer.city,
                title=practice.title,
            ),
            "importer_partner_id",
        )
    if importer.project_id != practice.project_id:
        raise DomainError(_("The importing partner belongs to another project."), "importer")
    existing = db.session.scalar(
        select(Transfer).where(
            Transfer.practice_id == practice.id, Transfer.importer_partner_id == importer.id
        )
    )
    if existing is not None:
        raise DomainError(
            _("%(city)s already imports this practice.", city=importer.city), "importer"
        )
    stage = _stage(stage)
    day = _step_date(practice.project, happened_on, event)
    transfer = Transfer(practice=practice, importer=importer, stage=stage.value)
    transfer.history.append(
        TransferStageChange(
            stage=stage.value,
            event=event,
            action=action,
            reason=reason.strip(),
            changed_by_id=getattr(user, "id", None),
            happened_on=day,
        )
    )
    db.session.add(transfer)
    flush_unique(_("%(city)s already imports this practice.", city=importer.city), "importer")
    return transfer


def today() -> date:
    """Today on the partnership's common clock (UTC, as reporting periods are read)."""
    return utcnow().date()


def default_step_date(project: Project) -> date:
    """What a stage form offers: today, or the project's last day once it is over."""
    return max(min(today(), project.end_date - timedelta(days=1)), project.start_date)


def _step_date(project: Project, happened_on, event=None) -> date:
    """The day a step happened: the day given (within the project, never in the future),
    else the day of the event that moved it (so semester reports count it in the event's
    semester, whenever it was recorded), else today."""
    if happened_on is None:
        if event is not None and event.starts_at:
            return min(event.local_start.date(), today())
        return today()
    if not isinstance(happened_on, date) or isinstance(happened_on, datetime):
        raise DomainError(_("Give the date as YYYY-MM-DD."), "happened_on")
    if happened_on > today():
        raise DomainError(
            _(
                "%(date)s is in the future: date a step once it has happened.",
                date=format_date(happened_on),
            ),
            "happened_on",
        )
    if not project.start_date <= happened_on < project.end_date:
        last = project.end_date - timedelta(days=1)
        raise DomainError(
            _(
                "%(date)s is outside %(project)s (%(first)s to %(last)s).",
                date=format_date(happened_on),
                project=project.acronym,
                first=format_date(project.start_date),
                last=format_date(last),
            ),
            "happened_on",
        )
    return happened_on


def _latest_step(transfer: Transfer) -> TransferStageChange | None:
    dated = [c for c in transfer.history if c.happened_on is not None]
    return max(dated, key=lambda c: c.happened_on, default=None)


def _stage(value) -> TransferStage:
    try:
        return TransferStage(value)
    except ValueError:
        raise DomainError(_("Unknown stage %(stage)s.", stage=repr(value)), "stage") from None


def advance(
    transfer: Transfer,
    stage,
    *,
    event=None,
    action=None,
    reason: str = "",
    user=None,
    happened_on: date | None = None,
) -> bool:
    """Move a transfer to `stage` on `happened_on`, keeping the history. Returns False when
    it is already there. Going backwards needs a reason (a correction); otherwise it is
    refused.

    The history stays in the order things happened: a date before the transfer's latest
    step is refused. A step an event brings (no date given) is dated at the event, but
    never before the latest step, so the current stage is always the latest one.
    """
    stage = _stage(stage)
    reason = (reason or "").strip()
    current = transfer.stage_enum
    day = _step_date(transfer.practice.project, happened_on, event)
    latest = _latest_step(transfer)
    if latest is not None and day < latest.happened_on:
        if happened_on is not None:
            raise DomainError(
                _(
                    "The latest step of this transfer, “%(stage)s”, is dated %(date)s: "
                    "date this one on or after it.",
                    stage=TransferStage(latest.stage).label,
                    date=format_date(latest.happened_on),
                ),
                "happened_on",
            )
        day = latest.happened_on
    if stage == current:
        return False
    if stage.rank < current.rank and not reason:
        raise DomainError(
            _(
                "“%(title)s” in %(city)s is already at “%(current)s”; moving it back to "
                "“%(stage)s” needs a reason.",
                title=transfer.practice.title,
                city=transfer.importer.city,
                current=current.label,
                stage=stage.label,
            ),
            "reason",
        )
    transfer.stage = stage.value
    transfer.history.append(
        TransferStageChange(
            stage=stage.value,
            event=event,
            action=action,
            reason=reason,
            changed_by_id=getattr(user, "id", None),
            happened_on=day,
        )
    )
    db.session.flush()
    return True


def set_stage_by_coordinator(
    transfer: Transfer,
    stage,
    reason: str,
    user=None,
    happened_on: date | None = None,
    *,
    seen_version: str | None = None,
) -> bool:
    """A coordinator's decision: any stage, always with a reason, dated when it happened."""
    if seen_version is not None:
        check_version(transfer, seen_version, form=False)
    if not (reason or "").strip():
        raise DomainError(_("Say why the stage is set by hand."), "reason")
    return advance(transfer, stage, reason=reason, user=user, happened_on=happened_on)


def _forward_to(transfer: Transfer, stage: TransferStage, **kwargs) -> bool:
    """Advance only when it moves the transfer forward (events never move one back)."""
    if stage.rank <= transfer.stage_enum.rank:
        return False
    return advance(transfer, stage, **kwargs)


def _transfer_for(practice: GoodPractice, importer: Partner) -> Transfer | None:
    for transfer in practice.transfers:
        if transfer.importer_partner_id == importer.id:
            return transfer
    return None


def event_stage(event, role: str) -> TransferStage | None:
    """The stage a held event gives the practices linked to it, by their role there."""
    if role == PracticeRole.IMPORT_WORKSHOP or (
        event.kind == EventKind.IMPORT_WORKSHOP and role != PracticeRole.PRESENTED
    ):
        return TransferStage.IMPORT_WORKSHOP_HELD
    if role == PracticeRole.STUDIED:
        return TransferStage.STUDIED
    return None  # presented only: no partner has taken it up yet


def on_event_held(event, user=None) -> list[Transfer]:
    """An event was held: move on the transfers of the practices it studied or worked on.

    For each practice linked to the event as studied (a study visit) or as an import
    workshop's subject, every partner taking part (participants and host) other than the
    practice's owner gets its transfer created or advanced to "studied" or "import
    workshop held", with the event in the history. Never moves a transfer back. Adds to
    the session; the caller commits. Returns the transfers that changed. Call it after
    setting `event.status` to "held"; for an event not held it changes nothing.
    """
    if event.status != EventStatus.HELD:
        return []
    links = db.session.scalars(
        select(PracticeEvent).where(PracticeEvent.event_id == event.id)
    ).all()
    importers = {p.id: p for p in event.participants}
    importers.setdefault(event.host_partner_id, event.host)
    changed = []
    for link in links:
        stage = event_stage(event, link.role)
        if stage is None:
            continue
        practice = link.practice
        for importer in importers.values():
            if importer.id == practice.owner_partner_id:
                continue
            transfer = _transfer_for(practice, importer)
            if transfer is None:
                transfer = create_transfer(practice, importer, user=user, event=event, stage=stage)
                changed.append(transfer)
            elif _forward_to(transfer, stage, event=event, user=user):
                changed.append(transfer)
    return changed


def on_action_saved(action, user=None) -> Transfer | None:
    """An action plan includes a practice (Action.inspired_by_practice): the importing
    partner's transfer is created or advanced to "in the action plan"."""
    practice = action.inspired_by_practice
    if practice is None:
        return None
    importer = action.group.plan.partner
    if importer.id == practice.owner_partner_id:
        return None  # a partner's own practice in its own plan is not a transfer
    transfer = _transfer_for(practice, importer)
    if transfer is None:
        return create_transfer(
            practice,
            importer,
            user=user,
            action=action,
            stage=TransferStage.IN_ACTION_PLAN,
        )
    _forward_to(transfer, TransferStage.IN_ACTION_PLAN, action=action, user=user)
    return transfer
