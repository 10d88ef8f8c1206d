"""Forms of the delegation screens. The deadline is typed in the event's own time zone."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TimeField
from wtforms.validators import Length, NumberRange, Optional

from app.events.forms import MultiCheckboxField
from app.input_rules import db_id
from app.versioning import VersionField

#: The person field's choice for "someone not in the directory yet".
SOMEONE_NEW = 0


class RegisterForm(FlaskForm):
    # Not checked against the offer: the service says why a person cannot be registered
    # (another partner's, erased, already registered), which "not a valid choice" would not.
    person = SelectField(_l("Person to register"), coerce=db_id, validate_choice=False)
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    function = StringField(_l("Function"), validators=[Optional(), Length(max=300)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"))  # choices: the view, in the reader's language
    role = StringField(_l("Role at the event"), validators=[Optional(), Length(max=120)])
    days = MultiCheckboxField(_l("Days attending"), validate_choice=False)  # the service checks
    submit = SubmitField(_l("Register"))


class ChangeForm(FlaskForm):
    role = StringField(_l("Role at the event"), validators=[Optional(), Length(max=120)])
    days = MultiCheckboxField(_l("Days attending"), validate_choice=False)  # the service checks
    version = VersionField()
    submit = SubmitField(_l("Save"))


class RemoveForm(FlaskForm):
    version = VersionField()


class RulesForm(FlaskForm):
    capacity = IntegerField(
        _l("Capacity of the event"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    deadline_date = DateField(_l("Registration deadline: date"), validators=[Optional()])
    deadline_time = TimeField(_l("Time"), validators=[Optional()])
    version = VersionField()
    submit = SubmitField(_l("Save the rules"))


def rules_form(partners, **data) -> RulesForm:
    """The rules form with one capacity field per partner taking part (`limit_<id>`)."""

    class WithLimits(RulesForm):
        pass

    for partner in partners:
        setattr(
            WithLimits,
            f"limit_{partner.id}",
            IntegerField(partner.city, validators=[Optional(), NumberRange(min=1, max=10_000)]),
        )
    return WithLimits(**data)


class CheckInForm(FlaskForm):
    present = MultiCheckboxField(_l("Came"), coerce=db_id)
    version = VersionField()
    submit = SubmitField(_l("Save the check-in"))
