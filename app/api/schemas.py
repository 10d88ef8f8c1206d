"""The API's request and response shapes (pydantic), from which the OpenAPI document is
generated. Lengths follow the database columns, so what the schema allows is stored."""

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.api.spec import Paging
from app.enums import EventFormat, EventKind, EventStatus, SessionKind, TransferStage

#: A wall-clock time where the event happens ("2026-03-05T10:00"), or a day ("2026-03-05")
#: for an all-day event. No offset: the zone is the event's.
LOCAL_TIME = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$"
PARTNER_CODE = r"^[A-Za-z0-9_-]{1,10}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Reading -------------------------------------------------------------------------


class PartnerOut(BaseModel):
    code: str
    name: str
    city: str
    country: str = Field(description="ISO 3166 code")
    timezone: str = Field(description="IANA zone")
    language: str
    is_lead: bool


class PartnerList(BaseModel):
    items: list[PartnerOut]


class ExpertOut(BaseModel):
    name: str
    function: str
    partner: str | None = Field(None, description="Partner code")


class SessionOut(BaseModel):
    id: int
    title: str
    kind: SessionKind
    description: str
    starts_at: datetime = Field(description="UTC")
    ends_at: datetime = Field(description="UTC")
    local_start: datetime = Field(description="In the event's zone, with its offset")
    local_end: datetime
    experts: list[ExpertOut]


class EventOut(BaseModel):
    id: int
    uid: str = Field(description="The UID of the event's entry in the iCal feeds")
    url: str
    kind: EventKind
    number: int | None
    title: str
    display_title: str
    description: str
    status: EventStatus
    format: EventFormat
    is_public: bool
    host: str = Field(description="Partner code of the host")
    participants: list[str] = Field(description="Partner codes, the host included")
    starts_at: datetime = Field(description="UTC")
    ends_at: datetime = Field(description="UTC; for an all-day event the midnight after")
    timezone: str = Field(description="IANA zone the event happens in")
    all_day: bool
    local_start: datetime = Field(description="In the event's zone, with its offset")
    local_end: datetime
    place: str
    location: str
    online_platform: str
    online_url: str | None = Field(None, description="Signed-in callers only")
    expected_attendance: int | None
    original_starts_at: datetime | None = Field(None, description="First planned start (UTC)")
    original_ends_at: datetime | None
    revision: int = Field(description="Goes up with every change calendars see (SEQUENCE)")
    version: int = Field(description="Send as If-Match to refuse lost updates")
    updated_at: datetime
    sessions: list[SessionOut]


class EventPage(BaseModel):
    items: list[EventOut]
    paging: Paging


class StageStep(BaseModel):
    stage: TransferStage
    happened_on: date
    event_id: int | None


class TransferOut(BaseModel):
    id: int
    practice_id: int
    practice: str
    owner: str = Field(description="Partner code of the practice's owner")
    importer: str = Field(description="Partner code of the partner taking it up")
    stage: TransferStage
    history: list[StageStep]


class TransferPage(BaseModel):
    items: list[TransferOut]
    paging: Paging


class PracticeOut(BaseModel):
    id: int
    title: str
    owner: str = Field(description="Partner code")
    theme: str
    location: str
    summary: str
    is_public: bool
    updated_at: datetime
    transfers: list[TransferOut]


class PracticePage(BaseModel):
    items: list[PracticeOut]
    paging: Paging


class SemesterOut(BaseModel):
    number: int
    start: date = Field(description="First day")
    last_day: date
    phase: str


class SemesterList(BaseModel):
    items: list[SemesterOut]


class IndicatorOut(BaseModel):
    code: str
    name: str
    unit: str
    target: float | None
    this_semester: float
    to_date: float


class IndicatorList(BaseModel):
    semester: int
    items: list[IndicatorOut]


# --- Query strings ---------------------------------------------------------------------


class PageQuery(BaseModel):
    # 100 events a page stay under 200 KB of JSON (docs/PERFORMANCE.md).
    limit: int = Field(50, ge=1, le=100, description="Items per page (at most 100)")
    cursor: str | None = Field(None, max_length=200, description="From the previous page")


class EventQuery(PageQuery):
    partner: str | None = Field(None, pattern=PARTNER_CODE, description="Hosting or taking part")
    kind: EventKind | None = None
    status: EventStatus | None = None
    semester: int | None = Field(None, ge=1, le=1000)
    updated_since: AwareDatetime | None = Field(None, description="ISO 8601 with an offset")
    when: Literal["all", "upcoming", "past"] = "all"


class PracticeQuery(PageQuery):
    partner: str | None = Field(None, pattern=PARTNER_CODE, description="The owner")
    updated_since: AwareDatetime | None = None


class TransferQuery(PageQuery):
    partner: str | None = Field(None, pattern=PARTNER_CODE, description="Owner or importer")
    stage: TransferStage | None = None


# --- Writing ---------------------------------------------------------------------------


class EventIn(Strict):
    kind: EventKind
    title: str = Field(min_length=1, max_length=200)
    host: str = Field(pattern=PARTNER_CODE, description="Partner code")
    start: str = Field(pattern=LOCAL_TIME, description="Local time in the event's zone, or a day")
    end: str = Field(pattern=LOCAL_TIME, description="Local time, or the last day (inclusive)")
    timezone: str | None = Field(None, max_length=64, description="IANA zone; default the host's")
    fold: Literal["earlier", "later"] | None = Field(
        None, description="For a time that happens twice (clocks going back)"
    )
    participants: list[str] = Field(default_factory=list, max_length=50)
    number: int | None = Field(None, ge=1, le=1000)
    format: EventFormat = EventFormat.IN_PERSON
    status: Literal["planned", "confirmed"] = "planned"
    is_public: bool = True
    description: str = Field("", max_length=20000)
    location: str = Field("", max_length=300)
    online_platform: str = Field("", max_length=80)
    online_url: str = Field("", max_length=500)
    expected_attendance: int | None = Field(None, ge=0, le=100000)


class EventChange(Strict):
    kind: EventKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    start: str | None = Field(None, pattern=LOCAL_TIME)
    end: str | None = Field(None, pattern=LOCAL_TIME)
    fold: Literal["earlier", "later"] | None = None
    participants: list[str] | None = Field(None, max_length=50)
    number: int | None = Field(None, ge=1, le=1000)
    format: EventFormat | None = None
    status: Literal["planned", "confirmed"] | None = None
    is_public: bool | None = None
    description: str | None = Field(None, max_length=20000)
    location: str | None = Field(None, max_length=300)
    online_platform: str | None = Field(None, max_length=80)
    online_url: str | None = Field(None, max_length=500)
    expected_attendance: int | None = Field(None, ge=0, le=100000)
    outside_sessions: Literal["remove", "keep"] | None = Field(
        None, description="Sessions the new dates leave out: remove them, or keep them"
    )


class PostponeIn(Strict):
    start: str | None = Field(
        None, pattern=LOCAL_TIME, description="New start; none: to be decided"
    )
    end: str | None = Field(None, pattern=LOCAL_TIME)
    fold: Literal["earlier", "later"] | None = None
    outside_sessions: Literal["remove", "keep"] | None = None


class SessionIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    kind: SessionKind = SessionKind.SEMINAR
    start: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
    end: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
    fold: Literal["earlier", "later"] | None = None
    description: str = Field("", max_length=20000)


class EventWritten(BaseModel):
    event: EventOut
    warnings: list[str] = Field(
        description="What the form would have asked about first: overlaps, holidays, periods"
    )


class SessionWritten(BaseModel):
    session: SessionOut
    event: EventOut
