"""Rules at the door: what no stored row may hold, so one entry cannot break every reader.

Ids stay within the database's integer column, text holds no control characters, web
addresses are one unbroken http(s) address, and a NUL byte (which PostgreSQL refuses in
text) is turned away with 400 before any view runs.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from flask import Flask, abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from app.errors import DomainError

#: The largest id an INTEGER primary key holds on PostgreSQL (and the smallest, negated).
MAX_ID = 2**31 - 1

NUL_MESSAGE = _l(
    "The request holds a NUL character (%00), which no text here may contain. "
    "Remove it and try again."
)

# C0 and C1 control characters; text blocks keep line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_BLOCK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def db_id(value) -> int:
    """An id as an int, or ValueError when it is not one or lies beyond the column's range.

    Fits `coerce=` of a select field and `type=` of `request.args.get`.
    """
    number = int(value)
    if abs(number) > MAX_ID:
        raise ValueError(f"{value!r} is not an id")
    return number


class IdConverter(IntegerConverter):
    """`<int:...>` in a route, bounded to the column's range: a larger id becomes 0, which
    no row has, so the view answers 404 rather than the database a 500. (Refusing the match
    instead would let a same-path route of another method answer 405.)"""

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0


def one_line(text: str | None) -> str:
    """A title or name: control characters (line breaks too) become spaces, ends trimmed."""
    return _CONTROL.sub(" ", text or "").strip()


def text_block(text: str | None) -> str:
    """A description: line breaks and tabs kept, other control characters dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n")
    return _CONTROL_IN_BLOCK.sub("", text).strip()


def fits(text: str, limit: int, field: str) -> str:
    """`text` when it fits its column; a DomainError naming the limit when it does not."""
    if len(text) > limit:
        raise DomainError(
            _(
                "At most %(limit)d characters, please: this has %(length)d.",
                limit=limit,
                length=len(text),
            ),
            field,
        )
    return text


def web_address(url: str | None, field: str, label: str | None = None) -> str:
    """An http(s) address with no spaces or control characters, or '' for none. `label`
    names it at the start of a refusal ("The meeting link"); "The link" when not given."""
    url = (url or "").strip()
    label = label or _("The link")
    if not url:
        return ""
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        raise DomainError(
            _(
                "%(label)s holds a space, a line break or another invisible character: "
                "give one web address, https://...",
                label=label,
            ),
            field,
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError(
            _("%(label)s must be a full web address starting with https://.", label=label), field
        )
    return url


def _refuse_nul_bytes() -> None:
    """PostgreSQL refuses NUL in text: answer 400 the same way on every backend."""
    if "\x00" in request.path:
        abort(400, description=str(NUL_MESSAGE))
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, description=str(NUL_MESSAGE))


def init_app(app: Flask) -> None:
    """Call before the blueprints register: their routes pick up the bounded `int`."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_nul_bytes)


def uploaded_text(data: bytes, max_bytes: int, not_text: str) -> str:
    """An uploaded file's text (UTF-8, a byte-order mark dropped); a DomainError on the
    `file` field when it is larger than `max_bytes`, or with `not_text` when it is not text."""
    if len(data) > max_bytes:
        raise DomainError(
            _("The file is too large: at most %(size)s MB, please.", size=max_bytes // 2**20),
            "file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(not_text, "file") from None
