"""What axe cannot see, checked on the HTML and the colours themselves: every hint and
error is tied to its field, a form that came back with errors opens with a summary linking
each message to its field and says "Error:" in the title, and every chart label and
coloured badge reaches 4.5:1 contrast."""

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.enums import TransferStage
from app.practices.matrix import Cell, TransferMatrix, transfer_matrix_svg
from tests import factories

STYLE = Path(__file__).resolve().parents[1] / "app" / "static" / "style.css"


class Elements(HTMLParser):
    """Every element's attributes, and the text of <title> and of elements with an id."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    _forms = 0  # how many <form>s the parser is in

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if self._forms:
            attributes["in form"] = "yes"
        self.elements.append((tag, attributes))
        self._in_title = tag == "title"
        self._forms += tag == "form"

    def handle_endtag(self, tag):
        self._in_title = False
        self._forms -= tag == "form"

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.elements if "id" in a}

    def by_id(self, element_id: str) -> dict:
        return next(a for _, a in self.elements if a.get("id") == element_id)

    def with_class(self, name: str) -> list[dict]:
        return [a for _, a in self.elements if name in a.get("class", "").split()]


def _described_by(page: Elements, control_id: str) -> list[str]:
    return page.by_id(control_id).get("aria-describedby", "").split()


@pytest.fixture
def coordinator_client(app, client):
    project = factories.project(years=8)
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    event = factories.event(project, genoa, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 16))
    factories.user("coord@example.org", "coordinator", genoa)
    factories.sign_in(client, "coord@example.org")
    client.event_id = event.id
    return client


@pytest.mark.parametrize("url", ["/events/new", "/account", "/events/{id}/registration-rules"])
def test_every_hint_in_a_form_is_read_with_its_field(coordinator_client, url):
    url = url.format(id=coordinator_client.event_id)
    page = Elements(coordinator_client.get(url).get_data(as_text=True))
    hints = [hint for hint in page.with_class("hint") if hint.get("in form")]
    assert hints, "the forms show hints"
    read_with = {i for _, a in page.elements for i in a.get("aria-describedby", "").split()}
    for hint in hints:
        assert hint.get("id") in read_with, hint
    # Named in the issue: the event form's zone and the new password.
    if url == "/events/new":
        assert "timezone-hint" in _described_by(page, "timezone")
        assert "times-hint" in _described_by(page, "start_time")
    elif url == "/account":
        assert "new_password-hint" in _described_by(page, "new_password")


def test_an_event_form_with_errors_opens_with_a_summary_of_them(coordinator_client):
    response = coordinator_client.post("/events/new", data={"kind": "study_visit", "title": ""})
    assert response.status_code == 400
    page = Elements(response.get_data(as_text=True))

    assert page.title.startswith("Error: ")
    (summary,) = page.with_class("error-summary")
    assert summary["tabindex"] == "-1"
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    targets = re.findall(r'<li><a href="#([^"]+)">', html.split("error-summary", 1)[1])
    assert "title" in targets
    for target in targets:
        assert target in page.ids(), f"the summary links to #{target}, which is not on the page"
        control = page.by_id(target)
        assert control.get("aria-invalid") == "true"
        assert f"{target}-error" in control["aria-describedby"].split()
        assert f"{target}-error" in page.ids()


def test_a_service_refusal_naming_a_field_is_in_the_summary(coordinator_client):
    """A DomainError with a field (here: the password check) links to that field."""
    form = Elements(coordinator_client.get("/account").get_data(as_text=True))
    response = coordinator_client.post(
        "/account",
        data={
            "version": form.by_id("version")["value"],
            "current_password": "not the password",
            "new_password": "a new long password",
            "confirm": "a new long password",
            "submit": "y",
        },
    )
    page = Elements(response.get_data(as_text=True))
    assert page.title.startswith("Error: ")
    html = response.get_data(as_text=True)
    assert '<a href="#current_password">' in html.split("error-summary", 1)[1]
    assert page.by_id("current_password")["aria-invalid"] == "true"


def test_a_page_without_errors_has_no_summary(coordinator_client):
    page = Elements(coordinator_client.get("/events/new").get_data(as_text=True))
    assert page.with_class("error-summary") == []
    assert not page.title.startswith("Error")


# WCAG 2 contrast, computed here from the colours as written (not with the app's helper).
def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    values = []
    for i in (0, 2, 4):
        c = int(colour[i : i + 2], 16) / 255
        values.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * values[0] + 0.7152 * values[1] + 0.0722 * values[2]


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_number_in_the_transfer_matrix_reaches_4_5_to_1(app):
    """One disc per stage: the number written on it, on its colour."""
    partners = [SimpleNamespace(id=i, city=f"City {i}") for i in range(len(TransferStage) + 1)]
    cells = {
        (0, i + 1): Cell(practices=i + 1, furthest=stage) for i, stage in enumerate(TransferStage)
    }
    svg = transfer_matrix_svg(TransferMatrix(partners, cells), title="Matrix")
    disc_then_number = r'<circle [^>]*fill="(#[0-9a-fA-F]{6})"/><text [^>]*fill="(#[0-9a-fA-F]{6})"'
    pairs = re.findall(disc_then_number, svg)
    assert len(pairs) == len(TransferStage)
    for disc, ink in pairs:
        assert _contrast(disc, ink) >= 4.5, (disc, ink, round(_contrast(disc, ink), 2))
    # The white on the former "in the action plan" blue was 4.15:1.
    assert round(_contrast("#ffffff", "#3182bd"), 2) == 4.15


def test_every_coloured_badge_and_label_of_the_stylesheet_reaches_4_5_to_1():
    """Each rule of style.css that sets both a text colour and a background."""
    checked = 0
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", STYLE.read_text()):
        colour = re.search(r"(?:^|;)\s*color:\s*(#[0-9a-fA-F]{3,6})\b", body)
        background = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})\b", body)
        if colour and background:
            ratio = _contrast(colour.group(1), background.group(1))
            assert ratio >= 4.5, (selector.strip(), round(ratio, 2))
            checked += 1
    assert checked >= 8
