"""Cutting report text into atoms: the cells of the tables, with their place in the text.

Reports reach us as text exported from Word (one cell per tab-indented line, labels wrapped onto
following lines, blank lines between rows), as one value per line with no blanks marked, as HTML
flattened to "|"-separated rows, or as label-and-numbers lines. This module turns all of them into
one stream of atoms, each a label or a value with its character span, and a row number where
the layout gives rows. The table parsers (``core.extract``) work on that stream only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.values import Parsed, normalise, parse_value

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_WS = " \t\u3000\u00a0\r\ufeff"
_WORD = re.compile(r"[^ \t\u3000\u00a0\r\ufeff]+")
_SENTENCE_END = re.compile(r"[。；;！？]")
# A numbering prefix such as "1." "2、" "（三）" is part of a label, not a value.
# A label of at least two CJK characters with digits run onto its end: "规范性文件12".
_GLUED = re.compile(r"(.*[\u4e00-\u9fff][\u4e00-\u9fff）)])([+\-]?\d[\d,.]*)")
_NUMBERING = re.compile(r"(?<!\d)\d{1,2}[.、．](?=[^\d])")


@dataclass
class Atom:
    text: str                 # raw text of the cell as in the source (may span lines)
    start: int                # character offsets in the source text
    end: int
    row: int                  # row number; atoms on one table row share it
    structured: bool          # the row comes from a real table row (tab or pipe layout)
    parsed: Parsed | None     # the value if the atom is a cell value (blank included), else None
    norm: str = ""            # normalised text for label matching

    @property
    def is_value(self) -> bool:
        return self.parsed is not None

    @property
    def is_blank(self) -> bool:
        return self.parsed is not None and self.parsed.value is None

    @property
    def is_label(self) -> bool:
        return self.parsed is None

    def label_like(self, max_len: int = 48) -> bool:
        """Short text without sentence punctuation or figures: a table label, not prose."""
        n = self.norm
        if not n or len(n) > max_len or _SENTENCE_END.search(n):
            return False
        body = _NUMBERING.sub("", n)
        return not re.search(r"\d", body)


def _label_norm(text: str) -> str:
    return normalise(_BOOKMARK.sub("", text))


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.atoms: list[Atom] = []
        self.row = 0

    def new_row(self) -> None:
        if self.atoms and self.atoms[-1].row == self.row:
            self.row += 1

    def add(self, start: int, end: int, structured: bool, value_ok: bool = True,
            parsed: Parsed | None = None) -> None:
        raw = self.text[start:end]
        if parsed is None and value_ok:
            parsed = parse_value(raw)
        self.atoms.append(Atom(raw, start, end, self.row, structured, parsed, "" if parsed else _label_norm(raw)))

    def add_segment(self, start: int, end: int, structured: bool) -> None:
        """One cell's text; may still hold "label 1 2 3" or "0 0 0" run together with spaces."""
        seg = self.text[start:end]
        whole = parse_value(seg)
        if whole is not None:
            s, e = _strip(self.text, start, end)
            self.add(s, e if e > s else s, structured, parsed=whole)
            return
        words = []
        for m in _WORD.finditer(seg):
            ws, we = start + m.start(), start + m.end()
            glued = _GLUED.match(self.text, ws, we)
            if glued:  # "规章12": a label with its number run onto it
                words += [(ws, ws + glued.end(1) - glued.start(1)), (ws + glued.end(1) - glued.start(1), we)]
            else:
                words.append((ws, we))
        kinds = [parse_value(self.text[s:e]) is not None for s, e in words]
        # A lone small number right before a label is its numbering ("1 属于国家秘密").
        if len(words) > 1 and kinds[0] and not kinds[1] and len(self.text[words[0][0]:words[0][1]]) <= 2:
            kinds[0] = False
        i = 0
        while i < len(words):
            j = i
            while j < len(words) and kinds[j] == kinds[i]:
                j += 1
            if kinds[i]:
                for s, e in words[i:j]:
                    self.add(s, e, structured)
            else:
                self.add(words[i][0], words[j - 1][1], structured, value_ok=False)
            i = j

    def extend_last(self, end: int) -> None:
        a = self.atoms[-1]
        a.end = end
        a.text = self.text[a.start:end]
        a.norm = _label_norm(a.text)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _WS:
        start += 1
    while end > start and text[end - 1] in _WS:
        end -= 1
    return start, end


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def tokenize(text: str) -> list[Atom]:
    """The atom stream of a report text."""
    lines = _lines(text)
    tab_lines = sum(1 for s, e in lines if text.startswith("\t", s))
    tab_mode = tab_lines >= 8
    b = _Builder(text)
    continuable = False            # may the next plain line continue the last atom?
    for s, e in lines:
        line = text[s:e]
        if not line.strip(_WS) and not (tab_mode and line.startswith("\t")):
            b.new_row()
            continuable = False
            continue
        if line.startswith("\t") or (tab_mode and "\t" in line.strip(_WS)):
            # Word's table export: each tab starts a cell.
            pos = s + (1 if line.startswith("\t") else 0)
            for part in line[pos - s:].split("\t"):
                b.add_segment(pos, pos + len(part), structured=True)
                pos += len(part) + 1
            last = b.atoms[-1] if b.atoms else None
            continuable = bool(last and last.is_label and last.norm and last.structured)
            continue
        stripped = line.strip(_WS)
        if tab_mode and continuable and _continues(stripped):
            # A wrapped label: "自\n然\n人", "商业\n企业" split by the export.
            _, le = _strip(text, s, e)
            b.extend_last(le)
            continue
        continuable = False
        b.new_row()
        if "|" in stripped or "｜" in stripped:
            parts = re.split(r"[|｜]", line)
            pos = s
            inner = [(pos0, pos0 + len(p)) for pos0, p in _positions(parts, s)]
            # drop the empty edges of "| a | b |"
            if inner and not text[inner[0][0]:inner[0][1]].strip(_WS):
                inner = inner[1:]
            if inner and not text[inner[-1][0]:inner[-1][1]].strip(_WS):
                inner = inner[:-1]
            for ps, pe in inner:
                b.add_segment(ps, pe, structured=True)
        else:
            ls, le = _strip(text, s, e)
            b.add_segment(ls, le, structured=False)
        b.new_row()
    return b.atoms


def _positions(parts: list[str], start: int) -> list[tuple[int, str]]:
    out, pos = [], start
    for p in parts:
        out.append((pos, p))
        pos += len(p) + 1
    return out


def _continues(stripped: str) -> bool:
    if len(stripped) > 24 or _SENTENCE_END.search(stripped):
        return False
    if re.match(r"^([一二三四五六七八九十]+、|\d+、|（[一二三四五六七八九十]+）)", stripped) and len(stripped) > 4:
        return False
    return parse_value(stripped) is None
