"""A table grid with its merged cells resolved: what the readers build and the structure maps.

Kept apart from ``core.readers.base`` so that ``core.readers.structure`` (which maps grids onto
cell keys) and ``base`` (which renders grids and then runs the structure mapping) depend on this
module and not on each other.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class GridCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    span: tuple[int, int] | None = None     # offsets of the cell's text in the rendered source
    # where the cell sits on its page and, for OCR, what the recogniser said (see core.scan)
    bbox: tuple[float, float, float, float] | None = None    # points, origin top-left
    how: str = "read"
    confidence: float | None = None
    ocr_text: str | None = None
    doubt: str | None = None
    alternatives: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[int, int]:
        return (self.row, self.col)


@dataclass(eq=False)
class Grid:
    """A table with merges resolved. ``cells`` are the origin cells, in reading order."""

    cells: list[GridCell]
    page: int | None = None
    col_edges: list[float] | None = None    # left x of each grid column (PDF), to join split tables
    n_rows: int = 0
    n_cols: int = 0
    _at: list[list[GridCell | None]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.n_rows = max((c.row + c.rowspan for c in self.cells), default=0)
        self.n_cols = max((c.col + c.colspan for c in self.cells), default=0)
        self._at = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if self._at[r][k] is None:
                        self._at[r][k] = c

    def at(self, row: int, col: int) -> GridCell | None:
        """The origin cell covering a grid position (None for a hole in a ragged table)."""
        if 0 <= row < self.n_rows and 0 <= col < self.n_cols:
            return self._at[row][col]
        return None

    def row_slots(self, row: int) -> list[tuple[GridCell, bool]]:
        """The physical cells of one row, left to right: (cell, is_origin_here)."""
        out: list[tuple[GridCell, bool]] = []
        last = None
        for col in range(self.n_cols):
            c = self._at[row][col]
            if c is None or c is last:
                continue
            last = c
            out.append((c, c.row == row))
        return out

    def text(self) -> str:
        return "\n".join(c.text for c in self.cells)
