"""Scanned reports: image files (PNG, JPEG, TIFF with many pages, BMP) and image-only PDF pages.

Each page goes through the OCR pipeline of ``core.scan`` (straighten, find the ruled tables, read
the cells with their evidence) and comes out as the same blocks the other readers produce, so the
structural mapping places the values as it does for Word tables. Pages are read one at a time
with a ``progress(done, total)`` call each (it may raise to cancel), and each page's result is
cached by file content: a scan read once reopens instantly.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from core.loader import LoadError
from core.model import PageInfo, Report
from core.readers.base import Block, PageMark, Progress, build_report, page_finder, report_progress
from core.scan.images import PageImage, image_kind, image_pages

NOT_A_REPORT = ("识别了图片中的文字，但没有找到政府信息公开年度报告的统计表格（表二、表三、表四）；"
                "请确认扫描的是年度报告的表格页，且页面清晰")


class OcrPages:
    """Pages read by OCR for one file, with the cache entry behind them."""

    def __init__(self, path: Path, data: bytes, salt: str = "") -> None:
        from core.scan.cache import Entry, content_key
        self.path = path
        self.entry = Entry(content_key(data, salt))
        self.read_now = 0                 # pages recognised in this call (not from the cache)

    def page(self, number: int, render: Callable[[], PageImage]):
        from core.scan.engine import engine
        from core.scan.pipeline import read_page
        cached = self.entry.pages.get(number)
        if cached is not None:
            return cached
        image = render()
        try:
            result, straight = read_page(engine(), image)
        except MemoryError as e:
            raise LoadError(self.path, f"第{number}页图片过大，内存不足，无法识别") from e
        self.read_now += 1
        self.entry.put(result, straight)
        return result

    def all_cached(self, numbers: Iterable[int]) -> bool:
        return all(n in self.entry.pages for n in numbers)

    def info(self, result) -> PageInfo:
        return PageInfo(result.number, result.width, result.height, self.entry.image_path(result), ocr=True)


def blocks_of(results: Iterable) -> list[Block]:
    from core.scan.pipeline import page_blocks
    out: list[Block] = []
    for i, result in enumerate(results):
        if i > 0:
            out.append(PageMark(result.number))
        out.extend(page_blocks(result))
    return out


def ocr_note(report: Report, results: list, pages: OcrPages) -> str:
    """The report's first note: it was a scan, how many pages were OCR'd, how many cells need a look."""
    doubtful = sum(1 for c in report.cells.values() if c.reading is not None and c.reading.uncertain)
    cached = "（识别结果取自缓存）" if pages.read_now == 0 else ""
    return (f"此文件为扫描件，共{len(results)}页经文字识别（OCR）读取{cached}；"
            f"{doubtful}格的读取不确定，已标为待核对")


UNPLACED = "扫描件上未能把此值对应到表格中的格子（按文字顺序读取），请对照页面核对"


def doubt_unplaced(report: Report) -> None:
    """On OCR'd pages, a value the structure could not tie to a table cell on the page came from
    the text order alone; on a scan that order is not to be trusted (a lost cell shifts every
    value after it), so such a reading is never certain."""
    import dataclasses

    ocr_pages = {p.number for p in report.pages if p.ocr}
    if not ocr_pages:
        return
    page_of = page_finder(report.source_text, min(p.number for p in report.pages))

    for cell in report.cells.values():
        r = cell.reading
        if r is None or r.how != "read" or r.uncertain or r.span is None:
            continue
        if page_of(r.span[0]) in ocr_pages:
            cell.reading = dataclasses.replace(r, uncertain=UNPLACED)


def read(path: Path, data: bytes, progress: Progress = None) -> Report:
    if image_kind(data) is None:
        raise LoadError(path, "不是可识别的图片格式（支持 PNG、JPEG、TIFF、BMP）")
    total, frames = image_pages(path, data)
    pages = OcrPages(path, data)
    results = []
    for i, frame in enumerate(frames):
        report_progress(progress, i, total, path)
        results.append(pages.page(frame.number, lambda f=frame: f))
    report_progress(progress, total, total, path)
    report = build_report(blocks_of(results), path, "scan", NOT_A_REPORT)
    report.pages = [pages.info(r) for r in results]
    doubt_unplaced(report)
    report.notes.insert(0, ocr_note(report, results, pages))
    return report
