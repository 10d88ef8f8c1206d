"""Forms of the events screens. Dates are typed in the event's own time zone."""

from datetime import datetime
from zoneinfo import available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.enums import EventFormat, EventKind, EventStatus, SessionKind
from app.errors import DomainError
from app.events.services import KEEP_OUTSIDE, REMOVE_OUTSIDE
from app.input_rules import db_id
from app.timezones import FOLDS, RepeatedTime, choose_fold, repeated_hour

_ZONES: list[str] | None = None


def zone_choices() -> list[tuple[str, str]]:
    global _ZONES
    if _ZONES is None:
        _ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc"))
        _ZONES.append("UTC")
    return [(z, z.replace("_", " ")) for z in _ZONES]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WhenMixin:
    """Start and end as dates with optional times; no times make an all-day event."""

    # Shown only when a time given happens twice (the night the clocks go back).
    fold = RadioField(
        _l("This time happens twice: which one?"),
        choices=[("earlier", _l("The earlier")), ("later", _l("The later"))],
        validators=[Optional()],
        validate_choice=False,
    )

    def when(self):
        """(start, end) as datetimes when times are given, else dates; None if not given."""
        sd, st = self.start_date.data, self.start_time.data
        ed, et = self.end_date.data, self.end_time.data
        if sd is None:
            return None, None
        ed = ed or sd
        if st is None and et is None:
            return sd, ed
        fold = FOLDS.get(self.fold.data or "", 0)
        start = datetime.combine(sd, st or et).replace(fold=fold)
        return start, datetime.combine(ed, et or st).replace(fold=fold)

    def check_repeated(self, zone_name: str) -> bool:
        """Ask "the earlier or the later?" when a time given happens twice in `zone_name`."""
        start, end = self.when()
        if not isinstance(start, datetime):
            return True
        try:
            for wall in (start, end):
                labels = repeated_hour(wall, zone_name)
                if labels:
                    self.fold.choices = [
                        # Translators: the first of two occurrences of a time the night the
                        # clocks go back; %(zone)s is "CEST, UTC+2".
                        ("earlier", _("The earlier (%(zone)s)", zone=labels[0])),
                        ("later", _("The later (%(zone)s)", zone=labels[1])),
                    ]
                    choose_fold(wall, zone_name, self.fold.data or None, "fold")
        except RepeatedTime as exc:
            self.fold.errors = [*self.fold.errors, exc.message]
            return False
        except DomainError:
            return True  # an unknown zone: the service says so
        return True

    def fill_fold(self, zone_name: str, *moments: datetime) -> None:
        """Keep which of the two a stored time is, so saving the form unchanged keeps it."""
        for local in moments:
            if repeated_hour(local.replace(tzinfo=None), zone_name):
                self.fold.data = "later" if local.fold else "earlier"
                return

    def check_when(self, required: bool = True) -> bool:
        sd, st, ed, et = self.start_date, self.start_time, self.end_date, self.end_time
        ok = True
        if sd.data is None and required and not sd.errors:
            sd.errors.append(_("Give the first day."))
            ok = False
        if (st.data is None) != (et.data is None) and not (st.errors or et.errors):
            (et if et.data is None else st).errors.append(
                _("Give both a start and an end time, or neither for an all-day event.")
            )
            ok = False
        if ok and sd.data is not None:
            start, end = self.when()
            if end < start or (isinstance(end, datetime) and end == start):
                (ed if ed.data and ed.data < sd.data else et).errors.append(
                    _("The end is before the start.")
                )
                ok = False
        return ok


def agenda_field() -> RadioField:
    """Asked only when new dates would leave sessions outside the event (the service says)."""
    return RadioField(
        _l("What should happen to these sessions?"),
        choices=[
            (REMOVE_OUTSIDE, _l("Remove these sessions")),
            (
                KEEP_OUTSIDE,
                _l(
                    "Keep them at the same hours on the last day (the first day, for "
                    "sessions before the new start)"
                ),
            ),
        ],
        validate_choice=False,
    )


class EventForm(WhenMixin, FlaskForm):
    kind = SelectField(_l("Kind"), choices=lambda: [(k.value, k.label) for k in EventKind])
    number = IntegerField(
        _l("Number (for a numbered thematic event)"),
        validators=[Optional(), NumberRange(min=1, max=999)],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    host = SelectField(_l("Host partner"), coerce=db_id)
    participants = MultiCheckboxField(_l("Visiting partners"), coerce=db_id)
    timezone = SelectField(_l("Time zone of the dates below"), choices=[])
    start_date = DateField(_l("First day"), validators=[Optional()])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    end_date = DateField(_l("Last day"), validators=[Optional()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    format = SelectField(_l("Format"), choices=lambda: [(f.value, f.label) for f in EventFormat])
    venue = SelectField(_l("Venue"), coerce=db_id, validators=[Optional()])
    location = StringField(_l("Place (when no venue)"), validators=[Optional(), Length(max=300)])
    online_platform = StringField(_l("Online platform"), validators=[Optional(), Length(max=80)])
    online_url = URLField(
        _l("Meeting link"),
        validators=[Optional(), URL(message=_l("Give a full link, https://...")), Length(max=500)],
    )
    expected_attendance = IntegerField(
        _l("Expected attendance"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    is_public = BooleanField(_l("Published in the public programme"), default=True)
    agenda = agenda_field()
    version = HiddenField()
    save = SubmitField(_l("Save"))
    save_anyway = SubmitField(_l("Save anyway"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices()

    def validate_timezone(self, field):
        if field.data and field.data not in {z for z, _ in zone_choices()}:
            raise ValidationError(_("Pick a time zone from the list."))


class PostponeForm(WhenMixin, FlaskForm):
    start_date = DateField(_l("New first day"), validators=[Optional()])
    start_time = TimeField(_l("New start time"), validators=[Optional()])
    end_date = DateField(_l("New last day"), validators=[Optional()])
    end_time = TimeField(_l("New end time"), validators=[Optional()])
    agenda = agenda_field()
    version = HiddenField()
    submit = SubmitField(_l("Postpone"))
    save_anyway = SubmitField(_l("Postpone anyway"))


class MoveOnlineForm(FlaskForm):
    online_platform = StringField(_l("Online platform"), validators=[Optional(), Length(max=80)])
    online_url = URLField(
        _l("Meeting link"),
        validators=[Optional(), URL(message=_l("Give a full link, https://...")), Length(max=500)],
    )
    version = HiddenField()
    submit = SubmitField(_l("Move online"))


class StatusForm(FlaskForm):
    """Cancel or mark held: a button, with the version the page was loaded at."""

    version = HiddenField()


class SessionForm(WhenMixin, FlaskForm):
    title = StringField(_l("Session title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=lambda: [(k.value, k.label) for k in SessionKind])
    description = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    start_date = DateField(_l("Day"), validators=[Optional()])
    start_time = TimeField(_l("From"), validators=[Optional()])
    end_date = DateField(_l("Until day (if later)"), validators=[Optional()])
    end_time = TimeField(_l("Until"), validators=[Optional()])
    experts = MultiCheckboxField(_l("Experts"), coerce=db_id)
    version = HiddenField()  # the event's when adding, the session's when editing
    submit = SubmitField(_l("Add session"))

    def check_times(self) -> bool:
        ok = self.check_when()
        if ok and (self.start_time.data is None or self.end_time.data is None):
            self.start_time.errors.append(_("Give the session's start and end times."))
            ok = False
        return ok


class AttendanceForm(FlaskForm):
    staff_count = IntegerField(
        _l("Staff"),
        validators=[InputRequired(message=_l("Give a number.")), NumberRange(min=0, max=10_000)],
    )
    stakeholder_count = IntegerField(
        _l("Local stakeholders"),
        validators=[InputRequired(message=_l("Give a number.")), NumberRange(min=0, max=10_000)],
    )
    version = HiddenField()  # the event's: every attendance save raises it
    submit = SubmitField(_l("Save attendance"))


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF on a GET)."""

    class Meta:
        csrf = False

    kind = SelectField(
        _l("Kind"),
        choices=lambda: [("", _("Any kind"))] + [(k.value, k.label) for k in EventKind],
    )
    partner = SelectField(_l("Partner"), choices=lambda: [("", _("Any partner"))])
    status = SelectField(
        _l("Status"),
        choices=lambda: [("", _("Any status"))] + [(s.value, s.label) for s in EventStatus],
    )
    semester = SelectField(_l("Semester"), choices=lambda: [("", _("Any semester"))])
    when = SelectField(
        _l("When"),
        choices=[("upcoming", _l("Upcoming")), ("past", _l("Past")), ("all", _l("All dates"))],
        default="upcoming",
    )
    q = StringField(_l("Search events"), validators=[Optional(), Length(max=200)])
