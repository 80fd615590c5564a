"""The report model: what the source says for every cell, and what the auditor typed over it.

An edit never overwrites the reading: both are kept, so the grid can show "edited, was 3" and the
exports can list every change. A cell is either read from the source (with its raw text and its
character span in the source text) or typed by the auditor; nothing else puts a value in a cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.editions import CellDef, Edition
from core.values import Value


# How a reading got its value (contract.md, ``sources``): from text or document structure, from
# a page image by OCR, or placed by the balance rules (never certain: always listed as uncertain).
HOW_READ, HOW_OCR, HOW_INFERRED, HOW_TYPED = "read", "ocr", "inferred", "typed"


@dataclass(frozen=True)
class Reading:
    """One cell as the extractor found it in the source text.

    Besides the value and its span in the source text, a reading keeps its evidence: for OCR the
    page, the box on the page and the recogniser's confidence and alternatives; for a value placed
    by the balance rules the other candidates the rules allowed. The auditor sees all of it.
    """

    value: Value
    raw: str                               # the cell's text as in the source
    span: tuple[int, int] | None           # character offsets in Report.source_text
    uncertain: str | None = None           # why the reading needs a look; None when certain
    note: str | None = None                # a remark that is not doubt (e.g. a unit conversion)
    how: str = HOW_READ                    # HOW_READ / HOW_OCR / HOW_INFERRED
    page: int | None = None                # 1-based page the value sits on (PDF, scans)
    bbox: tuple[float, float, float, float] | None = None   # x0, y0, x1, y1 in points, origin top-left
    confidence: float | None = None        # OCR confidence 0–1
    ocr_text: str | None = None            # what the recogniser returned, before any repair
    alternatives: tuple[Value, ...] = ()   # other values the recogniser or the rules allow
    candidates: tuple[tuple[Value, ...], ...] = ()   # inferred: the other splits the rules allowed

    def source(self) -> dict:
        """This reading's entry in ``check --json``'s ``sources`` (contract.md)."""
        from core.values import to_json
        out: dict = {"how": self.how}
        if self.span is not None:
            out["span"] = [self.span[0], self.span[1]]
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = [round(float(x), 1) for x in self.bbox]
        if self.how == HOW_OCR or self.confidence is not None:
            out["text"] = self.ocr_text if self.ocr_text is not None else self.raw
            if self.confidence is not None:
                out["confidence"] = round(float(self.confidence), 3)
        if self.alternatives:
            out["alternatives"] = [to_json(v) for v in self.alternatives]
        if self.candidates:
            out["candidates"] = [[to_json(v) for v in c] for c in self.candidates]
        return out


@dataclass(frozen=True)
class SplitChoice:
    """A row of run-together digits the balance rules could not pin down: the auditor picks.

    ``candidates`` are the splits the rules allow, each one value per key of ``keys``.
    """

    table: str
    row: str
    label: str
    keys: tuple[str, ...]
    raw: str
    candidates: tuple[tuple[Value, ...], ...]
    span: tuple[int, int] | None


_UNSET = object()


@dataclass
class Cell:
    key: str
    definition: CellDef
    reading: Reading | None = None         # None: the cell was not found in the source
    _typed: object = field(default=_UNSET, repr=False)
    typed_at: datetime | None = None

    @property
    def value(self) -> Value:
        if self._typed is not _UNSET:
            return self._typed  # type: ignore[return-value]
        return self.reading.value if self.reading else None

    @property
    def read_value(self) -> Value:
        return self.reading.value if self.reading else None

    @property
    def edited(self) -> bool:
        return self._typed is not _UNSET

    @property
    def uncertain(self) -> str | None:
        """Doubt about the reading; an auditor's edit settles it."""
        if self.edited:
            return None
        if self.reading is None:
            return "原文中未找到此格"
        return self.reading.uncertain

    @property
    def span(self) -> tuple[int, int] | None:
        return self.reading.span if self.reading else None

    @property
    def inferred(self) -> bool:
        """Placed by the balance rules (推算) and not yet settled by the auditor."""
        return not self.edited and self.reading is not None and self.reading.how == HOW_INFERRED

    @property
    def pinned(self) -> bool:
        """Inferred, and the rules leave this cell one value: the auditor may confirm it as is.

        An inferred cell whose row has several splits disagreeing here is open instead: its
        reading lists the values the rules allow (``alternatives``) and the auditor picks one.
        """
        return self.inferred and len(self.reading.alternatives) < 2      # type: ignore[union-attr]

    def source(self) -> dict | None:
        """Where the current value came from (contract.md ``sources``); None for a blank cell."""
        if self.value is None:
            return None
        if self.edited:
            out = {"how": HOW_TYPED}
            if self.reading is not None:
                out.update({k: v for k, v in self.reading.source().items() if k in ("span", "page", "bbox")})
            return out
        return self.reading.source() if self.reading is not None else None

    def set(self, value: Value) -> None:
        """The auditor's value. Typing back exactly what was read clears the edit, unless the
        reading was doubtful (OCR, inferred): then typing it is the auditor confirming it."""
        if (self.reading is not None and not self.reading.uncertain
                and type(value) is type(self.reading.value) and value == self.reading.value):
            self.revert()
        else:
            self.type_value(value)

    def type_value(self, value: Value) -> None:
        self._typed = value
        self.typed_at = datetime.now().astimezone()

    def revert(self) -> None:
        self._typed = _UNSET
        self.typed_at = None


@dataclass(frozen=True)
class PageInfo:
    """A page of the source as the page view shows it: its size in points and, for a scan, the
    straightened image the boxes were measured on (None: render the PDF page itself)."""

    number: int                           # 1-based
    width: float
    height: float
    image: str | None = None
    ocr: bool = False                     # read by OCR (the image is the straightened scan)


@dataclass
class Report:
    source_text: str
    edition: Edition
    cells: dict[str, Cell]
    year: int | None = None
    agency: str | None = None
    source_path: str | None = None
    source_format: str = "text"
    notes: list[str] = field(default_factory=list)      # report-level remarks, Chinese
    edition_basis: str = ""                             # how the edition was decided
    splits: list[SplitChoice] = field(default_factory=list)   # ambiguous run-together rows
    pages: list[PageInfo] = field(default_factory=list)  # page images for the page view (PDF, scans)

    @classmethod
    def empty(cls, edition: Edition, source_text: str = "", **kw: object) -> "Report":
        cells = {k: Cell(k, d) for k, d in edition.cell_defs.items()}
        return cls(source_text, edition, cells, **kw)  # type: ignore[arg-type]

    def value(self, key: str) -> Value:
        return self.cells[key].value

    def values(self) -> dict[str, Value]:
        return {k: c.value for k, c in self.cells.items()}

    def uncertain_keys(self) -> list[str]:
        return [k for k, c in self.cells.items() if c.uncertain]

    def sources(self) -> dict[str, dict]:
        """Every cell holding a value, and where that value came from."""
        out = {}
        for k, c in self.cells.items():
            src = c.source()
            if src is not None:
                out[k] = src
        return out

    def pinned_keys(self, table: str | None = None) -> list[str]:
        """Inferred cells the rules pin to one value (of one table), awaiting the auditor's confirmation."""
        return [k for k, c in self.cells.items()
                if c.pinned and (table is None or k.startswith(table + "."))]

    def edited_keys(self) -> list[str]:
        return [k for k, c in self.cells.items() if c.edited]

    def cell_at(self, offset: int) -> str | None:
        """The cell whose source span covers a character offset (text → cell linking)."""
        for k, c in self.cells.items():
            s = c.span
            if s and s[0] <= offset < max(s[1], s[0] + 1):
                return k
        return None
