"""Small factories for test data; each commits and returns the object."""

from contextlib import nullcontext
from datetime import date, datetime
from itertools import count

from app.auth import sign_ins
from app.auth.models import User
from app.events.services import create_event
from app.extensions import db
from app.partners.models import Partner, Phase, Project

_seq = count(1)


def project(**fields) -> Project:
    fields.setdefault("acronym", f"TEST{next(_seq)}")
    fields.setdefault("name", "Test partnership")
    fields.setdefault("programme", "Interreg Europe")
    fields.setdefault("start_date", date(2019, 8, 1))
    years = fields.pop("years", 3)  # how long its one phase, and so its semesters, run
    item = Project(**fields)
    item.phases = [
        Phase(
            number=1,
            name="Phase 1",
            start_date=item.start_date,
            end_date=date(item.start_date.year + years, item.start_date.month, 1),
        )
    ]
    db.session.add(item)
    db.session.commit()
    return item


def partner(
    project: Project, code: str, city: str = "Tartu", zone: str = "Europe/Tallinn", **fields
) -> Partner:
    item = Partner(
        project=project,
        code=code,
        name=fields.pop("name", f"City of {city}"),
        city=city,
        country=fields.pop("country", "EE"),
        timezone=zone,
        language=fields.pop("language", "et"),
        **fields,
    )
    db.session.add(item)
    db.session.commit()
    return item


def event(project: Project, host: Partner, start: datetime | date, end: datetime | date, **fields):
    fields.setdefault("kind", "study_visit")
    fields.setdefault("title", f"Event {next(_seq)}")
    item = create_event(
        project,
        host=host,
        start=start,
        end=end,
        timezone=fields.pop("timezone", host.timezone),
        **fields,
    )
    db.session.commit()
    return item


def user(
    email: str,
    role: str = "coordinator",
    partner: Partner | None = None,
    password: str = "correct horse battery",
) -> User:
    item = User(email=email, role=role, partner=partner)
    item.set_password(password)
    db.session.add(item)
    db.session.commit()
    return item


def sign_in(client, email: str, password: str = "correct horse battery") -> None:
    """Sign `client` in through the real form (tests run without CSRF tokens)."""
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def signed_in(session, user: User | int, app=None) -> None:
    """Sign a test client in without the form: inside `client.session_transaction()`, put
    Flask-Login's keys and a live sign-in (a `sign_in` row) in its session. Pass `app` when
    no app context is pushed (a thread of its own)."""
    user_id = user if isinstance(user, int) else user.id
    session["_user_id"] = str(user_id)
    session["_fresh"] = True
    with app.app_context() if app is not None else nullcontext():
        session[sign_ins.SESSION_KEY] = sign_ins.create(user_id)
        db.session.commit()


def statements(client, url: str) -> int:
    """How many SQL statements a GET of `url` runs, counted on a cold request (the page's
    own queries: once-per-process work and the signed-in user cached in `g` are left out)."""
    from flask import g
    from sqlalchemy import event as sa_event

    count_ = 0

    def counter(*_args, **_kwargs):
        nonlocal count_
        count_ += 1

    client.get(url)  # once-per-process work (the schema check) is not the page's
    db.session.remove()  # a cold start, as for a request of its own
    g.pop("_login_user", None)
    sa_event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(url)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200, (url, response.status_code)
    return count_
