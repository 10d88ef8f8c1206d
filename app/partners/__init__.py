"""The partnership itself: the project and its reporting periods, partners, people, venues."""
