"""Forms of the outcomes area. They parse; the services decide what is valid."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.enums import ActionStatus
from app.input_rules import db_id
from app.outcomes.services import CATEGORIES
from app.practices.forms import options
from app.versioning import VersionField


class ActionPlanForm(FlaskForm):
    title = StringField("Title")
    policy_instrument = StringField("Policy instrument addressed")
    objective = TextAreaField("Objective")
    version = VersionField()  # "0" when the form was loaded before the plan existed


class ActionGroupForm(FlaskForm):
    title = StringField("Title of the action group")
    objective = TextAreaField("Objective")
    inspired_by = StringField("Inspired by (partners whose practices it adopts)")


class ActionForm(FlaskForm):
    title = StringField("Title")
    description = TextAreaField("Description")
    inspired_by_practice_id = SelectField("Inspired by the good practice", coerce=db_id)
    owner = StringField("Owner (who in the city carries it)")
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    status = SelectField("Status", choices=options((s.value, s.label) for s in ActionStatus))
    results = TextAreaField("Results in figures")
    version = VersionField()


class OutcomeForm(FlaskForm):
    kind = SelectField(
        "Kind of outcome",
        choices=options(
            [("lesson", "Lesson learned"), ("decision", "Decision"), ("figure", "Indicator figure")]
        ),
    )
    text = TextAreaField("Text")
    indicator_id = SelectField("Indicator (for a figure)", coerce=db_id)
    value = StringField("Value (for a figure)")
    period_number = SelectField("Reporting period (for a figure)", coerce=int)


class IndicatorForm(FlaskForm):
    code = StringField("Code")
    name = StringField("Name")
    unit = StringField("Unit")
    target = StringField("Target (empty if none)")
    version = VersionField()


class AttachmentForm(FlaskForm):
    file = FileField("File")
    category = SelectField("Kind of evidence", choices=options(CATEGORIES.items()))
