"""Every figure in the report equals what the database says, counted here independently
with SQL, on a generated partnership (semester 2: February to July 2020)."""

import re
from collections import defaultdict

import pytest
from sqlalchemy import text

from app.enums import EventKind
from app.extensions import db
from app.reports.render import render_pdf
from app.reports.services import build_report
from tests.reports.conftest import key_figures, pdf_text
from tests.reports.generated import generate

START, END = "2020-02-01 00:00:00", "2020-08-01 00:00:00"
FIRST_DAY, LAST_DAY = "2020-02-01", "2020-07-31"


def sql(query: str, **params):
    return db.session.execute(text(query), {"start": START, "end": END, **params}).all()


@pytest.fixture
def generated(app):
    project = generate(events=24, seed=11)
    return project, pdf_text(render_pdf(build_report(project, 2)))


def test_events_by_kind_and_status(generated):
    project, content = generated
    expected = defaultdict(lambda: [0, 0, 0, 0])
    in_semester = "project_id = :p AND starts_at >= :start AND starts_at < :end"
    for kind, count in sql(
        f"SELECT kind, count(*) FROM event WHERE {in_semester} AND status = 'held' GROUP BY kind",
        p=project.id,
    ):
        expected[kind][0] = count
    for kind, count in sql(
        "SELECT kind, count(*) FROM event WHERE project_id = :p AND ("
        " (original_starts_at >= :start AND original_starts_at < :end"
        "  AND starts_at > original_starts_at)"
        " OR (status = 'postponed' AND starts_at >= :start AND starts_at < :end)"
        ") GROUP BY kind",
        p=project.id,
    ):
        expected[kind][1] = count
    for kind, count in sql(
        f"SELECT kind, count(*) FROM event WHERE {in_semester} AND status = 'cancelled' "
        "GROUP BY kind",
        p=project.id,
    ):
        expected[kind][2] = count
    for kind, count in sql(
        f"SELECT kind, count(*) FROM event WHERE {in_semester} "
        "AND status IN ('planned', 'confirmed') GROUP BY kind",
        p=project.id,
    ):
        expected[kind][3] = count
    assert sum(v[0] for v in expected.values()) > 8  # the data exercises every column
    assert all(sum(v[i] for v in expected.values()) > 0 for i in range(4))
    for kind, (held, postponed, cancelled, planned) in expected.items():
        label = EventKind(kind).label
        assert f"{label} {held} {postponed} {cancelled} {planned}" in content, label
    totals = [sum(v[i] for v in expected.values()) for i in range(4)]
    assert "All events {} {} {} {}".format(*totals) in content
    figures = key_figures(content)
    assert figures["events held"] == totals[0]
    assert figures["events postponed"] == totals[1]
    assert figures["events cancelled"] == totals[2]


def test_participants_by_partner(generated):
    project, content = generated
    rows = sql(
        "SELECT p.name, p.code, count(*), sum(a.staff_count), sum(a.stakeholder_count) "
        "FROM attendance a JOIN event e ON e.id = a.event_id "
        "JOIN partner p ON p.id = a.partner_id "
        "WHERE e.project_id = :p AND e.status = 'held' "
        "AND e.starts_at >= :start AND e.starts_at < :end "
        "GROUP BY p.name, p.code ORDER BY p.code",
        p=project.id,
    )
    assert len(rows) == 5
    for name, code, events, staff, stakeholders in rows:
        row = f"{name} ({code}) {events} {staff} {stakeholders} {staff + stakeholders}"
        assert row in content
    staff = sum(r[3] for r in rows)
    stakeholders = sum(r[4] for r in rows)
    assert f"All partners {staff} {stakeholders} {staff + stakeholders}" in content
    assert key_figures(content)["participants"] == staff + stakeholders


def test_practices_identified_and_transfers_advanced(generated):
    project, content = generated
    (identified,) = sql(
        "SELECT count(*) FROM (SELECT pe.practice_id, min(e.starts_at) AS first_at "
        "FROM practice_event pe JOIN event e ON e.id = pe.event_id "
        "WHERE e.status = 'held' AND e.project_id = :p GROUP BY pe.practice_id) f "
        "WHERE f.first_at >= :start AND f.first_at < :end",
        p=project.id,
    )[0]
    assert identified > 0
    assert key_figures(content)["good practices identified"] == identified

    history = defaultdict(list)
    for transfer_id, stage, changed_at in sql(
        "SELECT transfer_id, stage, changed_at FROM transfer_stage_change ORDER BY changed_at"
    ):
        history[transfer_id].append((str(changed_at), stage))

    def stage_before(changes, moment):
        stages = [stage for when, stage in changes if when < moment]
        return stages[-1] if stages else None

    existing = {t: c for t, c in history.items() if stage_before(c, END)}
    advanced = sum(1 for c in existing.values() if stage_before(c, START) != stage_before(c, END))
    assert 0 < advanced < len(existing)
    assert key_figures(content)["transfers advanced"] == advanced
    assert f"{advanced} of {len(existing)} transfers advanced in the semester" in content


def test_indicators_this_semester_and_to_date(generated):
    project, content = generated
    rows = sql(
        "SELECT i.code, i.target, "
        " coalesce(sum(CASE WHEN o.period_number = 2 THEN o.value END), 0), "
        " coalesce(sum(CASE WHEN o.period_number <= 2 THEN o.value END), 0) "
        "FROM indicator i LEFT JOIN outcome o ON o.indicator_id = i.id AND o.kind = 'figure' "
        "WHERE i.project_id = :p GROUP BY i.code, i.target ORDER BY i.code",
        p=project.id,
    )
    assert any(row[2] for row in rows)
    for code, target, this_period, to_date in rows:
        target_text = f"{int(target):,}" if target is not None else "not set"
        share = f"{round(to_date / target * 100)} %" if target else "—"
        pattern = rf"{code} [^\d]*? {target_text} {int(this_period)} {int(to_date)} {share}"
        assert re.search(pattern, content), (pattern, content[content.find(code + " ") :][:200])


def test_action_plan_counts(generated):
    project, content = generated
    done = "status = 'done' AND ends_on >= :first AND ends_on <= :last"
    started = f"starts_on >= :first AND starts_on <= :last AND NOT ({done})"
    progressing = (
        "starts_on < :first AND status <> 'planned' AND (ends_on IS NULL OR ends_on >= :first) "
        f"AND NOT ({done})"
    )
    counts = {}
    for name, condition in (("started", started), ("progressing", progressing), ("done", done)):
        counts[name] = db.session.execute(
            text(f"SELECT count(*) FROM action WHERE {condition}"),
            {"first": FIRST_DAY, "last": LAST_DAY},
        ).scalar()
    assert all(counts.values()), counts
    assert (
        f"In this semester: {counts['started']} actions started, "
        f"{counts['progressing']} progressing, {counts['done']} done." in content
    )


def test_each_event_is_listed_with_its_evidence_and_no_contact_data(generated):
    project, content = generated
    titles = [
        title
        for (title,) in sql(
            "SELECT title FROM event WHERE project_id = :p AND ((starts_at >= :start "
            "AND starts_at < :end) OR "
            "(original_starts_at >= :start AND original_starts_at < :end))",
            p=project.id,
        )
    ]
    for title in titles:
        assert title in content
    moved_in_semester_3 = sql(
        "SELECT count(*) FROM event WHERE project_id = :p AND starts_at >= :end "
        "AND original_starts_at >= :start AND original_starts_at < :end",
        p=project.id,
    )[0][0]
    assert moved_in_semester_3 > 0
    names = [
        n
        for (n,) in sql(
            "SELECT a.original_name FROM attachment a JOIN event e ON e.id = a.event_id "
            "WHERE e.starts_at >= :start AND e.starts_at < :end"
        )
    ]
    assert names and all(name in content for name in names)
    assert ".example" not in content and "555 0100" not in content
