"""Keep private feed URLs out of the logs: the request log shows only the token's start."""

import logging
import re

PRIVATE_PATH = re.compile(r"(/calendar/private/)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]*")
MASK = r"\g<1>\g<2>…"
# Loggers that print request URLs: werkzeug's development server, gunicorn's access
# log, and Flask's own (an exception names the URL).
LOGGER_NAMES = ("werkzeug", "gunicorn.access", "gunicorn.error")


def mask(text: str) -> str:
    return PRIVATE_PATH.sub(MASK, text)


class MaskFeedTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is not ours to fix
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install(app_logger: logging.Logger | None = None) -> None:
    """Add the filter once to each logger that writes request lines."""
    loggers = [logging.getLogger(name) for name in LOGGER_NAMES]
    if app_logger is not None:
        loggers.append(app_logger)
    for logger in loggers:
        if not any(isinstance(f, MaskFeedTokens) for f in logger.filters):
            logger.addFilter(MaskFeedTokens())
