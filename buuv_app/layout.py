"""The page decorator: registers a route, wraps its content in the shared shell and, for a
role-limited page, shows it only to the accounts it is for."""

from __future__ import annotations

import functools
from collections.abc import Callable

import reflex as rx
from reflex.constants.compiler import MemoizationDisposition, MemoizationMode
from reflex.vars import Var

from buuv_app import routes, styles
from buuv_app.components.i18n import t, t_client
from buuv_app.components.notices import loading_notice
from buuv_app.i18n import N_
from buuv_app.services.permissions import Action
from buuv_app.state.base import AppState
from buuv_app.state.messaging import ConversationState, SeenState
from buuv_app.state.moderation import NoticeRow, NoticesState
from buuv_app.state.outbox import PostOutboxState
from buuv_app.state.page import PageAccessState

SITE_NAME = "BUUV"
EARLY_TAP_HINT = N_("Even geduld: de pagina is bijna klaar. Tik dan nog een keer.")


def language_switch() -> rx.Component:
    return rx.button(
        rx.cond(AppState.locale == "en", "NL", "EN"),
        on_click=AppState.set_language(AppState.other_locale),
        variant="ghost",
        size="3",
        lang=rx.cond(AppState.locale == "en", "nl", "en"),
        aria_label=rx.cond(AppState.locale == "en", "Nederlands", "Switch to English"),
    )


def account_links() -> rx.Component:
    # Words beside the icons, and each item at least 44 px high: a target for older fingers.
    link_style = {"size": "3", "weight": "medium", "white_space": "nowrap", "min_height": "2.75rem",
                  "display": "inline-flex", "align_items": "center"}
    return rx.hstack(
        rx.cond(
            (AppState.viewer_role == "ambassador") | (AppState.viewer_role == "professional")
            | (AppState.viewer_role == "admin"),
            rx.link(
                rx.hstack(rx.icon("heart-handshake", size=20, aria_hidden="true"),
                          rx.text(t("Ambassadeur"), as_="span", display=["none", "none", "inline"]),
                          spacing="1", align="center"),
                href=routes.AMBASSADOR, id="nav-ambassadeur", aria_label=t("Ambassadeur"), **link_style,
            ),
        ),
        rx.cond(
            (AppState.viewer_role == "professional") | (AppState.viewer_role == "admin"),
            rx.link(t("Beheer"), href=routes.MANAGE, **link_style),
        ),
        rx.cond(
            AppState.logged_in,
            rx.link(
                rx.hstack(
                    rx.icon("message-circle", size=20, aria_hidden="true"),
                    rx.text(t("Berichten"), as_="span"),
                    rx.cond(AppState.unread_count > 0,
                            rx.badge(AppState.unread_count, color_scheme="red", variant="solid", radius="full",
                                     high_contrast=True, id="unread-badge")),
                    spacing="1", align="center",
                ),
                href=routes.INBOX, id="nav-berichten", **link_style,
                aria_label=rx.cond(AppState.unread_count > 0,
                                   t("Berichten") + ", " + AppState.unread_count.to_string() + " " + t("ongelezen"),
                                   t("Berichten")),
            ),
        ),
        rx.cond(
            AppState.logged_in,
            rx.link(rx.hstack(rx.icon("circle-user-round", size=20, aria_hidden="true"),
                              # The member's own name, in words (offline copies keep it too).
                              rx.text(AppState.viewer_name, as_="span", max_width="9rem", overflow="hidden",
                                      text_overflow="ellipsis"),
                              spacing="1", align="center"),
                    href=routes.ACCOUNT, aria_label=t("Mijn account"), **link_style),
            rx.link(t("Inloggen"), href=routes.LOGIN, **link_style),
        ),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def header() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.box(
                        "B",
                        width="2.2rem", height="2.2rem", border_radius="50%",
                        background=rx.color("accent", 9), color="white",
                        display="flex", align_items="center", justify_content="center",
                        font_weight="800", aria_hidden="true",
                    ),
                    rx.text(SITE_NAME, weight="bold", size="5"),
                    align="center",
                    spacing="2",
                ),
                href=routes.HOME,
                underline="none",
                color=rx.color("gray", 12),
                aria_label=t("BUUV, naar de startpagina"),
            ),
            rx.spacer(),
            account_links(),
            language_switch(),
            align="center",
            wrap="wrap",
            width="100%",
            max_width=styles.MAX_WIDTH,
            margin_x="auto",
            padding_x="1rem",
            padding_y="0.6rem",
        ),
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
    )


def text_size_switch() -> rx.Component:
    """"Grotere letters": a choice kept on this device (localStorage), applied by assets/lang.js
    before the page is drawn and toggled there too, so it works offline and without an account."""
    return rx.el.button(
        rx.el.span(t_client("Grotere letters"), class_name="text-size-off"),
        rx.el.span(t_client("Gewone letters"), class_name="text-size-on"),
        id="text-size-toggle", type="button", class_name="text-size-toggle",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.vstack(
            rx.text(t("BUUV: burenhulp in Leiden en Leiderdorp, sinds 2017."), size="2"),
            rx.text(
                t("Geen smartphone? De vragen en het aanbod hangen ook op de prikborden in de bibliotheek en de buurthuizen."),
                size="2",
            ),
            rx.hstack(
                rx.link(t("Prikborden"), href=routes.BOARDS, size="2"),
                rx.link(t("Huisregels"), href=routes.HOUSE_RULES, size="2"),
                rx.link(t("Privacy"), href=routes.PRIVACY, size="2"),
                spacing="4",
                wrap="wrap",
            ),
            text_size_switch(),
            spacing="1",
            max_width=styles.MAX_WIDTH,
            margin_x="auto",
            padding="1rem",
            color=rx.color("gray", 11),
        ),
        border_top=f"1px solid {rx.color('gray', 5)}",
        margin_top="2rem",
    )


def update_prompt() -> rx.Component:
    """Offered when a new build of the app is waiting (assets/pwa.js shows it; hidden otherwise).
    Client-side texts: it may show before the page has reached the server."""
    return rx.hstack(
        rx.text(t_client("BUUV is bijgewerkt."), size="3", weight="medium"),
        rx.button(rx.icon("refresh-cw", size=18, aria_hidden="true"), t_client("Nieuwe versie — herladen"),
                  id="pwa-reload", size="3"),
        class_name="pwa-update",
        role="status",
        align="center",
        justify="center",
        wrap="wrap",
        spacing="3",
        position="fixed",
        bottom="0",
        left="0",
        right="0",
        z_index="30",
        padding="0.75rem 1rem",
        background=rx.color("gray", 1),
        border_top=f"2px solid {rx.color('accent', 9)}",
        box_shadow="0 -4px 12px rgba(0, 0, 0, 0.12)",
    )


def _hidden_trigger(element_id: str, on_click) -> rx.Component:
    """A button only scripts click: how assets/outbox.js hands the device's outbox to the server
    (and assets/seen.js what is in view)."""
    return rx.el.button(id=element_id, type="button", hidden=True, tab_index=-1, aria_hidden="true",
                        on_click=on_click)


def _notice(notice: rx.Var[NoticeRow]) -> rx.Component:
    # Two icons named here, not icon=rx.cond(...): an icon chosen at run time is lucide's
    # DynamicIcon, whose map of every icon (56 KB gzipped) every page's first load then fetched.
    return rx.callout.root(
        rx.callout.icon(rx.cond(notice.kind == "warning", rx.icon("triangle-alert"), rx.icon("info"))),
        rx.callout.text(rx.hstack(
            rx.vstack(
                rx.text(rx.cond(notice.kind == "warning", t("Waarschuwing van een wijkprofessional"),
                                t("Over je melding")), " · ", notice.date, weight="bold"),
                rx.text(notice.text, white_space="pre-line"),
                spacing="1", flex="1",
            ),
            rx.button(t("Gelezen"), on_click=NoticesState.dismiss_notice(notice.id), size="2", variant="soft",
                      high_contrast=True),
            align="center", width="100%", wrap="wrap",
        )),
        color_scheme=rx.cond(notice.kind == "warning", "orange", "blue"),
        high_contrast=True, width="100%", class_name="member-notice", role="status",
    )


def notices() -> rx.Component:
    """A moderator's warning and the outcome of one's reports, shown on the next visit until read."""
    return rx.cond(
        AppState.notices.length() > 0,
        rx.vstack(rx.foreach(AppState.notices, _notice), spacing="2", width="100%", margin_bottom="1rem",
                  id="member-notices"),
    )


class AppStarted(rx.Fragment):
    """Marks <html data-app-started> while the app has taken the page over and the page's own load
    events have run (Reflex's is_hydrated: false again while a page loads). Until then
    assets/buuv.css lets no tap reach a button, checkbox or select: the page is drawn from its HTML
    before the app's scripts arrive (first_paint.py), and a tap on a control with no script behind
    it yet would be lost, while one just after the app started would overtake the page's load
    events and be undone by them (a form's errors cleared by its page's load: CI). Tapped too early,
    the page says "Even geduld…" (assets/lang.js) and the control works a moment later; a test's
    click waits for it, as Playwright waits for any covered control.

    Always a memoized component of its own: the hook below reads Reflex's root state, which changes
    three times while a page loads (the router's headers, is_hydrated false, then true). Left in the
    page's own function, as Reflex puts a plain component's hooks, every one of those changes
    rendered the whole page again on the phone, in the frame that brought it."""

    _memoization_mode = MemoizationMode(disposition=MemoizationDisposition.ALWAYS, recursive=False)

    def add_imports(self) -> dict:
        return {"react": [rx.ImportVar(tag="useEffect")]}

    def add_hooks(self) -> list:
        hydrated = rx.State.is_hydrated
        # Once started, a tap made too early has been answered (assets/lang.js): its hint goes.
        effect = (f"useEffect(() => {{ const root = document.documentElement; "
                  f"root.toggleAttribute('data-app-started', !!{hydrated._js_expr}); "
                  f"if ({hydrated._js_expr}) root.removeAttribute('data-early-tap'); }}, [{hydrated._js_expr}]);")
        return [Var(_js_expr=effect, _var_data=hydrated._get_all_var_data())]


def shell(content: rx.Component, max_width: str = styles.MAX_WIDTH) -> rx.Component:
    return rx.box(
        AppStarted.create(),
        rx.el.a(
            t("Naar de inhoud"),
            href="#inhoud",
            class_name="skip-link",
            position="absolute",
            left="-999px",
            _focus={"left": "1rem", "top": "0.5rem", "z_index": "20",
                    "background": "white", "padding": "0.5rem"},
        ),
        header(),
        # Shown by assets/lang.js when a control is tapped before the app has started (such a tap
        # reaches nothing: AppStarted above); gone once it has (assets/buuv.css).
        rx.el.div(t_client(EARLY_TAP_HINT), id="early-tap-hint", class_name="early-tap-hint", role="status"),
        # Requests and offers written offline: waiting, placed, or refused (assets/outbox.js).
        rx.el.div(id="outbox-status", aria_live="polite", class_name="outbox-status"),
        rx.el.main(
            notices(),
            content,
            id="inhoud",
            # At least a screen high: while a page waits for its data ("Even laden…") the footer
            # stays below the fold instead of showing and then jumping away when the feed arrives
            # (Lighthouse counted that shift: CLS 0.28 on /hulp and /buurt/<slug>).
            min_height="100vh",
            max_width=max_width,
            margin_x="auto",
            padding_x="1rem",
            padding_top="1.25rem",
            width="100%",
        ),
        footer(),
        rx.cond(
            AppState.logged_in,
            # Clicked by /outbox.js when messages or posts written on the device got no answer yet.
            rx.fragment(
                _hidden_trigger("outbox-retry", rx.call_script("buuvOutbox.due()", callback=ConversationState.resend)),
                _hidden_trigger("outbox-posts-retry",
                                rx.call_script("buuvOutbox.duePosts()", callback=PostOutboxState.place)),
                # Clicked by /seen.js: this tab came into view or left it, or showed a new message.
                _hidden_trigger("view-report", rx.call_script("buuvSeen.report()", callback=SeenState.report_view)),
            ),
        ),
        update_prompt(),
        min_height="100vh",
        background=rx.color("gray", 2),
    )


# Who a role-limited page is for, said to anyone else who opens it (their handlers refuse as well).
REFUSED_TEXTS: dict[Action, str] = {
    Action.ACT_AS_AMBASSADOR: N_("Deze pagina is voor ambassadeurs. Wil je buren helpen die geen smartphone hebben? "
                                "Vraag het de wijkprofessional in je gemeente."),
    Action.MANAGE_AMBASSADORS: N_("Deze pagina is alleen voor wijkprofessionals."),
    Action.MANAGE_BOARDS: N_("Deze pagina is alleen voor wijkprofessionals."),
    Action.MANAGE_PROFESSIONALS: N_("Deze pagina is alleen voor beheerders."),
    Action.VIEW_STATS: N_("Deze pagina is alleen voor wijkprofessionals en beheerders."),
    Action.MODERATE: N_("Deze pagina is alleen voor wijkprofessionals en beheerders."),
}
REFUSED_DEFAULT = N_("Deze pagina is niet voor jouw account.")


def refused_notice(action: Action) -> rx.Component:
    return rx.callout(t(REFUSED_TEXTS.get(action, REFUSED_DEFAULT)), icon="lock", color_scheme="orange",
                      high_contrast=True, role="alert", width="100%")


def _guard(route: str, action: Action, content: rx.Component) -> rx.Component:
    """The content once the visitor may see it and its data has loaded; until then a spinner."""
    return rx.cond(
        PageAccessState.refused_route == route,
        refused_notice(action),
        rx.cond(PageAccessState.ready_route == route, content, loading_notice()),
    )


def page(route: str, title: str, on_load=None, requires: Action | None = None, wide: bool = False
         ) -> Callable[[Callable[[], rx.Component]], Callable]:
    """`@page(route, title, on_load, requires=Action.X)`: an rx.page whose content sits inside the
    shell. With `requires`, the page is shown only to accounts allowed to do that action (others
    read who it is for) and only once its on_load events have all run. `wide` pages (tables and
    charts for a laptop) get more room than the phone-sized column."""

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def wrapped() -> rx.Component:
            inner = content()
            return shell(_guard(route, requires, inner) if requires is not None else inner,
                         styles.WIDE_MAX_WIDTH if wide else styles.MAX_WIDTH)

        # The page's own module, not this one: Reflex writes a page's compiled components beside
        # the module its function comes from, so each page gets its own JavaScript chunk instead
        # of every page sharing one big layout chunk that the first visit must load.
        functools.update_wrapper(wrapped, content)
        # Every page first refreshes who is logged in (for the header), then loads its own data.
        loads = on_load if isinstance(on_load, list) else [on_load] if on_load is not None else []
        events = [AppState.load_viewer, *loads]
        if requires is not None:
            events = [PageAccessState.open_page(route, requires.value), *events,
                      PageAccessState.page_loaded(route)]
        return rx.page(
            route=route,
            title=f"{title} · {SITE_NAME}" if title else SITE_NAME,
            on_load=events,
        )(wrapped)

    return decorator
