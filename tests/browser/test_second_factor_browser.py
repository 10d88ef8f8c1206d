"""Setting up the second factor in a real browser: the QR code shows, a code turns it on,
and the next sign-in asks for one."""

import time
from pathlib import Path

import pyotp

from tests import factories
from tests.browser.conftest import serious_accessibility_violations, sign_in


def test_setting_up_the_second_factor_and_signing_in_with_it(app, page):
    factories.user("funder@example.org", "funder")
    errors: list[str] = []  # refusals by a Content-Security-Policy, failed page resources
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    page.on(
        "response",
        lambda r: r.status >= 400 and "favicon" not in r.url and errors.append(r.url),
    )

    sign_in(page, "funder@example.org")
    page.goto("/account")
    page.get_by_role("button", name="Set up the second factor").click()
    page.wait_for_load_state()

    qr_code = page.get_by_role("img", name="QR code")
    assert qr_code.is_visible()
    # The data: image decoded and drew: a browser that refused it has no natural size.
    assert qr_code.evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(Path("/tmp") / "second-factor-set-up.png"), full_page=True)
    assert serious_accessibility_violations(page) == []

    key = page.locator("#second-factor-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(key)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn the second factor on").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="The second factor is on.").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    page.screenshot(path=str(Path("/tmp") / "second-factor-recovery-codes.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    sign_in(page, "funder@example.org")
    assert page.get_by_role("heading", name="Sign in: code from your app").is_visible()
    page.get_by_label("Code").fill(totp.at(time.time() + 30))  # the next step's: not used yet
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Account").is_visible()
    assert errors == []
