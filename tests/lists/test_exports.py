"""The lists as files: read the CSV and the workbook back and check what a coordinator,
a partner or the public would find in them."""

import csv
import io
from datetime import date, datetime

import pytest
from flask import g
from openpyxl import load_workbook

from app.events import services
from app.extensions import db
from app.people.services import create_person
from app.practices.models import GoodPractice
from app.practices.services import advance, create_transfer
from tests import factories


@pytest.fixture
def world(app):
    project = factories.project(start_date=date(2019, 8, 1), years=8)
    nyiregyhaza = factories.partner(
        project, "NYI", "Nyíregyháza", "Europe/Budapest", country="HU", language="hu"
    )
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    visit = factories.event(
        project,
        tartu,
        datetime(2021, 9, 14, 10),
        datetime(2021, 9, 14, 16),
        kind="study_visit",
        title="Tartu e-services",
        participants=[gavle, nyiregyhaza],
        expected_attendance=25,
        location="Raekoda",
    )
    expert = create_person(
        nyiregyhaza, "Kovács Éva", function="IT lead", email="eva@example.org", kind="expert"
    )
    db.session.commit()
    services.add_session(
        visit,
        title="Digitális ügyintézés",
        start=datetime(2021, 9, 14, 10),
        end=datetime(2021, 9, 14, 11, 30),
        experts=[expert],
    )
    services.set_attendance(visit, gavle, 3, 2)
    services.set_attendance(visit, nyiregyhaza, 4, 0)
    db.session.commit()
    factories.event(
        project,
        gavle,
        datetime(2022, 3, 1, 9),
        datetime(2022, 3, 1, 12),
        kind="meeting",
        title="Steering group (internal)",
        is_public=False,
    )
    factories.event(
        project,
        nyiregyhaza,
        datetime(2023, 5, 2, 9),
        datetime(2023, 5, 2, 12),
        kind="local_event",
        title='=HYPERLINK("http://evil.example","click")',
    )
    practice = GoodPractice(project=project, owner=tartu, title="Digital citizen folder")
    db.session.add(practice)
    db.session.flush()
    transfer = create_transfer(practice, gavle, happened_on=date(2021, 9, 14))
    advance(transfer, "studied", happened_on=date(2021, 9, 14))
    db.session.add(GoodPractice(project=project, owner=gavle, title="+46 helpdesk"))
    db.session.add(GoodPractice(project=project, owner=gavle, title="Draft", is_public=False))
    coordinator = factories.user("coord@example.org", "coordinator", tartu)
    funder = factories.user("funder@example.org", "funder")
    create_person(gavle, "Åsa Öberg", function="-1 floor desk", email="asa@example.org")
    db.session.commit()
    return {"project": project, "coordinator": coordinator, "funder": funder}


def sign_in(client, user) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel reads UTF-8 by
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def read_workbook(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def rows_of(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_events_csv_has_one_row_per_event_in_its_zone_and_in_utc(world, client):
    sign_in(client, world["coordinator"])
    rows = read_csv(client.get("/events.csv?when=all"))
    assert [r["Title"] for r in rows] == [
        "Tartu e-services",
        "Steering group (internal)",
        '\'=HYPERLINK("http://evil.example","click")',  # text, never a formula
    ]
    visit = rows[0]
    assert visit["Kind"] == "Study visit" and visit["Host"] == "Tartu"
    assert visit["Visiting partners"] == "Nyíregyháza, Gävle"  # in partner-code order
    assert visit["Status"] == "Planned" and visit["Format"] == "In person"
    assert (visit["Start (local time)"], visit["End (local time)"]) == (
        "2021-09-14 10:00",
        "2021-09-14 16:00",
    )
    assert visit["Time zone"] == "Europe/Tallinn"
    assert (visit["Start (UTC)"], visit["End (UTC)"]) == ("2021-09-14 07:00", "2021-09-14 13:00")
    assert visit["Place"] == "Raekoda"
    assert (visit["Expected attendance"], visit["Recorded attendance"]) == ("25", "9")
    assert rows[1]["Visibility"] == "Internal"
    assert "e-mail" not in ",".join(rows[0]).lower()


def test_the_public_gets_public_events_only_and_no_recorded_attendance(world, client):
    rows = read_csv(client.get("/events.csv?when=all"))
    assert [r["Title"] for r in rows][:1] == ["Tartu e-services"]
    assert not any("Steering" in r["Title"] for r in rows)
    assert "Recorded attendance" not in rows[0] and "Visibility" not in rows[0]
    book = read_workbook(client.get("/events.xlsx?when=all"))
    titles = [r["Title"] for r in rows_of(book["Events"])]
    assert "Steering group (internal)" not in titles and len(titles) == 2


def test_events_workbook_has_typed_cells_a_bold_frozen_header_and_the_sessions(world, client):
    sign_in(client, world["coordinator"])
    book = read_workbook(client.get("/events.xlsx?when=all"))
    assert book.sheetnames == ["Events", "Sessions"]
    events = book["Events"]
    assert events.freeze_panes == "A2"
    assert all(cell.font.b for cell in events[1])
    visit = rows_of(events)[0]
    assert visit["Start (local time)"] == datetime(2021, 9, 14, 10, 0)
    assert visit["Start (UTC)"] == datetime(2021, 9, 14, 7, 0)
    assert events["H2"].is_date and events["K2"].is_date
    assert visit["Expected attendance"] == 25 and visit["Recorded attendance"] == 9
    assert rows_of(events)[2]["Title"].startswith("'=HYPERLINK")
    sessions = rows_of(book["Sessions"])
    assert len(sessions) == 1
    session = sessions[0]
    assert session["Session"] == "Digitális ügyintézés"
    assert session["Experts"] == "Kovács Éva (Nyíregyháza)"
    assert session["Start (local time)"] == datetime(2021, 9, 14, 10, 0)
    assert session["Start (UTC)"] == datetime(2021, 9, 14, 7, 0)
    assert session["Time zone"] == "Europe/Tallinn"


def test_events_downloads_take_the_lists_filters(world, client):
    sign_in(client, world["coordinator"])
    titles = lambda query: [r["Title"] for r in read_csv(client.get("/events.csv?" + query))]  # noqa: E731
    assert titles("when=all&kind=study_visit") == ["Tartu e-services"]
    assert titles("when=all&partner=P3") == ["Tartu e-services", "Steering group (internal)"]
    assert titles("when=all&q=STEERING") == ["Steering group (internal)"]
    # Words as the search box reads them: a session's title or expert, without accents.
    assert titles("when=all&q=digitalis+ugyint") == ["Tartu e-services"]
    assert titles("when=all&q=kovacs") == ["Tartu e-services"]
    assert titles("when=all&semester=5") == ["Tartu e-services"]  # Aug 2021 – Jan 2022
    assert titles("when=all&sort=-date")[0].startswith("'=HYPERLINK")
    assert titles("") == []  # upcoming, like the list: every one of these is over
    page = client.get("/events?when=all&kind=study_visit&sort=-host&size=50").text
    assert 'href="/events.csv?kind=study_visit&amp;when=all&amp;sort=-host"' in page
    assert "/events.xlsx?kind=study_visit&amp;when=all&amp;sort=-host" in page


def test_practices_export_with_transfers_and_stages(world, client):
    rows = read_csv(client.get("/practices.csv"))
    assert [r["Practice"] for r in rows] == ["'+46 helpdesk", "Digital citizen folder"]
    assert rows[1]["Owner"] == "Tartu" and rows[1]["Taken up by"] == "Gävle: Studied"
    sign_in(client, world["coordinator"])
    book = read_workbook(client.get("/practices.xlsx"))
    assert book.sheetnames == ["Good practices", "Transfers"]
    practices = rows_of(book["Good practices"])
    assert [p["Practice"] for p in practices] == [
        "'+46 helpdesk",
        "Digital citizen folder",
        "Draft",
    ]
    assert practices[2]["Visibility"] == "Internal"
    (transfer,) = rows_of(book["Transfers"])
    assert transfer["Importing partner"] == "Gävle" and transfer["Stage"] == "Studied"
    assert transfer["Stage reached on"] == datetime(2021, 9, 14)  # a date cell
    assert book["Transfers"]["F2"].is_date
    assert [r["Practice"] for r in read_csv(client.get("/practices.csv?stage=studied"))] == [
        "Digital citizen folder"
    ]


def test_people_export_is_names_and_functions_for_signed_in_readers_only(world, client):
    response = client.get("/people.csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/people.xlsx").status_code == 302
    sign_in(client, world["funder"])
    response = client.get("/people.csv")
    rows = read_csv(response)
    assert list(rows[0]) == ["Name", "Partner", "Organisation", "Function", "Kind"]
    assert [(r["Name"], r["Partner"], r["Kind"]) for r in rows] == [
        ("Kovács Éva", "Nyíregyháza", "Expert"),  # by partner code, as the list
        ("Åsa Öberg", "Gävle", "Staff"),
    ]
    assert rows[1]["Function"] == "'-1 floor desk"
    assert b"@example.org" not in response.data
    book = read_workbook(client.get("/people.xlsx?kind=expert"))
    assert [r["Name"] for r in rows_of(book["People"])] == ["Kovács Éva"]
    assert b"example.org" not in client.get("/people.xlsx").data


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_made_text(start):
    from app.exports import Table, safe_text, write_csv, write_xlsx

    assert safe_text(f"{start}1+2") == f"'{start}1+2"
    assert safe_text("Gävle 1+2") == "Gävle 1+2"
    table = Table("Sheet", ["Heading"], [[f"{start}SUM(A1)"], [-5]])
    text = write_csv(table).decode("utf-8-sig")
    assert f"'{start}SUM(A1)" in text
    sheet = load_workbook(io.BytesIO(write_xlsx([table]))).active
    # (XML keeps a carriage return as a line break: what matters is the apostrophe.)
    assert sheet["A2"].value.startswith("'") and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == -5  # numbers stay numbers


def test_an_events_list_with_nothing_upcoming_offers_the_past(world, client):
    page = client.get("/events").text
    assert "No upcoming events match." in page
    assert 'href="/events?when=past">Show past events</a>' in page
