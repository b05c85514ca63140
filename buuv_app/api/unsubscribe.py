"""/api/uitschrijven?soort=digest&token=...: stop a kind of mail with one click, without logging in.

POST does it (RFC 8058: mail programs post `List-Unsubscribe=One-Click` to the address in the
List-Unsubscribe header). GET, which is what a click on the link in the mail's footer does and
what link scanners do too, shows one button that posts, so a scanner unsubscribes nobody.
"""

from __future__ import annotations

import asyncio
import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from buuv_app import routes
from buuv_app.db import session_scope
from buuv_app.i18n import N_, gettext, normalize_locale
from buuv_app.services import notifications
from buuv_app.services.permissions import public

KINDS = notifications.MAIL_KINDS
_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>BUUV</title>
<style>body{{font:1.1rem/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}}
button{{font-size:1.1rem;padding:.7rem 1.2rem}}</style></head><body><h1>BUUV</h1>{content}
<p><a href="{settings}">{settings_label}</a></p></body></html>"""


def _page(locale: str, content: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(lang=locale, content=content, settings=routes.NOTIFICATION_SETTINGS,
                                     settings_label=html.escape(gettext(N_("Al je mails en meldingen instellen"), locale))),
                        status_code=status, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _run(kind: str, token: str) -> bool:
    with session_scope() as session:
        return notifications.unsubscribe(session=session, kind=kind, token=token)


@public  # needs no login by design: the signed token names the member and the kind
async def one_click_unsubscribe(request: Request) -> Response:
    locale = normalize_locale(request.cookies.get("buuv_lang"))
    kind = request.query_params.get("soort", "")
    token = request.query_params.get("token", "")[:100]
    if kind not in KINDS or not token:
        return _page(locale, f"<p>{html.escape(gettext(N_('Deze link klopt niet.'), locale))}</p>", 400)
    if request.method == "GET":
        action = html.escape(f"{routes.ONE_CLICK_UNSUBSCRIBE}?soort={kind}&token={token}", quote=True)
        question = N_("Geen weekoverzicht meer ontvangen?") if kind == "digest" else N_(
            "Geen mail meer over nieuwe berichten?")
        return _page(locale, f"<p>{html.escape(gettext(question, locale))}</p><form method=\"post\" action=\"{action}\">"
                             f"<button type=\"submit\">{html.escape(gettext(N_('Ja, uitschrijven'), locale))}</button></form>")
    done = await asyncio.to_thread(_run, kind, token)
    if not done:
        return _page(locale, f"<p>{html.escape(gettext(N_('Deze link klopt niet.'), locale))}</p>", 400)
    return _page(locale, f"<p>{html.escape(gettext(N_('Je bent uitgeschreven. Je krijgt deze mail niet meer.'), locale))}</p>")
