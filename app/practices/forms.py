"""Forms of the practices area. They parse; the services decide what is valid."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.enums import PracticeRole, TransferStage
from app.input_rules import db_id
from app.versioning import VersionField

#: What happened to a good practice at an event, as the pages name it.
ROLE_LABELS = {
    PracticeRole.PRESENTED.value: _l("Presented"),
    PracticeRole.STUDIED.value: _l("Studied"),
    PracticeRole.IMPORT_WORKSHOP.value: _l("Import workshop"),
}


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the select options WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def _stage_choices() -> list[SelectChoice]:
    # Read when a form is made, so the labels are in the reader's language.
    return options((s.value, s.label) for s in TransferStage)


def _role_choices() -> list[SelectChoice]:
    return options(
        [
            (PracticeRole.PRESENTED.value, _l("Presented")),
            (PracticeRole.STUDIED.value, _l("Studied")),
            (PracticeRole.IMPORT_WORKSHOP.value, _l("Worked on in an import workshop")),
        ]
    )


class PracticeForm(FlaskForm):
    title = StringField(_l("Title (at most 100 characters)"))
    owner_partner_id = SelectField(_l("Owner partner (main institution)"), coerce=db_id)
    location = StringField(_l("Location (city, region, country)"))
    theme = StringField(_l("Theme"))
    summary = TextAreaField(_l("Summary"))
    problem = TextAreaField(_l("Problem it solves"))
    resources = TextAreaField(_l("Resources needed"))
    evidence_of_success = TextAreaField(_l("Evidence of success"))
    transfer_potential = TextAreaField(_l("Potential for learning or transfer"))
    started_on = DateField(_l("Started on"), validators=[Optional()])
    ended_on = DateField(_l("Ended on (empty if ongoing)"), validators=[Optional()])
    links = TextAreaField(_l("Links (one web address per line)"))
    is_public = BooleanField(_l("Public (visible without signing in)"), default=True)
    version = VersionField()


class TransferForm(FlaskForm):
    importer_partner_id = SelectField(_l("Importing partner"), coerce=db_id)
    happened_on = DateField(_l("Taken up on"), validators=[Optional()])


class StageForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=_stage_choices)
    reason = TextAreaField(_l("Reason"))
    version = VersionField()  # the transfer's
    happened_on = DateField(_l("Date it happened"), validators=[Optional()])


class EventPracticeForm(FlaskForm):
    practice_id = SelectField(_l("Good practice"), coerce=db_id)
    version = VersionField()  # the event's
    role = SelectField(_l("Role at the event"), choices=_role_choices)
