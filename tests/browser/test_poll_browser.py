"""A date poll from opening to pick, in a real browser: the coordinator opens a poll on
Tartu's study visit, Genoa's and Gävle's editors answer it for their delegations (each
sees the times in their own zone), and the coordinator picks the best date, which the
event then has, with one e-mail per partner contact in a real SMTP server."""

from playwright.sync_api import expect

from app.extensions import db
from app.mail.delivery import deliver_due
from app.polls.models import DatePoll
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.mail.conftest import smtp  # noqa: F401
from tests.polls.conftest import poll_clock, world  # noqa: F401


def _answer(page, answers: dict[str, tuple[str, str]]) -> None:
    """Answer on the poll page: candidate's words -> (answer, comment)."""
    for legend, (choice, comment) in answers.items():
        group = page.get_by_role("group", name=legend)
        group.get_by_label(choice, exact=True).check()
        if comment:
            group.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Save our answers").click()


def test_a_poll_from_opening_to_pick_with_two_partner_editors(
    poll_clock,  # noqa: F811
    world,  # noqa: F811
    page,
    smtp,  # noqa: F811
):
    sign_in(page, "coord@example.org")
    page.goto(f"/events/{world.event.id}")
    page.get_by_role("link", name="Find a date with a poll").click()
    first = page.get_by_role("group", name="Candidate 1")
    first.get_by_label("Day", exact=True).fill("2027-03-10")
    second = page.get_by_role("group", name="Candidate 2")
    second.get_by_label("Day", exact=True).fill("2027-03-17")
    second.get_by_label("From").fill("10:00")
    second.get_by_label("Until").fill("16:00")
    page.get_by_label("Answers until (last day)").fill("2027-03-01")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Open the poll").click()
    expect(page.get_by_text("The date poll is open.")).to_be_visible()
    poll_url = page.url

    page.context.clear_cookies()
    sign_in(page, "genoa@example.org")
    page.goto(poll_url)
    # Genoa reads the timed candidate in its own zone, with Tartu's beside it.
    expect(page.get_by_role("heading", name="Answer for Genoa")).to_be_visible()
    timed = (
        "17 Mar 2027, 09:00–15:00 CET (Europe/Rome) "
        "(host's time: 17 Mar 2027, 10:00–16:00 EET (Europe/Tallinn))"
    )
    _answer(
        page,
        {
            "10 Mar 2027 (whole days)": ("No", "Council meeting"),
            timed: ("Yes", ""),
        },
    )
    expect(page.get_by_text("Saved the answers of Genoa.")).to_be_visible()
    assert page.get_by_role("heading", name="Answer for Gävle").count() == 0

    page.context.clear_cookies()
    sign_in(page, "gavle@example.org")
    page.goto(poll_url)
    timed_in_stockholm = (
        "17 Mar 2027, 09:00–15:00 CET (Europe/Stockholm) "
        "(host's time: 17 Mar 2027, 10:00–16:00 EET (Europe/Tallinn))"
    )
    _answer(
        page,
        {
            "10 Mar 2027 (whole days)": ("If need be", ""),
            timed_in_stockholm: ("Yes", "Flights via Riga"),
        },
    )
    expect(page.get_by_text("Saved the answers of Gävle.")).to_be_visible()
    grid = page.get_by_role("region", name="Answers by partner")
    expect(grid.get_by_text("Council meeting")).to_be_visible()
    expect(grid.get_by_text("Flights via Riga")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.context.clear_cookies()
    sign_in(page, "coord@example.org")
    page.goto(poll_url)
    ranking = page.get_by_role("region", name="Candidate dates, best first")
    expect(ranking.locator("tbody tr").first).to_contain_text("17 Mar 2027")
    pick = page.get_by_role("region", name="Pick the date")
    pick.get_by_label("17 Mar 2027", exact=False).check()
    pick.get_by_role("button", name="Pick this date").click()
    expect(page.get_by_text("Picked 17 Mar 2027, 10:00–16:00")).to_be_visible()
    expect(page.get_by_text("Date picked")).to_be_visible()
    assert page.get_by_role("button", name="Pick this date").count() == 0

    page.get_by_role("link", name="Study visit: Digital services").first.click()
    expect(page.get_by_text("17 Mar 2027").first).to_be_visible()
    expect(page.get_by_role("link", name="The date poll")).to_be_visible()

    db.session.expire_all()
    assert db.session.query(DatePoll).one().status == "picked"
    assert deliver_due().sent == 3
    assert len(smtp.to("contact@p3.example")) == 1
