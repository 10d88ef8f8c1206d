"""The home page: the partnership at a glance."""
