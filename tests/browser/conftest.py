"""A live server and Debian's chromium driven by Playwright (never a downloaded browser).

Browser tests run on the SQLite backend only; the server thread shares the test's
database file, so data a test commits is what the browser sees.
"""

import json
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def live_server(app, request):
    """Serve `app` on a free loopback port for the duration of one test."""
    if "postgresql" in request.node.callspec.id:
        pytest.skip("browser journeys run on the SQLite backend")
    app.config["WTF_CSRF_ENABLED"] = True  # the browser posts real forms
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


# Chromium's own "Refused to execute inline script because it violates the following
# Content Security Policy directive..." goes to its log, which Playwright does not pass on
# as console messages; so an init script (which the policy does not apply to) writes every
# `securitypolicyviolation` event of every frame to the console as well.
CSP_SIGNS = ("Content Security Policy", "Content-Security-Policy", "Refused to")
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  `Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
));
"""


@pytest.fixture
def page(browser, live_server, request):
    """A tab of a fresh context; any Content Security Policy violation it sees fails the
    test (see `pytest_runtest_call`)."""
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    violations = request.node.csp_violations = []

    def note(text: str) -> None:
        if any(sign in text for sign in CSP_SIGNS):
            violations.append(text)

    context.on("console", lambda message: note(message.text))
    context.on("weberror", lambda error: note(str(error.error)))
    tab = context.new_page()
    yield tab
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test that passed fails when its pages violated the Content Security
    Policy (the console said so)."""
    result = yield
    tab = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if tab is not None and not tab.is_closed():
        tab.wait_for_timeout(50)  # let the last console messages arrive
    violations = getattr(item, "csp_violations", [])
    if violations:
        raise AssertionError("Content Security Policy violations:\n" + "\n".join(violations))
    return result


def sign_in(page, email: str, password: str = "correct horse battery") -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core in the page; return the serious and critical violations, described."""
    # Evaluated, not added as a <script> tag: the pages' policy refuses inline scripts.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + json.dumps([n["target"] for n in v["nodes"]][:3])
        for v in bad
    ]


def screenshot(page, name: str) -> Path:
    """Save a screenshot under screenshots/ for a person to look at."""
    folder = Path(__file__).resolve().parents[2] / "screenshots"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
