from tests.practices.world import world  # noqa: F401
