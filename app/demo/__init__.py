"""The demo partnership, BETTER, as the documents in shared/seeds describe it."""
