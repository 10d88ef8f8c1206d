"""The demo partnership's reports say what the newsletters say, figure for figure."""

import re

import pytest
from sqlalchemy import text

from app.extensions import db
from app.home.queries import the_project
from app.reports.render import render_pdf
from app.reports.services import build_report
from tests.reports.conftest import pdf_reader, pdf_text


@pytest.fixture
def semester_2(demo):
    return render_pdf(build_report(the_project(), 2))


def test_semester_2_shows_thematic_event_3_with_its_sessions_and_experts(semester_2):
    content = pdf_text(semester_2)
    assert "Thematic event #3" in content
    for expert in ("Lauri Sock", "Henrik Mazzanti", "Dr Steve Harding"):
        assert expert in content
    for day in ("Tue 16 Jun 2020", "Wed 17 Jun 2020", "Thu 18 Jun 2020"):
        assert re.search(day + r" 09:30–11:00 BST \(Europe/London\)", content), day
    assert content.count("09:30–11:00 BST") == 3
    assert "Seminar 1: Building partnerships for data collection" in content
    assert "Workshop 3: Public sector reform" in content
    # Online on Webex, hosted by Birmingham, with the postponement from March in Birmingham.
    assert "Online (Webex)" in content
    assert "Birmingham City Council (P2, Birmingham)" in content
    # 001 says only "in March 2020" (märtsis 2020): the month, not "1–31 Mar".
    assert "Postponed from March 2020 in Birmingham, United Kingdom (in person)" in content
    assert "16 Jun 2020, 09:30 BST (Europe/London)" in content
    # The outcomes recorded on the event.
    assert "The seminars were judged a success" in content


def test_semester_2_summary_counts_the_postponed_event_held_in_june(semester_2):
    content = pdf_text(semester_2)
    # Kind, held, postponed, cancelled, planned.
    assert "Thematic event 1 1 0 0" in content
    assert "All events 1 1 0 0" in content
    # Session times are Birmingham time, not the readers' (Tartu 11:30, Nyíregyháza 10:30).
    assert "11:30" not in content and "10:30–12:00" not in content


def test_report_has_cover_contents_with_page_numbers_and_running_header(semester_2):
    reader = pdf_reader(semester_2)
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    total = len(pages)
    assert "Progress report".upper() in pages[0].upper() and "Semester 2" in pages[0]
    assert "1 February 2020 – 31 July 2020" in pages[0]
    assert "Page" not in pages[0]  # the cover carries no header or footer
    contents = pages[1]
    # Chapters flow on: the events start on the page whose body holds their heading.
    events_page = next(
        i
        for i, page in enumerate(pages[2:], 3)
        if "3. Events of the semester Thematic event #3" in page
    )
    assert re.search(r"3\. Events of the semester[ .]*" + str(events_page), contents)
    for number, page in enumerate(pages[1:], 2):
        assert f"Page {number} of {total}" in page
        assert "BETTER · Semester 2, Feb 2020 – Jul 2020" in page


def test_pdf_metadata_title_author_language_and_tags(semester_2):
    reader = pdf_reader(semester_2)
    assert reader.metadata.title == "BETTER progress report, semester 2"
    assert reader.metadata.author == "Municipality of Genoa, for the BETTER partnership"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_every_demo_semester_with_events_renders(demo):
    project = the_project()
    with_events = []
    for period in project.periods():
        count = db.session.execute(
            text("SELECT count(*) FROM event WHERE starts_at >= :start AND starts_at < :end"),
            {"start": f"{period.start} 00:00:00", "end": f"{period.end} 00:00:00"},
        ).scalar()
        if count:
            with_events.append(period.number)
    assert with_events == [1, 2, 4, 5]
    for number in with_events:
        report = build_report(project, number)
        content = pdf_text(render_pdf(report))
        assert f"Semester {number}" in content
        for entry in report.events:
            assert entry.event.display_title in content


def test_semester_5_lists_the_study_visits_and_the_practices_they_studied(demo):
    content = pdf_text(render_pdf(build_report(the_project(), 5)))
    assert "Study visit 2 0 0 0" in content
    assert "LEGO Education Innovation Studio" in content
    assert "Digital Tree – habitat of innovation" in content
    # Tartu's transfer of Gävle's practice: not started at the start, studied at the end.
    assert re.search(
        r"Service design and e-service development Gävle Tartu not started Studied",
        content,
    )
    # Visitors studied the hosts' practices: 6 in Nyíregyháza and 3 in Gävle this semester,
    # of the 24 transfers the three 2021 visits started.
    assert "9 of 24 transfers advanced" in content
    # The next semester's plans from the newsletter: five of each.
    assert re.search(r"Study visit 5 Planned in the newsletter", content)


def test_report_never_shows_contact_details(demo):
    db.session.execute(
        text("UPDATE person SET email = 'lauri.sock@example.ee', phone = '+372 555 0101'")
    )
    db.session.commit()
    content = pdf_text(render_pdf(build_report(the_project(), 2)))
    assert "Lauri Sock" in content
    assert "example.ee" not in content and "555 0101" not in content


def test_semester_7_reports_the_indicator_figure_and_its_running_total(demo):
    content = pdf_text(render_pdf(build_report(the_project(), 7)))
    # PC: 12 people trained, counted for semester 7; SM: 440 services from semester 2
    # ("Summer 2020": June and July are semester 2). Both semesters are marked assumed.
    assert re.search(r"PC People with increased professional capacity .*? not set 12 12", content)
    assert re.search(
        r"SM Public services mapped \(services\) assumed for the demo not set 0 440", content
    )
    assert re.search(r"TD Training days held \(days\) assumed for the demo not set 7 7", content)
