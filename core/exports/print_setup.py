"""How the exported workbook prints: like the official form, on A4, legible.

Each table is its own sheet, so it starts on its own page. A table is fitted to the page width
but never squeezed onto one page in height: a long table runs on to a second page with its header
rows repeated, rather than being shrunk to a size nobody can read. The orientation follows the
table's size — the one that needs fewer pages without shrinking the type below 70 %, then the one
that prints larger. The list sheets (校验结果, 修改记录) are landscape with wrapped text; their columns are
sized so that fitting them to the width keeps the type readable. Every page carries the sheet
name and "第 n 页 共 m 页" in its footer, so loose pages can be put back in order.
"""
from __future__ import annotations

import math

from openpyxl.worksheet.page import PageMargins

# Printable width of A4 with these margins, in Excel column-width units (≈ 7 px at 96 dpi plus
# 5 px padding per column); used to choose the orientation.
MARGINS = PageMargins(left=0.4, right=0.4, top=0.55, bottom=0.6, header=0.25, footer=0.3)
_PX_PER_INCH = 96
PORTRAIT_UNITS = (8.27 - MARGINS.left - MARGINS.right) * _PX_PER_INCH / 7
LANDSCAPE_UNITS = (11.69 - MARGINS.left - MARGINS.right) * _PX_PER_INCH / 7
# Printable height in points; the margins are in inches.
PORTRAIT_POINTS = (11.69 - MARGINS.top - MARGINS.bottom) * 72
LANDSCAPE_POINTS = (8.27 - MARGINS.top - MARGINS.bottom) * 72
SMALLEST_SCALE = 0.7                 # 10 pt type prints at 7 pt: the least that reads comfortably
FOOTER = "&A    第 &P 页 共 &N 页"


def sheet_width_units(ws, n_cols: int) -> float:
    """The sheet's printed width in column-width units (the padding of each column included)."""
    from openpyxl.utils import get_column_letter
    total = 0.0
    for c in range(1, n_cols + 1):
        dim = ws.column_dimensions.get(get_column_letter(c))
        total += (dim.width if dim is not None and dim.width else 8.43) + 5 / 7
    return total


def _common(ws, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0          # as many pages as the height needs: never shrink to one
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = MARGINS
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    ws.print_options.horizontalCentered = True


def sheet_height_points(ws) -> float:
    """The sheet's printed height in points (rows without a set height count as 15 pt)."""
    return sum((ws.row_dimensions[r].height or 15.0) for r in range(1, ws.max_row + 1))


def choose_landscape(width_units: float, height_points: float) -> bool:
    """Portrait or landscape for a table fitted to the page width.

    Fewest pages wins (a table on one page reads like the form); among equals, the larger type.
    A scale under ``SMALLEST_SCALE`` counts as one page more, so nothing is shrunk to illegibility
    just to save a page.
    """
    def cost(units: float, page_points: float) -> tuple[int, float]:
        scale = min(1.0, units / max(width_units, 1.0))
        pages = math.ceil(height_points * scale / page_points - 1e-9)
        return (pages + (1 if scale < SMALLEST_SCALE else 0), -scale)
    return cost(LANDSCAPE_UNITS, LANDSCAPE_POINTS) < cost(PORTRAIT_UNITS, PORTRAIT_POINTS)


def setup_table_page(ws, n_cols: int, header_first: int, header_last: int) -> None:
    """An official table: A4, fitted to the width, header rows repeated on every page."""
    _common(ws, landscape=choose_landscape(sheet_width_units(ws, n_cols), sheet_height_points(ws)))
    if header_last >= header_first:
        ws.print_title_rows = f"{header_first}:{header_last}"


def setup_list_page(ws) -> None:
    """A list sheet (findings, changes): landscape, fitted to the width, header row repeated."""
    _common(ws, landscape=True)
    ws.print_title_rows = "1:1"


def setup_info_page(ws) -> None:
    """The report information sheet: portrait, fitted to the width."""
    _common(ws, landscape=False)
