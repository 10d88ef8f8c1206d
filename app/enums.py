"""Vocabularies stored as short strings, with the labels people read.

The database keeps the codes ("study_visit"); `.label` is the code in words, in the
language of the page (or of `flask_babel.force_locale`, for feeds and reports; English
outside a request). It is a plain `str`, translated when read: build form choices from it
when the form is made (`choices=lambda: ...`), not at import time. A context (pgettext)
where the same English word takes other words or endings in other languages: a "Planned"
event is "Pianificato", a "Planned" action "Pianificata".
"""

from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import CheckConstraint


class EventKind(StrEnum):
    KICK_OFF = "kick_off"
    THEMATIC_EVENT = "thematic_event"
    STUDY_VISIT = "study_visit"
    IMPORT_WORKSHOP = "import_workshop"
    LOCAL_EVENT = "local_event"
    MEETING = "meeting"
    OTHER = "other"

    @property
    def label(self) -> str:
        # Only the label asked for is translated (lists show one per row).
        return {
            "kick_off": lambda: _("Kick-off meeting"),
            "thematic_event": lambda: _("Thematic event"),
            "study_visit": lambda: _("Study visit"),
            "import_workshop": lambda: _("Import workshop"),
            "local_event": lambda: _("Local stakeholder event"),
            "meeting": lambda: _("Steering meeting"),
            "other": lambda: _("Other event"),
        }[self.value]()


class EventStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    HELD = "held"

    @property
    def label(self) -> str:
        # Only the label asked for is translated (lists show one per row).
        return {
            "planned": lambda: pgettext("event status", "Planned"),
            "confirmed": lambda: pgettext("event status", "Confirmed"),
            "postponed": lambda: pgettext("event status", "Postponed"),
            "cancelled": lambda: pgettext("event status", "Cancelled"),
            "held": lambda: pgettext("event status", "Held"),
        }[self.value]()


class EventFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return {
            "in_person": pgettext("event format", "In person"),
            "online": pgettext("event format", "Online"),
            "hybrid": pgettext("event format", "Hybrid"),
        }[self.value]


class SessionKind(StrEnum):
    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    SITE_VISIT = "site_visit"
    PRESENTATION = "presentation"
    DISCUSSION = "discussion"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "seminar": pgettext("session kind", "Seminar"),
            "workshop": pgettext("session kind", "Workshop"),
            "site_visit": pgettext("session kind", "Site visit"),
            "presentation": pgettext("session kind", "Presentation"),
            "discussion": pgettext("session kind", "Discussion"),
            "other": pgettext("session kind", "Other"),
        }[self.value]


class TransferStage(StrEnum):
    """Ordered: a transfer moves forward through these."""

    IDENTIFIED = "identified"
    STUDIED = "studied"
    IMPORT_WORKSHOP_HELD = "import_workshop_held"
    IN_ACTION_PLAN = "in_action_plan"
    IMPLEMENTED = "implemented"

    @property
    def rank(self) -> int:
        return list(TransferStage).index(self)

    @property
    def label(self) -> str:
        return {
            "identified": pgettext("transfer stage", "Identified"),
            "studied": pgettext("transfer stage", "Studied"),
            "import_workshop_held": pgettext("transfer stage", "Import workshop held"),
            "in_action_plan": pgettext("transfer stage", "In the action plan"),
            "implemented": pgettext("transfer stage", "Implemented"),
        }[self.value]


class PracticeRole(StrEnum):
    """What happened to a good practice at an event."""

    PRESENTED = "presented"
    STUDIED = "studied"
    IMPORT_WORKSHOP = "import_workshop"

    @property
    def label(self) -> str:
        return {
            "presented": pgettext("practice at an event", "Presented"),
            "studied": pgettext("practice at an event", "Studied"),
            "import_workshop": pgettext("practice at an event", "Worked on in an import workshop"),
        }[self.value]


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {
            "planned": pgettext("action status", "Planned"),
            "in_progress": pgettext("action status", "In progress"),
            "done": pgettext("action status", "Done"),
        }[self.value]


class OutcomeKind(StrEnum):
    LESSON = "lesson"
    DECISION = "decision"
    FIGURE = "figure"

    @property
    def label(self) -> str:
        return {
            "lesson": pgettext("outcome kind", "Lesson learned"),
            "decision": pgettext("outcome kind", "Decision"),
            "figure": pgettext("outcome kind", "Indicator figure"),
        }[self.value]


class Role(StrEnum):
    COORDINATOR = "coordinator"
    PARTNER = "partner"
    FUNDER = "funder"

    @property
    def label(self) -> str:
        return {
            "coordinator": pgettext("account role", "Coordinator"),
            "partner": pgettext("account role", "Partner editor"),
            "funder": pgettext("account role", "Funder"),
        }[self.value]


class PersonKind(StrEnum):
    """Who a person is to the partnership: a partner's staff, an expert, a local stakeholder."""

    STAFF = "staff"
    EXPERT = "expert"
    STAKEHOLDER = "stakeholder"

    @property
    def label(self) -> str:
        return {
            "staff": pgettext("person kind", "Staff"),
            "expert": pgettext("person kind", "Expert"),
            "stakeholder": pgettext("person kind", "Local stakeholder"),
        }[self.value]


class RegistrationStatus(StrEnum):
    """A delegation member's place: within the capacity, or on the waiting list."""

    REGISTERED = "registered"
    WAITING = "waiting"

    @property
    def label(self) -> str:
        return {
            "registered": pgettext("registration status", "Registered"),
            "waiting": pgettext("registration status", "On the waiting list"),
        }[self.value]


class AttendanceSource(StrEnum):
    """Where a partner's attendance figures come from."""

    HEAD_COUNT = "head_count"  # typed by hand, no names recorded
    CHECK_IN = "check_in"  # counted from the people checked in

    @property
    def label(self) -> str:
        return {
            "head_count": pgettext("attendance source", "Head count"),
            "check_in": pgettext("attendance source", "From check-in"),
        }[self.value]


def one_of(column: str, enum: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """A CHECK that keeps `column` inside the enum's values (portable across backends)."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=name or f"{column}_valid")
