"""Project, partners, people and venues."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.db_types import UTCDateTime
from app.enums import PersonKind, one_of
from app.errors import DomainError, UnknownPeriod
from app.extensions import db
from app.formatting import format_long_date, format_money
from app.holidays.regions import region_code
from app.partners.periods import ReportingPeriod, add_months
from app.timezones import zone

SEMESTER_MONTHS = 6


class Project(db.Model):
    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    acronym: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date]
    website: Mapped[str | None] = mapped_column(String(300))

    phases: Mapped[list["Phase"]] = relationship(
        back_populates="project", order_by="Phase.number", cascade="all, delete-orphan"
    )
    partners: Mapped[list["Partner"]] = relationship(
        back_populates="project", order_by="Partner.code"
    )

    @property
    def end_date(self) -> date:
        """Day after the last day of the last phase."""
        return max((p.end_date for p in self.phases), default=add_months(self.start_date, 6))

    def periods(self) -> list[ReportingPeriod]:
        """Semesters: six months each from the start date, to the end of the last phase."""
        periods = []
        start, number = self.start_date, 1
        while start < self.end_date:
            end = min(add_months(start, SEMESTER_MONTHS), self.end_date)
            periods.append(ReportingPeriod(number, start, end, self._phase_name(start)))
            start, number = end, number + 1
        return periods

    def period(self, number: int) -> ReportingPeriod:
        for period in self.periods():
            if period.number == number:
                return period
        raise UnknownPeriod(
            _(
                "%(project)s has no semester %(number)s: its semesters are 1 to %(last)d.",
                project=self.acronym,
                number=number,
                last=len(self.periods()),
            ),
            field="period",
        )

    def period_for(self, day: date) -> ReportingPeriod:
        for period in self.periods():
            if period.contains(day):
                return period
        raise UnknownPeriod(
            _(
                "%(day)s is outside %(project)s's reporting periods (%(first)s to %(end)s).",
                day=format_long_date(day),
                project=self.acronym,
                first=format_long_date(self.start_date),
                end=format_long_date(self.end_date),
            ),
            field="period",
        )

    def _phase_name(self, day: date) -> str:
        for phase in self.phases:
            if phase.start_date <= day < phase.end_date:
                return phase.name
        return ""


class Phase(db.Model):
    __tablename__ = "phase"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint("end_date > start_date", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date]
    end_date: Mapped[date]  # day after the last day

    project: Mapped[Project] = relationship(back_populates="phases")


class Partner(db.Model):
    __tablename__ = "partner"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        CheckConstraint("length(country) = 2", name="country_iso2"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(12))
    is_lead: Mapped[bool] = mapped_column(default=False)
    # Where public holidays differ by region: the `holidays` library's subdivision code of
    # the country (ISO 3166-2 without the country, "ENG"; Italy's provinces, "GE"); None
    # where the country's holidays are national or the partner has not said.
    region: Mapped[str | None] = mapped_column(String(20))

    project: Mapped[Project] = relationship(back_populates="partners")
    people: Mapped[list["Person"]] = relationship(back_populates="partner", order_by="Person.name")

    @validates("timezone")
    def _check_timezone(self, _key: str, value: str) -> str:
        zone(value)
        return value

    @validates("country")
    def _check_country(self, _key: str, value: str) -> str:
        if len(value or "") != 2 or not value.isalpha():
            raise DomainError(
                _("Country must be a two-letter ISO code, not %(value)s.", value=repr(value)),
                "country",
            )
        if self.region:
            region_code(value.upper(), self.region)  # a region given first must fit
        return value.upper()

    @validates("region")
    def _check_region(self, _key: str, value: str | None) -> str | None:
        """The library's code for the region (checked again when the country is set)."""
        if self.country is None:
            return (value or "").strip() or None
        return region_code(self.country, value)

    def __str__(self) -> str:
        return self.city


#: The name an erased person is shown by (stored in English, translated when read).
FORMER_PARTICIPANT = "former participant"


class Person(db.Model):
    """Someone from a partner: its staff, an expert or a local stakeholder.

    Name, organisation and function are shown to signed-in users (names and functions of
    experts also publicly, on agendas); e-mail and phone are never rendered on a page, a
    feed or a report. Erasing a person keeps the row (so counts stay) without their data.
    """

    __tablename__ = "person"
    __table_args__ = (one_of("kind", PersonKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    function: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(
        String(20), default=PersonKind.STAFF.value, server_default=PersonKind.STAFF.value
    )
    email: Mapped[str | None] = mapped_column(String(254))  # private
    phone: Mapped[str | None] = mapped_column(String(40))  # private
    # Language of the e-mails they get; None: their partner's.
    language: Mapped[str | None] = mapped_column(String(8))
    wants_email: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    # A partner's contact people hear of every change to the events their partner takes part in.
    is_contact: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(server_default="1")
    __mapper_args__ = {"version_id_col": version}

    partner: Mapped[Partner] = relationship(back_populates="people")

    @property
    def kind_enum(self) -> PersonKind:
        return PersonKind(self.kind)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def display_name(self) -> str:
        """The name as shown: "former participant" (translated) once erased."""
        return _("former participant") if self.is_erased else self.name

    @property
    def mail_language(self) -> str:
        return self.language or self.partner.language


class Venue(db.Model):
    __tablename__ = "venue"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("price_per_hour IS NULL OR price_per_hour >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None]
    area_m2: Mapped[int | None]
    bookable_hours: Mapped[str] = mapped_column(String(120), default="")
    price_per_hour: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # Booking sites often give the lowest rate ("from €50.00 per hour"), not the rate.
    price_is_minimum: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    currency: Mapped[str] = mapped_column(String(3), default="EUR")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    @property
    def price_words(self) -> str:
        """'from €50.00 per hour' (the lowest rate), '€50.00 per hour', or ''."""
        if self.price_per_hour is None:
            return ""
        price = format_money(self.price_per_hour, self.currency)
        if self.price_is_minimum:
            # Translators: a venue's lowest hourly rate, "from €50.00 per hour".
            return _("from %(price)s per hour", price=price)
        # Translators: a venue's hourly rate, "€50.00 per hour".
        return _("%(price)s per hour", price=price)


class SemesterPlan(db.Model):
    """How many events of a kind the partnership plans for a semester."""

    __tablename__ = "semester_plan"
    __table_args__ = (
        UniqueConstraint("project_id", "period_number", "kind"),
        CheckConstraint("planned_count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    period_number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    planned_count: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship()
