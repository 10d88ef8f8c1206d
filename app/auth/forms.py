from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app.versioning import VersionField


class LoginForm(FlaskForm):
    # A light check (no email_validator dependency): the account lookup decides the rest.
    email = EmailField(
        "E-mail",
        validators=[
            DataRequired(message="Give your e-mail address."),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+$", message="Give an e-mail address, name@example.org."),
        ],
    )
    password = PasswordField(
        "Password", validators=[DataRequired(message="Give your password."), Length(max=200)]
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(message="Give your current password.")]
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(message="Give a new password."), Length(max=200)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired(message="Type the new password again."),
            EqualTo("new_password", message="The two new passwords differ."),
        ],
    )
    version = VersionField()
    submit = SubmitField("Change password")


class TimezoneForm(FlaskForm):
    timezone = SelectField("Show times in", choices=[])
    version = VersionField()
    submit_zone = SubmitField("Save time zone")


class SecondFactorCodeForm(FlaskForm):
    """The code step of a sign-in: an authenticator code or a recovery code."""

    code = StringField(
        "Code",
        validators=[DataRequired(message="Give the code your app shows."), Length(max=40)],
    )


class SecondFactorConfirmForm(FlaskForm):
    code = StringField(
        "Code from the app",
        validators=[DataRequired(message="Give the code your app shows."), Length(max=40)],
    )
    submit_confirm = SubmitField("Turn the second factor on")


class SecondFactorChangeForm(FlaskForm):
    """Turning the second factor off, or new recovery codes: password and a code."""

    password = PasswordField(
        "Password", validators=[DataRequired(message="Give your password."), Length(max=200)]
    )
    code = StringField(
        "Code from the app, or a recovery code",
        validators=[DataRequired(message="Give a code."), Length(max=40)],
    )
