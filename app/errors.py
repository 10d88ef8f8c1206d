"""Domain errors: what the CLI prints and what forms show next to a field."""


class DomainError(Exception):
    """Bad input refused before anything is written."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownPeriod(DomainError):
    pass


class SchemaOutdated(Exception):
    """The database is older (or newer) than the code's migrations."""
