"""Forms of the calendar import. They parse; the services decide what is valid."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.enums import EventKind
from app.input_rules import db_id

#: Imported entries are most often a partner's own meetings; the coordinator says otherwise.
DEFAULT_KIND = EventKind.LOCAL_EVENT.value


def _kind_choices() -> list[SelectChoice]:
    # Read when a form is made, so the labels are in the reader's language.
    return [SelectChoice(kind.value, kind.label) for kind in EventKind]


class UploadForm(FlaskForm):
    file = FileField(_l("Calendar file (.ics)"))
    host = SelectField(
        _l("Host partner of the new events"),
        coerce=db_id,
        validators=[InputRequired()],
        description=_l(
            "A calendar file does not say which partner hosts its events. Events imported "
            "before keep their host."
        ),
    )
    kind = SelectField(
        _l("Kind of the new events"),
        choices=_kind_choices,
        default=DEFAULT_KIND,
        validators=[InputRequired()],
    )


class ChunkedHiddenField(HiddenField):
    """Text longer than the server reads in one form field (MAX_FORM_MEMORY_SIZE, 500 kB):
    written as several hidden inputs of one name and joined on arrival. The form must be
    sent as multipart/form-data, where that limit is per input."""

    CHUNK = 100_000  # characters: at most 400 kB of UTF-8 each

    def process_formdata(self, valuelist):
        self.data = "".join(valuelist)

    def __call__(self, **kwargs):
        text = self.data or ""
        chunks = [text[i : i + self.CHUNK] for i in range(0, len(text), self.CHUNK)] or [""]
        one = Markup('<input type="hidden" name="{}" value="{}">')
        return Markup("").join(one.format(self.name, chunk) for chunk in chunks)


class ConfirmForm(FlaskForm):
    """The previewed file, host and kind, sent back with the confirmation; planned again on
    arrival, and written only when the plan is the one previewed (`plan`, its digest)."""

    calendar = ChunkedHiddenField()
    host = HiddenField()
    kind = HiddenField()
    plan = HiddenField()
