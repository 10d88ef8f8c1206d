"""Helpers for the report tests: read a PDF's text with pypdf, sign in as a given role."""

import io
import re

import pytest
from pypdf import PdfReader

from tests import factories


def pdf_reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:200]
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All pages' text, whitespace collapsed to single spaces (tables read row by row)."""
    reader = pdf_reader(data)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def sign_in(client, email: str) -> None:
    """Sign in through Flask-Login's session (the login form's own tests are in tests/auth;
    its e-mail validator needs the optional email_validator package)."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db

    user = db.session.scalar(select(User).where(User.email == email))
    with client.session_transaction() as session:
        factories.signed_in(session, user)


@pytest.fixture
def funder_client(demo, client):
    factories.user("funder@example.org", role="funder")
    sign_in(client, "funder@example.org")
    return client


@pytest.fixture
def coordinator_client(demo, client):
    factories.user("coordinator@example.org", role="coordinator")
    sign_in(client, "coordinator@example.org")
    return client


KEY_FIGURES = (
    "events held",
    "events postponed",
    "events cancelled",
    "participants",
    "good practices identified",
    "transfers advanced",
)


def key_figures(content: str) -> dict[str, int]:
    """The six boxes at the top of the summary, each a number followed by its label (and,
    on some, a line on how it is counted)."""
    block = content[content.index("section 7 says how.") :]
    match = re.match(
        r"section 7 says how\. " + r"\D*?".join(rf"(\d+)\s*{label}" for label in KEY_FIGURES),
        block,
    )
    assert match, block[:500]
    return dict(zip(KEY_FIGURES, map(int, match.groups()), strict=True))
