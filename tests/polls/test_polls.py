"""Date polls: who may do what, answering, ranking, the pick through the events service,
and every refusal changing nothing."""

from datetime import UTC, date, datetime, time

import pytest
from flask import g
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.errors import DomainError
from app.events.models import Event
from app.extensions import db
from app.mail.models import OutboxMessage
from app.polls import services
from app.polls.models import DatePoll, PollAnswer, PollStatus
from app.polls.services import SlotInput
from app.versioning import version_of
from tests import factories


def _as(client, world, role):
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, world.users[role])


def _answers(poll, partner, *values, comment=""):
    prefix = f"p{partner.id}"
    data = {}
    for slot, value in zip(poll.slots, values, strict=True):
        data[f"{prefix}-answer-{slot.id}"] = value
        data[f"{prefix}-comment-{slot.id}"] = comment
    return data


def _answer_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PollAnswer))


def _event_state(event_id):
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    return (event.starts_at, event.ends_at, event.status, event.revision)


# --- Opening -------------------------------------------------------------------------


OPEN_FORM = {
    "slots-0-first": "2027-03-10",
    "slots-1-first": "2027-03-17",
    "slots-1-start_time": "10:00",
    "slots-1-end_time": "16:00",
    "closes_on": "2027-03-01",
}


@pytest.mark.parametrize(
    ("role", "status"),
    [("coordinator", 302), ("tartu", 302), ("genoa", 403), ("gavle", 403), ("funder", 403)],
)
def test_who_opens_a_poll(world, client, role, status):
    _as(client, world, role)
    data = {**OPEN_FORM, "partners": [str(world.genoa.id), str(world.gavle.id)]}
    response = client.post(f"/polls/new/{world.event.id}", data=data)
    assert response.status_code == status, response.text[:500]
    assert db.session.scalar(select(func.count()).select_from(DatePoll)) == (status == 302)


def test_the_public_is_sent_to_sign_in_and_sees_no_link(world, client):
    poll = world.open_poll()
    for url in (f"/polls/{poll.id}", f"/polls/new/{world.event.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(f"/events/{world.event.id}")
    assert page.status_code == 200
    assert "Date poll" not in page.text


def test_a_poll_opened_with_the_form_asks_the_visitors_and_host_and_leaves_the_event(world, client):
    before = _event_state(world.event.id)
    _as(client, world, "tartu")
    response = client.post(
        f"/polls/new/{world.event.id}", data={**OPEN_FORM, "partners": [str(world.genoa.id)]}
    )
    assert response.status_code == 302
    poll = db.session.scalar(select(DatePoll))
    assert [p.city for p in poll.partners] == ["Genoa", "Tartu"]  # the host is always asked
    assert [s.all_day for s in poll.slots] == [True, False]
    timed = poll.slots[1]
    assert timed.timezone == "Europe/Tallinn"
    assert timed.starts_at == datetime(2027, 3, 17, 8, 0, tzinfo=UTC)  # 10:00 EET
    assert _event_state(world.event.id) == before
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    page = client.get(f"/events/{world.event.id}")
    assert f'href="/polls/{poll.id}"' in page.text


def test_the_default_partners_are_the_visitors_and_the_host(world):
    poll = world.open_poll()
    assert [p.city for p in poll.partners] == ["Genoa", "Gävle", "Tartu"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slots": [SlotInput(date(2030, 3, 10))]}, "is outside the project's periods"),
        ({"slots": [SlotInput(date(2026, 9, 10))], "closes_on": None}, "Give the day"),
        (
            {"slots": [SlotInput(date(2026, 10, 1))], "closes_on": date(2026, 9, 1)},
            "cannot close before today",
        ),
        ({"slots": []}, "at least one"),
        ({"slots": [SlotInput(date(2027, 3, 10)), SlotInput(date(2027, 3, 10))]}, "twice"),
        (
            {"slots": [SlotInput(date(2027, 3, 10), None, time(10, 0), None)]},
            "start and an end time",
        ),
        ({"closes_on": date(2027, 3, 20)}, "must close by the first candidate"),
    ],
)
def test_bad_openings_are_refused_and_store_nothing(world, fields, message):
    with pytest.raises(DomainError, match=message):
        world.open_poll(**fields)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(DatePoll)) == 0


def test_a_slot_in_the_past_is_refused(world):
    with pytest.raises(DomainError, match="in the past"):
        services.open_poll(
            world.event,
            slots=[SlotInput(date(2027, 3, 10))],
            closes_on=date(2027, 3, 10),
            now=datetime(2027, 3, 10, 12, tzinfo=UTC),
        )


def test_the_form_says_why_a_slot_outside_the_periods_is_refused(world, client):
    _as(client, world, "coordinator")
    data = {**OPEN_FORM, "slots-0-first": "2031-01-05", "partners": [str(world.genoa.id)]}
    response = client.post(f"/polls/new/{world.event.id}", data=data)
    assert response.status_code == 400
    assert "is outside the project&#39;s periods" in response.text
    assert db.session.scalar(select(func.count()).select_from(DatePoll)) == 0


@pytest.mark.parametrize("status", ["confirmed", "held", "cancelled"])
def test_only_an_event_whose_date_is_not_fixed_takes_a_poll(world, status):
    world.event.status = status
    db.session.commit()
    with pytest.raises(DomainError, match="not fixed yet"):
        world.open_poll()


def test_one_open_poll_per_event(world):
    world.open_poll()
    with pytest.raises(DomainError, match="open date poll already"):
        world.open_poll()


def test_a_partner_not_taking_part_cannot_be_asked(world):
    other = factories.partner(world.project, "NYI", "Nyíregyháza", "Europe/Budapest")
    with pytest.raises(DomainError, match="Nyíregyháza does not"):
        world.open_poll(partners=[other])


# --- Answering -----------------------------------------------------------------------


def test_an_editor_answers_for_its_delegation_and_changes_its_answers(world, client):
    poll = world.open_poll()
    _as(client, world, "genoa")
    url = f"/polls/{poll.id}/answers/{world.genoa.id}"
    response = client.post(url, data=_answers(poll, world.genoa, "yes", "no", "if_need_be"))
    assert response.status_code == 302
    response = client.post(
        url, data=_answers(poll, world.genoa, "no", "yes", "yes", comment="Flights on Monday")
    )
    assert response.status_code == 302
    rows = db.session.scalars(select(PollAnswer).order_by(PollAnswer.slot_id)).all()
    assert [r.answer for r in rows] == ["no", "yes", "yes"]
    assert {r.comment for r in rows} == {"Flights on Monday"}
    assert {r.answered_by_id for r in rows} == {world.users["genoa"].id}
    page = client.get(f"/polls/{poll.id}")
    assert "Flights on Monday" in page.text
    # text, not only colour: the answer is written in each cell
    assert '<td class="answer answer-yes">' in page.text and "<strong>Yes</strong>" in page.text


@pytest.mark.parametrize(("role", "status"), [("gavle", 403), ("tartu", 403), ("funder", 403)])
def test_answering_for_another_partner_is_forbidden_and_changes_nothing(
    world, client, role, status
):
    poll = world.open_poll()
    _as(client, world, role)
    response = client.post(
        f"/polls/{poll.id}/answers/{world.genoa.id}",
        data=_answers(poll, world.genoa, "yes", "yes", "yes"),
    )
    assert response.status_code == status
    assert _answer_count() == 0


def test_a_coordinator_answers_for_any_partner_asked(world, client):
    poll = world.open_poll()
    _as(client, world, "coordinator")
    response = client.post(
        f"/polls/{poll.id}/answers/{world.gavle.id}",
        data=_answers(poll, world.gavle, "yes", "no", "no"),
    )
    assert response.status_code == 302
    assert _answer_count() == 3


def test_a_partner_not_asked_cannot_answer(world, client):
    poll = world.open_poll(partners=[world.genoa])
    _as(client, world, "gavle")
    response = client.post(
        f"/polls/{poll.id}/answers/{world.gavle.id}",
        data=_answers(poll, world.gavle, "yes", "yes", "yes"),
    )
    assert response.status_code == 403
    assert _answer_count() == 0


def test_a_funder_reads_the_poll_without_forms(world, client):
    poll = world.open_poll()
    _as(client, world, "funder")
    page = client.get(f"/polls/{poll.id}")
    assert page.status_code == 200
    assert "/answers/" not in page.text and "/pick" not in page.text


@pytest.mark.parametrize("state", ["closed", "picked", "past its day"])
def test_answers_are_refused_once_the_poll_is_closed(world, state):
    poll = world.open_poll()
    now = None
    if state == "closed":
        services.close(poll, seen_version=version_of(poll))
    elif state == "picked":
        services.pick(poll, poll.slots[0], seen_version=version_of(poll))
    else:
        now = datetime(2027, 3, 2, 12, tzinfo=UTC)  # the day after it closes
    db.session.commit()
    with pytest.raises(DomainError, match="no more answers"):
        services.answer(poll, world.genoa, {poll.slots[0].id: ("yes", "")}, now=now)
    db.session.rollback()
    assert _answer_count() == 0


def test_answering_a_closed_poll_through_the_page_says_so(world, client):
    poll = world.open_poll()
    services.close(poll, seen_version=version_of(poll))
    db.session.commit()
    _as(client, world, "genoa")
    response = client.post(
        f"/polls/{poll.id}/answers/{world.genoa.id}",
        data=_answers(poll, world.genoa, "yes", "yes", "yes"),
    )
    assert response.status_code == 400
    assert "The poll is closed" in response.text
    assert _answer_count() == 0


def test_a_slot_of_another_poll_or_a_bad_answer_is_refused_whole(world):
    poll = world.open_poll()
    other_event = factories.event(world.project, world.tartu, date(2027, 4, 1), date(2027, 4, 1))
    other = services.open_poll(
        other_event, slots=[SlotInput(date(2027, 5, 5))], closes_on=date(2027, 4, 1)
    )
    db.session.commit()
    for answers, message in (
        ({poll.slots[0].id: ("yes", ""), other.slots[0].id: ("yes", "")}, "not one of this"),
        ({poll.slots[0].id: ("yes", ""), poll.slots[1].id: ("maybe", "")}, "yes, if need be"),
    ):
        with pytest.raises(DomainError, match=message):
            services.answer(poll, world.genoa, answers)
        db.session.rollback()
        assert _answer_count() == 0


# --- Ranking -------------------------------------------------------------------------


def test_slots_rank_by_most_yes_then_fewest_no_then_most_if_need_be(world):
    poll = world.open_poll()
    first, second, third = poll.slots
    given = {
        world.tartu: ("yes", "yes", "yes"),
        world.genoa: ("no", "yes", "if_need_be"),
        world.gavle: ("yes", "no", "if_need_be"),
    }
    for partner, values in given.items():
        services.answer(
            poll, partner, {s.id: (v, "") for s, v in zip(poll.slots, values, strict=True)}
        )
    db.session.commit()
    ranked = services.ranking(poll)
    # third: 1 yes, 0 no; first and second: 2 yes, 1 no each -> earlier first
    assert [t.slot.id for t in ranked] == [first.id, second.id, third.id]
    assert [(t.yes, t.if_need_be, t.no) for t in ranked] == [(2, 0, 1), (2, 0, 1), (1, 2, 0)]
    services.answer(poll, world.gavle, {second.id: ("if_need_be", "")})
    db.session.commit()
    ranked = services.ranking(poll)
    assert [t.slot.id for t in ranked] == [second.id, first.id, third.id]  # fewer no wins


def test_the_page_lists_slots_best_first(world, client):
    poll = world.open_poll()
    last = poll.slots[2]
    services.answer(poll, world.genoa, {last.id: ("yes", "")})
    db.session.commit()
    _as(client, world, "gavle")
    page = client.get(f"/polls/{poll.id}").text
    ranking = page[page.index('id="ranking"') : page.index('id="answers"')]
    assert ranking.index("24 Mar 2027") < ranking.index("10 Mar 2027")


# --- Zones, overlaps and holidays on the page ----------------------------------------


def test_each_reader_sees_timed_slots_in_their_zone_with_the_hosts_beside(world, client):
    poll = world.open_poll()
    _as(client, world, "genoa")
    page = client.get(f"/polls/{poll.id}").text
    assert "17 Mar 2027, 09:00–15:00 CET (Europe/Rome)" in page
    assert "(host's time: 17 Mar 2027, 10:00–16:00 EET (Europe/Tallinn))" in page
    _as(client, world, "tartu")
    page = client.get(f"/polls/{poll.id}").text
    assert "17 Mar 2027, 10:00–16:00 EET (Europe/Tallinn)" in page
    assert "host's time" not in page  # the host reads its own zone once


def test_existing_events_and_holidays_are_marked_per_slot_and_partner(world, client):
    factories.event(
        world.project,
        world.genoa,
        datetime(2027, 6, 2, 9),
        datetime(2027, 6, 2, 12),
        title="Steering group in Genoa",
    )
    poll = world.open_poll(
        slots=[SlotInput(date(2027, 6, 2)), SlotInput(date(2027, 6, 9))],
        closes_on=date(2027, 5, 1),
    )
    _as(client, world, "gavle")
    page = client.get(f"/polls/{poll.id}").text
    grid = page[page.index('id="answers"') :]
    genoa_row = grid[grid.index("Genoa") : grid.index("Gävle")]
    first_cell = genoa_row.split("<td")[1]
    assert "Busy: Study visit: Steering group in Genoa" in first_cell
    assert "Public holiday: 2 Jun 2027: Republic Day" in first_cell
    assert "Busy" not in genoa_row.split("<td")[2]
    tartu_row = grid[grid.index("Tartu") :]
    assert "Public holiday" not in tartu_row.split("</tr>")[0]


def test_the_poll_page_query_count_does_not_grow_with_slots_and_answers(world, client):
    from sqlalchemy import event as sa_event

    def statements(url):
        counted = []

        def count(_conn, _cursor, statement, *_args):
            counted.append(statement)

        g.pop("_login_user", None)
        db.session.expire_all()
        engine = db.engine
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)
        return counted

    _as(client, world, "genoa")
    small = world.open_poll(slots=[SlotInput(date(2027, 3, 10))])
    client.get(f"/polls/{small.id}")  # the first request checks the schema
    few = statements(f"/polls/{small.id}")
    other = factories.event(
        world.project,
        world.tartu,
        date(2027, 4, 1),
        date(2027, 4, 1),
        participants=[world.genoa, world.gavle],
    )
    big = services.open_poll(
        other,
        slots=[SlotInput(date(2027, 5, d)) for d in range(3, 10)],
        closes_on=date(2027, 4, 1),
    )
    db.session.commit()
    for partner in (world.tartu, world.genoa, world.gavle):
        services.answer(big, partner, {s.id: ("yes", "x") for s in big.slots})
    db.session.commit()
    many = statements(f"/polls/{big.id}")
    assert len(many) == len(few), [s[:70] for s in few] + ["//"] + [s[:70] for s in many]


# --- Picking -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("coordinator", 302), ("tartu", 302), ("genoa", 403), ("funder", 403)],
)
def test_who_picks(world, client, role, status):
    poll = world.open_poll()
    before = _event_state(world.event.id)
    _as(client, world, role)
    response = client.post(
        f"/polls/{poll.id}/pick",
        data={"slot": str(poll.slots[2].id), "version": version_of(poll)},
    )
    assert response.status_code == status, response.text[:500]
    changed = _event_state(world.event.id) != before
    assert changed == (status == 302)


def test_the_pick_sets_the_dates_through_the_events_service_and_tells_everyone_once(world, client):
    poll = world.open_poll()
    revision = world.event.revision
    _as(client, world, "coordinator")
    response = client.post(
        f"/polls/{poll.id}/pick",
        data={"slot": str(poll.slots[1].id), "version": version_of(poll)},
    )
    assert response.status_code == 302, response.text[:800]
    db.session.expire_all()
    event = db.session.get(Event, world.event.id)
    assert (event.starts_at, event.ends_at) == (
        datetime(2027, 3, 17, 8, tzinfo=UTC),
        datetime(2027, 3, 17, 14, tzinfo=UTC),
    )
    assert not event.all_day and event.status == "confirmed"
    assert event.revision == revision + 1
    assert event.original_starts_at is None  # not a postponement: the date was open
    poll = db.session.get(DatePoll, poll.id)
    assert poll.status == PollStatus.PICKED and poll.picked_slot_id == poll.slots[1].id
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)).all()
    assert [m.to_address for m in messages] == [
        "contact@p1.example",
        "contact@p3.example",
        "contact@p4.example",
    ]
    genoa = messages[0]
    assert genoa.subject.startswith("Data scelta:"), genoa.subject  # in Genoa's Italian
    english = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == "contact@p4.example")
    )
    assert "SEQUENCE:2" in english.calendar and f"UID:event-{event.id}@" in english.calendar
    assert "METHOD:REQUEST" in english.calendar


def test_picking_twice_or_on_a_closed_poll_is_refused_and_changes_nothing(world, client):
    poll = world.open_poll()
    services.pick(poll, poll.slots[0], seen_version=version_of(poll))
    db.session.commit()
    after_first = _event_state(world.event.id)
    count = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    _as(client, world, "coordinator")
    response = client.post(
        f"/polls/{poll.id}/pick",
        data={"slot": str(poll.slots[2].id), "version": version_of(poll)},
    )
    assert response.status_code == 400
    assert "A date was picked already" in response.text
    assert _event_state(world.event.id) == after_first
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == count

    other_event = factories.event(world.project, world.tartu, date(2027, 4, 1), date(2027, 4, 1))
    closed = services.open_poll(
        other_event, slots=[SlotInput(date(2027, 5, 5))], closes_on=date(2027, 4, 1)
    )
    db.session.commit()
    services.close(closed, seen_version=version_of(closed))
    db.session.commit()
    with pytest.raises(DomainError, match="closed: no date can be picked"):
        services.pick(closed, closed.slots[0], seen_version=version_of(closed))


def test_a_slot_of_another_poll_or_a_stale_page_is_refused_at_the_pick(world, client):
    poll = world.open_poll()
    other_event = factories.event(world.project, world.tartu, date(2027, 4, 1), date(2027, 4, 1))
    other = services.open_poll(
        other_event, slots=[SlotInput(date(2027, 5, 5))], closes_on=date(2027, 4, 1)
    )
    db.session.commit()
    before = _event_state(world.event.id)
    _as(client, world, "coordinator")
    response = client.post(
        f"/polls/{poll.id}/pick", data={"slot": str(other.slots[0].id), "version": version_of(poll)}
    )
    assert response.status_code == 400 and "not one of this poll" in response.text
    response = client.post(
        f"/polls/{poll.id}/pick", data={"slot": str(poll.slots[0].id), "version": "0:x"}
    )
    assert response.status_code == 409
    assert _event_state(world.event.id) == before


def test_an_overlap_warns_before_the_pick_and_save_anyway_picks(world, client):
    factories.event(
        world.project,
        world.gavle,
        datetime(2027, 3, 24, 9),
        datetime(2027, 3, 24, 17),
        title="Gävle board meeting",
    )
    poll = world.open_poll()
    before = _event_state(world.event.id)
    _as(client, world, "tartu")
    data = {"slot": str(poll.slots[2].id), "version": version_of(poll)}
    response = client.post(f"/polls/{poll.id}/pick", data=data)
    assert response.status_code == 409
    assert "Gävle already has an overlapping event" in response.text
    assert 'value="Save anyway"' in response.text
    assert _event_state(world.event.id) == before
    assert db.session.get(DatePoll, poll.id).status == "open"
    response = client.post(f"/polls/{poll.id}/pick", data={**data, "save_anyway": "Save anyway"})
    assert response.status_code == 302
    assert _event_state(world.event.id)[2] == "confirmed"


def test_a_public_holiday_warns_before_the_pick(world, client):
    poll = world.open_poll(
        slots=[SlotInput(date(2027, 6, 2)), SlotInput(date(2027, 6, 9))],
        closes_on=date(2027, 5, 1),
    )
    _as(client, world, "coordinator")
    response = client.post(
        f"/polls/{poll.id}/pick", data={"slot": str(poll.slots[0].id), "version": version_of(poll)}
    )
    assert response.status_code == 409
    assert "2 June 2027 is a public holiday in Italy: Republic Day" in response.text
    assert db.session.get(DatePoll, poll.id).status == "open"


def test_a_pick_that_leaves_sessions_outside_asks_first(world, client):
    from app.events.services import add_session

    add_session(
        world.event,
        title="Site visit",
        start=datetime(2027, 3, 3, 10),
        end=datetime(2027, 3, 3, 12),
    )
    db.session.commit()
    poll = world.open_poll()
    _as(client, world, "coordinator")
    data = {"slot": str(poll.slots[1].id), "version": version_of(poll)}  # 10:00-16:00
    response = client.post(f"/polls/{poll.id}/pick", data=data)
    assert response.status_code == 302  # 10:00-12:00 fits the new day


def test_open_answer_and_pick_are_in_the_events_history(world, client):
    poll = world.open_poll()
    services.answer(poll, world.genoa, {poll.slots[0].id: ("yes", "")})
    db.session.commit()
    services.pick(poll, poll.slots[0], seen_version=version_of(poll))
    db.session.commit()
    entries = db.session.execute(
        select(ActivityEntry.object_kind, ActivityEntry.action)
        .where(
            ActivityEntry.scope_kind == "event",
            ActivityEntry.scope_id == world.event.id,
            ActivityEntry.object_kind.in_(("date_poll", "poll_answer")),
        )
        .order_by(ActivityEntry.id)
    ).all()
    assert entries == [
        ("date_poll", "created"),
        ("poll_answer", "created"),
        ("date_poll", "changed"),
    ]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("et", "Kuupäevavalikud, parim esimesena"),
        ("hu", "Javasolt időpontok, a legjobb elöl"),
        ("it", "Date proposte, dalla migliore"),
        ("sv", "Föreslagna datum, bästa först"),
    ],
)
def test_the_poll_pages_read_in_each_language(world, client, lang, words):
    poll = world.open_poll()
    services.answer(poll, world.genoa, {poll.slots[0].id: ("if_need_be", "")})
    db.session.commit()
    _as(client, world, "coordinator")
    page = client.get(f"/polls/{poll.id}?lang={lang}")
    assert page.status_code == 200 and words in page.text
    assert client.get(f"/polls/new/{world.event.id}?lang={lang}").status_code == 200
