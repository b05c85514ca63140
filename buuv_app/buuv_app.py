"""Builds the Reflex app: theme, head tags and the pages. Nothing else lives here."""

import gc
from pathlib import Path

import reflex as rx
from reflex_base.components.memo import memo

import buuv_app.pages  # noqa: F401  (registers every @page)
from buuv_app import styles
from buuv_app.api import create_api
from buuv_app.components.notices import connection_lost_banner
from buuv_app.logs import configure_logging
from buuv_app.pwa.manifest import MANIFEST_PATH
from buuv_app.security.middleware import security_middleware
from buuv_app.services.mail import sender_loop
from buuv_app.services.reminders import reminder_loop
from buuv_app.state.backend_errors import handle_backend_exception
from buuv_app.state.presence import EndedSessionMiddleware, LostStateMiddleware

configure_logging()

# Runs before the page is drawn (language, "Grotere letters"): written into every page rather than
# fetched, so the first paint waits for no request besides the stylesheet.
LANG_SCRIPT = (Path(__file__).resolve().parents[1] / "assets" / "lang.js").read_text(encoding="utf-8")

app = rx.App(
    html_lang="nl",
    # Our /api routes, then around everything (pages, /_event, /_upload): security headers and
    # the upload door (buuv_app/security/).
    api_transformer=[create_api(), security_middleware],
    # The database away for a moment: "even geen verbinding", not a stack trace or a hang.
    backend_exception_handler=handle_backend_exception,
    stylesheets=styles.STYLESHEETS,
    # Plain toasts (dark text on white): the "rich" pastel ones fail the contrast check.
    # Top centre, large and with a close button: easy to see and dismiss on a phone.
    toaster=rx.toast.provider(rich_colors=False, position="top-center", close_button=True),
    head_components=[
        rx.el.meta(name="description", content="BUUV: buren helpen buren in Leiden en Leiderdorp."),
        # The installable app (buuv_app/pwa/): manifest, icons, and the script that registers the
        # service worker; a head script, not rx.script, which would run only after hydration.
        rx.el.meta(name="theme-color", content=styles.THEME_COLOR),
        rx.el.link(rel="manifest", href=MANIFEST_PATH),
        rx.el.link(rel="apple-touch-icon", href="/apple-touch-icon.png"),
        rx.el.meta(name="apple-mobile-web-app-title", content="BUUV"),
        rx.el.script(LANG_SCRIPT),
        rx.el.script(src="/feed-url.js", defer=True),
        rx.el.script(src="/outbox.js", defer=True),
        rx.el.script(src="/seen.js", defer=True),
        rx.el.script(src="/offline.js", defer=True),
        rx.el.script(src="/pwa.js", defer=True),
        rx.el.script(src="/push.js", defer=True),
    ],
)
# Reflex's own overlay (an English "Cannot connect to server" toast and a pulsing icon) gives way
# to our banner in the member's language; memoised as Reflex's is, so a connection error
# re-renders the banner only. An app wrap wraps the page: the fragment takes it as its children.
app.app_wraps[(5, "Overlay")] = lambda stateful: rx.fragment(memo(connection_lost_banner)()) if stateful else None
app.register_lifespan_task(reminder_loop)
# The one background sender for queued mail and pushes (alone: python -m buuv_app.cli run-sender).
app.register_lifespan_task(sender_loop)
# Before Reflex's own hydration: a reconnecting tab whose member's session ended gets an empty state.
app.add_middleware(EndedSessionMiddleware(), index=0)
# A tab whose state the server lost while connected reloads, handing its cookies over again.
app.add_middleware(LostStateMiddleware(), index=0)

# Everything imported so far lives as long as the process: keep it out of the garbage collector's
# way, so collections stay short and do not stall events (see make bench).
gc.freeze()
