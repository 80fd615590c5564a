"""Reading report text that lost its table layout: a portal page copied, a crawl, foreign OCR.

Such text may be one long line; labels are broken by stray spaces ("本年度办 理结果"); the
column header may be gone, repeated or run into the sentence before; the numbers of adjacent
cells may run together ("一、本年新收政府信息公开申请数量130000013"). ``core.flat_text`` finds
each row by its key phrases wherever it stands and takes the value text that follows its label.
Here that text becomes cells: where tabs or pipes still delimit them and no delimiter can have
been lost, one value per cell; otherwise the digits are split by the balance rules
(``core.splits``):

* one split satisfies every rule → the cells are filled and marked inferred (推算);
* several do → the cells that differ stay blank and uncertain, the row's candidate splits are
  listed for the auditor to pick (``Report.splits``);
* none does (the report itself does not balance) → each row keeps the splits its own total
  allows, and the broken column rules are reported as usual: never "repaired" into balance.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from core.editions import EDITIONS, Edition, Kind
from core.flat_text import (DELIMS, PROSE_AFTER, Flat, RowHit, Stretch, chain, flatten, label_opened, label_start,
                            review_header_end, review_values, stray_digits, stretch, strip_numbering, value_range)
from core.model import HOW_INFERRED, Reading, Report, SplitChoice
from core.splits import Piece, Placed, Split, fits_kind, iter_pinned, piece_number, row_splits, solve_joint, values_of
from core.values import NA, Value, format_value

# ------------------------------------------------------------------ rows into readings

@dataclass
class RowJob:
    """One row (or table 四's one line of 15 cells) to read from its stretch."""

    table: str
    name: str                        # "apply.new" — or "review" for table 四
    label: str
    keys: list[str]
    kinds: list[Kind]
    sums: list[tuple[int, tuple[int, ...]]]
    stretch: Stretch | None
    label_span: tuple[int, int] | None
    units: list[str | None] = field(default_factory=list)   # each cell's column unit (amounts)
    label_at: int | None = None                # compact offset where the row's label starts
    fixed: list[Placed] | None = None         # read with certainty (delimited or exact count)
    doubt: str | None = None                  # the row's place in the text is doubtful
    splits: list[Split] | None = None         # candidate splits; None = too many to list


def field_shape(st: Stretch) -> tuple[int, int]:
    """(fields up to the last one holding a value, all fields counted to the next label)."""
    cells = st.fields or []
    core = len(cells)
    while core and not cells[core - 1]:
        core -= 1
    return core, len(cells)


def table_overhead(flat: Flat, jobs: list[RowJob]) -> int | None:
    """Delimiters a complete delimited row of this table leaves after its last cell.

    A row whose last cell holds a value shows how many tabs or pipes follow a row (the next
    label's own, a closing pipe, merged group cells). Only with that known can trailing blank
    cells be told from delimiters lost between run-together values. The largest count seen is
    used, and at least one when the table's labels are cells opened by a delimiter (the next
    label is too): lost delimiters only ever lower the count. The table's last row is followed
    by a heading, not a row, and says nothing about it. None: no complete delimited row.
    """
    seen = []
    for j in jobs[:-1]:
        if j.stretch is not None and j.stretch.fields is not None:
            core, total = field_shape(j.stretch)
            if core == len(j.keys):
                seen.append(total - core)
    if not seen:
        return None
    opened = any(label_opened(flat, j.label_at) for j in jobs if j.label_at is not None)
    return max(seen + [1 if opened else 0])


def _from_fields(job: RowJob, overhead: int | None) -> list[Placed] | None:
    """One value per delimited field, when no delimiter can have been lost.

    Delimiters get lost (a portal copy drops a whitespace run), never added. So k fields up to
    the last value mean k cells for certain. Fewer fields mean trailing blank cells only when
    the delimiters after the last value cover them and the row's usual trailer, and the row's
    own totals hold; otherwise two values may have run together ("1\t13" for 1|1|3).
    """
    st = job.stretch
    k = len(job.keys)
    cells = st.fields or []
    core, total = field_shape(st)
    if core > k or not all(len(c) <= 1 and _whole(c[0]) is not None for c in cells[:core] if c):
        return None
    placed = [_placed(c[0], kd, unit) if c else Placed(None, None)
              for c, kd, unit in zip(cells[:k], job.kinds, job.units)]
    placed += [Placed(None, None)] * (k - len(placed))
    if not all(_kind_ok(p.value, kd) for p, kd in zip(placed, job.kinds)):
        return None
    if core < k:
        if overhead is None or total < k + overhead:
            return None
        if job.sums and not _sums_hold(job.sums, [p.value for p in placed]):
            return None
    return placed


def _exact(job: RowJob, overhead: int | None = None) -> None:
    """Cells the text itself delimits: one value per delimited field, or exactly k pieces."""
    st = job.stretch
    k = len(job.keys)
    if st is None or not st.pieces:
        job.fixed = [Placed(None, None)] * k
        return
    if st.fields is not None:
        placed = _from_fields(job, overhead)
        if placed is not None:
            job.fixed = placed
            return
    if len(st.pieces) == k and all(_whole(p) is not None for p in st.pieces):
        placed = [_placed(p, kd, unit) for p, kd, unit in zip(st.pieces, job.kinds, job.units)]
        if all(_kind_ok(p.value, kd) for p, kd in zip(placed, job.kinds)) and (
                not job.sums or _sums_hold(job.sums, [p.value for p in placed])):
            if st.soft and not job.sums:
                # "5 100 3" may be 5|100|3 or 5100|3 with a blank: the text cannot tell
                why = f"原文“{st.raw.strip()}”中数字之间只隔一个空格，也可能是一个数被空格隔开（如“1 036”），请核对"
                placed = [Placed(p.value, p.span, p.doubt or (why if i in st.soft or i + 1 in st.soft else None))
                          for i, p in enumerate(placed)]
            job.fixed = placed
            return
    if st.soft and len(st.pieces) > k:
        joined, merged = _join_soft(st)
        if len(joined) == k and all(_whole(p) is not None for p in joined):
            placed = [_placed(p, kd, unit) for p, kd, unit in zip(joined, job.kinds, job.units)]
            if all(_kind_ok(p.value, kd) for p, kd in zip(placed, job.kinds)) and (
                    not job.sums or _sums_hold(job.sums, [p.value for p in placed])):
                why = f"原文“{st.raw.strip()}”中有数字被空格隔开，已按千位分隔连读为一个数，请核对"
                job.fixed = [Placed(p.value, p.span, p.doubt or (why if i in merged else None))
                             for i, p in enumerate(placed)]
                return


def _sums_hold(sums, values) -> bool:
    def n(v):
        return 0 if v is None or v is NA else v
    return all(n(values[t]) == sum(n(values[i]) for i in parts) for t, parts in sums)


def _join_soft(st: Stretch) -> tuple[list[Piece], set[int]]:
    """The pieces with each space-separated group of three digits joined to the number before
    ("1 036" → 1036); also the indices of the joined pieces."""
    out: list[Piece] = []
    merged: set[int] = set()
    for i, p in enumerate(st.pieces):
        if i in st.soft and out:
            q = out[-1]
            out[-1] = Piece(q.digits + p.digits, q.pos + p.pos, q.start, p.end, q.sign, p.frac, p.unit,
                            doubt=q.doubt or p.doubt)
            merged.add(len(out) - 1)
        else:
            out.append(p)
    return out, merged


def _whole(p: Piece) -> Value:
    if p.na:
        return NA
    if len(p.digits) > 1 and p.digits[0] == "0":
        return None
    got = piece_number(p, 0, len(p.digits))
    return got[0] if got else None


def _placed(p: Piece, kind: Kind | None = None, unit: str | None = None) -> Placed:
    if p.na:
        return Placed(NA, (p.start, p.end), p.doubt)
    got = piece_number(p, 0, len(p.digits), kind, unit)
    if got is None:
        return Placed(None, (p.start, p.end), f"无法读取“{p.digits}{p.unit}”")
    return Placed(got[0], (p.start, p.end), p.doubt)


def _kind_ok(v: Value, kind: Kind) -> bool:
    return fits_kind(v, kind)


def _solve_rows(jobs: list[RowJob]) -> None:
    for job in jobs:
        if job.fixed is not None or job.stretch is None:
            continue
        pieces = job.stretch.pieces
        splits = row_splits(pieces, job.kinds, job.sums, units=job.units)
        if splits == [] and job.stretch.soft:
            splits = row_splits(_join_soft(job.stretch)[0], job.kinds, job.sums, units=job.units)
        if splits == [] and job.sums:
            # The row's own total does not hold on any split: the report is wrong here; list
            # what the digits allow without the total so the rules can flag it.
            splits = row_splits(pieces, job.kinds, (), units=job.units)
        job.splits = splits


def _column_equations(edition: Edition, rows: Collection[str]) -> list[list[tuple[int, str, int]]]:
    """Table 三's column rules (T3-RESULT, T3-BAL) over the rows found in the text."""
    block = edition.table("apply").blocks[0]
    cols = [c.key for c in block.columns]
    results = [f"apply.{r.key}" for r in block.rows if r.group and r.key != "handled_total"]
    flow = ["apply.new", "apply.carried_over", "apply.handled_total", "apply.carried_forward"]
    eqs = []
    for ci in range(len(cols)):
        if all(n in rows for n in ("apply.handled_total", *results)):
            eqs.append([(1, "apply.handled_total", ci)] + [(-1, n, ci) for n in results])
        if all(n in rows for n in flow):
            eqs.append([(1, flow[0], ci), (1, flow[1], ci), (-1, flow[2], ci), (-1, flow[3], ci)])
    return eqs


def _solve_table3(edition: Edition, jobs: list[RowJob]) -> bool:
    """Narrow table 三's row splits by its column rules. False when the report does not balance.

    Rows too ambiguous on their own (None) are split again once the column rules leave their
    cells few values.
    """
    by_name = {j.name: j for j in jobs}
    rows: dict[str, list[tuple[Value, ...]] | None] = {}
    lookup: dict[str, dict[tuple, Split]] = {}

    def remember(name: str, cands: list[Split]) -> list[tuple[Value, ...]]:
        table = lookup.setdefault(name, {})
        out = []
        for s in cands:
            key = _vkey(values_of(s))
            if key not in table:
                table[key] = s
            out.append(values_of(s))
        return _unique(out)

    for j in jobs:
        if j.fixed is not None:
            rows[j.name] = remember(j.name, [tuple(j.fixed)])
        elif j.splits:
            rows[j.name] = remember(j.name, j.splits)
        elif j.splits is None and j.stretch is not None and j.stretch.pieces:
            rows[j.name] = None          # too many on its own: the column rules may cut it
        # [] : no split at all; the rules touching this row say nothing here

    def resplit(name: str, allowed: dict[int, set]) -> list[tuple[Value, ...]] | None:
        j = by_name[name]
        got = row_splits(j.stretch.pieces, j.kinds, j.sums, units=j.units, allowed=allowed)
        if got == [] and j.stretch.soft:
            got = row_splits(_join_soft(j.stretch)[0], j.kinds, j.sums, units=j.units, allowed=allowed)
        return None if got is None else remember(name, got)

    eqs = _column_equations(edition, rows)
    narrowed, broken = solve_joint(rows, eqs, resplit)
    for name, cands_v in narrowed.items():
        j = by_name[name]
        if j.fixed is None:
            j.splits = None if cands_v is None else [lookup[name][_vkey(c)] for c in cands_v]
    return not broken


def _unique(values: list[tuple[Value, ...]]) -> list[tuple[Value, ...]]:
    seen: dict[tuple, tuple[Value, ...]] = {}
    for v in values:
        seen.setdefault(_vkey(v), v)
    return list(seen.values())


def _vkey(values: tuple[Value, ...]) -> tuple:
    return tuple((type(v).__name__, v if v is not NA else "/") for v in values)


def _fmt_split(values: tuple[Value, ...]) -> str:
    return "|".join(format_value(v) or "空" for v in values)


def _apply(report: Report, job: RowJob, consistent: bool) -> SplitChoice | None:
    """Readings for one row's cells from its fixed values or surviving splits."""
    k = len(job.keys)
    st = job.stretch
    raw = st.raw.strip() if st else ""
    whole = st.span if st and st.span else job.label_span
    if job.fixed is not None:
        for key, p in zip(job.keys, job.fixed):
            report.cells[key].reading = Reading(p.value, _raw_at(report, p.span), p.span or whole,
                                                p.doubt or job.doubt)
        return None
    splits = job.splits
    if not splits:
        why = (f"原文“{raw}”无法按{k}格拆分" if splits == [] else
               f"原文数字连写为“{raw}”，可能的拆分太多，无法确定") + "，请对照原文填写"
        for key in job.keys:
            report.cells[key].reading = Reading(None, raw, whole, why)     # nothing placed by the rules
        return None
    cands = tuple(values_of(s) for s in splits)
    ruled = bool(job.sums) or job.table == "apply"
    what = _damage(job, splits[0])
    if len(splits) == 1:
        s = splits[0]
        note = ("按本行合计及仍成立的勾稽关系拆分（本表有勾稽关系不成立，见问题清单）" if not consistent
                else "按勾稽关系唯一拆分" if ruled else "只有一种可能的拆分")
        why = f"原文“{raw}”{what}，{note}为 {_fmt_split(cands[0])}（推算），请核对"
        for key, p in zip(job.keys, s):
            report.cells[key].reading = Reading(p.value, _raw_at(report, p.span), p.span or whole,
                                                f"{p.doubt}；{why}" if p.doubt else why, how=HOW_INFERRED)
        return None
    listed = "；".join(_fmt_split(c) for c in cands[:6]) + ("…" if len(cands) > 6 else "")
    fits = "都符合勾稽关系" if ruled else "都有可能（此行没有勾稽关系可依）"
    why = f"原文“{raw}”{what}，有{len(cands)}种拆分{fits}（{listed}），请在问题清单中选定"
    for j, pinned in iter_pinned(cands):
        key = job.keys[j]
        if pinned:
            spans = {s[j].span for s in splits}
            span = spans.pop() if len(spans) == 1 else whole
            value = cands[0][j]
            report.cells[key].reading = Reading(value, _raw_at(report, span) if value is not None else "",
                                                span or whole, why, how=HOW_INFERRED, candidates=cands)
        else:       # open: the auditor picks; the values the rules allow here are its alternatives
            values = tuple({_vkey((c[j],)): c[j] for c in cands}.values())
            report.cells[key].reading = Reading(None, raw, whole, why, how=HOW_INFERRED, candidates=cands,
                                                alternatives=values)
    return SplitChoice(job.table, job.name.split(".", 1)[1] if "." in job.name else job.name, job.label,
                       tuple(job.keys), raw, cands, whole)


def _damage(job: RowJob, split: Split) -> str:
    """What the text lost: digits of several cells run together, or only the blank cells."""
    pieces = job.stretch.pieces if job.stretch else []
    numbers = sum(1 for p in split if p.value is not None)
    return "数字连写" if numbers > len(pieces) else "中空白格没有标出"


def _raw_at(report: Report, span: tuple[int, int] | None) -> str:
    return report.source_text[span[0]:span[1]] if span else ""


# ------------------------------------------------------------------ the three tables

def _sums_for(table: str, cols: list[str]) -> list[tuple[int, tuple[int, ...]]]:
    if table == "apply":
        parts = tuple(i for i, c in enumerate(cols) if c not in ("total", "subtotal"))
        out = []
        if "subtotal" in cols:
            legal = tuple(i for i, c in enumerate(cols) if c not in ("total", "subtotal", "natural"))
            out.append((cols.index("subtotal"), legal))
        out.append((cols.index("total"), parts))
        return out
    if table == "review":
        return [(g + 4, (g, g + 1, g + 2, g + 3)) for g in range(0, len(cols), 5)]
    return []


def detect_edition(flat: Flat, a: int, b: int) -> tuple[Edition, str] | None:
    """The edition whose header and row phrases the table region holds (no header needed)."""
    region = flat.text[a:b]
    scores = {}
    for key, ed in EDITIONS.items():
        other = EDITIONS["2021" if key == "2019" else "2019"]
        own_rows = {p for t in ed.tables for r in t.rows for p in r.phrases if not r.weak}
        other_rows = {p for t in other.tables for r in t.rows for p in r.phrases if not r.weak}
        phrases = list(ed.evidence) + sorted(own_rows - other_rows)
        scores[key] = [p for p in dict.fromkeys(phrases) if p in region]
    s19, s21 = len(scores["2019"]), len(scores["2021"])
    if s19 == s21:
        return None
    key = "2019" if s19 > s21 else "2021"
    return EDITIONS[key], "表格标签：" + "、".join(scores[key][:4])


@dataclass
class FlatResult:
    report: Report
    splits: list[SplitChoice]
    tables: set[str]                   # tables found
    inconsistent: bool


def read_flat(text: str, year: int | None, agency: str | None, fallback: Edition,
              fallback_basis: str, source_path: str | None = None) -> FlatResult | None:
    """Read the three tables from text whatever its layout. None when no table 三 row is found."""
    flat = flatten(text)
    t = flat.text
    located = _locate(flat)
    if located is None:
        return None
    t3, end3, t4 = located
    starts2 = [c[0].start for c in (chain(flat, list(ed.table("active").rows), 0, t3) for ed in EDITIONS.values())
               if c]
    a2 = max(0, min(starts2) - 200) if starts2 else max(0, t.rfind("主动公开", 0, t3))
    region_end = len(t) if t4 < 0 else min(len(t), t4 + 400)
    detected = detect_edition(flat, a2, region_end)
    edition, basis = detected if detected else (fallback, fallback_basis)
    if "小计" in t[max(a2, t3 - 200):t3]:
        edition = edition.with_subtotal()
    report = Report.empty(edition, text, year=year, agency=agency, source_path=source_path)
    report.edition_basis = basis
    report.source_format = "text"
    jobs: dict[str, list[RowJob]] = {"active": [], "apply": [], "review": []}

    apply = edition.table("apply")
    stop3 = t4 if t4 >= 0 else len(t)
    hits3 = chain(flat, list(apply.blocks[0].rows), max(0, t3 - 8), stop3)
    flat.line_cells = _cell_per_line(flat, hits3, stop3, len(apply.blocks[0].columns))
    # table 二
    active = edition.table("active")
    rows2 = list(active.rows)
    hits2 = chain(flat, rows2, a2, t3)
    _row_jobs(flat, report, "active", hits2, t3, jobs["active"])
    # table 三
    _row_jobs(flat, report, "apply", hits3, stop3, jobs["apply"])
    # table 四
    if t4 >= 0:
        _review_job(flat, report, t4, jobs["review"])
    for js in jobs.values():
        overhead = table_overhead(flat, js)
        for j in js:
            _exact(j, overhead)
    all_jobs = [j for js in jobs.values() for j in js]
    _solve_rows(all_jobs)
    consistent = _solve_table3(edition, jobs["apply"])
    choices = []
    for j in all_jobs:
        c = _apply(report, j, consistent or j.table != "apply")
        if c is not None:
            choices.append(c)
    report.splits = choices
    found = {t for t, js in jobs.items() if js}
    missing2 = [r.label for r in rows2 if r.key not in {h.row.key for h in hits2}]
    if missing2 and len(missing2) < len(rows2):
        report.notes.append("表二未找到以下行：" + "、".join(missing2))
    elif missing2:
        report.notes.append("未找到表二（主动公开政府信息情况）")
    missing3 = [r.label for r in apply.blocks[0].rows if r.key not in {h.row.key for h in hits3}]
    if missing3:
        report.notes.append("表三未找到以下行：" + "、".join(missing3))
    if "review" not in found:
        report.notes.append("未找到表四（行政复议、行政诉讼情况）")
    if not consistent and any(j.fixed is None for j in jobs["apply"]):
        report.notes.append("表三连写数字无法拆分得使全部勾稽关系成立：已按各行合计拆分（推算），不平衡之处见问题清单")
    return FlatResult(report, choices, found, not consistent)


def _cell_per_line(flat: Flat, hits: list[RowHit], stop: int, k: int) -> bool:
    """Is each cell on a line of its own, a blank cell an empty line (a crawl of a page's table)?

    So it is when, with no tab or pipe in table 三, counting its line breaks as cells gives no row
    more than its k cells and most rows with values exactly k: double-spaced text gives more,
    text whose blank cells vanished fewer.
    """
    if not hits or any(set(flat.gap[i]) & DELIMS for i in range(hits[0].start, min(stop, len(flat.gap)))):
        return False
    trial = dataclasses.replace(flat, line_cells=True)
    cores = []
    for i, h in enumerate(hits):
        nxt = label_start(flat, hits[i + 1]) if i + 1 < len(hits) else stop
        a, b = value_range(trial, h.end, nxt, False)
        st = stretch(trial, a, b, False)
        if st.pieces and st.fields is not None:
            cores.append(field_shape(st)[0])
    return bool(cores) and max(cores) == k and 2 * sum(c == k for c in cores) >= len(cores)


def _locate(flat: Flat) -> tuple[int, int, int] | None:
    """Where table 三 starts and ends, and where table 四's 行政复议 stands (-1: not found).

    Table 三 is the longest chain of its row labels (either edition's); None when there is no
    such chain of at least three rows, or it has no 本年新收 row: then there is no table 三.
    Table 四 is the first 行政复议 after it that its column labels follow.
    """
    chains = [chain(flat, list(ed.table("apply").blocks[0].rows), 0, len(flat.text)) for ed in EDITIONS.values()]
    rows = max(chains, key=len)
    if len(rows) < 3 or rows[0].row.key not in ("new", "carried_over"):
        return None
    t = flat.text
    t3, end3 = rows[0].start, rows[-1].end
    t4 = -1
    for m in re.finditer("行政复议", t[end3:]):
        near = t[end3 + m.end():end3 + m.end() + 200]
        if any(w in near for w in ("维持", "纠正", "审结", "总计")):
            t4 = end3 + m.start()
            break
    if t4 < 0:
        t4 = t.find("行政复议", end3)
    return t3, end3, t4


def _row_jobs(flat: Flat, report: Report, table: str, hits: list[RowHit], stop: int, out: list[RowJob]) -> None:
    ed = report.edition
    pending_doubt: dict[int, str] = {}
    for i, h in enumerate(hits):
        nxt = label_start(flat, hits[i + 1]) if i + 1 < len(hits) else stop
        block = next(b for b in ed.table(table).blocks if h.row in b.rows)
        cols = [c.key for c in block.columns]
        keys = [f"{table}.{h.row.key}.{c}" for c in cols]
        kinds = [c.kind for c in block.columns]
        amount = any(k is Kind.AMOUNT for k in kinds)
        signed = any(k is Kind.SIGNED for k in kinds)
        a, b = value_range(flat, h.end, nxt, amount)
        b = strip_numbering(flat, a, b, hits[i + 1].row if i + 1 < len(hits) else None)
        prose = ""
        if b > a and b < len(flat.text) and flat.text[b] in PROSE_AFTER and not flat.gap[b]:
            prose = flat.text[a:b + 1]
            a = b = a      # "2020年", "1200条": prose, not this row's values
        st = stretch(flat, a, b, signed)
        out.append(RowJob(table, f"{table}.{h.row.key}", h.row.label, keys, kinds, _sums_for(table, cols), st,
                          flat.span(h.start, h.end), units=[c.unit for c in block.columns], label_at=h.start))
        stray = stray_digits(flat.text[max(a, b):nxt])
        if stray:
            why = f"“{h.row.label.split('（区分')[0]}”一行之后有未归属的数字“{stray}”，行可能被断开或错位，请核对原文"
            out[-1].doubt = why
            if i + 1 < len(hits):
                pending_doubt[i + 1] = why
        if prose:
            out[-1].doubt = (f"“{h.row.label.split('（区分')[0]}”之后的“{prose}”像正文中的数量，"
                             "未作为表格数值读取，请核对原文")
        if i in pending_doubt:
            out[-1].doubt = out[-1].doubt or pending_doubt[i]


def _review_job(flat: Flat, report: Report, t4: int, out: list[RowJob]) -> None:
    """Table 四: its fifteen values after the header, wherever the header left off."""
    t = flat.text
    block = report.edition.table("review").blocks[0]
    keys = [f"review.{r.key}.{c.key}" for r in block.rows for c in block.columns]
    kinds = [c.kind for _r in block.rows for c in block.columns]
    sums = _sums_for("review", [c.key for _r in block.rows for c in block.columns])
    end = len(t)
    m = re.compile(r"[五六七八九]、").search(t, t4)
    if m:
        end = m.start()
    ranges = review_values(flat, review_header_end(t, t4, end), end)
    if not ranges:
        return
    a, b = ranges[0][0], ranges[-1][1]
    st = stretch(flat, a, b, False)
    # Empty header cells may come before the values (Word's export of the merged header): as
    # many empty fields as there are beyond the table's fifteen cells are no cells.
    if st.fields is not None and len(st.fields) > len(keys):
        extra = len(st.fields) - len(keys)
        if not any(st.fields[:extra]):
            st.fields = st.fields[extra:]
    out.append(RowJob("review", "review", "表四", keys, kinds, sums, st, flat.span(t4, t4 + 4),
                      units=[None] * len(keys)))


