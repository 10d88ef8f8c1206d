"""Release each test's database connections when it ends.

Every test builds a new app, hence a new engine and pool; without this, a full run
keeps one idle PostgreSQL connection per test open and the shared server runs out of
connection slots ("too many clients already").
"""

import pytest

from app.extensions import db


@pytest.fixture(autouse=True)
def _release_connections(request):
    # Asked for at setup, so this fixture's teardown runs before the app's.
    app = request.getfixturevalue("app") if "app" in request.fixturenames else None
    yield
    if app is not None:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
