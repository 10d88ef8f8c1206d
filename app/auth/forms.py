from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SubmitField
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
