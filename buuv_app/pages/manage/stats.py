"""/beheer: the overview for professionals and admins: participation, asking and helping, who to
nudge now, the ambassadors, the prikborden and what BUUV does for the social network."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app import routes
from buuv_app.components.charts import bar_row, line_chart
from buuv_app.components.forms import form_error
from buuv_app.components.i18n import localized, t
from buuv_app.components.manage import manage_nav
from buuv_app.i18n import N_
from buuv_app.layout import page
from buuv_app.services.permissions import Action
from buuv_app.state.manage.stats import (
    AmbassadorView,
    BoardFiguresView,
    CategoryView,
    FigureView,
    SHOWN_WAITING,
    StatsState,
    VerifiedView,
    WaitingView,
)

S = StatsState
PERIOD_NAMES = (("maand", N_("Deze maand")), ("kwartaal", N_("Afgelopen 3 maanden")),
                ("jaar", N_("Afgelopen 12 maanden")), ("zelf", N_("Zelf kiezen")))
TREND_ICONS = {"up": "trending-up", "down": "trending-down", "same": "minus"}


def _muted(*children, size: str = "2", **props) -> rx.Component:
    return rx.text(*children, size=size, color=rx.color("gray", 11), **props)


def figure_card(label: str, figure: Var[FigureView], hint: str = "") -> rx.Component:
    """A figure of the period, big, with the period before under it."""
    return rx.card(
        rx.vstack(
            rx.text(t(label), size="2", weight="medium"),
            rx.text(figure.value, size="7", weight="bold"),
            rx.hstack(
                rx.match(figure.trend, *[(k, rx.icon(v, size=16, aria_hidden="true")) for k, v in TREND_ICONS.items()],
                         rx.fragment()),
                _muted(t("vorige periode:"), " ", figure.previous),
                spacing="1", align="center",
            ),
            _muted(t(hint), size="1") if hint else rx.fragment(),
            spacing="1",
        ),
        class_name="figure-card",
    )


def _figures(*cards: rx.Component) -> rx.Component:
    return rx.box(*cards, display="grid", grid_template_columns="repeat(auto-fill, minmax(11rem, 1fr))", gap="0.75rem",
                  width="100%")


def csv_button(table: str, label: str = N_("Download als CSV")) -> rx.Component:
    return rx.button(rx.icon("download", size=16, aria_hidden="true"), t(label), on_click=S.download_csv(table),
                     size="2", variant="soft", high_contrast=True, id=f"csv-{table}")


def _section(section_id: str, title: str, intro: str, *children) -> rx.Component:
    return rx.el.section(
        rx.vstack(
            rx.heading(t(title), as_="h2", size="6", id=section_id),
            _muted(t(intro), size="3") if intro else rx.fragment(),
            *children,
            spacing="3", width="100%",
        ),
        aria_labelledby=section_id, width="100%", padding_top="0.5rem",
    )


def _table(headers: list[str], rows: rx.Component, caption: str) -> rx.Component:
    return rx.box(
        rx.el.table(
            rx.el.caption(t(caption), class_name="visually-hidden"),
            rx.el.thead(rx.el.tr(*[rx.el.th(t(h), scope="col") for h in headers])),
            rx.el.tbody(rows),
            class_name="figures-table",
        ),
        # A narrow screen scrolls the table sideways: the keyboard can too.
        overflow_x="auto", width="100%", tab_index=0, role="region", aria_label=t(caption),
    )


def _compare(figure: Var[FigureView]) -> rx.Component:
    return rx.fragment(figure.value, rx.el.span(" (", figure.previous, ")", class_name="previous"))


# --- the choice -------------------------------------------------------------------------------

def _filters() -> rx.Component:
    errors = S.errors
    return rx.card(
        rx.el.form(
            rx.vstack(
                rx.hstack(
                    rx.vstack(
                        rx.el.label(t("Periode"), html_for="stats-period", font_weight="600"),
                        rx.el.select(*[rx.el.option(t(name), value=value) for value, name in PERIOD_NAMES],
                                     id="stats-period", name="period", default_value=S.period, key=S.form_key,
                                     class_name="select"),
                        spacing="1",
                    ),
                    rx.vstack(
                        rx.el.label(t("Van"), html_for="stats-first", font_weight="600"),
                        rx.el.input(type="date", id="stats-first", name="first", default_value=S.first, key=S.form_key,
                                    class_name="select", aria_describedby="stats-dates-hint stats-first-error"),
                        spacing="1",
                    ),
                    rx.vstack(
                        rx.el.label(t("Tot en met"), html_for="stats-last", font_weight="600"),
                        rx.el.input(type="date", id="stats-last", name="last", default_value=S.last, key=S.form_key,
                                    class_name="select", aria_describedby="stats-dates-hint stats-last-error"),
                        spacing="1",
                    ),
                    rx.cond(
                        S.can_choose_municipality,
                        rx.vstack(
                            rx.el.label(t("Gemeente"), html_for="stats-municipality", font_weight="600"),
                            rx.el.select(rx.foreach(S.municipality_choices,
                                                    lambda c: rx.el.option(c.label, value=c.value)),
                                         id="stats-municipality", name="municipality", default_value=S.municipality,
                                         key=S.form_key, class_name="select"),
                            spacing="1",
                        ),
                    ),
                    spacing="4", wrap="wrap", align="end",
                ),
                _muted(t("Van en tot en met gelden bij ‘Zelf kiezen’."), id="stats-dates-hint"),
                rx.text(errors.get("first", ""), id="stats-first-error", color=rx.color("red", 11), size="2"),
                rx.text(errors.get("last", ""), id="stats-last-error", color=rx.color("red", 11), size="2"),
                rx.cond(
                    S.wijk_choices.length() > 0,
                    rx.el.details(
                        rx.el.summary(t("Wijken (geen keuze: alle wijken)"), cursor="pointer", font_weight="600"),
                        rx.box(
                            rx.foreach(S.wijk_choices, lambda c: rx.el.label(
                                rx.el.input(type="checkbox", id="stats-wijk-" + c.value, name="wijk-" + c.value,
                                            default_checked=c.checked, key=S.form_key + c.value,
                                            width="1.2rem", height="1.2rem"),
                                c.label, html_for="stats-wijk-" + c.value,
                                display="flex", gap="0.5rem", align_items="center", min_height="2rem",
                            )),
                            display="grid", grid_template_columns="repeat(auto-fill, minmax(12rem, 1fr))",
                            gap="0.25rem", padding_top="0.5rem", id="stats-wijken",
                        ),
                        # Open while some are chosen: the choice stays in sight.
                        open=S.wijken.length() > 0, key=S.form_key + "-wijken",
                    ),
                ),
                form_error(errors.get("wijken", "") + errors.get("municipality", "") + errors.get("period", "")),
                rx.button(t("Toon"), type="submit", size="3"),
                spacing="3", width="100%",
            ),
            on_submit=S.apply_filters,
            aria_label=t("Periode en plaats"),
            width="100%",
        ),
        width="100%",
    )


# --- the sections -------------------------------------------------------------------------------

def _participation() -> rx.Component:
    return _section(
        "sectie-deelname", N_("Deelname"), N_("Leden wonen in de gekozen gemeente of wijken. Actief: plaatste, reageerde of schreef een bericht in de 30 of 90 dagen tot het einde van de periode."),
        _figures(
            figure_card(N_("Leden"), S.members, N_("aan het einde van de periode")),
            figure_card(N_("Nieuwe leden"), S.new_members),
            figure_card(N_("Actief, 30 dagen"), S.active_30),
            figure_card(N_("Actief, 90 dagen"), S.active_90),
            figure_card(N_("Buren via ambassadeurs"), S.neighbours_taking_part, N_("buren zonder account voor wie iets geplaatst werd")),
            figure_card(N_("…van wie geholpen"), S.neighbours_helped),
        ),
        line_chart(S.members_chart, N_("Leden in de loop van de periode")),
        csv_button("leden"),
    )


def _kind_row(label: str, pick) -> rx.Component:
    return rx.el.tr(rx.el.th(t(label), scope="row"),
                    rx.foreach(S.kinds, lambda k: rx.el.td(_compare(pick(k)))))


def _asking() -> rx.Component:
    return _section(
        "sectie-vragen", N_("Vragen en helpen"), N_("Tussen haakjes: de vorige periode. Matchrate: van de oproepen uit de periode, het deel dat nu geholpen is."),
        rx.box(
            rx.el.table(
                rx.el.caption(t("Vraag en aanbod naast elkaar"), class_name="visually-hidden"),
                rx.el.thead(rx.el.tr(rx.el.td(), rx.el.th(t("Vraag"), scope="col"), rx.el.th(t("Aanbod"), scope="col"))),
                rx.el.tbody(
                    _kind_row(N_("Geplaatst"), lambda k: k.posts),
                    _kind_row(N_("Matches (geholpen)"), lambda k: k.matches),
                    _kind_row(N_("Matchrate"), lambda k: k.match_rate),
                    _kind_row(N_("Eerste reactie, mediaan"), lambda k: k.median),
                    _kind_row(N_("Eerste reactie, 90% binnen"), lambda k: k.p90),
                ),
                class_name="figures-table",
            ),
            overflow_x="auto", width="100%", tab_index=0, role="region", aria_label=t("Vraag en aanbod naast elkaar"),
        ),
        csv_button("vragen-en-aanbod"),
        _figures(figure_card(N_("Vragen verlopen zonder reactie"), S.expired_unanswered,
                             N_("van de vragen die in de periode afliepen"))),
        line_chart(S.posts_chart, N_("Vragen en aanbod in de loop van de periode")),
        csv_button("over-tijd"),
        rx.text(t("Per categorie"), weight="bold", size="3"),
        rx.hstack(
            rx.hstack(rx.box(width="0.9rem", height="0.6rem", background="#b45309", aria_hidden="true"),
                      rx.text(t("Vraag"), size="2"), spacing="1", align="center"),
            rx.hstack(rx.box(width="0.9rem", height="0.6rem", background="#2f7a3b", aria_hidden="true"),
                      rx.text(t("Aanbod"), size="2"), spacing="1", align="center"),
            spacing="4",
        ),
        rx.el.ul(
            rx.foreach(S.categories, lambda c: bar_row(
                localized(c.name_nl, c.name_en),
                [(c.requests_width, t("Vraag") + ": " + c.requests, "#b45309"),
                 (c.offers_width, t("Aanbod") + ": " + c.offers, "#2f7a3b")])),
            padding="0", margin="0", width="100%", class_name="bar-chart",
        ),
        rx.el.details(
            rx.el.summary(t("Toon als tabel"), cursor="pointer", font_size="0.9rem"),
            _table([N_("Categorie"), N_("Vraag"), N_("Aanbod"), N_("Matches")],
                   rx.foreach(S.categories, _category_row), N_("Oproepen per categorie")),
        ),
        csv_button("categorieen"),
    )


def _category_row(c: Var[CategoryView]) -> rx.Component:
    return rx.el.tr(rx.el.th(localized(c.name_nl, c.name_en), scope="row"), rx.el.td(c.requests), rx.el.td(c.offers),
                    rx.el.td(c.matches))


def _waiting_row(w: Var[WaitingView]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(rx.link(w.title, href=w.url)),
        rx.el.td(w.wijk), rx.el.td(localized(w.category_nl, w.category_en)),
        rx.el.td(w.days, class_name=rx.cond(w.days >= 7, "long-wait", "")),
        rx.el.td(rx.cond(w.ambassadors != "", w.ambassadors, t("nog geen ambassadeur"))),
    )


def _act_now() -> rx.Component:
    return _section(
        "sectie-nu-doen", N_("Nu doen: wie kan ik aansporen?"), N_("Open vragen waar na 3 dagen nog niemand op reageerde, online of op papier, met de ambassadeurs van die wijk. De langst wachtende bovenaan."),
        rx.hstack(
            rx.badge(S.waiting_3.to_string() + " " + t("na 3 dagen of meer"), size="3", color_scheme="orange",
                     high_contrast=True),
            rx.badge(S.waiting_7.to_string() + " " + t("na 7 dagen of meer"), size="3", color_scheme="red",
                     high_contrast=True),
            spacing="3", wrap="wrap",
        ),
        rx.cond(
            S.waiting.length() > 0,
            _table([N_("Vraag"), N_("Wijk"), N_("Categorie"), N_("Dagen"), N_("Ambassadeurs van de wijk")],
                   rx.foreach(S.waiting, _waiting_row), N_("Vragen zonder reactie")),
            _muted(t("Er wacht geen vraag langer dan 3 dagen op een reactie."), size="3"),
        ),
        rx.cond(S.waiting_3 > SHOWN_WAITING,
                _muted(t("De eerste 50 staan hier; de CSV bevat ze allemaal."))),
        csv_button("nu-doen"),
    )


def _ambassador_row(a: Var[AmbassadorView]) -> rx.Component:
    return rx.el.tr(
        rx.el.th(a.name, rx.cond(a.quiet, rx.badge(t("30 dagen stil"), color_scheme="orange", high_contrast=True,
                                                    margin_left="0.5rem")), scope="row"),
        rx.el.td(a.wijk), rx.el.td(a.neighbours), rx.el.td(a.open_posts), rx.el.td(a.waiting),
        rx.el.td(a.last_action), rx.el.td(a.days_quiet),
        class_name=rx.cond(a.quiet, "quiet", ""),
    )


def _ambassadors() -> rx.Component:
    return _section(
        "sectie-ambassadeurs", N_("Ambassadeurs"), N_("Per ambassadeur: de buren die ze helpen, hun open oproepen, gesprekken die op hun antwoord wachten en wanneer ze voor het laatst iets deden. Wie 30 dagen niets deed, staat bovenaan."),
        rx.cond(
            S.ambassadors.length() > 0,
            _table([N_("Ambassadeur"), N_("Wijk"), N_("Buren"), N_("Open oproepen"), N_("Wachten op antwoord"),
                    N_("Laatste actie"), N_("Dagen stil")],
                   rx.foreach(S.ambassadors, _ambassador_row), N_("Ambassadeurs")),
            _muted(t("Er zijn hier nog geen ambassadeurs."), size="3"),
        ),
        csv_button("ambassadeurs"),
    )


def _board_row(b: Var[BoardFiguresView]) -> rx.Component:
    return rx.el.tr(rx.el.th(b.name, scope="row"), rx.el.td(b.posts_on_sheet), rx.el.td(_compare(b.paper_reactions)),
                    rx.el.td(_compare(b.visits)), rx.el.td(_compare(b.matches)))


def _boards() -> rx.Component:
    return _section(
        "sectie-prikborden", N_("Prikborden"), N_("Bezoeken: hoe vaak de QR-code of de code van een prikbord naar een oproep leidde (alleen hoe vaak, nooit wie). Tussen haakjes: de vorige periode."),
        rx.cond(
            S.boards.length() > 0,
            _table([N_("Prikbord"), N_("Nu op het prikbord"), N_("Reacties via papier"), N_("Bezoeken via de code"),
                    N_("Geholpen na een papieren reactie")],
                   rx.foreach(S.boards, _board_row), N_("Prikborden")),
            _muted(t("Er zijn hier geen prikborden."), size="3"),
        ),
        csv_button("prikborden"),
    )


def _verified_row(v: Var[VerifiedView]) -> rx.Component:
    return rx.el.tr(rx.el.th(v.wijk, scope="row"), rx.el.td(v.board_code), rx.el.td(v.in_person), rx.el.td(v.total))


def _verified() -> rx.Component:
    return _section(
        "sectie-geverifieerd", N_("Geverifieerde buren"), N_("Leden die nu geverifieerde buur zijn van de wijk waar ze wonen, per wijk en hoe: met de wijkcode van een prikbord of na een ontmoeting met een ambassadeur of professional."),
        rx.cond(
            S.verified.length() > 0,
            _table([N_("Wijk"), N_("Met de wijkcode van het prikbord"), N_("Na een ontmoeting"), N_("Samen")],
                   rx.foreach(S.verified, _verified_row), N_("Geverifieerde buren")),
            _muted(t("Nog geen geverifieerde buren."), size="3"),
        ),
        csv_button("geverifieerd"),
    )


def _network() -> rx.Component:
    return _section(
        "sectie-netwerk", N_("Waarde voor het sociale netwerk"), N_("Hoe BUUV buren met elkaar verbindt. De definities staan onder het overzicht."),
        _figures(
            figure_card(N_("Nieuwe contacten"), S.new_ties, N_("paren buren die elkaar voor het eerst spraken")),
            figure_card(N_("Wederkerigheid"), S.reciprocity, N_("vroeg én bood, of hielp én werd geholpen")),
            figure_card(N_("Deelnemers"), S.taking_part, N_("plaatsten of reageerden zelf")),
            figure_card(N_("Herhaalhelpers"), S.repeat_helpers, N_("hielpen 2 keer of vaker in 90 dagen")),
            figure_card(N_("Zelf geplaatst"), S.self_placed, N_("door bewoners, niet door ambassadeurs of professionals")),
        ),
        line_chart(S.placement_chart, N_("Van organiseren naar faciliteren: wie plaatste de oproepen")),
        csv_button("wie-plaatst"),
    )


def _definitions() -> rx.Component:
    items = (
        N_("Een match is een oproep die op ‘geholpen’ is gezet; matches tellen in de periode waarin dat gebeurde."),
        N_("Eerste reactie: het eerste gesprek over een oproep, of de eerste reactie op papier. Mediaan en 90%: de helft, en negen op de tien oproepen kregen binnen die tijd hun eerste reactie."),
        N_("Nieuwe contacten: twee mensen die in de periode voor het eerst een gesprek hadden. Een buur zonder account telt zelf mee, niet de ambassadeur."),
        N_("Wederkerigheid: van wie in de periode plaatste of reageerde, het deel dat zowel vroeg als aanbood, of zowel hielp als geholpen werd."),
        N_("Herhaalhelpers: wie in de 90 dagen tot het einde van de periode bij 2 of meer matches hielp."),
        N_("Voorbeeldoproepen en -mensen tellen nooit mee. Verwijderde accounts tellen niet meer mee, ook niet in het verleden."),
    )
    return rx.el.details(
        rx.el.summary(t("Zo tellen we"), cursor="pointer", font_weight="600"),
        rx.el.ul(*[rx.el.li(t(item)) for item in items], padding_left="1.25rem"),
        width="100%",
    )


def _exports() -> rx.Component:
    return _section(
        "sectie-export", N_("Downloads"), N_("Elke tabel hierboven heeft een eigen CSV. Voor onderzoek: per maand, wijk en categorie, zonder namen, e-mailadressen, teksten of nummers uit de database; aantallen onder de 5 staan er als ‘<5’ in."),
        rx.hstack(
            csv_button("kerncijfers", N_("Alle kerncijfers als CSV")),
            rx.button(rx.icon("graduation-cap", size=16, aria_hidden="true"), t("Onderzoeksexport (geanonimiseerd)"),
                      on_click=S.download_research, size="2", id="research-export"),
            spacing="3", wrap="wrap",
        ),
        _definitions(),
    )


@page(routes.MANAGE, title="Overzicht", on_load=S.load_overview, requires=Action.VIEW_STATS, wide=True)
def overview() -> rx.Component:
    return rx.vstack(
        manage_nav(routes.MANAGE),
        rx.heading(t("Overzicht"), as_="h1", size="8"),
        _filters(),
        rx.vstack(
            rx.text(S.place, size="4", weight="bold", id="stats-place"),
            _muted(S.period_text, " · ", t("vergeleken met"), " ", S.previous_text, size="3"),
            _muted(S.generated_text, size="1", id="stats-generated"),
            spacing="0",
        ),
        _participation(),
        _asking(),
        _act_now(),
        _ambassadors(),
        _boards(),
        _verified(),
        _network(),
        _exports(),
        spacing="5", width="100%",
    )
