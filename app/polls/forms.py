"""Forms of the polls area: opening a poll, a partner's answers, the pick."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.events.forms import MultiCheckboxField, agenda_field
from app.input_rules import db_id
from app.polls.models import Answer
from app.polls.services import COMMENT_LIMIT, SlotInput

#: Rows for candidate dates on the opening form (empty rows are ignored).
SLOT_ROWS = 6


class SlotForm(Form):
    """One candidate: a day (or days), with times or without."""

    first = DateField(_l("Day"), validators=[Optional()])
    last = DateField(_l("Last day (if later)"), validators=[Optional()])
    start_time = TimeField(_l("From"), validators=[Optional()])
    end_time = TimeField(_l("Until"), validators=[Optional()])


class OpenPollForm(FlaskForm):
    slots = FieldList(FormField(SlotForm), min_entries=SLOT_ROWS, max_entries=SLOT_ROWS)
    closes_on = DateField(_l("Answers until (last day)"), validators=[DataRequired()])
    partners = MultiCheckboxField(_l("Partners asked"), coerce=db_id)
    submit = SubmitField(_l("Open the poll"))

    def slot_inputs(self) -> list[SlotInput]:
        """The rows given a day; a row with times but no day is an error on that row."""
        given = []
        for row in self.slots:
            data = row.form
            if data.first.data is None:
                if data.start_time.data or data.end_time.data or data.last.data:
                    data.first.errors = [*data.first.errors, str(_l("Give the day."))]
                continue
            given.append(
                SlotInput(data.first.data, data.last.data, data.start_time.data, data.end_time.data)
            )
        return given

    def row_errors(self) -> bool:
        return any(row.form.first.errors for row in self.slots)


def answer_form(slots, prefix: str, formdata=None, answers=None):
    """A partner's answers: one choice and one comment per slot (`<prefix>-answer-<id>`,
    `<prefix>-comment-<id>`), filled from `answers` (slot id -> row) when not posted."""

    class AnswerForm(FlaskForm):
        version = HiddenField()
        submit = SubmitField(_l("Save our answers"))

    choices = [(value.value, value.label) for value in Answer]
    for slot in slots:
        setattr(
            AnswerForm,
            f"answer-{slot.id}",
            RadioField(
                _l("Answer"), choices=choices, validators=[Optional()], validate_choice=False
            ),
        )
        setattr(
            AnswerForm,
            f"comment-{slot.id}",
            StringField(_l("Comment"), validators=[Optional(), Length(max=COMMENT_LIMIT)]),
        )
    form = AnswerForm(formdata=formdata, prefix=prefix)
    if formdata is None and answers:
        for slot in slots:
            row = answers.get(slot.id)
            if row is not None:
                form[f"answer-{slot.id}"].data = row.answer
                form[f"comment-{slot.id}"].data = row.comment
    return form


def given_answers(form, slots) -> dict[int, tuple[str, str]]:
    """Slot id -> (answer, comment) for the slots answered on the form."""
    given = {}
    for slot in slots:
        value = form[f"answer-{slot.id}"].data
        comment = form[f"comment-{slot.id}"].data or ""
        if value:
            given[slot.id] = (value, comment)
    return given


class PickForm(FlaskForm):
    slot = RadioField(_l("Candidate date"), coerce=db_id, validate_choice=False)
    agenda = agenda_field()
    version = HiddenField()
    submit = SubmitField(_l("Pick this date"))
    save_anyway = SubmitField(_l("Save anyway"))


class CloseForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField(_l("Close without a date"))
