"""The security headers of every response, in one place: the app (middleware.py) sends them, and a
web server in front (an nginx template) can read the same values from `security_headers()`.

The Content-Security-Policy is as strict as the Reflex 0.10.1 build allows. tests/e2e/test_headers.py
loads the built app under it and fails on any violation; loading it under stricter variants showed:
- 'unsafe-inline' scripts: without it the app does not start (the React Router build starts it
  from inline <script> tags whose content changes with every build, so hashes would have to be
  recomputed at every build);
- 'unsafe-inline' styles: without it the login page breaks (Radix and Emotion write <style> tags
  and style attributes at run time);
- 'unsafe-eval': Reflex runs `rx.call_script` code with eval() (.web/utils/state.js), and the app
  uses call_script (the device outbox, the language switch). Read from Reflex's source; the
  browser check of a policy without it was inconclusive (the rewritten test response lost its
  websocket), so it stays until a build without eval is tried.
Everything else stays on this origin: no third-party scripts, fonts, frames or form targets.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from buuv_app.settings import Settings, get_settings

# Two years, the preload list's minimum; only sent when the app is served over https.
HSTS = "max-age=63072000; includeSubDomains"
REFERRER_POLICY = "strict-origin-when-cross-origin"
# The app uses none of these (photos are chosen with a file input, not the camera API).
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "usb", "interest-cohort",
))


def websocket_origin(public_url: str) -> str:
    """The ws(s):// form of the public address, where the event websocket connects."""
    parts = urlsplit(public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def content_security_policy(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    directives = {
        "default-src": "'self'",
        "script-src": "'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        # 'self' covers the same-origin websocket in CSP 3; the explicit ws(s) origin is for
        # browsers that do not, and for a public address other than the one the page came from.
        "connect-src": f"'self' {websocket_origin(settings.public_url)}",
        "manifest-src": "'self'",
        "worker-src": "'self'",
        "media-src": "'self'",
        "object-src": "'none'",
        "frame-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def is_https(settings: Settings | None = None) -> bool:
    return urlsplit((settings or get_settings()).public_url).scheme == "https"


def security_headers(settings: Settings | None = None) -> dict[str, str]:
    """Header name → value for every response (HSTS only when the public address is https)."""
    settings = settings or get_settings()
    headers = {
        "Content-Security-Policy": content_security_policy(settings),
        "Referrer-Policy": REFERRER_POLICY,
        "Permissions-Policy": PERMISSIONS_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    }
    if is_https(settings):
        headers["Strict-Transport-Security"] = HSTS
    return headers


def allowed_origins(settings: Settings | None = None) -> list[str]:
    """Origins allowed to call the backend from a browser (CORS and the event websocket): the
    public address only. Reflex allows any ('*') unless told."""
    parts = urlsplit((settings or get_settings()).public_url)
    return [f"{parts.scheme}://{parts.netloc}"]


def nginx_snippet(settings: Settings | None = None) -> str:
    """The same headers as nginx `add_header` lines, for the files nginx serves itself (pages,
    hashed assets, the service worker): deploy/nginx/buuv.conf includes this in each of those
    locations (nginx drops server-level add_header in a location that sets its own). Answers from
    the backends carry the headers already and are left alone. `buuv nginx-headers` prints it."""
    lines = ["# Written by `python -m buuv_app.cli nginx-headers` from buuv_app/security/headers.py;",
             "# write it anew when BUUV_PUBLIC_URL changes (the policy names the websocket's address)."]
    for name, value in security_headers(settings).items():
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'add_header {name} "{escaped}" always;')
    return "\n".join(lines) + "\n"
