"""The ★ "Buur geverifieerd" badge, and the badge of a post for verified neighbours only."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app.components.i18n import t


def verified_badge(verified: Var | bool, **props) -> rx.Component:
    """★ Buur geverifieerd: shown beside a member's name (post, conversation, profile) when
    `verified` (a view's bool, filled from services/verification on the server) is true."""
    return rx.cond(
        verified,
        rx.badge("★ ", t("Buur geverifieerd"), color_scheme="amber", variant="soft", size="1", high_contrast=True,
                 title=t("Deze buur woont aantoonbaar in de wijk: bevestigd met de code van het prikbord of "
                         "door een ambassadeur."),
                 class_name="verified-badge", **{"margin_left": "0.3rem", **props}),
    )


def verified_only_badge(verified_only: Var | bool) -> rx.Component:
    """On a post that only verified neighbours may see and answer."""
    return rx.cond(
        verified_only,
        rx.badge("★ ", t("alleen geverifieerde buren"), color_scheme="amber", variant="outline", size="1",
                 high_contrast=True),
    )
