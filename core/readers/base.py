"""What the file readers share: a document as paragraphs and table grids, rendered to source text.

Every reader (DOCX, HTML, PDF) turns its file into a list of blocks: paragraphs (one line of text),
page marks and ``Grid`` tables whose merged cells are already resolved (each cell knows its row,
column, rowspan and colspan). ``render`` writes the blocks as the report's source text: a
paragraph per line, a table row per line as ``| cell | cell |`` (each physical cell once; a cell
covered by a vertical merge from above is written empty, as Word's own text export does), which
is a layout the text extractor reads row-bound. Every cell remembers the span of its text in the
source, so readings point at the number the auditor sees. ``build_report`` runs the text
extractor on that text and then lets ``core.readers.structure`` check and correct the readings
from the table structure.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from core.extract import ExtractionError, extract
from core.loader import Cancelled, LoadError, report_progress  # noqa: F401  (re-exported for the readers)
from core.model import Report
from core.readers.grid import Grid, GridCell  # noqa: F401  (re-exported for the readers)
from core.readers.structure import apply_structure

Progress = Callable[[int, int], None] | None
Partial = Callable[[Report], None] | None       # gets the report as far as it is read (long scans)


@dataclass
class Paragraph:
    text: str


@dataclass
class PageMark:
    page: int


Block = Paragraph | Grid | PageMark


def clean_cell_text(text: str) -> str:
    """One line for a cell: line breaks joined (no space between Chinese characters), pipes kept out."""
    parts = [p.strip(" \t\u3000\u00a0\r") for p in text.replace("\r", "\n").split("\n")]
    out = ""
    for p in parts:
        if not p:
            continue
        if out and not (_cjk(out[-1]) and _cjk(p[0])):
            out += " "
        out += p
    return out.replace("\t", " ").replace("|", "¦").replace("｜", "¦")


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def page_mark_text(page: int) -> str:
    # One word, no spaces: the tokenizer reads it as a single label that never matches a row.
    return f"——第{page}页——"


PAGE_MARK_RE = re.compile(r"——第(\d+)页——")     # finds what page_mark_text wrote


def page_finder(text: str, first: int = 1) -> Callable[[int], int]:
    """A function giving the page an offset of the rendered source text lies on."""
    import bisect

    marks = [(m.start(), int(m.group(1))) for m in PAGE_MARK_RE.finditer(text)]
    starts = [m[0] for m in marks]

    def page_at(offset: int) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        return marks[i][1] if i >= 0 else first
    return page_at


def render(blocks: Iterable[Block]) -> tuple[str, list[Grid]]:
    """The source text of a document; sets every grid cell's ``span``."""
    out: list[str] = []
    pos = 0
    grids: list[Grid] = []

    def emit(line: str) -> int:
        nonlocal pos
        start = pos
        out.append(line)
        out.append("\n")
        pos += len(line) + 1
        return start

    for b in blocks:
        if isinstance(b, Paragraph):
            # no leading tab: a tab-started line would switch the tokenizer to Word-export mode
            emit(b.text.replace("\r", " ").replace("\n", " ").lstrip("\t"))
        elif isinstance(b, PageMark):
            emit(page_mark_text(b.page))
        else:
            grids.append(b)
            for r in range(b.n_rows):
                slots = b.row_slots(r)
                if not slots:
                    continue
                line = "|"
                marks: list[tuple[GridCell, int, int]] = []
                for cell, here in slots:
                    t = clean_cell_text(cell.text) if here else ""
                    line += " "
                    if here:
                        marks.append((cell, len(line), len(line) + len(t)))
                    line += t + " |"
                start = emit(line)
                for cell, s, e in marks:
                    cell.span = (start + s, start + e)
    return "".join(out), grids


def build_report(blocks: list[Block], path: str | Path, source_format: str,
                 empty_reason: str = "未找到政府信息公开年度报告的统计表格（表二、表三、表四），不像是一份年度报告") -> Report:
    """Render, extract, then check and correct the readings from the table structure."""
    text, grids = render(blocks)
    if not text.strip():
        raise LoadError(path, empty_reason)
    try:
        report = extract(text, str(path))
    except ExtractionError as e:
        raise LoadError(path, empty_reason if empty_reason else str(e)) from e
    apply_structure(report, grids)
    attach_evidence(report, grids)
    report.source_format = source_format
    return report


def attach_evidence(report: Report, grids: list[Grid]) -> None:
    """Give every reading the page, box and OCR evidence of the grid cell its span lies in.

    Whichever reading placed the value (structure or text order), its span points into one grid
    cell; that cell knows where it sits on the page and, for a scan, what the recogniser saw and
    why it doubts. The doubt joins the reading's own, so an OCR doubt can never be lost.
    """
    import dataclasses

    from core.values import parse_value

    index = sorted(((c.span[0], c.span[1], id(c), c) for g in grids for c in g.cells
                    if c.span is not None and (c.bbox is not None or c.how != "read")), key=lambda t: t[:2])
    if not index:
        return
    starts = [t[0] for t in index]
    for cell in report.cells.values():
        r = cell.reading
        if r is None or r.span is None:
            continue
        gc = _grid_cell_at(index, starts, r.span, report.source_text)
        if gc is None:
            continue
        doubt = "；".join(x for x in dict.fromkeys((r.uncertain, *_grid_doubts(gc, cell.definition.kind))) if x) or None
        alts = []
        for text in gc.alternatives:
            parsed = parse_value(text, cell.definition.kind, cell.definition.unit)
            if parsed is not None and parsed.value is not None and parsed.value != r.value and parsed.value not in alts:
                alts.append(parsed.value)
        cell.reading = dataclasses.replace(r, uncertain=doubt, how=r.how if r.how != "read" else gc.how,
                                           page=gc.page, bbox=gc.bbox,
                                           confidence=gc.confidence, ocr_text=gc.ocr_text,
                                           alternatives=tuple(alts))


def _grid_cell_at(index: list, starts: list[int], span: tuple[int, int], text: str) -> GridCell | None:
    """The grid cell a reading's span lies in. A blank reading (empty span) placed by the text
    extractor may sit a space away from the empty cell's own empty span: same cell if only
    whitespace lies between them."""
    import bisect

    i = bisect.bisect_right(starts, span[0]) - 1
    for j in (i, i + 1):
        if not 0 <= j < len(index):
            continue
        start, end, _, gc = index[j]
        if start <= span[0] and span[1] <= end:
            return gc
        if span[0] == span[1] and start == end:
            lo, hi = sorted((start, span[0]))
            if not text[lo:hi].strip():
                return gc
    return None


def _grid_doubts(gc: GridCell, kind) -> list[str]:
    """The grid cell's OCR doubts that apply to this kind of value: a decimal point is a doubt in
    a count (a speck read as a dot) but expected in an amount (万元)."""
    from core.editions import Kind

    parts = (gc.doubt or "").split("；")
    return [p for p in parts if p and not (kind == Kind.AMOUNT and "含小数点" in p)]


# ------------------------------------------------------------------ zip containers (DOCX)

MAX_UNZIPPED = 200 * 1024 * 1024      # total uncompressed size of all members
MAX_MEMBER_RATIO = 100                # compression ratio refused on a big member
BIG_MEMBER = 2 * 1024 * 1024
MAX_MEMBERS = 10000


def check_zip(path: str | Path, data: bytes, what: str = "文档") -> None:
    """Refuse a zip that would inflate beyond sane bounds (zip bomb) or is not a zip at all."""
    import io
    import zipfile

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError) as e:
        raise LoadError(path, f"{what}已损坏（不是完整的 ZIP 包，可能下载不完整或被截断）") from e
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise LoadError(path, f"{what}内部文件数过多（{len(infos)} 个），疑为恶意构造的压缩包，已拒绝读取")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > BIG_MEMBER and info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
                raise LoadError(path, f"{what}内部文件“{info.filename}”压缩比异常（解压后 "
                                      f"{info.file_size // (1024 * 1024)} MB），疑为压缩炸弹，已拒绝读取")
        if total > MAX_UNZIPPED:
            raise LoadError(path, f"{what}解压后过大（{total // (1024 * 1024)} MB，上限 "
                                  f"{MAX_UNZIPPED // (1024 * 1024)} MB），疑为压缩炸弹，已拒绝读取")


def is_ole2(data: bytes) -> bool:
    return data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole2_is_encrypted_ooxml(data: bytes) -> bool:
    """An OLE2 compound file that wraps an encrypted Office Open XML package."""
    return is_ole2(data) and ("EncryptedPackage".encode("utf-16-le") in data
                              or "EncryptionInfo".encode("utf-16-le") in data)
