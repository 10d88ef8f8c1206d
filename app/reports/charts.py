"""Charts for the report, drawn by pygal as static SVG (no JavaScript, no external files).

Titles, axes, legends and months are written in the current (forced) language.

WeasyPrint draws SVG itself; the charts go into the HTML as `data:` URIs so they are
vector graphics in the PDF and the renderer never fetches anything for them.
"""

import base64

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from app.enums import EventKind
from app.formatting import format_short_month

# Colour-blind-safe palette (Okabe-Ito), readable in print and in greyscale by order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")

_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#e3e8ee",
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
    colors=PALETTE,
    font_family="DejaVu Sans, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    value_font_size=12,
    value_label_font_size=12,
)


def _config(**options):
    return dict(
        style=_STYLE,
        js=[],  # pygal links its tooltip script from the web by default: none in a PDF
        disable_xml_declaration=True,
        explicit_size=True,
        show_y_guides=True,
        print_values=True,
        print_zeroes=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        margin=16,
        **options,
    )


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _whole_numbers(top: int) -> list[int]:
    """Axis labels in whole numbers (people and events are counted, never fractions)."""
    top = max(top, 1)
    step, magnitude = 1, 1
    while -(-top // step) > 6:
        for factor in (2, 5, 10):
            step = factor * magnitude
            if -(-top // step) <= 6:
                break
        magnitude *= 10
    return list(range(0, top + step, step))


def events_by_kind_and_month(months, counts: dict[str, list[int]]) -> str:
    """Stacked bars: events held per month, one colour per kind of event."""
    peak = max((sum(column) for column in zip(*counts.values(), strict=True)), default=1)
    chart = pygal.StackedBar(
        **_config(
            width=760,
            height=420,
            title=_("Events held, by month and kind"),
            # Translators: the vertical axis of the chart of events held per month.
            y_title=_("Events"),
            y_labels=_whole_numbers(peak),
        )
    )
    chart.x_labels = [format_short_month(m) for m in months]
    for kind, row in counts.items():
        chart.add(str(EventKind(kind).label), row)
    return chart.render(is_unicode=True)


def participants_by_partner(rows) -> str:
    """Horizontal stacked bars: partner staff and local stakeholders per partner."""
    chart = pygal.HorizontalStackedBar(
        **_config(
            width=760,
            height=max(300, 150 + 48 * len(rows)),
            title=_("Participants in the semester's events, by partner"),
            # Translators: the axis of the chart of participants (a count of people).
            x_title=_("People"),
            y_labels=_whole_numbers(max((row.total for row in rows), default=1)),
        )
    )
    chart.x_labels = [row.partner.city for row in rows]
    chart.add(_("Partner staff"), [row.staff for row in rows])
    chart.add(_("Local stakeholders"), [row.stakeholders for row in rows])
    return chart.render(is_unicode=True)
