"""The back office's menu: one tab per page the visitor's account may open."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.i18n import t
from buuv_app.i18n import N_
from buuv_app.services.permissions import Action
from buuv_app.state.page import PageAccessState

# (route, label, the action it needs): a new back-office page adds its line here.
SECTIONS: tuple[tuple[str, str, Action], ...] = (
    (routes.MANAGE, N_("Overzicht"), Action.VIEW_STATS),
    (routes.MANAGE_AMBASSADORS, N_("Ambassadeurs"), Action.MANAGE_AMBASSADORS),
    (routes.MANAGE_BOARDS, N_("Prikborden"), Action.MANAGE_BOARDS),
    (routes.MANAGE_REPORTS, N_("Meldingen"), Action.MODERATE),
    (routes.MANAGE_PROFESSIONALS, N_("Wijkprofessionals"), Action.MANAGE_PROFESSIONALS),
)


def manage_nav(current: str) -> rx.Component:
    """Tabs for the back office; the current page's is marked (the menu shows, the handlers decide)."""
    return rx.el.nav(
        rx.hstack(
            *[rx.cond(
                PageAccessState.actions.contains(action.value),
                rx.link(t(label), href=route, size="3", weight="bold" if route == current else "regular",
                        aria_current="page" if route == current else None, class_name="manage-tab",
                        underline="always" if route == current else "hover"),
            ) for route, label, action in SECTIONS],
            spacing="4", wrap="wrap",
        ),
        aria_label=t("Beheer"),
        width="100%",
    )
