"""The activity log: who changed what, when, with the old and new values."""
