from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app.api.models import TokenScope
from app.versioning import VersionField


class LoginForm(FlaskForm):
    # A light check (no email_validator dependency): the account lookup decides the rest.
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(message=_l("Give your e-mail address.")),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Give an e-mail address, name@example.org.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Give your password.")), Length(max=200)],
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(message=_l("Give your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Give a new password.")), Length(max=200)],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(message=_l("Type the new password again.")),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
    )
    version = VersionField()
    submit = SubmitField(_l("Change password"))


class TimezoneForm(FlaskForm):
    timezone = SelectField(_l("Show times in"), choices=[])
    version = VersionField()
    submit_zone = SubmitField(_l("Save time zone"))


class SecondFactorCodeForm(FlaskForm):
    """The code step of a sign-in: an authenticator code or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(message=_l("Give the code your app shows.")), Length(max=40)],
    )


class SecondFactorConfirmForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(message=_l("Give the code your app shows.")), Length(max=40)],
    )
    submit_confirm = SubmitField(_l("Turn the second factor on"))


class SecondFactorChangeForm(FlaskForm):
    """Turning the second factor off, or new recovery codes: password and a code."""

    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Give your password.")), Length(max=200)],
    )
    code = StringField(
        _l("Code from the app, or a recovery code"),
        validators=[DataRequired(message=_l("Give a code.")), Length(max=40)],
    )


class ApiTokenForm(FlaskForm):
    """A new personal API token. The name and scope are checked by `api.tokens.create_token`
    (one message for the page and the CLI); a funder is offered "Read" only."""

    name = StringField(
        _l("Name"),
        description=_l("What will use it, such as “Monthly report script”."),
    )
    scope = RadioField(
        _l("The token may"),
        choices=[
            SelectChoice(TokenScope.READ.value, _l("Read")),
            SelectChoice(TokenScope.WRITE.value, _l("Read and write")),
        ],
        default=TokenScope.READ.value,
        validate_choice=False,
    )
    submit_token = SubmitField(_l("Create token"))
