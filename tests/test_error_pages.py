"""Error pages in the site's layout; 503 with Retry-After while the database is away, and
the same app answering again by itself once it is back."""

import socket
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.extensions import db
from tests.conftest import make_app

LAYOUT = "Partnership programme"  # the brand link in templates/base.html


def test_an_unknown_page_is_404_in_the_layout(client):
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page and LAYOUT in page


def test_an_unknown_feed_is_404_in_plain_text(client):
    response = client.get("/calendar/private/not-a-token.ics")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"


def test_a_wrong_method_is_405_in_the_layout_and_says_what_is_allowed(client):
    response = client.delete("/events")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert LAYOUT in response.get_data(as_text=True)


def test_a_bug_is_500_in_the_layout_and_a_broken_query_is_not_called_an_outage(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken_view():
        raise RuntimeError("a bug")

    def broken_query():
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))

    app.add_url_rule("/broken-view", view_func=broken_view)
    app.add_url_rule("/broken-query", view_func=broken_query)
    for url in ("/broken-view", "/broken-query"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 500, url
        assert "Something went wrong" in page and LAYOUT in page
        assert "Traceback" not in page and "no_such_table" not in page
    assert client.get("/").status_code == 200  # the session was rolled back


class Proxy:
    """A TCP relay to the real PostgreSQL that the test takes down and brings back."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a stopped server does."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread on Linux
        except OSError:
            pass
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _assert_unavailable(client) -> None:
    with client.session_transaction() as session:  # signed in: the page must not load the user
        session["_user_id"] = "1"
        session["_fresh"] = True
    page = client.get("/")
    assert page.status_code == 503
    assert page.headers["Retry-After"].isdigit()
    assert "cannot be reached" in page.get_data(as_text=True)
    assert LAYOUT in page.get_data(as_text=True)
    assert "Sign in" in page.get_data(as_text=True)  # rendered as for a visitor
    assert client.get("/events/1").status_code == 503
    feed = client.get("/calendar.ics")
    assert feed.status_code == 503 and feed.mimetype == "text/plain"
    assert feed.headers["Retry-After"].isdigit()


def test_database_down_is_503_and_the_app_recovers_by_itself(app, tmp_path):
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        # Down: the database file cannot be opened. Back: it exists, with its schema.
        path = tmp_path / "not-yet" / "partnership.sqlite"
        site = make_app(f"sqlite:///{path}")
        _assert_unavailable(site.test_client())
        Path(path.parent).mkdir()
        with site.app_context():
            upgrade()
        assert site.test_client().get("/").status_code == 200
        return
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    site = make_app(url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
    client = site.test_client()
    try:
        assert client.get("/").status_code == 200
        proxy.stop()
        _assert_unavailable(client)
        proxy.start()
        assert client.get("/").status_code == 200
        assert client.get("/login").status_code == 200
    finally:
        proxy.stop()
        with site.app_context():
            db.engine.dispose()


def test_a_dead_port_is_503_not_500():
    site = make_app("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    _assert_unavailable(site.test_client())


@pytest.mark.parametrize("status", [400, 404, 500])
def test_error_pages_render_without_a_database(status):
    """The 400, 404 and 500 pages of an app whose database is gone still answer, styled."""
    site = make_app("postgresql+psycopg://postgres@127.0.0.1:1/nothing", CHECK_SCHEMA=False)
    site.config["PROPAGATE_EXCEPTIONS"] = False

    def fail():
        from flask import abort

        abort(status)

    site.add_url_rule("/fail", view_func=fail)
    client = site.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
    response = client.get("/fail")
    assert response.status_code == status
    assert LAYOUT in response.get_data(as_text=True)
