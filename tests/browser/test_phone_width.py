"""Every page fits a phone: each GET route of the roles-by-route table, at 390×844, is no
wider than the screen (wide tables scroll inside their own box), as the coordinator and,
for the public routes, as an anonymous visitor.

The routes and their world come from `tests/test_roles_by_route.py`, so a new route is
measured as soon as it has its row there. One browser tab visits them all; responses that
are not HTML (PDF, iCal, JSON, CSV, spreadsheets) are recognised by their content type and
not drawn.
"""

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.browser.conftest import sign_in
from tests.test_roles_by_route import ANON, COORD, ROUTES, _format, build_world

PHONE = {"width": 390, "height": 844}
NOT_DRAWN = "<!doctype html><title>not an HTML page</title>"

# The element reaching furthest past the right edge of the screen, described so a failure
# says what to fix: its tag, id, classes and the start of its text.
WIDEST_ELEMENT = """() => {
  const edge = document.documentElement.clientWidth;
  const clipped = (element) => {  // inside a box that scrolls (or hides) its overflow
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const furthest = (skipClipped) => {
    let found = null, right = edge;
    for (const element of document.body.querySelectorAll("*")) {
      const box = element.getBoundingClientRect();
      if (box.right <= right + 0.5 || (skipClipped && clipped(element))) continue;
      right = box.right;
      found = [element, right];
    }
    return found;
  };
  // An absolutely placed element escapes a scrolling box that is not its containing block,
  // so look again among clipped ones when nothing else reaches past the edge.
  const [widest, right] = furthest(true) || furthest(false) || [null, edge];
  if (!widest) return "nothing past the edge (a margin or a transform?)";
  const classes = typeof widest.className === "string" && widest.className.trim()
    ? "." + widest.className.trim().split(/\\s+/).join(".") : "";
  const text = (widest.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 60);
  return `<${widest.tagName.toLowerCase()}${widest.id ? "#" + widest.id : ""}${classes}>`
    + ` reaches ${Math.round(right)} px: "${text}"`;
}"""


def _get_routes(role: str) -> list[str]:
    urls = []
    for route in ROUTES:
        if route.method == "GET" and role in route.allowed and route.url not in urls:
            urls.append(route.url)
    return urls


def _too_wide(page, world, role: str) -> tuple[list[str], int]:
    """Visit the role's GET routes; return the pages wider than the screen and how many
    HTML pages were measured."""
    skipped: set[str] = set()

    def only_html(route) -> None:
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch()
        if response.headers.get("content-type", "").startswith("text/html"):
            route.fulfill(response=response)
        else:
            skipped.add(route.request.url)
            route.fulfill(status=200, content_type="text/html", body=NOT_DRAWN)

    page.route("**/*", only_html)
    problems, measured = [], 0
    for template in _get_routes(role):
        url = _format(template, world)
        response = page.goto(url)
        if response is None or response.url in skipped:
            continue
        measured += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            widest = page.evaluate(WIDEST_ELEMENT)
            problems.append(f"{url} ({template}) as {role}: {width} px wide; {widest}")
    page.unroute("**/*")
    return problems, measured


def test_every_page_fits_a_phone(app, page):
    world = build_world()
    coordinator = db.session.scalar(select(User).where(User.id == world.users[COORD]))
    coordinator.set_password("correct horse battery")
    db.session.commit()
    page.set_viewport_size(PHONE)

    public, public_measured = _too_wide(page, world, ANON)
    sign_in(page, coordinator.email)
    signed_in, signed_in_measured = _too_wide(page, world, COORD)

    assert public + signed_in == [], "\n".join(public + signed_in)
    # The walk really drew pages (not every one answered as a download).
    assert public_measured >= 8
    assert signed_in_measured >= 30
