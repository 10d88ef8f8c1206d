"""Who learns from whom: owners by importers, with practice counts and furthest stage.

`transfer_matrix_svg` draws it as an SVG a funder reads at a glance; the practice pages
and the semester report both embed it.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.enums import TransferStage
from app.extensions import db
from app.partners.models import Partner, Project
from app.practices.models import GoodPractice, Transfer

# Viridis in five steps, light to dark: made for readers with colour-vision deficiencies,
# its steps differ in lightness too (tests/reports/test_layout.py checks every pair under
# simulated deuteranopia and protanopia). The colour is never alone: each cell also
# carries the stage's number, which the legend explains.
STAGE_COLOURS = {
    TransferStage.IDENTIFIED: "#fde725",
    TransferStage.STUDIED: "#5ec962",
    TransferStage.IMPORT_WORKSHOP_HELD: "#21918c",
    TransferStage.IN_ACTION_PLAN: "#3b528b",
    TransferStage.IMPLEMENTED: "#440154",
}
STAGE_NUMBERS = {stage: i for i, stage in enumerate(STAGE_COLOURS, 1)}
INKS = ("#000000", "#ffffff")


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of '#rrggbb'."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two '#rrggbb' colours (1 to 21)."""
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    return max(INKS, key=lambda ink: contrast(ink, fill))


@dataclass
class Cell:
    practices: int = 0
    furthest: TransferStage | None = None
    titles: list[str] = field(default_factory=list)


@dataclass
class TransferMatrix:
    partners: list[Partner]
    cells: dict[tuple[int, int], Cell]  # (owner id, importer id) -> cell

    def cell(self, owner: Partner, importer: Partner) -> Cell | None:
        return self.cells.get((owner.id, importer.id))


def transfer_matrix(project: Project, stages_at: dict[int, str] | None = None) -> TransferMatrix:
    """Build the matrix; `stages_at` (transfer id -> stage) overrides current stages,
    e.g. with the stages a report computes for the end of a semester."""
    partners = list(
        db.session.scalars(
            select(Partner).where(Partner.project_id == project.id).order_by(Partner.code)
        )
    )
    transfers = db.session.scalars(
        select(Transfer)
        .join(Transfer.practice)
        .where(GoodPractice.project_id == project.id)
        .options(selectinload(Transfer.practice))
    )
    cells: dict[tuple[int, int], Cell] = {}
    for transfer in transfers:
        stage_value = (stages_at or {}).get(transfer.id, transfer.stage)
        if stage_value is None:
            continue
        stage = TransferStage(stage_value)
        cell = cells.setdefault(
            (transfer.practice.owner_partner_id, transfer.importer_partner_id), Cell()
        )
        cell.practices += 1
        cell.titles.append(transfer.practice.title)
        if cell.furthest is None or stage.rank > cell.furthest.rank:
            cell.furthest = stage
    return TransferMatrix(partners, cells)


def transfer_matrix_svg(matrix: TransferMatrix, title: str | None = None) -> str:
    """Owners in rows, importers in columns; a disc per pair sized by practices, coloured by
    the furthest stage reached, with the count written inside. Its words are in the
    current language (the reader's, or the one a report is rendered in)."""
    if title is None:
        title = _("Who learns from whom")
    importers, owners = _("Importing partner"), _("Owner of the practice")
    description = _(
        "Rows: partner owning the good practice. Columns: partner importing it. "
        "Each disc: number of practices, coloured by the furthest stage reached."
    )
    n = len(matrix.partners)
    cell, left, top = 64, 130, 96
    legend_top = top + n * cell + 24
    width = left + n * cell + 90
    height = legend_top + 26 * len(STAGE_COLOURS) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="tm-title tm-desc" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<title id="tm-title">{escape(title)}</title>',
        f'<desc id="tm-desc">{escape(description)}</desc>',
        f'<text x="{left + n * cell / 2}" y="16" text-anchor="middle" font-weight="bold">'
        f"{escape(importers)}</text>",
        f'<text x="14" y="{top + n * cell / 2}" text-anchor="middle" font-weight="bold" '
        f'transform="rotate(-90 14 {top + n * cell / 2})">'
        f"{escape(owners)}</text>",
    ]
    for i, partner in enumerate(matrix.partners):
        x = left + i * cell + cell / 2
        out.append(
            f'<text x="{x}" y="{top - 8}" text-anchor="start" '
            f'transform="rotate(-40 {x} {top - 8})">{escape(partner.city)}</text>'
        )
        y = top + i * cell + cell / 2 + 4
        out.append(f'<text x="{left - 8}" y="{y}" text-anchor="end">{escape(partner.city)}</text>')
    for row, owner in enumerate(matrix.partners):
        for col, importer in enumerate(matrix.partners):
            x, y = left + col * cell, top + row * cell
            fill = "#eeeeee" if owner.id == importer.id else "#ffffff"
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" '
                'stroke="#c0c0c0"/>'
            )
            found = matrix.cell(owner, importer)
            if not found or not found.practices:
                continue
            # Inside the cell with room to spare, clear of the stage number in its corner.
            radius = min(cell / 2 - 10, 10 + 4 * found.practices)
            colour = STAGE_COLOURS[found.furthest]
            ink = ink_on(colour)
            tip = escape(f"{owner.city} → {importer.city}: " + "; ".join(found.titles))
            out.append(
                f'<g><title>{tip}</title><circle cx="{x + cell / 2}" cy="{y + cell / 2}" '
                f'r="{radius}" fill="{colour}"/><text x="{x + cell / 2}" y="{y + cell / 2 + 4}" '
                f'text-anchor="middle" fill="{ink}" font-weight="bold">{found.practices}</text>'
                f'<text x="{x + cell - 4}" y="{y + cell - 4}" text-anchor="end" font-size="10" '
                f'fill="#1b1f24">{STAGE_NUMBERS[found.furthest]}</text></g>'
            )
    for i, (stage, colour) in enumerate(STAGE_COLOURS.items()):
        y = legend_top + i * 26
        out.append(
            f'<rect x="{left}" y="{y}" width="18" height="18" fill="{colour}" stroke="#1b1f24" '
            'stroke-width="0.5"/>'
        )
        key = f"{STAGE_NUMBERS[stage]} {stage.label}"
        out.append(f'<text x="{left + 26}" y="{y + 14}">{escape(key)}</text>')
    out.append("</svg>")
    return "\n".join(out)
