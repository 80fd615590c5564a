"""The official form layout of each table, derived from the edition definition.

The GUI grid, the Excel export and the Word export all draw the tables from this one layout:
where each label and header sits, what it spans, and which cell key lives at each grid position.
It is computed from ``core.editions``; no layout is written by hand anywhere else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from core.editions import Edition, Table


@dataclass(frozen=True)
class Span:
    """A label or header cell of the form: text at (row, col), merged over rowspan × colspan."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False             # part of the column header (repeated/frozen), not a row label


@dataclass
class TableLayout:
    table: Table
    n_rows: int
    n_cols: int
    header_rows: int                 # rows at the top that form the column header
    label_cols: int                  # columns at the left that hold row labels
    spans: list[Span] = field(default_factory=list)
    key_at: dict[tuple[int, int], str] = field(default_factory=dict)
    pos_of: dict[str, tuple[int, int]] = field(default_factory=dict)
    value_colspan: dict[str, int] = field(default_factory=dict)   # value cells widened to fill a row

    def place(self, key: str, row: int, col: int, colspan: int = 1) -> None:
        self.key_at[(row, col)] = key
        self.pos_of[key] = (row, col)
        if colspan > 1:
            self.value_colspan[key] = colspan

    def span_at(self, row: int, col: int) -> Span | None:
        """The label/header span covering a position, if any."""
        for s in self.spans:
            if s.row <= row < s.row + s.rowspan and s.col <= col < s.col + s.colspan:
                return s
        return None


def _active(table: Table) -> TableLayout:
    width = 1 + max(len(b.columns) for b in table.blocks)
    lay = TableLayout(table, 0, width, header_rows=0, label_cols=1)
    r = 0
    for b in table.blocks:
        lay.spans.append(Span(b.caption or "", r, 0, 1, width, header=True))
        r += 1
        lay.spans.append(Span("信息内容", r, 0, header=True))
        for i, c in enumerate(b.columns):
            last = i == len(b.columns) - 1
            lay.spans.append(Span(c.label, r, 1 + i, 1, width - 1 - i if last else 1, header=True))
        r += 1
        for row in b.rows:
            lay.spans.append(Span(row.label, r, 0))
            for i, c in enumerate(b.columns):
                last = i == len(b.columns) - 1
                lay.place(f"{table.key}.{row.key}.{c.key}", r, 1 + i, width - 1 - i if last else 1)
            r += 1
    lay.n_rows = r
    return lay


def _apply(table: Table) -> TableLayout:
    block = table.blocks[0]
    cols = block.columns
    width = 3 + len(cols)
    lay = TableLayout(table, 0, width, header_rows=3, label_cols=3)
    legal = [c for c in cols if c.key not in ("natural", "total")]
    lay.spans += [
        Span(table.note or "", 0, 0, 3, 3, header=True),
        Span("申请人情况", 0, 3, 1, len(cols), header=True),
        Span("自然人", 1, 3, 2, 1, header=True),
        Span("法人或其他组织", 1, 4, 1, len(legal), header=True),
        Span("总计", 1, 3 + len(cols) - 1, 2, 1, header=True),
    ]
    for i, c in enumerate(legal):
        lay.spans.append(Span(c.label, 2, 4 + i, header=True))
    r = 3
    rows = list(block.rows)
    group_start: dict[str, int] = {}
    sub_start: dict[str, int] = {}
    for row in rows:
        if row.group is None:
            lay.spans.append(Span(row.label, r, 0, 1, 3))
        elif row.subgroup is None:
            lay.spans.append(Span(row.label, r, 1, 1, 2))
        else:
            lay.spans.append(Span(row.label, r, 2))
            sub_start.setdefault(row.subgroup, r)
        if row.group:
            group_start.setdefault(row.group, r)
        for i, c in enumerate(cols):
            lay.place(f"{table.key}.{row.key}.{c.key}", r, 3 + i)
        r += 1
    for name, start in group_start.items():
        n = sum(1 for x in rows if x.group == name)
        lay.spans.append(Span(name, start, 0, n, 1))
    for name, start in sub_start.items():
        n = sum(1 for x in rows if x.subgroup == name)
        lay.spans.append(Span(name, start, 1, n, 1))
    lay.n_rows = r
    return lay


def _review(table: Table) -> TableLayout:
    block = table.blocks[0]
    cols = block.columns
    n = len(cols)
    lay = TableLayout(table, 4, n * len(block.rows), header_rows=3, label_cols=0)
    col = 0
    groups_done: set[str] = set()
    for row in block.rows:
        if row.group is None:
            lay.spans.append(Span(row.label, 0, col, 1, n, header=True))
            for i, c in enumerate(cols):
                lay.spans.append(Span(c.label, 1, col + i, 2, 1, header=True))
        else:
            if row.group not in groups_done:
                width = n * sum(1 for x in block.rows if x.group == row.group)
                lay.spans.append(Span(row.group, 0, col, 1, width, header=True))
                groups_done.add(row.group)
            lay.spans.append(Span(row.label, 1, col, 1, n, header=True))
            for i, c in enumerate(cols):
                lay.spans.append(Span(c.label, 2, col + i, header=True))
        for i, c in enumerate(cols):
            lay.place(f"{table.key}.{row.key}.{c.key}", 3, col + i)
        col += n
    return lay


_BUILDERS = {"active": _active, "apply": _apply, "review": _review}


@lru_cache(maxsize=16)
def _layout(edition_key: str, subtotal: bool, table_key: str, edition: Edition) -> TableLayout:
    return _BUILDERS[table_key](edition.table(table_key))


def table_layout(edition: Edition, table_key: str) -> TableLayout:
    """The form layout of one table of an edition (cached: layouts never change)."""
    return _layout(edition.key, edition.has_subtotal, table_key, edition)


def layouts(edition: Edition) -> list[TableLayout]:
    return [table_layout(edition, t.key) for t in edition.tables]
