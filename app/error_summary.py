"""The error summary: every message of every form a page shows that came back with
errors, for the box at the top of the page (the GOV.UK error-summary pattern) and the
"Error:" before the page's title.

Read from the template's context in `base.html`, so each WTForms form gets it without its
view or template doing anything: a service's `DomainError` naming a field ends up in that
field's errors (`view_helpers.field_error`), and so in the summary too.
"""

from dataclasses import dataclass
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup
from wtforms import Form
from wtforms.fields import FormField, HiddenField

# Fields nobody can see or type in: their message is listed, but links nowhere.
_UNSEEN = ("HiddenField", "CSRFTokenField")


@dataclass(frozen=True)
class Problem:
    message: str
    label: str | Markup  # the field's label text, '' for a form-wide message
    target: str | None  # the id of the field to link to, None when there is none to focus


def _forms_in(value: Any):
    """The forms in one context value: a form, or forms in a list, tuple or dict."""
    if isinstance(value, Form):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, Form):
                yield item
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, Form):
                yield item


def _field_problems(form: Form):
    for field in form:
        if isinstance(field, FormField):
            yield from _field_problems(field.form)
            continue
        if not field.errors:
            continue
        unseen = isinstance(field, HiddenField) or field.type in _UNSEEN
        label = "" if unseen else field.label.text
        messages = field.errors if isinstance(field.errors, list | tuple) else [field.errors]
        for message in messages:
            if isinstance(message, str):
                yield Problem(message, label, None if unseen else field.id)


def problems_of(forms) -> list[Problem]:
    """Each form's messages in the order its fields come, form-wide messages first;
    a message repeated (two forms, one field) is listed once."""
    seen, problems = set(), []
    for form in forms:
        found = [Problem(str(m), "", None) for m in getattr(form, "form_errors", None) or []]
        found += list(_field_problems(form))
        for problem in found:
            key = (problem.message, problem.target)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
    return problems


@pass_context
def form_problems(context) -> list[Problem]:
    """The problems of every form in the page's context (its view's arguments)."""
    forms, ids = [], set()
    for value in context.get_all().values():
        for form in _forms_in(value):
            if id(form) not in ids:
                ids.add(id(form))
                forms.append(form)
    return problems_of(forms)
