"""Charts for the back office: lines over time and bars per category, drawn as plain SVG and HTML
from data the server prepared (no chart library: the residents' pages load nothing extra, and
the back office's chunk stays small). Every chart carries its text alternative: a one-sentence
summary for screen readers and the same numbers as a table behind "Toon als tabel"."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from buuv_app.components.i18n import t

HEIGHT = "12rem"


def _legend(series: Var) -> rx.Component:
    return rx.hstack(
        rx.foreach(series, lambda s: rx.hstack(
            rx.box(width="0.9rem", height="0.25rem", background=s.color, border_radius="2px", aria_hidden="true"),
            rx.text(s.name, size="2"),
            spacing="1", align="center",
        )),
        spacing="4", wrap="wrap",
    )


def chart_table(chart: Var, first_header: str) -> rx.Component:
    """The chart's numbers as a table: periods down, series across."""
    return rx.el.details(
        rx.el.summary(t("Toon als tabel"), cursor="pointer", font_size="0.9rem"),
        rx.el.table(
            rx.el.thead(rx.el.tr(rx.el.th(t(first_header), scope="col"),
                                 rx.foreach(chart.series, lambda s: rx.el.th(s.name, scope="col")))),
            rx.el.tbody(rx.foreach(chart.labels, lambda label, i: rx.el.tr(
                rx.el.th(label, scope="row"),
                rx.foreach(chart.series, lambda s: rx.el.td(s.numbers[i])),
            ))),
            class_name="figures-table",
        ),
        width="100%",
    )


def line_chart(chart: Var, title: str, first_header: str = "Periode") -> rx.Component:
    """Lines over time. `chart` is a ChartView (state/manage/stats.py): polylines in a 100 x 40 box,
    the labels under it and the highest value beside it."""
    return rx.vstack(
        rx.text(t(title), weight="bold", size="3"),
        _legend(chart.series),
        rx.hstack(
            rx.text(chart.top, size="1", color=rx.color("gray", 11), aria_hidden="true", min_width="2.5rem",
                    text_align="right"),
            rx.el.svg(
                rx.el.svg.line(x1="0", y1="39", x2="100", y2="39", stroke="#8b8d98", stroke_width="1",
                               vector_effect="non-scaling-stroke"),
                rx.foreach(chart.series, lambda s: rx.el.svg.polyline(
                    points=s.points, fill="none", stroke=s.color, stroke_width="2.5",
                    vector_effect="non-scaling-stroke", stroke_linejoin="round")),
                view_box="0 0 100 40", preserve_aspect_ratio="none", width="100%", height=HEIGHT,
                role="img", aria_label=t(title) + ". " + chart.summary,
            ),
            width="100%", align="start", spacing="2",
        ),
        rx.hstack(
            rx.text(chart.labels[0], size="1", color=rx.color("gray", 11)),
            rx.spacer(),
            rx.text(chart.labels[chart.labels.length() - 1], size="1", color=rx.color("gray", 11)),
            width="100%", padding_left="3rem", aria_hidden="true",
        ),
        chart_table(chart, first_header),
        spacing="2", width="100%", class_name="chart",
    )


def bar_row(label: Var, bars: list[tuple[Var, Var, str]]) -> rx.Component:
    """One category with its bars: (width as CSS, the value, colour); the value is written beside
    each bar, so the chart reads without the bars too."""
    return rx.el.li(
        rx.text(label, size="2", weight="medium"),
        *[rx.hstack(
            rx.box(width=width, min_width="2px", height="0.8rem", background=colour, border_radius="3px",
                   aria_hidden="true"),
            rx.text(value, size="1"),
            spacing="2", align="center", width="100%",
        ) for width, value, colour in bars],
        list_style="none", padding_y="0.25rem",
    )
