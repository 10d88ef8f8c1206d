"""Evidence files against hostile names and for every accepted type (ASVS V12).

Covered elsewhere and not repeated here (tests/outcomes/test_evidence.py): the size
limits (the app's and the server's), refused types and disguised contents with their
messages, nothing kept from a refused upload, who may upload or delete, no download
without an account, a stored .html never served as HTML.
"""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.outcomes.models import Attachment
from app.outcomes.services import ALLOWED_TYPES, store_attachment
from tests.practices.world import sign_in, study_visit, world  # noqa: F401  (a fixture)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIRST_BYTES = {
    "pdf": PDF,
    "png": b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
    "jpg": b"\xff\xd8\xff\xe0" + b"\0" * 32,
    "jpeg": b"\xff\xd8\xff\xe0" + b"\0" * 32,
}
ZIP = b"PK\x03\x04" + b"\0" * 32  # Office and OpenDocument files are zip archives


def _upload(client, event_id: int, name: str, content: bytes):
    return client.post(
        f"/evidence/event/{event_id}",
        data={"file": (io.BytesIO(content), name), "category": "minutes"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


HOSTILE_NAMES = [
    ("../../../../tmp/evil.pdf", "evil.pdf"),
    ("..\\..\\..\\Windows\\evil.pdf", "evil.pdf"),
    ("/etc/cron.d/evil.pdf", "evil.pdf"),
    ("....//....//evil.pdf", "evil.pdf"),
    (
        "minutes\r\nContent-Type: text/html\r\n\r\n<script>.pdf",
        "htmlscript.pdf",  # "text/html" holds a slash: what follows it is the name
    ),
    ('minutes"; filename="evil.html.pdf', "minutes; filename=evil.html.pdf"),
    ("\u202efdp.exe.pdf", "fdp.exe.pdf"),  # a right-to-left override would show "exe.pdf"
]


@pytest.mark.parametrize(("name", "kept_as"), HOSTILE_NAMES)
def test_hostile_file_names_stay_in_the_upload_folder_and_out_of_headers(
    world,  # noqa: F811
    client,
    app,
    tmp_path,
    name,
    kept_as,
):
    """The name as it reaches the service (whatever the form parser let through)."""
    uploads = Path(app.config["UPLOAD_DIR"])
    before = _files_under(tmp_path)
    visit = study_visit(world)
    attachment = store_attachment(io.BytesIO(PDF), name, category="minutes", event=visit)
    db.session.commit()
    assert attachment.original_name == kept_as
    written = _files_under(tmp_path) - before
    assert written == {uploads / attachment.stored_name}  # one file, random name, in place
    assert (uploads / attachment.stored_name).resolve().parent == uploads.resolve()

    sign_in(client, "tartu@example.org")
    download = client.get(f"/evidence/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers.getlist("Content-Type") == ["application/pdf"]
    disposition = download.headers.getlist("Content-Disposition")
    assert len(disposition) == 1 and disposition[0].startswith("attachment;")
    assert not any(c in disposition[0] for c in "\r\n/\\\u202e")


def test_a_climbing_name_through_the_form_is_stored_in_place(
    world,  # noqa: F811
    client,
    app,
    tmp_path,
):
    before = _files_under(tmp_path)
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    response = _upload(client, visit.id, "../../../../../tmp/evil.pdf", PDF)
    assert "“evil.pdf” uploaded." in response.get_data(as_text=True)
    attachment = db.session.scalar(select(Attachment))
    uploads = Path(app.config["UPLOAD_DIR"])
    assert _files_under(tmp_path) - before == {uploads / attachment.stored_name}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("..", "Choose a file to upload."),
        ("../", "Choose a file to upload."),
        ("/", "Choose a file to upload."),
        ("..\\..\\", "Choose a file to upload."),
        ("evil.pdf\x00.html", "Files of type “.html” are not accepted."),
    ],
)
def test_a_name_that_is_only_a_path_or_hides_its_type_is_refused(
    world,  # noqa: F811
    app,
    name,
    message,
):
    visit = study_visit(world)
    with pytest.raises(DomainError) as refused:
        store_attachment(io.BytesIO(PDF), name, category="minutes", event=visit)
    assert refused.value.message.startswith(message)
    assert db.session.scalar(select(Attachment)) is None
    assert not Path(app.config["UPLOAD_DIR"]).exists() or not any(
        Path(app.config["UPLOAD_DIR"]).iterdir()
    )


def test_every_accepted_type_downloads_as_an_attachment_never_sniffed(
    world,  # noqa: F811
    client,
):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    for extension, (content_type, _) in ALLOWED_TYPES.items():
        content = FIRST_BYTES.get(extension, ZIP)
        response = _upload(client, visit.id, f"evidence.{extension}", content)
        assert "uploaded" in response.get_data(as_text=True), extension
        attachment = db.session.scalars(
            select(Attachment).order_by(Attachment.id.desc()).limit(1)
        ).one()
        download = client.get(f"/evidence/{attachment.id}")
        assert download.status_code == 200 and download.data == content, extension
        assert download.headers["Content-Type"] == content_type, extension
        assert download.headers["Content-Disposition"].startswith("attachment;"), extension
        assert download.headers["X-Content-Type-Options"] == "nosniff", extension
        assert "sandbox" in download.headers["Content-Security-Policy"], extension
        assert "no-store" in download.headers["Cache-Control"], extension
