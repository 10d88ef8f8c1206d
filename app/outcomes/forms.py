"""Forms of the outcomes area. They parse; the services decide what is valid."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.enums import ActionStatus
from app.input_rules import db_id
from app.outcomes.services import CATEGORIES
from app.practices.forms import options
from app.versioning import VersionField


def _status_choices():
    # Read when a form is made, so the labels are in the reader's language.
    return options((s.value, s.label) for s in ActionStatus)


def _outcome_kind_choices():
    return options(
        [
            ("lesson", _l("Lesson learned")),
            ("decision", _l("Decision")),
            ("figure", _l("Indicator figure")),
        ]
    )


def _category_choices():
    return options(CATEGORIES.items())


class ActionPlanForm(FlaskForm):
    title = StringField(_l("Title"))
    policy_instrument = StringField(_l("Policy instrument addressed"))
    objective = TextAreaField(_l("Objective"))
    version = VersionField()  # "0" when the form was loaded before the plan existed


class ActionGroupForm(FlaskForm):
    title = StringField(_l("Title of the action group"))
    objective = TextAreaField(_l("Objective"))
    inspired_by = StringField(_l("Inspired by (partners whose practices it adopts)"))


class ActionForm(FlaskForm):
    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description"))
    inspired_by_practice_id = SelectField(_l("Inspired by the good practice"), coerce=db_id)
    owner = StringField(_l("Owner (who in the city carries it)"))
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=_status_choices)
    results = TextAreaField(_l("Results in figures"))
    version = VersionField()


class OutcomeForm(FlaskForm):
    kind = SelectField(_l("Kind of outcome"), choices=_outcome_kind_choices)
    text = TextAreaField(_l("Text"))
    indicator_id = SelectField(_l("Indicator (for a figure)"), coerce=db_id)
    value = StringField(_l("Value (for a figure)"))
    period_number = SelectField(_l("Reporting period (for a figure)"), coerce=int)


class IndicatorForm(FlaskForm):
    code = StringField(_l("Code"))
    name = StringField(_l("Name"))
    unit = StringField(_l("Unit"))
    target = StringField(_l("Target (empty if none)"))
    version = VersionField()


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"))
    category = SelectField(_l("Kind of evidence"), choices=_category_choices)
