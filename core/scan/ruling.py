"""Ruled tables on a page image: ruling lines → a grid of cells with row/column spans.

Horizontal rules are long thin runs of ink (a morphological opening with a kernel longer than
any character stroke). Between two neighbouring horizontal rules lies a band of table rows; a
vertical rule is a pixel column inked over (nearly) the whole height of the band, which no
character is, because cell text keeps a margin above and below. Checking vertical rules band by
band, instead of opening with a tall kernel, keeps character strokes out of the grid whatever the
row height and resolution. Two neighbouring fine cells with no rule between them belong to one
merged cell, which gives the spans exactly as the report's merged cells were drawn.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

Box = tuple[int, int, int, int]     # x0, y0, x1, y1 in working pixels

BAND_INK = 0.90                     # share of a band's height (rule to rule) a vertical rule covers
RULE_COVER = 0.85                   # share of a cell's width a broken horizontal rule still covers


@dataclass
class RuledCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box


@dataclass
class RuledTable:
    box: Box
    xs: list[int]                     # vertical rule positions, left to right
    ys: list[int]                     # horizontal rule positions, top to bottom
    cells: list[RuledCell] = field(default_factory=list)


@dataclass
class _HRule:
    y: float
    x0: int
    x1: int
    thick: int


def _cluster(values: list[float], tol: float) -> list[int]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [int(round(sum(g) / len(g))) for g in out]


def horizontal_rules(binary: np.ndarray) -> tuple[list[_HRule], np.ndarray]:
    h, w = binary.shape[:2]
    bridged = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)))
    mask = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 14, 60), 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    rules = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bh > max(12, h // 150):       # a thick block, not a rule
            continue
        rules.append(_HRule(y + bh / 2, int(x), int(x + bw), int(bh)))
    return rules, mask


def _tables_of(rules: list[_HRule], max_gap: float) -> list[list[_HRule]]:
    """Horizontal rules grouped into tables: stacked, overlapping in x, no big vertical gap."""
    groups: list[list[_HRule]] = []
    for r in sorted(rules, key=lambda r: r.y):
        for g in groups:
            last = g[-1]
            x0 = min(x.x0 for x in g)
            x1 = max(x.x1 for x in g)
            if r.y - last.y <= max_gap and min(r.x1, x1) - max(r.x0, x0) > 0.5 * min(r.x1 - r.x0, x1 - x0):
                g.append(r)
                break
        else:
            groups.append([r])
    return [g for g in groups if len(g) >= 2]


def _vertical_in_band(binary: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> list[int]:
    """Columns inked from the band's top rule to its bottom rule without a break.

    Cell text keeps a margin from the rules, so no character stroke runs the whole way; a rule
    does (a slanted or two-pixel rule counts through its neighbouring columns).
    """
    if y1 - y0 < 6:
        return []
    lo = max(x0 - 4, 0)
    band = binary[y0:y1 + 1, lo:x1 + 5] > 0
    band = band | np.roll(band, 1, axis=1) | np.roll(band, -1, axis=1)
    cover = band.mean(axis=0)
    hits = np.nonzero(cover >= BAND_INK)[0] + lo
    return _cluster([float(x) for x in hits], 3)


def find_tables(binary: np.ndarray) -> tuple[list[RuledTable], np.ndarray]:
    """The ruled tables of a page, top to bottom, and the mask of their rules (erased before OCR)."""
    h, w = binary.shape[:2]
    hrules, hmask = horizontal_rules(binary)
    rules_mask = np.zeros_like(binary)
    tables: list[RuledTable] = []
    for group in _tables_of(hrules, max_gap=h * 0.15):
        for table in _split_tables(binary, group, rules_mask):
            tables.append(table)
            x0, y0, x1, y1 = table.box
            rules_mask[max(y0 - 4, 0):y1 + 5, max(x0 - 4, 0):x1 + 5] |= hmask[max(y0 - 4, 0):y1 + 5, max(x0 - 4, 0):x1 + 5]
    tables.sort(key=lambda t: t.box[1])
    return tables, rules_mask


def _split_tables(binary: np.ndarray, group: list[_HRule], rules_mask: np.ndarray) -> list[RuledTable]:
    """One stack of horizontal rules may hold several tables with a heading between them: a band
    without any vertical rule separates them."""
    x0 = min(r.x0 for r in group)
    x1 = max(r.x1 for r in group)
    ys = _cluster([r.y for r in group], 5)
    if len(ys) < 2 or x1 - x0 < binary.shape[1] * 0.2:
        return []
    bands = [_vertical_in_band(binary, ys[i], ys[i + 1], x0, x1) for i in range(len(ys) - 1)]
    out = []
    start = 0
    for i in range(len(bands) + 1):
        if i == len(bands) or len(bands[i]) < 2:
            if i > start:
                part = [r for r in group if ys[start] - 5 <= r.y <= ys[i] + 5]
                table = _table(binary, part, ys[start:i + 1], bands[start:i], rules_mask)
                if table is not None:
                    out.append(table)
            start = i + 1
    return out


def _table(binary: np.ndarray, group: list[_HRule], ys: list[int], band_rules: list[list[int]],
           rules_mask: np.ndarray) -> RuledTable | None:
    xs = _cluster([float(x) for b in band_rules for x in b], 6)
    if len(xs) < 2:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1

    def has_vertical(r: int, x: int) -> bool:
        return any(abs(v - x) <= 6 for v in band_rules[r])

    def has_horizontal(y: int, xa: int, xb: int) -> bool:
        inner_a, inner_b = xa + (xb - xa) // 6, xb - (xb - xa) // 6
        if any(abs(r.y - y) <= 5 and r.x0 <= inner_a and r.x1 >= inner_b for r in group):
            return True
        # a rule broken in places (a seal, a fold, faint toner) still runs almost the whole way
        # at this height; no line of text does
        strip = binary[max(y - 2, 0):y + 3, inner_a:inner_b]
        return strip.size > 0 and float((strip.max(axis=0) > 0).mean()) >= RULE_COVER

    right = [[has_vertical(r, xs[c + 1]) for c in range(cols - 1)] for r in range(rows)]
    below = [[has_horizontal(ys[r + 1], xs[c], xs[c + 1]) for c in range(cols)] for r in range(rows - 1)]
    for r in range(rows):                 # the vertical rules found, for erasing before OCR
        for x in band_rules[r]:
            rules_mask[ys[r]:ys[r + 1] + 1, max(x - 3, 0):x + 4] = 255
    cells = _merge(rows, cols, right, below, xs, ys)
    return RuledTable((xs[0], ys[0], xs[-1], ys[-1]), xs, ys, cells)


def _merge(rows: int, cols: int, right, below, xs: list[int], ys: list[int]) -> list[RuledCell]:
    """Fine cells with no rule between them joined into merged cells (union-find)."""
    owner = list(range(rows * cols))

    def find(a: int) -> int:
        while owner[a] != a:
            owner[a] = owner[owner[a]]
            a = owner[a]
        return a

    for r in range(rows):
        for c in range(cols):
            if c < cols - 1 and not right[r][c]:
                owner[find(r * cols + c + 1)] = find(r * cols + c)
            if r < rows - 1 and not below[r][c]:
                owner[find((r + 1) * cols + c)] = find(r * cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            groups.setdefault(find(r * cols + c), []).append((r, c))
    cells: list[RuledCell] = []
    for members in groups.values():
        r0 = min(m[0] for m in members)
        r1 = max(m[0] for m in members)
        c0 = min(m[1] for m in members)
        c1 = max(m[1] for m in members)
        if len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):
            # not a rectangle (a rule broken by a fold or a blot): keep the fine cells apart
            for r, c in members:
                cells.append(RuledCell(r, c, 1, 1, (xs[c], ys[r], xs[c + 1], ys[r + 1])))
            continue
        cells.append(RuledCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1])))
    cells.sort(key=lambda c: (c.row, c.col))
    return cells
