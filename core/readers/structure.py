"""Reading the three tables from their real structure: row label cell -> row, header -> column.

The text extractor has already read the rendered source text. Here each table grid is mapped
structurally: a data row is recognised by its label cell (the key phrases of ``core.editions``, in
the official order), a value's column by the header text above its grid column (for table 四 the
group headers above it as well). Where a table maps completely, its readings replace the text
extractor's (same text, same spans, but placed by position rather than by order); a table whose
layout is unusual is left to the text extractor. When both readings disagree on a value the
structure wins and the report notes it.
"""
from __future__ import annotations

from core.editions import Column, Row
from core.model import Reading, Report
from core.readers.grid import Grid, GridCell
from core.values import normalise, parse_value

_GROUP_HEADERS = ("申请人情况", "法人或其他组织", "勾稽")
_HEADER_MARKS = ("申请人情况", "自然人", "商业企业", "科研机构")   # never in a row label of table 三


def _norm(cell: GridCell | None) -> str:
    return normalise(cell.text) if cell is not None else ""


def _is_value(cell: GridCell) -> bool:
    return parse_value(cell.text) is not None


def _row_matches(norm: str, row: Row) -> bool:
    import re
    if not norm:
        return False
    if row.weak:
        core = re.sub(r"^(\d{1,2}[.、．]|[（(][一二三四五六七八九十]+[）)])", "", norm)
        return any(core == p or norm == p for p in row.phrases) or (
            row.key == "handled_total" and ("（七）" in norm or "(七)" in norm) and "总计" in norm)
    return any(p in norm for p in row.phrases)


def _column_for(norm: str, columns: tuple[Column, ...]) -> Column | None:
    if not norm or any(g in norm for g in _GROUP_HEADERS):
        return None
    hits = [c for c in columns if any(p in norm for p in c.phrases)]
    if len(hits) == 1:
        return hits[0]
    exact = [c for c in hits if normalise(c.label) == norm]
    return exact[0] if len(exact) == 1 else None


def _reading(cell: GridCell, column: Column) -> Reading | None:
    parsed = parse_value(cell.text, column.kind, column.unit)
    if parsed is None or cell.span is None:
        return None
    return Reading(parsed.value, cell.text.strip(" \t\u3000\u00a0\r"), cell.span, None, parsed.note)


def _take(cell: GridCell | None, column: Column, r: int, used: set[int]) -> Reading | None:
    """The reading of a value cell that starts on row r and no other row has claimed; else None."""
    if cell is None or cell.row != r or id(cell) in used or not _is_value(cell):
        return None
    used.add(id(cell))
    return _reading(cell, column)


def _label_of(grid: Grid, row: int, first_value_col: int) -> GridCell | None:
    """The rightmost label cell left of the values: the most specific row label."""
    for col in range(min(first_value_col, grid.n_cols) - 1, -1, -1):
        c = grid.at(row, col)
        if c is not None and not _is_value(c):
            return c
    return None


# ------------------------------------------------------------------ table 三

def _map_apply(report: Report, grid: Grid, inherited: dict[int, Column] | None,
               state: dict) -> tuple[dict[str, Reading | None], dict[int, Column] | None]:
    block = report.edition.table("apply").blocks[0]
    cols = block.columns
    start = next((r for r in range(grid.n_rows) for c in range(grid.n_cols)
                  if "本年新收" in _norm(grid.at(r, c)) and not _is_value(grid.at(r, c))), None)
    continuation = start is None
    if continuation:
        # a later part of the table (next page / next Word table), perhaps with its header repeated
        marks = [r for r in range(grid.n_rows)
                 if any(m in _norm(c) for c, _ in grid.row_slots(r) for m in _HEADER_MARKS)]
        if marks:
            start = marks[-1] + 1
    colmap: dict[int, Column] = {}
    if start is not None and start > 0:
        for col in range(grid.n_cols):
            for r in range(start - 1, -1, -1):
                cell = grid.at(r, col)
                if cell is None:
                    continue
                found = _column_for(_norm(cell), cols)
                if found is not None:
                    colmap[col] = found
                    break
        # a header cell spanning several grid columns names only its first one
        seen: dict[str, int] = {}
        for col in sorted(colmap):
            k = colmap[col].key
            if k in seen:
                probe = start if start < grid.n_rows else start - 1     # the first data row decides
                if grid.at(probe, col) is grid.at(probe, seen[k]):
                    del colmap[col]
                else:
                    return {}, None      # two columns claim one header: unusual layout
            else:
                seen[k] = col
        if start == grid.n_rows:         # the header alone
            state.update(expect=0, grid=grid)
            return {}, colmap if len(colmap) * 2 >= len(cols) else None
    elif inherited is not None and state.get("expect", 0) < len(block.rows):
        colmap = _carry_columns(inherited, state.get("grid"), grid)   # a continuation without its header
        if not colmap:
            return {}, None
        start = 0
    else:
        return {}, None
    # a column the header lacks stays unread; too few known columns means an unusual layout
    if len(colmap) * 2 < len(cols) or "total" not in {c.key for c in colmap.values()}:
        return {}, None
    missing = [c for c in cols if c.key not in {x.key for x in colmap.values()}]
    first = min(colmap)
    out: dict[str, Reading | None] = {}
    rows = block.rows
    expect = state.get("expect", 0) if continuation else 0
    for r in range(start, grid.n_rows):
        if any("行政复议" in _norm(grid.at(r, c)) for c in range(grid.n_cols)):
            break
        label = _label_of(grid, r, first)
        if label is None:
            continue
        norm = _norm(label)
        hit = None
        for j in range(expect, len(rows)):
            if rows[j].weak and j != expect:
                continue
            if _row_matches(norm, rows[j]):
                hit = j
                break
        if hit is None:
            continue
        expect = hit + 1
        readings: dict[str, Reading | None] | None = {}
        used: set[int] = set()
        for col, column in colmap.items():
            cell = grid.at(r, col)
            reading = _take(cell, column, r, used) if cell is not None and cell.rowspan == 1 else None
            if reading is None:
                readings = None
                break
            readings[f"apply.{rows[hit].key}.{column.key}"] = reading
        if readings:
            for column in missing:
                readings[f"apply.{rows[hit].key}.{column.key}"] = None
            out.update(readings)
    state["expect"] = expect
    state["grid"] = grid
    return out, colmap


def _carry_columns(colmap: dict[int, Column], before: Grid | None, grid: Grid) -> dict[int, Column]:
    """The column map of a table's first part applied to its continuation (same x, or same width)."""
    if before is None:
        return {}
    if before.col_edges and grid.col_edges:
        out = {}
        for col, column in colmap.items():
            x = before.col_edges[col]
            match = [i for i, e in enumerate(grid.col_edges) if abs(e - x) <= 2]
            if len(match) != 1:
                return {}
            out[match[0]] = column
        return out
    return dict(colmap) if before.n_cols == grid.n_cols else {}


# ------------------------------------------------------------------ table 二

def _map_active(report: Report, grid: Grid) -> dict[str, Reading | None]:
    table = report.edition.table("active")
    all_rows = [(b, r) for b in table.blocks for r in b.rows]
    header: dict[int, str] = {}
    out: dict[str, Reading | None] = {}
    expect = 0
    for r in range(grid.n_rows):
        first = grid.at(r, 0)
        n0 = _norm(first)
        if "本年新收" in n0 or any("本年新收" in _norm(grid.at(r, c)) for c in range(grid.n_cols)):
            break
        if "信息内容" in n0:
            header = {c: _norm(grid.at(r, c)) for c in range(1, grid.n_cols)}
            continue
        if not header or first is None or _is_value(first):
            continue
        hit = None
        for j in range(expect, len(all_rows)):
            if _row_matches(n0, all_rows[j][1]):
                hit = j
                break
        if hit is None:
            continue
        expect = hit + 1
        block, row = all_rows[hit]
        readings: dict[str, Reading | None] | None = {}
        used: set[int] = set()
        for column in block.columns:
            cols = [c for c, h in header.items() if _column_for(h, block.columns) is column]
            cells = {id(grid.at(r, c)): grid.at(r, c) for c in cols}
            if not cells and len(block.columns) > 1:
                readings[f"active.{row.key}.{column.key}"] = None   # the header lacks this column
                continue
            if len(cells) != 1:
                readings = None
                break
            reading = _take(next(iter(cells.values())), column, r, used)
            if reading is None:
                readings = None
                break
            readings[f"active.{row.key}.{column.key}"] = reading
        if readings and any(v is not None for v in readings.values()):
            out.update(readings)
    return out


# ------------------------------------------------------------------ table 四

def _map_review(report: Report, grid: Grid) -> dict[str, Reading]:
    block = report.edition.table("review").blocks[0]
    head = next((r for r in range(grid.n_rows) for c in range(grid.n_cols)
                 if _norm(grid.at(r, c)).startswith("行政复议") and len(_norm(grid.at(r, c))) <= 10), None)
    if head is None:
        return {}
    data = None
    for r in range(head + 1, grid.n_rows):
        slots = [c for c, here in grid.row_slots(r) if here]
        if slots and all(_is_value(c) for c in slots) and len(slots) >= len(block.rows) * len(block.columns):
            data = r
            break
    if data is None:
        return {}
    out: dict[str, Reading] = {}
    seen: set[int] = set()
    for col in range(grid.n_cols):
        cell = grid.at(data, col)
        if cell is None or cell.row != data:
            continue
        column = row = None
        for r in range(data - 1, head - 1, -1):
            h = grid.at(r, col)
            if h is None:
                continue
            n = _norm(h)
            if column is None:
                column = _column_for(n, block.columns)
            if row is None:
                row = next((x for x in block.rows if _row_matches(n, x)), None)
        if column is None or row is None:
            continue
        if id(cell) in seen:
            return {}
        seen.add(id(cell))
        key = f"review.{row.key}.{column.key}"
        if key in out:
            return {}
        reading = _reading(cell, column)
        if reading is None:
            return {}
        out[key] = reading
    return out if len(out) == len(block.rows) * len(block.columns) else {}


# ------------------------------------------------------------------ entry point

def structural_readings(report: Report, grids: list[Grid]) -> dict[str, Reading | None]:
    """Readings placed by the table structure; None for a cell the table's header lacks."""
    found: dict[str, Reading | None] = {}
    colmap = None
    state: dict = {}
    for g in grids:
        if g.n_rows == 0 or g.n_cols == 0:
            continue
        for k, v in _map_active(report, g).items():
            found.setdefault(k, v)
        apply, colmap_here = _map_apply(report, g, colmap, state)
        if colmap_here is not None:
            colmap = colmap_here
        for k, v in apply.items():
            found.setdefault(k, v)
        for k, v in _map_review(report, g).items():
            found.setdefault(k, v)
    return found


_TABLE_NAMES = {"active": "表二", "apply": "表三", "review": "表四"}


def apply_structure(report: Report, grids: list[Grid]) -> None:
    """Check the text extractor's readings against the table structure; the structure wins."""
    found = structural_readings(report, grids)
    changed: dict[str, int] = {}
    absent: dict[str, set[str]] = {}
    for key, reading in found.items():
        cell = report.cells.get(key)
        if cell is None:
            continue
        old = cell.reading
        if reading is None:
            cell.reading = None
            absent.setdefault(_TABLE_NAMES[key.split(".")[0]], set()).add(cell.definition.column.label)
            continue
        if old is not None and old.uncertain is None and old.value != reading.value:
            changed[key.split(".")[0]] = changed.get(key.split(".")[0], 0) + 1
        cell.reading = reading
    for name, labels in absent.items():
        report.notes.append(f"{name}的表头中没有“{'”“'.join(sorted(labels))}”列，这些格未读取")
    for table, n in changed.items():
        report.notes.append(f"{_TABLE_NAMES[table]}有{n}格按表格结构读取，与按文字顺序读取的结果不同，请核对")
    # notes about rows the text reading missed are stale once the structure found every cell
    for table, name in _TABLE_NAMES.items():
        keys = [k for k in report.cells if k.startswith(table + ".")]
        if keys and all(report.cells[k].reading is not None for k in keys) and any(k in found for k in keys):
            report.notes = [n for n in report.notes
                            if not (n.startswith(name + "未找到") or n.startswith(name + "不完整")
                                    or n.startswith("未找到" + name))]
