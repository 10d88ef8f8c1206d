"""Forms of the practices area. They parse; the services decide what is valid."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.enums import PracticeRole, TransferStage
from app.input_rules import db_id
from app.versioning import VersionField


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the select options WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


class PracticeForm(FlaskForm):
    title = StringField("Title (at most 100 characters)")
    owner_partner_id = SelectField("Owner partner (main institution)", coerce=db_id)
    location = StringField("Location (city, region, country)")
    theme = StringField("Theme")
    summary = TextAreaField("Summary")
    problem = TextAreaField("Problem it solves")
    resources = TextAreaField("Resources needed")
    evidence_of_success = TextAreaField("Evidence of success")
    transfer_potential = TextAreaField("Potential for learning or transfer")
    started_on = DateField("Started on", validators=[Optional()])
    ended_on = DateField("Ended on (empty if ongoing)", validators=[Optional()])
    links = TextAreaField("Links (one web address per line)")
    is_public = BooleanField("Public (visible without signing in)", default=True)
    version = VersionField()


class TransferForm(FlaskForm):
    importer_partner_id = SelectField("Importing partner", coerce=db_id)
    happened_on = DateField("Taken up on", validators=[Optional()])


class StageForm(FlaskForm):
    stage = SelectField("Stage", choices=options((s.value, s.label) for s in TransferStage))
    reason = TextAreaField("Reason")
    version = VersionField()  # the transfer's
    happened_on = DateField("Date it happened", validators=[Optional()])


class EventPracticeForm(FlaskForm):
    practice_id = SelectField("Good practice", coerce=db_id)
    version = VersionField()  # the event's
    role = SelectField(
        "Role at the event",
        choices=options(
            [
                (PracticeRole.PRESENTED.value, "Presented"),
                (PracticeRole.STUDIED.value, "Studied"),
                (PracticeRole.IMPORT_WORKSHOP.value, "Worked on in an import workshop"),
            ]
        ),
    )
