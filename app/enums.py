"""Vocabularies stored as short strings, with the labels people read."""

from enum import StrEnum

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
        return {
            "kick_off": "Kick-off meeting",
            "thematic_event": "Thematic event",
            "study_visit": "Study visit",
            "import_workshop": "Import workshop",
            "local_event": "Local stakeholder event",
            "meeting": "Steering meeting",
            "other": "Other event",
        }[self.value]


class EventStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    HELD = "held"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class EventFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "online": "Online", "hybrid": "Hybrid"}[self.value]


class SessionKind(StrEnum):
    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    SITE_VISIT = "site_visit"
    PRESENTATION = "presentation"
    DISCUSSION = "discussion"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


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
            "identified": "Identified",
            "studied": "Studied",
            "import_workshop_held": "Import workshop held",
            "in_action_plan": "In the action plan",
            "implemented": "Implemented",
        }[self.value]


class PracticeRole(StrEnum):
    """What happened to a good practice at an event."""

    PRESENTED = "presented"
    STUDIED = "studied"
    IMPORT_WORKSHOP = "import_workshop"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"planned": "Planned", "in_progress": "In progress", "done": "Done"}[self.value]


class OutcomeKind(StrEnum):
    LESSON = "lesson"
    DECISION = "decision"
    FIGURE = "figure"


class Role(StrEnum):
    COORDINATOR = "coordinator"
    PARTNER = "partner"
    FUNDER = "funder"


def one_of(column: str, enum: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """A CHECK that keeps `column` inside the enum's values (portable across backends)."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=name or f"{column}_valid")
