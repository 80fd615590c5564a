"""Reading report text that lost its table layout: a portal page copied, a crawl, foreign OCR.

Such text may be one long line; labels are broken by stray spaces ("本年度办 理结果"); the
column header may be gone, repeated or run into the sentence before; the numbers of adjacent
cells may run together ("一、本年新收政府信息公开申请数量130000013"). This reader works on the
text with all whitespace removed (every character keeps its offset in the source), finds each
row by its key phrases from the edition definition wherever it stands, and takes the value
characters that follow the label. Tabs and pipes still mark cells where the text kept them; where
it did not, the digits are split by the balance rules (``core.splits``):

* one split satisfies every rule → the cells are filled and marked inferred (推算);
* several do → the cells that differ stay blank and uncertain, the row's candidate splits are
  listed for the auditor to pick (``Report.splits``);
* none does (the report itself does not balance) → each row keeps the splits its own total
  allows, and the broken column rules are reported as usual: never "repaired" into balance.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from core.editions import EDITIONS, Edition, Kind, Row
from core.model import HOW_INFERRED, Reading, Report, SplitChoice
from core.splits import Piece, Placed, Split, _fits, _number, iter_pinned, row_splits, solve_joint, values_of
from core.values import NA, Value, format_value

_WS = frozenset(" \t\n\r\u3000\u00a0\ufeff\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\x0b\x0c")
_DELIMS = frozenset("\t|｜")
_TRANS = str.maketrans("０１２３４５６７８９．，＋－−﹣／：", "0123456789.,+---/:")
_DASHES = "-—–―－"
_VALUE_CH = frozenset("0123456789.,+/\\" + _DASHES + "OoIl万元")
_OCR = {"O": "0", "o": "0", "I": "1", "l": "1"}
_PROSE_AFTER = frozenset("年月日号件条个项次人%％:时份页")
_NUMBERING = re.compile(r"^(\d{1,2})[.、]")
_HEADING = re.compile(r"[一二三四五六七八九十]、|[（(][一二三四五六七八九十]+[）)]")


@dataclass
class Flat:
    """The source text with whitespace removed, each character keeping its source offset."""

    source: str
    text: str
    orig: list[int]
    gap: list[str]              # the whitespace/delimiters before each kept character
    separated: bool = False     # tabs between cells, a row per line (a browser's copy of a table)

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.orig[a], self.orig[b - 1] + 1


def flatten(source: str) -> Flat:
    chars, orig, gap = [], [], []
    pending: list[str] = []
    tr = source.translate(_TRANS)
    for i, ch in enumerate(tr):
        if ch in _WS or ch in "|｜":
            pending.append(ch)
            continue
        chars.append(ch)
        orig.append(i)
        gap.append("".join(pending))
        pending = []
    return Flat(source, "".join(chars), orig, gap, _tab_separated(source))


def _tab_separated(source: str) -> bool:
    """Do tabs stand between cells on a row's line (browser copy), rather than open each cell
    on its own line (Word's text export)?"""
    inner = opening = 0
    for line in source.split("\n"):
        if "\t" in line:
            if line.lstrip(" ").startswith("\t"):
                opening += 1
            else:
                inner += 1
    return inner > opening


# ------------------------------------------------------------------ finding labels

@dataclass
class RowHit:
    row: Row
    start: int          # compact offset of the label (its phrase)
    end: int            # compact offset where the values may begin
    values: tuple[int, int] = (0, 0)     # compact range of the value characters


def _phrase_patterns(row: Row) -> list[re.Pattern[str]]:
    pats = []
    m = _NUMBERING.match(row.label)
    for p in row.phrases:
        if row.weak:
            if row.key == "handled_total":
                pats.append(re.compile(r"[（(]?七[）)]总计"))
            elif m:
                pats.append(re.compile(re.escape(m.group(1)) + r"[.、]" + re.escape(p)))
        else:
            pats.append(re.compile(re.escape(p)))
    return pats


CHAIN_GAP = 400        # compact characters between one row's label and the next row's, at most


def _chain(flat: Flat, rows: list[Row], start: int, stop: int) -> list[RowHit]:
    """The rows' labels as they stand in the table, between compact offsets start and stop.

    A row phrase also turns up in the narrative ("本年新收政府信息公开申请13件", "公开行政许可
    信息1200条"), before or after the table. The table is where the most rows follow one another
    in the official order, each within ``CHAIN_GAP`` of the one before, and where a label is
    followed by cell values rather than by a number of 件 or 条. The best such chain of
    occurrences wins: most rows, then most labels with values, then the tightest, then the latest.
    """
    occ: list[tuple[int, int, int]] = []
    for i, row in enumerate(rows):
        for pat in _phrase_patterns(row):
            occ.extend((m.start(), m.end(), i) for m in pat.finditer(flat.text, start, stop))
    occ = sorted(set(occ))
    if not occ:
        return []
    valued = [1 if _cell_value_follows(flat, e) else 0 for _s, e, _i in occ]
    # per occurrence: (rows in the chain ending here, labels with values, -gaps), previous
    best: list[tuple[tuple[int, int, int], int]] = []
    for x, (xs, _xe, xi) in enumerate(occ):
        top, prev = (1, valued[x], 0), -1
        for y in range(x - 1, -1, -1):
            ys, ye, yi = occ[y]
            if xs - ys > CHAIN_GAP + 200:
                break
            if ye <= xs and yi < xi and xs - ye <= CHAIN_GAP:
                n, v, g = best[y][0]
                cand = (n + 1, v + valued[x], g - (xs - ye))
                if cand > top:
                    top, prev = cand, y
        best.append((top, prev))
    end = max(range(len(occ)), key=lambda x: (best[x][0], occ[x][0]))
    chain = []
    while end >= 0:
        s0, e0, i = occ[end]
        chain.append(RowHit(rows[i], s0, e0))
        end = best[end][1]
    return chain[::-1]


def _cell_value_follows(flat: Flat, at: int) -> bool:
    """Does a cell value (not a number of 件, 条, 年…) follow the label ending at ``at``?"""
    a, b = _value_range(flat, at, min(len(flat.text), at + 120), True)
    if b <= a:
        return False
    return not (b < len(flat.text) and flat.text[b] in _PROSE_AFTER and not flat.gap[b])


def _value_range(flat: Flat, a: int, limit: int, amount_ok: bool) -> tuple[int, int]:
    """The value characters right after a label: skip the label's tail, stop at the next word."""
    t = flat.text
    i = a
    tail = 0
    while i < limit and not (_starts_value(t, i) or _na_word(flat, i, limit)) and tail < 48:
        i += 1
        tail += 1
    if i >= limit or not (_starts_value(t, i) or _na_word(flat, i, limit)):
        return i, i
    j = i
    while j < limit:
        if _in_value(t, j, amount_ok):
            j += 1
        elif n := _na_word(flat, j, limit):
            j += n
        else:
            break
    return i, j


_NA_WORDS = ("不适用", "无", "×")
_TABLE_TEXT = re.compile(r"第二十条|信息内容|[一二三四五六七八九十]、|[（(][一二三四五六七八九十]+[）)]")


def _label_start(flat: Flat, hit: RowHit) -> int:
    """Where the row's label begins: its key phrase may stand inside it ("行政规范性文件")."""
    label = hit.row.label.translate(_TRANS)
    at = label.find(flat.text[hit.start:hit.end])
    head = label[:at] if at > 0 else ""
    if head and flat.text[hit.start - len(head):hit.start] == head:
        return hit.start - len(head)
    return hit.start


def _na_word(flat: Flat, i: int, limit: int) -> int:
    """Length of a not-applicable mark ("无", "不适用", "/", "—") standing as a cell at i, else 0.

    It is a cell when what follows it is a value, another such mark, the next row's label, the
    table's next caption or heading, or a gap ("行政许可无行政处罚…", "规章 无 无 无",
    "行政许可/第二十条…"); "无正当理由", "无法提供" or "增/减" are words of a label.
    """
    t = flat.text
    for w in _NA_WORDS + tuple("/\\" + _DASHES):
        if t.startswith(w, i):
            k = i + len(w)
            if (k >= limit or flat.gap[k] or _starts_value(t, k) or any(t.startswith(x, k) for x in _NA_WORDS)
                    or _TABLE_TEXT.match(t, k)):
                return len(w)
    return 0


def _starts_value(t: str, i: int) -> bool:
    ch = t[i]
    if "0" <= ch <= "9":
        return True
    if ch in "/\\" or ch in _DASHES:
        return _lone_dash(t, i)
    return ch in _OCR and ((i + 1 < len(t) and "0" <= t[i + 1] <= "9") or _lone_letter(t, i))


def _lone_letter(t: str, i: int) -> bool:
    """A Latin letter standing alone among Chinese and digits ("行政强制O"): OCR's 0 or 1."""
    prev = t[i - 1] if i else ""
    nxt = t[i + 1] if i + 1 < len(t) else ""
    return not (prev.isascii() and prev.isalpha()) and not (nxt.isascii() and nxt.isalpha())


def _lone_dash(t: str, i: int) -> bool:
    """A dash that is a value (a sign or a not-applicable mark), not a label's punctuation."""
    prev = t[i - 1] if i else ""
    nxt = t[i + 1] if i + 1 < len(t) else ""
    return not ("\u4e00" <= prev <= "\u9fff" and "\u4e00" <= nxt <= "\u9fff")


def _in_value(t: str, j: int, amount_ok: bool) -> bool:
    ch = t[j]
    if "0" <= ch <= "9":
        return True
    if ch in "万元":
        return amount_ok and j > 0 and ("0" <= t[j - 1] <= "9" or t[j - 1] == "万")
    if ch in _OCR:
        return ((j > 0 and "0" <= t[j - 1] <= "9") or (j + 1 < len(t) and "0" <= t[j + 1] <= "9")
                or _lone_letter(t, j))
    if ch in ".,":
        return 0 < j < len(t) - 1 and "0" <= t[j - 1] <= "9" and "0" <= t[j + 1] <= "9"
    if ch in "+/\\" or ch in _DASHES:
        return _lone_dash(t, j)
    return False


# ------------------------------------------------------------------ cutting values into pieces

@dataclass
class Stretch:
    """The value text of one row: its pieces, and the cells it certainly gives when delimited."""

    pieces: list[Piece]
    span: tuple[int, int] | None
    raw: str
    fields: list[list[Piece]] | None = None     # tab/pipe-delimited cells, when the text kept them
    soft: list[int] = field(default_factory=list)   # piece indices joinable to the one before


def _pieces(flat: Flat, a: int, b: int, signed: bool) -> tuple[list[Piece], list[int]]:
    """Cut compact range [a, b) into pieces at whitespace and at signs/marks."""
    out: list[Piece] = []
    soft: list[int] = []
    t = flat.text
    i = a
    while i < b:
        ch = t[i]
        hard_before = bool(flat.gap[i]) and i > a
        # a hyphen before digits is a minus sign in a signed row; any other dash is a 不适用 mark
        if ch in "/\\" or (ch in _DASHES and not (signed and ch == "-" and i + 1 < b and t[i + 1].isdigit())):
            out.append(Piece("", (), flat.orig[i], flat.orig[i] + 1, na=True))
            i += 1
            continue
        word = next((w for w in _NA_WORDS if t.startswith(w, i)), "")
        if word:
            out.append(Piece("", (), flat.orig[i], flat.orig[i + len(word) - 1] + 1, na=True))
            i += len(word)
            continue
        j = i
        sign = ""
        if ch in "+-":
            sign = ch
            j += 1
        digits, pos, doubt_chars = [], [], []
        while j < b and (t[j].isdigit() and t[j].isascii() or t[j] in _OCR or t[j] == ","):
            if j > i + len(sign) and flat.gap[j]:
                break
            if t[j] == ",":
                if not (j + 3 < b + 1 and t[j + 1:j + 4].isdigit() and len(t[j + 1:j + 4]) == 3
                        and (j + 4 >= b or not t[j + 4].isdigit())):
                    break
                j += 1
                continue
            if t[j] in _OCR:
                doubt_chars.append(t[j])
            digits.append(_OCR.get(t[j], t[j]))
            pos.append(flat.orig[j])
            j += 1
        if not digits:
            i = j + 1 if j == i else j
            continue
        frac = unit = ""
        if j < b and t[j] == "." and j + 1 < b and t[j + 1].isdigit() and not flat.gap[j + 1]:
            k = j + 1
            while k < b and t[k].isdigit() and not flat.gap[k]:
                k += 1
            frac = t[j + 1:k]
            j = k
        if j < b and t[j] == "万":
            unit = "万元" if j + 1 < b and t[j + 1] == "元" else "万"
            j += len(unit)
        elif j < b and t[j] == "元":
            unit = "元"
            j += 1
        raw = flat.source[flat.orig[i]:flat.orig[j - 1] + 1]
        atomic = "," in raw
        doubt = None
        if doubt_chars:
            doubt = f"原文为“{raw}”，疑似文字识别把字母当作数字，按数字读取"
        if hard_before and out and not out[-1].na and len(digits) == 3 and not sign and flat.gap[i] in (" ", "\u00a0", "\u2009"):
            soft.append(len(out))
        out.append(Piece("".join(digits), tuple(pos), flat.orig[i], flat.orig[j - 1] + 1, sign, frac, unit,
                         doubt=doubt, atomic=atomic))
        i = j
    return out, soft


def _stretch(flat: Flat, a: int, b: int, signed: bool) -> Stretch:
    pieces, soft = _pieces(flat, a, b, signed)
    span = flat.span(a, b) if b > a else None
    raw = flat.source[span[0]:span[1]] if span else ""
    st = Stretch(pieces, span, raw, soft=soft)
    # Delimited cells: a tab or pipe before each cell, as in Word's export joined into one line.
    gaps = [flat.gap[i] for i in range(a, b)] + [flat.gap[b] if b < len(flat.gap) else ""]
    if any(set(g) & _DELIMS for g in gaps):
        st.fields = _fields(flat, a, b, pieces)
    return st


def _fields(flat: Flat, a: int, b: int, pieces: list[Piece]) -> list[list[Piece]] | None:
    """Pieces grouped into delimited cells (empty cells included), or None if not delimited cleanly.

    Each tab or pipe opens a cell, as in Word's export with its line breaks lost. In a browser's
    copy tabs stand between cells and a row is a line: there a line break opens the row's first
    cell and the tabs before the line's end are its trailing blank cells.
    """
    starts = {p.start: p for p in pieces}
    cells: list[list[Piece]] = []
    for i in range(a, b + 1):
        g = flat.gap[i] if i < len(flat.gap) else ""
        if flat.separated and "\n" in g:
            if a < i < b:
                return None              # a line break inside the row: not one row per line
            head, _, tail = (g.partition("\n") if i == b else g.rpartition("\n"))
            n = sum(ch in _DELIMS for ch in head) if i == b else sum(ch in _DELIMS for ch in tail) + 1
        else:
            n = sum(ch in _DELIMS for ch in g)
        if i == a and n == 0:
            return None                  # values glued to the label: not delimited
        cells.extend([] for _ in range(n))
        if i < b and flat.orig[i] in starts:
            cells[-1].append(starts[flat.orig[i]])
    return cells


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


def _field_shape(st: Stretch) -> tuple[int, int]:
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
    label is too): lost delimiters only ever lower the count. None: no complete delimited row.
    """
    seen = []
    for j in jobs:
        if j.stretch is not None and j.stretch.fields is not None:
            core, total = _field_shape(j.stretch)
            if core == len(j.keys):
                seen.append(total - core)
    if not seen:
        return None
    opened = any(_label_opened(flat, j.label_at) for j in jobs if j.label_at is not None)
    return max(seen + [1 if opened else 0])


def _label_opened(flat: Flat, at: int) -> bool:
    """Is the label whose key phrase starts at ``at`` a cell opened by a tab or pipe?

    The phrase may sit inside the label ("行政规范性文件"): look back over the label's words.
    """
    t = flat.text
    i = at
    while True:
        line_start = flat.gap[i].rpartition("\n")[2]          # what stands before it on its line
        if set(line_start) & _DELIMS:
            return True
        if "\n" in flat.gap[i] or i == 0 or at - i >= 16 or not ("\u4e00" <= t[i - 1] <= "\u9fff" or t[i - 1] in "、.（）()“”"):
            return False
        i -= 1


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
    core, total = _field_shape(st)
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
    got = _number(p, 0, len(p.digits))
    return got[0] if got else None


def _placed(p: Piece, kind: Kind | None = None, unit: str | None = None) -> Placed:
    if p.na:
        return Placed(NA, (p.start, p.end), p.doubt)
    got = _number(p, 0, len(p.digits), kind, unit)
    if got is None:
        return Placed(None, (p.start, p.end), f"无法读取“{p.digits}{p.unit}”")
    return Placed(got[0], (p.start, p.end), p.doubt)


def _kind_ok(v: Value, kind: Kind) -> bool:
    return _fits(v, kind)


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
    starts2 = [c[0].start for c in (_chain(flat, list(ed.table("active").rows), 0, t3) for ed in EDITIONS.values())
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

    # table 二
    active = edition.table("active")
    rows2 = list(active.rows)
    hits2 = _chain(flat, rows2, a2, t3)
    _row_jobs(flat, report, "active", hits2, t3, jobs["active"])
    # table 三
    apply = edition.table("apply")
    stop3 = t4 if t4 >= 0 else len(t)
    hits3 = _chain(flat, list(apply.blocks[0].rows), max(0, t3 - 8), stop3)
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


def _locate(flat: Flat) -> tuple[int, int, int] | None:
    """Where table 三 starts and ends, and where table 四's 行政复议 stands (-1: not found).

    Table 三 is the longest chain of its row labels (either edition's); None when there is no
    such chain of at least three rows, or it has no 本年新收 row: then there is no table 三.
    Table 四 is the first 行政复议 after it that its column labels follow.
    """
    chains = [_chain(flat, list(ed.table("apply").blocks[0].rows), 0, len(flat.text)) for ed in EDITIONS.values()]
    chain = max(chains, key=len)
    if len(chain) < 3 or chain[0].row.key not in ("new", "carried_over"):
        return None
    t = flat.text
    t3, end3 = chain[0].start, chain[-1].end
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
        nxt = _label_start(flat, hits[i + 1]) if i + 1 < len(hits) else stop
        block = next(b for b in ed.table(table).blocks if h.row in b.rows)
        cols = [c.key for c in block.columns]
        keys = [f"{table}.{h.row.key}.{c}" for c in cols]
        kinds = [c.kind for c in block.columns]
        amount = any(k is Kind.AMOUNT for k in kinds)
        signed = any(k is Kind.SIGNED for k in kinds)
        a, b = _value_range(flat, h.end, nxt, amount)
        b = _strip_numbering(flat, a, b, hits[i + 1].row if i + 1 < len(hits) else None)
        prose = ""
        if b > a and b < len(flat.text) and flat.text[b] in _PROSE_AFTER and not flat.gap[b]:
            prose = flat.text[a:b + 1]
            a = b = a      # "2020年", "1200条": prose, not this row's values
        st = _stretch(flat, a, b, signed)
        out.append(RowJob(table, f"{table}.{h.row.key}", h.row.label, keys, kinds, _sums_for(table, cols), st,
                          flat.span(h.start, h.end), units=[c.unit for c in block.columns], label_at=h.start))
        stray = _stray_digits(flat.text[max(a, b):nxt])
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


_ORDINAL = re.compile(r"\d{1,2}[.、](?=[\u4e00-\u9fff“]|$)")
_PROSE_NUMBER = re.compile(r"\d+(?:\.\d+)?(?=[年月日号件条个项次人%％:时份页])")


def _stray_digits(between: str) -> str:
    """Digits between one row's values and the next label that belong to no cell (not ordinals, not prose)."""
    rest = _PROSE_NUMBER.sub("", _ORDINAL.sub("", between))
    m = re.search(r"\d[\d|]*", rest)
    return m.group(0)[:20] if m else ""


def _strip_numbering(flat: Flat, a: int, b: int, nxt: Row | None) -> int:
    """Drop the next label's ordinal ("1." of "1.属于国家秘密") from the end of the values."""
    t = flat.text
    if b < len(t) and t[b] in ".、" and b > a and "0" <= t[b - 1] <= "9":
        m = _NUMBERING.match(nxt.label) if nxt is not None else None
        n = m.group(1) if m else t[b - 1]
        if t[a:b].endswith(n):
            return b - len(n)
        return b - 1
    return b


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
    ranges = _review_values(flat, _review_header_end(t, t4, end), end)
    if not ranges:
        return
    a, b = ranges[0][0], ranges[-1][1]
    st = _stretch(flat, a, b, False)
    # Tab-delimited header blanks before the values are no cells: keep the cells from the first value.
    if st.fields is not None and not flat.separated:
        cells = st.fields
        first = next((n for n, c in enumerate(cells) if c), 0)
        st.fields = cells[first:]
    out.append(RowJob("review", "review", "表四", keys, kinds, sums, st, flat.span(t4, t4 + 4),
                      units=[None] * len(keys)))


_REVIEW_HEADER = re.compile("结果维持|结果纠正|其他结果|尚未审结|未审结|总计|维持|纠正|行政复议|行政诉讼|直接起诉|复议后起诉")


def _review_header_end(t: str, t4: int, end: int) -> int:
    """Where table 四's column labels end: the last of the first dense run of them holding 维持.

    The heading and a sentence ("本年度没有发生行政复议案件。") may stand before the labels.
    """
    cluster: list[re.Match[str]] = []
    for m in _REVIEW_HEADER.finditer(t, t4, end):
        if cluster and m.start() - cluster[-1].end() > 12:
            if any("维持" in c.group(0) for c in cluster):
                break
            cluster = []
        cluster.append(m)
    if cluster and any("维持" in c.group(0) for c in cluster):
        return cluster[-1].end()
    return t4


def _review_values(flat: Flat, i: int, end: int) -> list[tuple[int, int]]:
    """The value runs after table 四's labels: up to a sentence end or a long stretch of words
    (row labels between the groups are allowed); numbers of 件, 年… are prose, not cells."""
    t = flat.text
    ranges: list[tuple[int, int]] = []
    words = 0
    while i < end:
        if _starts_value(t, i) or _na_word(flat, i, end):
            j = i
            while j < end:
                if _in_value(t, j, False):
                    j += 1
                elif n := _na_word(flat, j, end):
                    j += n
                else:
                    break
            if j < len(t) and t[j] in _PROSE_AFTER and not flat.gap[j]:
                i = j + 1
                continue
            ranges.append((i, j))
            words = 0
            i = j
            continue
        if t[i] == "。":
            if ranges:
                break
        elif ranges:
            words += 1
            if words > 12:
                break
        i += 1
    return ranges
