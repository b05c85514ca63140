"""The page for any address we do not know."""

from __future__ import annotations

import reflex as rx

from buuv_app import routes
from buuv_app.components.notices import not_found_notice
from buuv_app.i18n import N_
from buuv_app.layout import page


@page(routes.NOT_FOUND, title="Niet gevonden")
def not_found() -> rx.Component:
    return not_found_notice(N_("Deze pagina bestaat niet. Misschien is de link oud of zit er een typfout in."))
