"""/beheer: the overview for professionals (their municipality) and admins (any or all), its
charts, and every table as CSV, plus the anonymised research export.

The figures come from services/stats.py, which checks who asks on every call; this state only
turns them into text, chart geometry and CSV for the visitor's language. What the browser gets
is aggregates and post titles: no private message, no contact details, no e-mail.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import reflex as rx
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal, format_percent

from buuv_app import routes
from buuv_app.errors import ValidationError
from buuv_app.i18n import N_, gettext, normalize_locale
from buuv_app.models import utcnow
from buuv_app.services import places, stats
from buuv_app.services.permissions import Action, is_admin
from buuv_app.services.stats import Compared, Overview
from buuv_app.state.access import guarded
from buuv_app.state.account import FormState, text
from buuv_app.state.db import run_service

PERIODS = (stats.PeriodKind.MONTH, stats.PeriodKind.QUARTER, stats.PeriodKind.YEAR, stats.PeriodKind.CUSTOM)
WIJK_PREFIX = "wijk-"
SHOWN_WAITING = 50  # requests listed under "act now" (the CSV has them all)
CHART_HEIGHT = 40.0  # the SVG's viewBox is 100 wide and this high


# --- what the browser gets ------------------------------------------------------------------

@dataclass
class FigureView:
    """One figure of the period, with the period before beside it."""

    value: str = "–"
    previous: str = "–"
    trend: str = ""  # "up", "down", "same" or "" (nothing to compare)


@dataclass
class KindView:
    kind: str
    posts: FigureView
    matches: FigureView
    match_rate: FigureView
    median: FigureView
    p90: FigureView


@dataclass
class CategoryView:
    name_nl: str
    name_en: str
    requests: str
    offers: str
    matches: str
    requests_width: str  # the bars of the chart, as CSS widths
    offers_width: str


@dataclass
class WaitingView:
    title: str
    url: str
    wijk: str
    category_nl: str
    category_en: str
    days: int
    ambassadors: str


@dataclass
class AmbassadorView:
    name: str
    wijk: str
    neighbours: int
    open_posts: int
    waiting: int
    last_action: str
    days_quiet: str
    quiet: bool


@dataclass
class VerifiedView:
    wijk: str
    board_code: int
    in_person: int
    total: int


@dataclass
class BoardFiguresView:
    name: str
    posts_on_sheet: int
    paper_reactions: FigureView
    visits: FigureView
    matches: FigureView


@dataclass
class SeriesView:
    name: str
    color: str
    points: str  # an SVG polyline in a 100 x CHART_HEIGHT box
    numbers: list[str]  # the values as text, one per label


@dataclass
class ChartView:
    labels: list[str]
    series: list[SeriesView]
    top: str  # the value at the top of the chart
    summary: str  # the chart in one sentence, for screen readers


@dataclass
class Choice:
    value: str
    label: str
    checked: bool = False


COLORS = ("#2f7a3b", "#b45309", "#1d4ed8")


def _trend(figure: Compared) -> str:
    if figure.current is None or figure.previous is None:
        return ""
    if abs(figure.current - figure.previous) < 1e-9:
        return "same"
    return "up" if figure.current > figure.previous else "down"


class Formats:
    """Numbers, shares, durations and dates in one language."""

    def __init__(self, locale: str) -> None:
        self.locale = normalize_locale(locale)

    def number(self, value: float | None) -> str:
        return "–" if value is None else format_decimal(round(value), locale=self.locale)

    def share(self, value: float | None) -> str:
        return "–" if value is None else format_percent(value, "#,##0%", locale=self.locale)

    def hours(self, value: float | None) -> str:
        if value is None:
            return "–"
        if value >= 48:
            return gettext(N_("{n} dagen"), self.locale, n=format_decimal(round(value / 24, 1), locale=self.locale))
        return gettext(N_("{n} uur"), self.locale, n=format_decimal(round(value, 1), locale=self.locale))

    def day(self, value: date) -> str:
        return babel_date(value, "d MMM y", locale=self.locale)

    def bucket(self, bucket: stats.Bucket) -> str:
        return babel_date(bucket.first_day, "d MMM" if bucket.kind == "week" else "MMM y", locale=self.locale)

    def figure(self, figure: Compared, kind: str = "number") -> FigureView:
        show = getattr(self, kind)
        return FigureView(value=show(figure.current), previous=show(figure.previous), trend=_trend(figure))


def line_chart(labels: list[str], series: list[tuple[str, list[float]]], fmt: Formats, summary: str) -> ChartView:
    """Lines over time in a 100 x CHART_HEIGHT box (the component stretches it to any width)."""
    top = max([v for _, values in series for v in values] + [1])
    n = len(labels)

    def point(i: int, v: float) -> str:
        x = 50.0 if n == 1 else i * 100.0 / (n - 1)
        y = CHART_HEIGHT - 1 - v / top * (CHART_HEIGHT - 2)
        return f"{x:.2f},{y:.2f}"

    return ChartView(
        labels=labels,
        series=[SeriesView(name=name, color=COLORS[i % len(COLORS)],
                           points=" ".join(point(j, v) for j, v in enumerate(values)),
                           numbers=[fmt.number(v) for v in values])
                for i, (name, values) in enumerate(series)],
        top=fmt.number(top), summary=summary,
    )


def _csv(headers: list[str], rows: list[list]) -> str:
    """Semicolons and a byte-order mark: what a spreadsheet with Dutch settings opens as columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def present(overview: Overview, groups, fmt: Formats) -> tuple[dict, dict[str, str]]:
    """The overview as the browser gets it (the state's vars by name), and every table as CSV."""
    values: dict = {}
    scope, period = overview.scope, overview.period
    chosen = set(scope.chosen_wijken)
    town = next((g for g in groups if g.name == scope.municipality_name), None)
    values["wijk_choices"] = wijk_choices = [Choice(n.slug, n.name, n.slug in chosen)
                         for d in (town.districts if town else []) for n in d.neighbourhoods]
    t = lambda msgid, **p: gettext(msgid, fmt.locale, **p)  # noqa: E731
    place = scope.municipality_name or t(N_("Alle gemeenten"))
    if chosen:
        place += ": " + ", ".join(c.label for c in wijk_choices if c.checked)
    values["place"] = place
    values["period_text"] = period_text = f"{fmt.day(period.first_day)} – {fmt.day(period.last_day)}"
    values["previous_text"] = previous_text = f"{fmt.day(period.previous.first_day)} – {fmt.day(period.previous.last_day)}"
    # Overviews are cached for a few minutes (stats.cached_overview): say how old these figures are.
    values["generated_text"] = t(N_("Cijfers van {time}"), time=babel_time(
        overview.generated_at.astimezone(stats.LOCAL), "HH:mm", locale=fmt.locale))
    labels = [fmt.bucket(b) for b in overview.points]
    tables: dict[str, str] = {}

    p = overview.participation
    values["members"], values["new_members"] = fmt.figure(p.members), fmt.figure(p.new_members)
    values["active_30"], values["active_90"] = fmt.figure(p.active_30), fmt.figure(p.active_90)
    values["neighbours_taking_part"] = fmt.figure(p.neighbours_taking_part)
    values["neighbours_helped"] = fmt.figure(p.neighbours_helped)
    values["members_chart"] = line_chart(
        labels, [(t(N_("Leden")), [x.total for x in p.series]), (t(N_("Nieuw")), [x.new for x in p.series])],
        fmt, t(N_("Leden van {first} tot {last}: van {start} naar {end}."), first=labels[0] if labels else "",
               last=labels[-1] if labels else "", start=fmt.number(p.series[0].total if p.series else 0),
               end=fmt.number(p.series[-1].total if p.series else 0)))
    tables["leden"] = _csv([t(N_("Periode")), t(N_("Nieuwe leden")), t(N_("Leden"))],
                           [[lab, x.new, x.total] for lab, x in zip(labels, p.series)])

    a = overview.asking
    kind_names = {"request": t(N_("Vraag")), "offer": t(N_("Aanbod"))}
    values["kinds"] = [
        KindView(kind=kind, posts=fmt.figure(k.posts), matches=fmt.figure(k.matches),
                 match_rate=fmt.figure(k.match_rate, "share"),
                 median=fmt.figure(k.first_reaction_median_hours, "hours"),
                 p90=fmt.figure(k.first_reaction_p90_hours, "hours"))
        for kind, k in a.kinds.items()
    ]
    values["expired_unanswered"] = fmt.figure(a.expired_unanswered, "share")
    values["posts_chart"] = line_chart(
        labels, [(kind_names["request"], [x.requests for x in a.series]),
                 (kind_names["offer"], [x.offers for x in a.series])],
        fmt, t(N_("Vragen en aanbod per {unit}: {requests} vragen en {offers} aanbod in de hele periode."),
               unit=t(N_("week")) if overview.points and overview.points[0].kind == "week" else t(N_("maand")),
               requests=fmt.number(sum(x.requests for x in a.series)),
               offers=fmt.number(sum(x.offers for x in a.series))))
    top = max([max(c.requests.current or 0, c.offers.current or 0) for c in a.categories] + [1])
    values["categories"] = [
        CategoryView(name_nl=c.name_nl, name_en=c.name_en, requests=fmt.number(c.requests.current),
                     offers=fmt.number(c.offers.current), matches=fmt.number(c.matches.current),
                     requests_width=f"{100 * (c.requests.current or 0) / top:.1f}%",
                     offers_width=f"{100 * (c.offers.current or 0) / top:.1f}%")
        for c in a.categories
    ]
    tables["vragen-en-aanbod"] = _csv(
        [t(N_("Soort")), t(N_("Berichten")), t(N_("vorige periode")), t(N_("Matches")), t(N_("vorige periode")),
         t(N_("Matchrate")), t(N_("vorige periode")), t(N_("Mediaan tot eerste reactie (uur)")),
         t(N_("90% binnen (uur)"))],
        [[kind_names[kind], k.posts.current, k.posts.previous, k.matches.current, k.matches.previous,
          _csv_share(k.match_rate.current), _csv_share(k.match_rate.previous),
          _csv_number(k.first_reaction_median_hours.current), _csv_number(k.first_reaction_p90_hours.current)]
         for kind, k in a.kinds.items()])
    tables["over-tijd"] = _csv([t(N_("Periode")), kind_names["request"], kind_names["offer"]],
                               [[lab, x.requests, x.offers] for lab, x in zip(labels, a.series)])
    tables["categorieen"] = _csv(
        [t(N_("Categorie")), kind_names["request"], t(N_("vorige periode")), kind_names["offer"],
         t(N_("vorige periode")), t(N_("Matches")), t(N_("vorige periode"))],
        [[c.name_en if fmt.locale == "en" else c.name_nl, c.requests.current, c.requests.previous,
          c.offers.current, c.offers.previous, c.matches.current, c.matches.previous] for c in a.categories])

    act = overview.act_now
    values["waiting_3"], values["waiting_7"] = act.waiting_3, act.waiting_7
    values["waiting"] = [WaitingView(title=w.title, url=routes.post_url(w.id), wijk=w.neighbourhood_name,
                                category_nl=w.category_nl, category_en=w.category_en, days=w.days_waiting,
                                ambassadors=", ".join(w.ambassadors)) for w in act.requests[:SHOWN_WAITING]]
    tables["nu-doen"] = _csv(
        [t(N_("Oproep")), t(N_("Adres")), t(N_("Wijk")), t(N_("Categorie")), t(N_("Dagen zonder reactie")),
         t(N_("Ambassadeurs van de wijk"))],
        [[w.title, routes.post_url(w.id), w.neighbourhood_name,
          w.category_en if fmt.locale == "en" else w.category_nl, w.days_waiting, ", ".join(w.ambassadors)]
         for w in act.requests])

    values["ambassadors"] = [
        AmbassadorView(name=r.name, wijk=r.neighbourhood_name, neighbours=r.neighbours, open_posts=r.open_posts,
                       waiting=r.waiting,
                       last_action=fmt.day(r.last_action_at.astimezone(stats.LOCAL).date()) if r.last_action_at
                       else t(N_("nog niets")),
                       days_quiet=fmt.number(r.days_quiet) if r.days_quiet is not None else "–", quiet=r.quiet)
        for r in overview.ambassadors
    ]
    tables["ambassadeurs"] = _csv(
        [t(N_("Ambassadeur")), t(N_("Wijk")), t(N_("Buren")), t(N_("Open oproepen")), t(N_("Wachten op antwoord")),
         t(N_("Laatste actie")), t(N_("Dagen stil"))],
        [[r.name, r.neighbourhood_name, r.neighbours, r.open_posts, r.waiting,
          r.last_action_at.astimezone(stats.LOCAL).date().isoformat() if r.last_action_at else "",
          "" if r.days_quiet is None else r.days_quiet] for r in overview.ambassadors])

    values["boards"] = [BoardFiguresView(name=b.name, posts_on_sheet=b.posts_on_sheet,
                                    paper_reactions=fmt.figure(b.paper_reactions), visits=fmt.figure(b.visits),
                                    matches=fmt.figure(b.matches)) for b in overview.boards]
    tables["prikborden"] = _csv(
        [t(N_("Prikbord")), t(N_("Nu op het prikbord")), t(N_("Reacties via papier")), t(N_("vorige periode")),
         t(N_("Bezoeken via de code")), t(N_("vorige periode")), t(N_("Matches na een papieren reactie")),
         t(N_("vorige periode"))],
        [[b.name, b.posts_on_sheet, b.paper_reactions.current, b.paper_reactions.previous, b.visits.current,
          b.visits.previous, b.matches.current, b.matches.previous] for b in overview.boards])

    values["verified"] = [VerifiedView(wijk=v.neighbourhood_name, board_code=v.board_code, in_person=v.in_person,
                                       total=v.total) for v in overview.verified]
    tables["geverifieerd"] = _csv(
        [t(N_("Wijk")), t(N_("Met de wijkcode van het prikbord")), t(N_("Na een ontmoeting")), t(N_("Samen"))],
        [[v.neighbourhood_name, v.board_code, v.in_person, v.total] for v in overview.verified])

    n = overview.network
    values["new_ties"], values["repeat_helpers"] = fmt.figure(n.new_ties), fmt.figure(n.repeat_helpers)
    values["reciprocity"], values["taking_part"] = fmt.figure(n.reciprocity, "share"), fmt.figure(n.taking_part)
    values["self_placed"] = fmt.figure(a.self_placed, "share")
    values["placement_chart"] = line_chart(
        labels, [(t(N_("Bewoners zelf")), [x.residents for x in a.placement]),
                 (t(N_("Ambassadeurs")), [x.ambassadors for x in a.placement]),
                 (t(N_("Professionals")), [x.professionals for x in a.placement])],
        fmt, t(N_("Van de oproepen in deze periode plaatsten bewoners er zelf {share}."),
               share=fmt.share(a.self_placed.current)))
    tables["wie-plaatst"] = _csv(
        [t(N_("Periode")), t(N_("Bewoners zelf")), t(N_("Ambassadeurs")), t(N_("Professionals"))],
        [[lab, x.residents, x.ambassadors, x.professionals] for lab, x in zip(labels, a.placement)])

    figures = [
        (N_("Leden"), p.members), (N_("Nieuwe leden"), p.new_members), (N_("Actief, 30 dagen"), p.active_30),
        (N_("Actief, 90 dagen"), p.active_90), (N_("Buren via ambassadeurs"), p.neighbours_taking_part),
        (N_("Buren via ambassadeurs geholpen"), p.neighbours_helped),
        (N_("Vragen verlopen zonder reactie"), a.expired_unanswered), (N_("Nieuwe contacten"), n.new_ties),
        (N_("Wederkerigheid"), n.reciprocity), (N_("Deelnemers"), n.taking_part),
        (N_("Herhaalhelpers"), n.repeat_helpers), (N_("Zelf geplaatst"), a.self_placed),
    ]
    tables["kerncijfers"] = _csv(
        [t(N_("Cijfer")), period_text, previous_text],
        [[t(label), _csv_number(f.current), _csv_number(f.previous)] for label, f in figures])
    return values, tables


# --- the state ------------------------------------------------------------------------------

class StatsState(FormState):
    """The chosen period and place, and what the overview shows for them."""

    # The choice (a hostile client may send anything: services/stats.py checks it).
    period: str = stats.PeriodKind.QUARTER.value
    first: str = ""
    last: str = ""
    municipality: str = ""  # admins: "" for all municipalities
    wijken: list[str] = []
    # What can be chosen.
    municipality_choices: list[Choice] = []
    wijk_choices: list[Choice] = []
    can_choose_municipality: bool = False
    form_key: str = ""
    # The overview.
    place: str = ""
    period_text: str = ""
    previous_text: str = ""
    generated_text: str = ""
    members: FigureView = FigureView()
    new_members: FigureView = FigureView()
    active_30: FigureView = FigureView()
    active_90: FigureView = FigureView()
    neighbours_taking_part: FigureView = FigureView()
    neighbours_helped: FigureView = FigureView()
    members_chart: ChartView = ChartView([], [], "", "")
    kinds: list[KindView] = []
    expired_unanswered: FigureView = FigureView()
    posts_chart: ChartView = ChartView([], [], "", "")
    categories: list[CategoryView] = []
    waiting_3: int = 0
    waiting_7: int = 0
    waiting: list[WaitingView] = []
    ambassadors: list[AmbassadorView] = []
    boards: list[BoardFiguresView] = []
    verified: list[VerifiedView] = []
    new_ties: FigureView = FigureView()
    reciprocity: FigureView = FigureView()
    taking_part: FigureView = FigureView()
    repeat_helpers: FigureView = FigureView()
    self_placed: FigureView = FigureView()
    placement_chart: ChartView = ChartView([], [], "", "")
    # Every table as CSV, made when the overview is (server only).
    _tables: dict[str, str] = {}

    @rx.event
    @guarded(Action.VIEW_STATS)
    async def load_overview(self):
        """On opening /beheer: the choices, then the overview for the current choice."""
        user = self._user()
        self.can_choose_municipality = is_admin(user)
        groups = await run_service(places.list_neighbourhood_groups)
        if self.can_choose_municipality:
            self.municipality_choices = [Choice("", self._t(N_("Alle gemeenten")), self.municipality == "")] + [
                Choice(g.slug, g.name, g.slug == self.municipality) for g in groups]
        else:
            self.municipality = ""
        return await self._show()

    @rx.event
    @guarded(Action.VIEW_STATS)
    async def apply_filters(self, form: dict):
        """Another period, municipality or set of wijken."""
        period = text(form, "period")
        self.period = period if period in {p.value for p in PERIODS} else stats.PeriodKind.QUARTER.value
        self.first, self.last = text(form, "first")[:10], text(form, "last")[:10]
        if self.can_choose_municipality:
            chosen = text(form, "municipality")[:60]
            if chosen != self.municipality:
                form = {}  # another municipality: its wijken are others
            self.municipality = chosen
        self.wijken = [key[len(WIJK_PREFIX):] for key, value in list(form.items())[:300]
                       if isinstance(key, str) and key.startswith(WIJK_PREFIX) and value in ("on", True, "true")][:100]
        return await self._show()

    async def _show(self):
        user, locale = self._user(), self.locale
        today = utcnow().astimezone(stats.LOCAL).date()
        try:
            period = stats.period_for(self.period, today=today, first=_date(self.first), last=_date(self.last))
            overview = await run_service(stats.cached_overview, actor=user, period=period,
                                         municipality_slug=self.municipality, wijk_slugs=self.wijken)
        except ValidationError as error:
            return self._field_error("stats", error)
        self.errors = {}
        groups = await run_service(places.list_neighbourhood_groups)
        self._present(overview, groups, Formats(locale))
        self.form_key = f"{self.period}-{self.municipality}-{utcnow().timestamp()}"

    def _present(self, overview: Overview, groups, fmt: Formats) -> None:
        values, self._tables = present(overview, groups, fmt)
        for name, value in values.items():
            setattr(self, name, value)

    @rx.event
    @guarded(Action.VIEW_STATS)
    def download_csv(self, table: str):
        """One table of the overview as it was last shown, as CSV."""
        data = self._tables.get(str(table)[:40])
        if data is None:
            return rx.toast.error(self._t(N_("Deze tabel is er niet (meer). Laad het overzicht opnieuw.")))
        return rx.download(data=data, filename=f"buuv-{table}-{self._stamp()}.csv", mime_type="text/csv")

    @rx.event
    @guarded(Action.VIEW_STATS)
    async def download_research(self):
        """The anonymised export for researchers, for the chosen period and place."""
        user = self._user()
        today = utcnow().astimezone(stats.LOCAL).date()
        try:
            period = stats.period_for(self.period, today=today, first=_date(self.first), last=_date(self.last))
            rows = await run_service(stats.research_export, actor=user, period=period,
                                     municipality_slug=self.municipality, wijk_slugs=self.wijken)
        except ValidationError as error:
            return self._field_error("stats", error)
        data = _csv(list(stats.RESEARCH_COLUMNS), [list(r.values()) for r in rows])
        return rx.download(data=data, filename=f"buuv-onderzoek-{self._stamp()}.csv", mime_type="text/csv")

    def _stamp(self) -> str:
        return utcnow().astimezone(stats.LOCAL).strftime("%Y-%m-%d")


def _csv_number(value: float | None) -> str | int:
    """Whole numbers as they are, fractions with a decimal comma (a Dutch spreadsheet)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return int(value)
    return f"{value:.3f}".replace(".", ",")


def _csv_share(value: float | None) -> str:
    return "" if value is None else _csv_number(round(value, 3))

