"""Security headers on every page of the roles-by-route table, and HSTS only over https.

Each route of `tests/test_roles_by_route.py` is requested by a role it lets in; an HTML
answer (page, redirect or error) must carry the whole set, any other answer at least
`nosniff`, and a header a view set itself (evidence downloads, private feeds) stays.
"""

import pytest

from app.extensions import db
from tests.conftest import make_app
from tests.test_roles_by_route import ROLES, ROUTES, _request, build_world

HTML_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
DEVICES_OFF = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")
HSTS = "max-age=31536000; includeSubDomains"


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def assert_html_headers(response, where: str) -> None:
    for name, value in HTML_HEADERS.items():
        assert response.headers.get(name) == value, (where, name, response.headers.get(name))
    csp = _directives(response.headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts, (where, "no script-src nor default-src")
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    assert "*" not in scripts and "data:" not in scripts, where
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"]), where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert csp.get("object-src") == ["'none'"], where
    assert csp.get("base-uri") == ["'none'"], where
    assert csp.get("form-action") == ["'self'"], where
    permissions = response.headers.get("Permissions-Policy", "")
    assert all(feature in permissions for feature in DEVICES_OFF), (where, permissions)


def _first_allowed(route) -> str:
    return next(role for role in ROLES if role in route.allowed)


CASES = [
    pytest.param(route, id=f"{route.method} {route.url} as {_first_allowed(route)}")
    for route in ROUTES
]


@pytest.mark.parametrize("route", CASES)
def test_every_route_answers_with_the_security_headers(app, client, route):
    world = build_world()
    role = _first_allowed(route)
    response = _request(client, world, role, route.method, route.url, route.data)
    where = f"{route.method} {route.url} as {role}: {response.status_code} {response.mimetype}"
    assert response.status_code < 500, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    if response.mimetype == "text/html":
        assert_html_headers(response, where)
    assert "Strict-Transport-Security" not in response.headers, where  # the app is on http


def test_every_html_page_of_the_table_was_checked(app):
    """The table keeps GET pages that answer HTML: the test above is not vacuous."""
    pages = [r for r in ROUTES if r.method == "GET" and not r.url.endswith((".ics", ".pdf"))]
    assert len(pages) > 30


def test_refusals_and_errors_carry_the_headers_too(app, client):
    world = build_world()
    for url in ("/no-such-page", f"/events/{world.internal}", "/reports/", "/dashboard"):
        response = client.get(url)  # anonymous: 404, or sent to sign in
        assert response.status_code in (302, 404), url
        assert_html_headers(response, url)


def test_a_view_s_own_headers_are_kept(app, client):
    world = build_world()
    download = _request(client, world, "coordinator", "GET", "/evidence/{attachment}", {})
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    feed = client.get(f"/calendar/private/{world.host_feed_token}.ics")
    assert feed.status_code == 200
    assert feed.headers["Referrer-Policy"] == "no-referrer"


def test_static_files_are_not_sniffed(app, client):
    for path in ("/static/style.css", "/static/confirm.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path


@pytest.fixture
def https_client(app, tmp_path):
    """A second app on the same database whose SITE_URL is https."""

    def build(**settings):
        other = make_app(
            app.config["SQLALCHEMY_DATABASE_URI"], UPLOAD_DIR=str(tmp_path / "up"), **settings
        )
        built.append(other)
        return other.test_client()

    built = []
    yield build
    for other in built:
        with other.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(
    "settings",
    [
        {"SITE_URL": "https://partners.example.org"},
        {"SITE_URL": "http://127.0.0.1:8000", "FORCE_HTTPS": True},  # behind a TLS proxy
    ],
    ids=["https SITE_URL", "FORCE_HTTPS"],
)
def test_hsts_when_the_site_is_served_over_https(app, https_client, settings):
    world = build_world()
    client = https_client(**settings)
    urls = ("/", "/login", f"/events/{world.event}", "/calendar.ics", "/dashboard", "/nowhere")
    for url in urls:
        response = client.get(url, base_url="https://partners.example.org")
        assert response.status_code in (200, 302, 404), url
        assert response.headers.get("Strict-Transport-Security") == HSTS, url


def test_no_hsts_on_plain_http(app, client, https_client):
    world = build_world()
    for http_client in (client, https_client(SITE_URL="http://partners.example.org")):
        for url in ("/", "/login", f"/events/{world.event}", "/calendar.ics", "/nowhere"):
            response = http_client.get(url)
            assert "Strict-Transport-Security" not in response.headers, url


def test_pages_carry_no_inline_script_or_handler(app, client):
    """What the policy would block: the pages must not need it."""
    world = build_world()
    for route in ROUTES:
        if route.method != "GET" or "coordinator" not in route.allowed:
            continue
        response = _request(client, world, "coordinator", "GET", route.url, {})
        if response.mimetype != "text/html":
            continue
        page = response.text.lower()
        for sign in ("<script>", "javascript:", " onsubmit=", " onclick=", " style=", "<style"):
            assert sign not in page, (route.url, sign)
