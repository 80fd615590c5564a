"""Where the tables stand in report text that lost its layout, and what value text each row has.

The text is worked on with all whitespace removed (``Flat``: every character keeps its offset in
the source, and the whitespace and delimiters that stood before it). Rows are found by the key
phrases of the edition definition, as the best chain of them in the official order (``chain``);
a row's value text follows its label (``value_range``) and is cut into pieces at whitespace,
signs and 不适用 marks (``stretch``), grouped into cells where tabs or pipes still delimit them.
How the pieces become cells is ``core.flat``'s business.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.editions import Row
from core.splits import Piece

_WS = frozenset(" \t\n\r\u3000\u00a0\ufeff\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\x0b\x0c")
DELIMS = frozenset("\t|｜")
_TRANS = str.maketrans("０１２３４５６７８９．，＋－−﹣／：", "0123456789.,+---/:")
_DASHES = "-—–―－"
_OCR = {"O": "0", "o": "0", "I": "1", "l": "1"}
PROSE_AFTER = frozenset("年月日号件条个项次人%％:时份页")
_NUMBERING = re.compile(r"^(\d{1,2})[.、]")


@dataclass
class Flat:
    """The source text with whitespace removed, each character keeping its source offset."""

    source: str
    text: str
    orig: list[int]
    gap: list[str]              # the whitespace/delimiters before each kept character
    separated: bool = False     # tabs between cells, a row per line (a browser's copy of a table)
    line_cells: bool = False    # a cell per line, blank cells as empty lines (a crawl of a page)

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


def chain(flat: Flat, rows: list[Row], start: int, stop: int) -> list[RowHit]:
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
    hits = []
    while end >= 0:
        s0, e0, i = occ[end]
        hits.append(RowHit(rows[i], s0, e0))
        end = best[end][1]
    return hits[::-1]


def _cell_value_follows(flat: Flat, at: int) -> bool:
    """Does a cell value (not a number of 件, 条, 年…) follow the label ending at ``at``?"""
    a, b = value_range(flat, at, min(len(flat.text), at + 120), True)
    if b <= a:
        return False
    return not (b < len(flat.text) and flat.text[b] in PROSE_AFTER and not flat.gap[b])


def value_range(flat: Flat, a: int, limit: int, amount_ok: bool) -> tuple[int, int]:
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


def label_start(flat: Flat, hit: RowHit) -> int:
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


def stretch(flat: Flat, a: int, b: int, signed: bool) -> Stretch:
    pieces, soft = _pieces(flat, a, b, signed)
    span = flat.span(a, b) if b > a else None
    raw = flat.source[span[0]:span[1]] if span else ""
    st = Stretch(pieces, span, raw, soft=soft)
    # Delimited cells: a tab or pipe before each cell, as in Word's export joined into one line.
    gaps = [flat.gap[i] for i in range(a, b)] + [flat.gap[b] if b < len(flat.gap) else ""]
    if flat.line_cells or any(set(g) & DELIMS for g in gaps):
        st.fields = _fields(flat, a, b, pieces)
    return st


def _openers(flat: Flat, g: str) -> int:
    """Cells opened in a gap: each tab or pipe, and each line break where a line is a cell."""
    return sum(ch in DELIMS or (flat.line_cells and ch == "\n") for ch in g)


def _fields(flat: Flat, a: int, b: int, pieces: list[Piece]) -> list[list[Piece]] | None:
    """Pieces grouped into delimited cells (empty cells included), or None if not delimited cleanly.

    Each tab or pipe opens a cell, as in Word's export with its line breaks lost; where a line is
    a cell, so does each line break. In a browser's copy tabs stand between cells and a row is a
    line: there a line break opens the row's first cell and the tabs before the line's end are
    its trailing blank cells.
    """
    starts = {p.start: p for p in pieces}
    cells: list[list[Piece]] = []
    for i in range(a, b + 1):
        g = flat.gap[i] if i < len(flat.gap) else ""
        if flat.separated and "\n" in g:
            if a < i < b:
                return None              # a line break inside the row: not one row per line
            head, _, tail = (g.partition("\n") if i == b else g.rpartition("\n"))
            n = sum(ch in DELIMS for ch in head) if i == b else sum(ch in DELIMS for ch in tail) + 1
        else:
            n = _openers(flat, g)
        if i == a and n == 0:
            return None                  # values glued to the label: not delimited
        cells.extend([] for _ in range(n))
        if i < b and flat.orig[i] in starts:
            cells[-1].append(starts[flat.orig[i]])
    return cells


def label_opened(flat: Flat, at: int) -> bool:
    """Is the label whose key phrase starts at ``at`` a cell opened by a tab or pipe?

    The phrase may sit inside the label ("行政规范性文件"): look back over the label's words.
    """
    t = flat.text
    i = at
    while True:
        line_start = flat.gap[i].rpartition("\n")[2]          # what stands before it on its line
        if set(line_start) & DELIMS or (flat.line_cells and "\n" in flat.gap[i]):
            return True
        if "\n" in flat.gap[i] or i == 0 or at - i >= 16 or not ("\u4e00" <= t[i - 1] <= "\u9fff" or t[i - 1] in "、.（）()“”"):
            return False
        i -= 1


_ORDINAL = re.compile(r"\d{1,2}[.、](?=[\u4e00-\u9fff“]|$)")
_PROSE_NUMBER = re.compile(r"\d+(?:\.\d+)?(?=[年月日号件条个项次人%％:时份页])")


def stray_digits(between: str) -> str:
    """Digits between one row's values and the next label that belong to no cell (not ordinals, not prose)."""
    rest = _PROSE_NUMBER.sub("", _ORDINAL.sub("", between))
    m = re.search(r"\d[\d|]*", rest)
    return m.group(0)[:20] if m else ""


def strip_numbering(flat: Flat, a: int, b: int, nxt: Row | None) -> int:
    """Drop the next label's ordinal ("1." of "1.属于国家秘密") from the end of the values."""
    t = flat.text
    if b < len(t) and t[b] in ".、" and b > a and "0" <= t[b - 1] <= "9":
        m = _NUMBERING.match(nxt.label) if nxt is not None else None
        n = m.group(1) if m else t[b - 1]
        if t[a:b].endswith(n):
            return b - len(n)
        return b - 1
    return b


_REVIEW_HEADER = re.compile("结果维持|结果纠正|其他结果|尚未审结|未审结|总计|维持|纠正|行政复议|行政诉讼|直接起诉|复议后起诉")


def review_header_end(t: str, t4: int, end: int) -> int:
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


def review_values(flat: Flat, i: int, end: int) -> list[tuple[int, int]]:
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
            if j < len(t) and t[j] in PROSE_AFTER and not flat.gap[j]:
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
