"""Where a form or link may send the reader back to: a path on this site, nothing else.

A `next` (or `back`) value arrives from a query string, a hidden field or a Referer, so an
attacker can write it. Browsers read a Location of `//evil.example/`, `/\\evil.example/`
or `/<tab>/evil.example/` as another host (tabs and newlines are dropped, a backslash is
a slash), and a value that is decoded once more on the way (a hidden field filled from a
decoded query string, a proxy) turns `%2F%2F` into `//`. So the value is percent-decoded
until it stops changing, folded to its compatibility form (a full-width solidus is a
slash), and every form must be a plain path: one leading slash, no scheme, no host, no
backslash, no control character, no white space before the query. Anything else is
replaced by the caller's default (the home page unless it says otherwise).
"""

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import url_for

MAX_LENGTH = 2000  # longer than any address this site makes; anything longer is refused
MAX_DECODINGS = 5  # layers of percent-encoding undone before giving up


def safe_next(target: str | None, default: str | None = None) -> str:
    """`target` when it is a path on this site, else `default` (the home page when None)."""
    if target and isinstance(target, str) and _is_local_path(target):
        return target
    return url_for("home.index") if default is None else default


def _is_local_path(target: str) -> bool:
    if len(target) > MAX_LENGTH:
        return False
    forms = _decodings(target)
    if forms is None:
        return False
    forms += [unicodedata.normalize("NFKC", form) for form in forms]
    return all(_plain_path(form) for form in forms)


def _decodings(target: str) -> list[str] | None:
    """The value and each percent-decoding of it until stable; None when it never settles."""
    forms = [target]
    for _ in range(MAX_DECODINGS):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            return forms
        forms.append(decoded)
    return None


def _plain_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return False
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in value):
        return False
    path = value.split("?", 1)[0].split("#", 1)[0]
    if any(ch.isspace() for ch in path):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc
