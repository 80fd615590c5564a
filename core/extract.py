"""Reading the three tables out of report text into the report model.

The parser is driven by the edition definition (``core.editions``): row labels are found by their
key phrases, in the official order, and each row takes the values that follow its label. Where a
reading is not certain (a row with too few values, digits run together, a table not found) the
cells are marked uncertain with the reason; nothing is guessed silently.
"""
from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.atoms import Atom, tokenize
from core.editions import EDITIONS, Edition, Row, edition_for_year
from core.model import Reading, Report
from core.values import Parsed, parse_value

_HEADING = re.compile(r"^([一二三四五六七八九十]+、|\d{1,2}、|[（(][一二三四五六七八九十]+[）)])")


@dataclass
class _Found:
    """A row label found in the atom stream with the values that follow it."""

    label: Atom
    values: list[Atom]
    doubt: str | None = None        # set when the row was placed by elimination


class ExtractionError(Exception):
    """The text holds no recognisable report; the message is Chinese and names the reason."""


# ------------------------------------------------------------------ title, year, edition

def title_lines(text: str) -> list[str]:
    """The report's title: its first non-empty lines, up to the one that says 报告."""
    lines = []
    for line in text.splitlines()[:12]:
        t = re.sub(r"\[bookmark:[^\]]*\]", "", line).strip(" \t\u3000\ufeff")
        if not t:
            continue
        lines.append(t)
        if "报告" in t or len(lines) >= 4:
            break
    return lines


def read_title(text: str) -> tuple[int | None, str | None]:
    """Year and agency from the report's title (its first lines)."""
    title = re.sub(r"\s+", "", "".join(title_lines(text)))
    m = re.search(r"(?P<year>(?:19|20)\d{2})年度?", title)
    year = int(m["year"]) if m else None
    agency = None
    if m:
        pre = title[: m.start()]
        pre = re.sub(r"(关于|的)$", "", pre)
        post = re.split(r"政府信息公开|政务公开|信息公开", title[m.end():])[0]
        agency = pre or post or None
        if agency and len(agency) > 40:
            agency = None
    if year is None:
        m2 = re.search(r"((?:19|20)\d{2})年", text[:3000])
        year = int(m2.group(1)) if m2 else None
    return year, agency


def detect_edition(atoms: Sequence[Atom], year: int | None) -> tuple[Edition, str]:
    """The edition whose table headers the report uses; the year only breaks a tie."""
    labels = "\n".join(a.norm for a in atoms if a.is_label and a.label_like(60))
    scores = {}
    for key, ed in EDITIONS.items():
        scores[key] = [p for p in ed.evidence if p in labels]
    s19, s21 = len(scores["2019"]), len(scores["2021"])
    if s19 != s21:
        key = "2019" if s19 > s21 else "2021"
        return EDITIONS[key], "表头：" + "、".join(scores[key][:4])
    by_year = edition_for_year(year)
    if by_year is not None:
        return by_year, f"表头无法区分版本，按报告年度{year}年推定"
    return EDITIONS["2021"], "表头与年度均无法确定版本，按2021年版处理"


# ------------------------------------------------------------------ label matching

def _matches(atom: Atom, row: Row) -> bool:
    n = atom.norm
    if row.weak:
        core = re.sub(r"^(\d{1,2}[.、]|[（(][一二三四五六七八九十]+[）)])", "", n)
        return any(core == p or n == p for p in row.phrases) or (
            row.key == "handled_total" and ("（七）" in n or "(七)" in n) and "总计" in n)
    return any(p in n for p in row.phrases)


def _find_rows(atoms: Sequence[Atom], rows: Sequence[Row], start: int = 0,
               stop: Callable[[Atom], bool] | None = None) -> tuple[dict[str, _Found], int]:
    """Find each row's label in order and take the values after it. Returns rows found, end index."""
    found: dict[str, _Found] = {}
    unmatched: list[tuple[int, _Found]] = []   # (position in order of rows, label with values)
    expect = 0
    i = start
    end = start
    while i < len(atoms) and expect < len(rows):
        a = atoms[i]
        if stop and stop(a):
            break
        if not (a.is_label and a.label_like(60)) or (a.norm and not a.label_like() and not _garbled_label(a)):
            i += 1
            continue
        hit = None
        for j in range(expect, len(rows)):
            if rows[j].weak and j != expect:
                continue
            if _matches(a, rows[j]):
                hit = j
                break
        if hit is None:
            values, nxt = _values_after(atoms, i)
            if found and any(not v.is_blank for v in values):  # a header with blank cells is no row
                unmatched.append((expect, _Found(a, values)))
            i = nxt if values else i + 1
            continue
        values, i = _values_after(atoms, i)
        found[rows[hit].key] = _Found(a, values)
        broken = [f for p, f in unmatched if p == hit]
        if broken:  # "3.危及“三 … 0" then "安全一稳定”": one row split by a page break
            found[rows[hit].key].doubt = (f"本行前有未识别的一行“{broken[-1].label.norm}”（带数值），"
                                          f"可能是本行被分页或换行断开，请核对原文")
            unmatched = [(p, f) for p, f in unmatched if p != hit]
        expect = hit + 1
        end = i
    _place_by_elimination(found, unmatched, rows)
    return found, end


def _garbled_label(a: Atom) -> bool:
    """A label OCR or typing damaged: mostly CJK, short, no sentence punctuation."""
    n = a.norm
    return 2 <= len(n) <= 60 and sum("\u4e00" <= ch <= "\u9fff" for ch in n) >= len(n) * 0.5 and "。" not in n


def _place_by_elimination(found: dict[str, _Found], unmatched: list[tuple[int, _Found]],
                          rows: Sequence[Row]) -> None:
    """A row whose label was not recognised, sitting alone in the gap where one row is missing.

    Its values are placed on the missing row, and every cell says so: the auditor must confirm.
    """
    for pos, f in unmatched:
        if pos >= len(rows) or rows[pos].key in found:
            continue
        nxt = pos + 1
        if nxt < len(rows) and rows[nxt].key not in found:
            continue  # more than one row missing here: the gap does not say which
        if sum(1 for p, _ in unmatched if p == pos) != 1:
            continue
        f.doubt = f"行标签“{f.label.norm}”未能识别，按位置推定为“{rows[pos].label}”，请核对"
        found[rows[pos].key] = f


def _values_after(atoms: Sequence[Atom], i: int) -> tuple[list[Atom], int]:
    """The value atoms after the label at i: its own row when the layout has rows."""
    label = atoms[i]
    i += 1
    same_row = [a for a in atoms[i:i + 40] if a.row == label.row]
    row_bound = label.structured or any(a.is_value and not a.is_blank for a in same_row)
    values: list[Atom] = []
    while i < len(atoms):
        a = atoms[i]
        if not a.is_value:
            break
        if row_bound and a.row != label.row:
            break
        if not row_bound and a.is_blank:
            break
        values.append(a)
        i += 1
    return values, i


# ------------------------------------------------------------------ placing values

def _reading(a: Atom, uncertain: str | None = None, unit: str | None = None) -> Reading:
    p = (parse_value(a.text, None, unit) if unit and a.parsed and a.parsed.unit else a.parsed) or Parsed(None)
    return Reading(p.value, a.text.strip(" \t\u3000\u00a0\r"), (a.start, a.end), uncertain or p.doubt, p.note)


def _place(report: Report, table: str, row_key: str, columns: Sequence[str], found: _Found | None,
           check: Callable[[list[int]], bool] | None = None) -> None:
    keys = [f"{table}.{row_key}.{c}" for c in columns]
    if found is None:
        return  # cells stay without reading: uncertain "原文中未找到此格"
    values = found.values
    n = len(keys)
    if len(values) == n:
        for k, a in zip(keys, values):
            report.cells[k].reading = _reading(a, found.doubt, report.edition.cell_defs[k].unit)
        return
    if len(values) < n:
        split = _split_all(values, n, check)
        if split is not None:
            for k, r in zip(keys, split):
                report.cells[k].reading = r
            return
    why = found.doubt or f"“{found.label.norm}”一行读到{len(values)}个值，应为{n}个，位置可能错位，请核对原文"
    for k, a in zip(keys, values):
        report.cells[k].reading = _reading(a, why, report.edition.cell_defs[k].unit)
    for k in keys[len(values):]:
        report.cells[k].reading = Reading(None, "", (found.label.start, found.label.end), why)


def _split_all(values: list[Atom], n: int, check: Callable[[list[int]], bool] | None) -> list[Reading] | None:
    """Split run-together digit strings into n cells when exactly one way balances."""
    if not values or any(not (a.parsed and isinstance(a.parsed.value, int) and a.parsed.value >= 0
                              and a.parsed.unit is None and re.fullmatch(r"\s*\d+\s*", a.text))
                         for a in values):
        return None
    digits = [a.text.strip() for a in values]
    extra = n - len(values)
    if sum(len(d) - 1 for d in digits) < extra or math.prod(len(d) for d in digits) > 20000:
        return None  # cannot be cut into enough cells, or too many ways to try
    solutions: list[list[tuple[int, int, str]]] = []
    for parts in _partitions(digits, extra):
        nums = [int(p) for _, _, p in parts]
        if check is not None and not check(nums):
            continue
        solutions.append(parts)
        if len(solutions) > 1:
            return None
    if len(solutions) != 1:
        return None
    out = []
    for k, off, p in solutions[0]:
        a = values[k]
        s = a.start + (len(a.text) - len(a.text.lstrip())) + off
        out.append(Reading(int(p), p, (s, s + len(p)), f"原文数字连写为“{a.text.strip()}”，已拆分，请核对"))
    return out


def _partitions(digits: list[str], extra: int, limit: int = 50000):
    """Every way of cutting the digit strings into len(digits)+extra numbers without leading zeros."""
    per_atom = []
    for d in digits:
        ways = {}
        for cuts in range(len(d)):
            ways[cuts] = [c for c in itertools.combinations(range(1, len(d)), cuts)]
        per_atom.append(ways)
    produced = 0
    for alloc in itertools.product(*[range(len(d)) for d in digits]):
        if sum(alloc) != extra:
            continue
        for combo in itertools.product(*[per_atom[k][c] for k, c in enumerate(alloc)]):
            parts = []
            ok = True
            for k, cut in enumerate(combo):
                d = digits[k]
                bounds = (0, *cut, len(d))
                for x, y in zip(bounds, bounds[1:]):
                    p = d[x:y]
                    if len(p) > 1 and p[0] == "0":
                        ok = False
                        break
                    parts.append((k, x, p))
                if not ok:
                    break
            if ok:
                yield parts
            produced += 1
            if produced > limit:
                return


# ------------------------------------------------------------------ the tables

def _is_t3_start(a: Atom) -> bool:
    return a.is_label and a.label_like() and "本年新收" in a.norm


def _parse_active(report: Report, atoms: Sequence[Atom], end: int) -> None:
    table = report.edition.table("active")
    rows = [r for b in table.blocks for r in b.rows]
    start = next((i for i, a in enumerate(atoms[:end]) if a.is_label and "第二十条" in a.norm), None)
    if start is None:
        start = next((i for i, a in enumerate(atoms[:end]) if a.is_label and "信息内容" in a.norm), None)
    if start is None:
        # No caption: start at the first row label that has values behind it.
        for i, a in enumerate(atoms[:end]):
            if a.is_label and a.label_like() and any(_matches(a, r) for r in rows):
                vals, _ = _values_after(atoms, i)
                if vals:
                    start = i
                    break
    if start is None:
        report.notes.append("未找到表二（主动公开政府信息情况）")
        return
    found, _ = _find_rows(atoms[:end], rows, start)
    for b in table.blocks:
        for r in b.rows:
            _place(report, "active", r.key, [c.key for c in b.columns], found.get(r.key))
    missing = [r.label for r in rows if r.key not in found]
    if missing:
        report.notes.append("表二未找到以下行：" + "、".join(missing))


def _t3_columns(atoms: Sequence[Atom], start: int, first_row: int) -> bool:
    """Does table 三's header carry the extra 小计 column?"""
    header = atoms[max(start, first_row - 40):first_row]
    if any(a.is_label and a.norm in ("小计", "法人小计") or a.norm.endswith("小计") for a in header):
        return True
    # a header run into the first row's label: "…其他小计一、本年新收政府信息公开申请数量"
    if first_row < len(atoms):
        head = atoms[first_row].norm
        return "小计" in head[:max(0, head.find("本年新收"))]
    return False


def _parse_apply(report: Report, atoms: Sequence[Atom], start: int) -> int:
    if _t3_columns(atoms, 0, start):
        report.edition = report.edition.with_subtotal()
        from core.model import Cell
        for k, d in report.edition.cell_defs.items():
            if k not in report.cells:
                report.cells[k] = Cell(k, d)
            else:
                report.cells[k].definition = d
    table = report.edition.table("apply")
    block = table.blocks[0]
    cols = [c.key for c in block.columns]
    found, end = _find_rows(atoms, block.rows, start, stop=lambda a: a.is_label and "行政复议" in a.norm)
    for r in block.rows:
        _place(report, "apply", r.key, cols, found.get(r.key), check=_rowsum_check(cols))
    missing = [r.label for r in block.rows if r.key not in found]
    if missing:
        if len(missing) == len(block.rows) - len(found) and "carried_forward" not in found and len(found) < len(block.rows):
            report.notes.append(f"表三不完整：未找到{len(missing)}行（{missing[0]}…），文本可能被截断")
        else:
            report.notes.append("表三未找到以下行：" + "、".join(missing))
    return end


def _rowsum_check(cols: Sequence[str]) -> Callable[[list[int]], bool]:
    parts = [i for i, c in enumerate(cols) if c not in ("total", "subtotal")]
    total = cols.index("total")

    def check(nums: list[int]) -> bool:
        return len(nums) == len(cols) and nums[total] == sum(nums[i] for i in parts)
    return check


def _t4_stop(a: Atom) -> bool:
    if not a.is_label:
        return False
    n = a.norm
    return bool(_HEADING.match(n) and not any(p in n for p in ("复议", "诉讼"))) or len(n) > 40 or "。" in n


def _is_t4_header(a: Atom) -> bool:
    return a.is_label and a.norm.startswith("行政复议") and len(a.norm) <= 10


def _parse_review(report: Report, atoms: Sequence[Atom], start: int) -> None:
    table = report.edition.table("review")
    block = table.blocks[0]
    head = next((i for i in range(start, len(atoms)) if _is_t4_header(atoms[i])), None)
    if head is None:
        head = next((i for i in range(start, len(atoms)) if atoms[i].is_label and atoms[i].label_like()
                     and "行政复议" in atoms[i].norm and not _HEADING.match(atoms[i].norm)), None)
    if head is None:
        report.notes.append("未找到表四（行政复议、行政诉讼情况）")
        return
    # Values come in groups split by labels and (in row layouts) by rows.
    groups: list[list[Atom]] = []
    i = head + 1
    while i < len(atoms) and not _t4_stop(atoms[i]):
        a = atoms[i]
        if a.is_value:
            if groups and groups[-1] and groups[-1][-1].row == a.row and atoms[i - 1].is_value:
                groups[-1].append(a)
            elif groups and groups[-1] and not a.structured and not groups[-1][-1].structured and atoms[i - 1].is_value:
                groups[-1].append(a)
            else:
                groups.append([a])
        i += 1
    filled = [g for g in groups if any(not a.is_blank for a in g)]
    values = [a for g in filled for a in g]
    keys = [f"review.{r.key}.{c.key}" for r in block.rows for c in block.columns]
    if not filled:
        blank_rows = [g for g in groups if len(g) == len(keys)]
        if blank_rows:
            for k, a in zip(keys, blank_rows[-1]):
                report.cells[k].reading = _reading(a)
        return
    label = atoms[head]
    n = len(keys)
    if len(values) == n:
        for k, a in zip(keys, values):
            report.cells[k].reading = _reading(a)
        return
    if len(values) < n:
        split = _split_all(values, n, _review_check)
        if split is not None:
            for k, r in zip(keys, split):
                report.cells[k].reading = r
            return
    why = f"表四读到{len(values)}个值，应为{n}个，位置可能错位，请核对原文"
    for k, a in zip(keys, values):
        report.cells[k].reading = _reading(a, why)
    for k in keys[len(values):]:
        report.cells[k].reading = Reading(None, "", (label.start, label.end), why)


def _review_check(nums: list[int]) -> bool:
    return len(nums) == 15 and all(nums[g + 4] == sum(nums[g:g + 4]) for g in (0, 5, 10))


# ------------------------------------------------------------------ entry point

def extract(text: str, source_path: str | None = None) -> Report:
    """Read a report's tables out of its text. Raises ExtractionError if it is not a report.

    The layout reader comes first; where it leaves a table missing or doubtful (text that lost its
    layout: one long line, labels broken by spaces, digits run together), the table is read again
    by ``core.flat`` and the better reading of each table is kept.
    """
    try:
        report: Report | None = _extract_layout(text, source_path)
        error = None
    except ExtractionError as e:
        report, error = None, e
    if report is None or report.notes or report.uncertain_keys():
        report = _with_flat(text, source_path, report)
    if report is None:
        raise error or ExtractionError("未找到政府信息公开年度报告的统计表格")
    return report


_TABLE_NAMES = {"active": "表二", "apply": "表三", "review": "表四"}


def _table_score(report: Report, table: str) -> tuple[int, int, int, int]:
    """Certain cells first, then cells the balance rules pin to one value, then cells holding a
    value, then cells found at all."""
    cells = [c for k, c in report.cells.items() if k.startswith(table + ".")]
    return (sum(1 for c in cells if not c.uncertain), sum(1 for c in cells if c.pinned),
            sum(1 for c in cells if c.value is not None), sum(1 for c in cells if c.reading is not None))


def _with_flat(text: str, source_path: str | None, layout: Report | None) -> Report | None:
    from core.flat import read_flat
    year, agency = read_title(text)
    if layout is not None:
        fallback, basis = layout.edition, layout.edition_basis
    else:
        fallback = edition_for_year(year) or EDITIONS["2021"]
        basis = f"表头无法识别，按报告年度{year}年推定" if year else "表头与年度均无法确定版本，按2021年版处理"
    flat = read_flat(text, year, agency, fallback, basis, source_path)
    if flat is None:
        return layout
    fr = flat.report
    if layout is None:
        return fr
    same = (fr.edition.key, fr.edition.has_subtotal) == (layout.edition.key, layout.edition.has_subtotal)
    tables = [t.key for t in fr.edition.tables]
    if not same:
        better = sum(_table_score(fr, t)[0] for t in tables) > sum(_table_score(layout, t)[0] for t in tables)
        return fr if better else layout
    taken = [t for t in tables if _table_score(fr, t) > _table_score(layout, t)]
    if not taken:
        return layout
    if len(taken) == len(tables):
        return fr
    for t in taken:
        for k in fr.cells:
            if k.startswith(t + "."):
                layout.cells[k] = fr.cells[k]
    names = [_TABLE_NAMES[t] for t in taken]
    layout.notes = ([n for n in layout.notes if not any(x in n for x in names)]
                    + [n for n in fr.notes if any(x in n for x in names)])
    layout.splits += [c for c in fr.splits if c.table in taken]
    return layout


def _extract_layout(text: str, source_path: str | None = None) -> Report:
    """The tables read by the text's own layout (rows, tabs, pipes, label-and-numbers lines)."""
    atoms = tokenize(text)
    year, agency = read_title(text)
    t3 = next((i for i, a in enumerate(atoms) if _is_t3_start(a)), None)
    has_t2 = any(a.is_label and ("第二十条" in a.norm or "信息内容" in a.norm) for a in atoms)
    if t3 is None and not has_t2:
        raise ExtractionError("未找到政府信息公开年度报告的统计表格（表二、表三、表四），不像是一份年度报告")
    edition, basis = detect_edition(atoms, year)
    report = Report.empty(edition, text, year=year, agency=agency, source_path=source_path)
    report.edition_basis = basis
    _parse_active(report, atoms, t3 if t3 is not None else len(atoms))
    if t3 is None:
        report.notes.append("未找到表三（收到和处理政府信息公开申请情况），文本可能被截断")
        return report
    end = _parse_apply(report, atoms, t3)
    _parse_review(report, atoms, end)
    return report
