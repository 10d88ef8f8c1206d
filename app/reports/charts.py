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

# Okabe-Ito's colour-blind-safe palette, one colour per kind of event (seven). Its yellow
# rather than a grey comes last: grey and reddish purple look alike to a deuteranope
# (tests/reports/test_layout.py checks every pair under simulated deuteranopia and protanopia).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")

_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#e3e8ee",
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
    colors=PALETTE,
    # Solid fills: pygal's default 0.7 opacity washes the palette towards white, and the
    # colours apart are the ones checked.
    opacity="1",
    opacity_hover="1",
    font_family="DejaVu Sans, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    value_font_size=12,
    value_label_font_size=12,
)


#: Legend labels up to this many characters fit three to a row at the charts' width
#: (pygal would cut longer ones short: "Kohalike sidusrühmade…"); longer ones go two or one.
LEGEND_CHARACTERS = {3: 24, 2: 38}
MARGIN = 16


def legend_columns(labels) -> int:
    """How many legend entries fit side by side under the chart, in full."""
    labels = [str(label) for label in labels]
    longest = max((len(label) for label in labels), default=0)
    columns = next((c for c, fits in LEGEND_CHARACTERS.items() if longest <= fits), 1)
    return max(1, min(columns, len(labels)))


def _legend(labels) -> dict:
    """Legend options for `labels`: the columns that fit, and room below for every row.

    pygal reserves `entries // columns` rows under the chart, one too few when the last row
    is not full (5 kinds in 3 columns), which cut the last row off; the bottom margin makes
    up the difference (a row is 1.5 legend font heights)."""
    columns = legend_columns(labels)
    count = len(labels)
    rows, reserved = -(-count // columns), max(count // columns, 1)
    row_height = 1.5 * max(_STYLE.legend_font_size, 12)  # 12: pygal's legend_box_size
    return {
        "legend_at_bottom_columns": columns,
        "margin_bottom": MARGIN + row_height * (rows - reserved),
    }


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
        truncate_legend=-1,  # never cut a label short: legend_columns leaves room instead
        margin=MARGIN,
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
    labels = [str(EventKind(kind).label) for kind in counts]
    chart = pygal.StackedBar(
        **_config(
            **_legend(labels),
            width=760,
            height=420,
            title=_("Events held, by month and kind"),
            # Translators: the vertical axis of the chart of events held per month.
            y_title=_("Events"),
            y_labels=_whole_numbers(peak),
        )
    )
    chart.x_labels = [format_short_month(m) for m in months]
    for label, row in zip(labels, counts.values(), strict=True):
        chart.add(label, row)
    return chart.render(is_unicode=True)


def participants_by_partner(rows) -> str:
    """Horizontal stacked bars: partner staff and local stakeholders per partner."""
    series = (_("Partner staff"), _("Local stakeholders"))
    chart = pygal.HorizontalStackedBar(
        **_config(
            **_legend(series),
            width=760,
            height=max(300, 150 + 48 * len(rows)),
            title=_("Participants in the semester's events, by partner"),
            # Translators: the axis of the chart of participants (a count of people).
            x_title=_("People"),
            y_labels=_whole_numbers(max((row.total for row in rows), default=1)),
        )
    )
    chart.x_labels = [row.partner.city for row in rows]
    chart.add(series[0], [row.staff for row in rows])
    chart.add(series[1], [row.stakeholders for row in rows])
    return chart.render(is_unicode=True)
