"""Security headers: what every response tells the browser about running, framing and
sending this site's pages.

Pages load scripts, styles and images from the site itself only (no inline script or
style, so injected markup cannot run), may not be framed, send no referrer to other sites
and use no device (camera, microphone, location). Images may also be `data:` addresses (a
QR code drawn on the server). Over https, browsers are told to keep to https for a year.

A header a view set itself wins: evidence downloads and calendar feeds send their own.
One `after_request` instead of Flask-Talisman: the headers are a fixed list, and the
https side (Secure cookies, HSTS only when `HTTPS`) is already decided in `create_app`.
"""

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# Browser features no page of the site uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

# On every response, whatever its type.
EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# On HTML pages (redirects and error pages included).
HTML_PAGES = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}

STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Add the headers the response does not have yet (a view's own are kept)."""
    headers = response.headers
    for name, value in EVERY_RESPONSE.items():
        headers.setdefault(name, value)
    if response.mimetype == "text/html":
        for name, value in HTML_PAGES.items():
            headers.setdefault(name, value)
    if current_app.config.get("HTTPS"):
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response
