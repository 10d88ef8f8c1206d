"""Evidence files: who uploads and downloads, limits, types, and how files are served."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.outcomes.models import Action, Attachment
from tests.practices.world import anonymous_client, sign_in, study_visit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _upload(client, kind, object_id, name, content, category="agenda", **kwargs):
    return client.post(
        f"/evidence/{kind}/{object_id}",
        data={"file": (io.BytesIO(content), name), "category": category},
        content_type="multipart/form-data",
        **kwargs,
    )


def _attachments() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return [p for p in folder.iterdir()] if folder.exists() else []


def test_host_editor_uploads_and_signed_in_users_download_with_the_original_name(
    world, client, app
):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    response = _upload(client, "event", visit.id, "Agenda Gävle 2021.pdf", PDF)
    assert response.status_code == 303
    attachment = db.session.scalar(select(Attachment))
    assert (attachment.event_id, attachment.category, attachment.size_bytes) == (
        visit.id,
        "agenda",
        len(PDF),
    )
    files = _stored_files(app)
    assert [f.name for f in files] == [attachment.stored_name]
    assert "Agenda" not in attachment.stored_name and len(attachment.stored_name) >= 32
    assert files[0].read_bytes() == PDF
    client.post("/logout")
    sign_in(client, "funder@example.org")
    download = client.get(f"/evidence/{attachment.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Agenda" in disposition
    page = client.get(f"/events/{visit.id}/outcomes").get_data(as_text=True)
    assert "Agenda Gävle 2021.pdf" in page


def test_anonymous_visitors_get_no_file(world, client):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    _upload(client, "event", visit.id, "minutes.pdf", PDF, category="minutes")
    attachment = db.session.scalar(select(Attachment))
    stranger = anonymous_client(client)
    response = stranger.get(f"/evidence/{attachment.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert PDF not in response.data
    page = stranger.get(f"/events/{visit.id}/outcomes").get_data(as_text=True)
    assert "minutes.pdf" not in page and "attendance-sheet" not in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "are not accepted"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "are not accepted"),
        ("script", b"#!/bin/sh\n", "are not accepted"),
        ("disguised.pdf", b"<html><script>alert(1)</script></html>", "not a .pdf file"),
        ("photo.png", PDF, "not a .png file"),
        ("empty.pdf", b"", "The file is empty"),
    ],
)
def test_refused_types_leave_nothing_behind(world, client, app, name, content, message):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    response = _upload(client, "event", visit.id, name, content, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert _attachments() == 0
    assert _stored_files(app) == []


def test_upload_over_the_size_limit_is_refused_with_the_limit_named(world, client, app):
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    big = PDF + b"0" * (1024 * 1024)
    response = _upload(client, "event", visit.id, "big.pdf", big, follow_redirects=True)
    assert "larger than the limit of 1 MB" in response.get_data(as_text=True)
    assert _attachments() == 0 and _stored_files(app) == []
    exactly = PDF + b"0" * (1024 * 1024 - len(PDF))
    assert _upload(client, "event", visit.id, "fits.pdf", exactly).status_code == 303
    assert _attachments() == 1


def test_request_over_the_servers_limit_gets_a_clear_message(world, client, app):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    response = _upload(
        client,
        "event",
        visit.id,
        "huge.pdf",
        PDF + b"0" * 4096,
        headers={"Referer": f"/events/{visit.id}/outcomes"},
        follow_redirects=True,
    )
    assert "larger than the limit" in response.get_data(as_text=True)
    assert _attachments() == 0
    elsewhere = _upload(
        client,
        "event",
        visit.id,
        "huge.pdf",
        PDF + b"0" * 4096,
        headers={"Referer": "https://evil.example/phish"},
    )
    assert elsewhere.headers["Location"] == "/"


def test_who_may_add_evidence_to_what(world, client, app):
    visit = study_visit(world)  # hosted by Gävle
    action = Action(group=world.group, title="Training", position=1)  # Tartu's plan
    db.session.add(action)
    db.session.commit()
    cases = [
        ("tartu@example.org", "event", visit.id, 403),
        ("funder@example.org", "event", visit.id, 403),
        ("tartu@example.org", "practice", world.practice.id, 403),  # Gävle's practice
        ("gavle@example.org", "action", action.id, 403),
        ("gavle@example.org", "practice", world.practice.id, 303),
        ("tartu@example.org", "action", action.id, 303),
        ("coord@example.org", "event", visit.id, 303),
    ]
    for email, kind, object_id, status in cases:
        sign_in(client, email)
        response = _upload(client, kind, object_id, "photo.png", PNG, category="photo")
        assert response.status_code == status, (email, kind)
        client.post("/logout")
    assert _attachments() == 3
    assert len(_stored_files(app)) == 3
    anonymous = anonymous_client(client)
    response = _upload(anonymous, "event", visit.id, "photo.png", PNG)
    assert response.status_code == 302 and _attachments() == 3


def test_other_partners_editor_cannot_delete_evidence(world, client, app):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    _upload(client, "event", visit.id, "minutes.pdf", PDF)
    attachment = db.session.scalar(select(Attachment))
    client.post("/logout")
    sign_in(client, "tartu@example.org")
    assert client.post(f"/evidence/{attachment.id}/delete").status_code == 403
    assert _attachments() == 1
    client.post("/logout")
    sign_in(client, "gavle@example.org")
    assert client.post(f"/evidence/{attachment.id}/delete").status_code == 303
    # The file is kept, so that the removal can be undone from the history.
    assert _attachments() == 0 and len(_stored_files(app)) == 1


def test_a_stored_file_is_never_served_as_html(world, client):
    """Even a record whose name says .html (e.g. from an older import) downloads as bytes."""
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    _upload(client, "event", visit.id, "agenda.pdf", PDF)
    attachment = db.session.scalar(select(Attachment))
    attachment.original_name = "agenda.html"
    db.session.commit()
    response = client.get(f"/evidence/{attachment.id}")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
