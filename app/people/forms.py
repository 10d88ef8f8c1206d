"""Forms of the people screens. They parse; the services decide what is valid."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from app.enums import PersonKind
from app.i18n import LANGUAGES
from app.input_rules import db_id
from app.versioning import VersionField

#: A person's fields as the import preview names the ones a row changes.
FIELD_LABELS = {
    "name": _l("name"),
    "organisation": _l("organisation"),
    "function": _l("function"),
    "kind": _l("kind"),
    "email": _l("e-mail"),
    "language": _l("language"),
    "wants_email": _l("wants e-mails"),
    "is_contact": _l("contact person"),
}


def _kind_choices() -> list[SelectChoice]:
    # Read when a form is made, so the labels are in the reader's language.
    return [SelectChoice(k.value, k.label) for k in PersonKind]


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("The partner's language"))] + [
        SelectChoice(code, name) for code, name in LANGUAGES.items()
    ]


class PersonForm(FlaskForm):
    partner_id = SelectField(_l("Partner"), coerce=db_id)
    name = StringField(_l("Name"))
    organisation = StringField(_l("Organisation (for local stakeholders)"))
    function = StringField(_l("Function"))
    kind = SelectField(_l("Kind"), choices=_kind_choices)
    email = StringField(_l("E-mail (never shown publicly)"))
    language = SelectField(_l("Language of e-mails"), choices=_language_choices)
    wants_email = BooleanField(_l("Wants e-mails (invitations and changes)"), default=True)
    is_contact = BooleanField(_l("Contact person of the partner (hears of every change)"))
    version = VersionField()


class EraseForm(FlaskForm):
    version = VersionField()


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"))


class ConfirmImportForm(FlaskForm):
    """The checked file's text, sent back with the confirmation; checked again on arrival."""

    text = HiddenField()
