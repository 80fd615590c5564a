"""PDF reports with a text layer, read page by page through pdfplumber.

Each page gives its ruled tables (cells from the drawn lines; a merged cell is one larger cell, so
its row/column span comes from its edges) and the text lines outside them, in top-to-bottom order.
From page 2 on, the source text marks where each page starts ("——第3页——"). Page numbers printed
in the margins are left out. Pages are read one at a time and their caches freed, with a
``progress(done, total)`` call per page that may raise to cancel. A PDF without any text layer is
a scan and needs OCR first; an encrypted one needs its password removed.
"""
from __future__ import annotations

import io
import logging
import re
from bisect import bisect_left
from contextlib import contextmanager
from pathlib import Path

from core.loader import LoadError
from core.model import PageInfo, Report
from core.readers.base import Block, Grid, GridCell, PageMark, Paragraph, Progress, build_report, report_progress

_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／共]\s*\d{1,4}\s*页?)?[-—–－\s]*$")
MAX_PAGES = 2000


def _open(path: Path, data: bytes):
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    if b"%PDF" not in data[:1024]:
        raise LoadError(path, "不是 PDF 文件（文件头不是 %PDF）")
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        inner = e.args[0] if e.args else e
        name = type(inner).__name__
        if "Password" in name or "Encrypt" in name:
            raise LoadError(path, "PDF 文件已加密（需要打开密码），请先用 PDF 软件去除密码后再导入") from e
        raise LoadError(path, f"PDF 文件已损坏或不完整，无法打开（{name}: {inner}）") from e
    except Exception as e:
        raise LoadError(path, f"PDF 文件已损坏或不完整，无法打开（{type(e).__name__}）") from e


@contextmanager
def _quiet_pdfminer():
    """pdfminer logs a warning per damaged object; the auditor gets one message instead."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _cluster(values: list[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    i = bisect_left(edges, v - 1.5)
    return min(i, len(edges) - 1)


def table_grid(table, page_no: int) -> Grid:
    """A pdfplumber table as a grid: spans from the cells' edges."""
    texts = table.extract()
    boxes = []
    for ri, row in enumerate(table.rows):
        for ci, bbox in enumerate(row.cells):
            if bbox is None:
                continue
            text = texts[ri][ci] if ri < len(texts) and ci < len(texts[ri]) else ""
            boxes.append((bbox, text or ""))
    xs = _cluster([b[0] for b, _ in boxes] + [b[2] for b, _ in boxes])
    ys = _cluster([b[1] for b, _ in boxes] + [b[3] for b, _ in boxes])
    cells = []
    for (x0, top, x1, bottom), text in boxes:
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        cells.append(GridCell(text, r0, c0, max(r1 - r0, 1), max(c1 - c0, 1), page=page_no,
                              bbox=(float(x0), float(top), float(x1), float(bottom))))
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(cells, page=page_no, col_edges=xs[:-1])


def page_blocks(page, page_no: int) -> list[Block]:
    tables = page.find_tables() if (page.lines or page.rects or page.curves) else []
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, int, Block]] = []
    for t in tables:
        grid = table_grid(t, page_no)
        if grid.cells:
            items.append((t.bbox[1], 1, grid))

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    height = float(page.height)
    for line in text_page.extract_text_lines(return_chars=False):
        text = line["text"].strip()
        if not text:
            continue
        in_margin = line["top"] < height * 0.08 or line["bottom"] > height * 0.92
        if in_margin and _PAGE_NUMBER.match(text):
            continue
        items.append((line["top"], 0, Paragraph(text)))
    items.sort(key=lambda x: (x[0], x[1]))
    return [b for _, _, b in items]


def _all_rows():
    from core.editions import EDITIONS
    return [r for ed in EDITIONS.values() for t in ed.tables if t.key in ("active", "apply") for r in t.rows]


def _names_a_row(text: str) -> bool:
    from core.readers.structure import _row_matches
    from core.values import normalise
    norm = normalise(text)
    return bool(norm) and any(_row_matches(norm, r) for r in _all_rows())


_ORDINAL = re.compile(r"^(\d{1,2}\s*[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")
_NOT_A_FRAGMENT = ("第二十条", "信息内容", "申请人情况", "自然人", "行政复议", "行政诉讼")


def _has_values(grid: Grid, row: int) -> bool:
    from core.values import parse_value
    return any(here and c.text.strip() and parse_value(c.text) is not None for c, here in grid.row_slots(row))


def _row_label(grid: Grid, row: int) -> str:
    from core.values import parse_value
    labels = [c.text for c, here in grid.row_slots(row) if here and parse_value(c.text) is None]
    return labels[-1] if labels else ""      # the most specific label: the rightmost


def _stitch(a: Grid, b: Grid) -> Grid | None:
    """A table row that Word let break across a page: its label and cells are split between the
    last row of one page's table and the first row of the next page's. Joined back when the two
    parts line up column by column and only the joined label names a row of the form."""
    if not (a.col_edges and b.col_edges and a.n_rows and b.n_rows):
        return None
    cols = {}
    for j, x in enumerate(b.col_edges):
        match = [i for i, e in enumerate(a.col_edges) if abs(e - x) <= 2]
        if len(match) != 1:
            return None
        cols[j] = match[0]
    last = a.n_rows - 1
    la, lb = _row_label(a, last), _row_label(b, 0)
    if not lb or any(m in lb for m in _NOT_A_FRAGMENT):
        return None
    if _names_a_row(la):
        # "4.保护第三方合法权" + "益": the tail of a label; at most one half holds the numbers
        if _names_a_row(lb) or _ORDINAL.match(lb.strip()) or (_has_values(a, last) and _has_values(b, 0)):
            return None
    elif not _names_a_row(la + lb):
        return None
    kept = []
    for cell in b.cells:
        if cell.row == 0 and cell.rowspan == 1:
            target = a.at(last, cols[cell.col])
            if target is not None and cell.text.strip():
                target.text = (target.text + "\n" + cell.text) if target.text.strip() else cell.text
            continue
        if cell.row == 0:
            cell.rowspan -= 1
        else:
            cell.row -= 1
        kept.append(cell)
    return Grid(kept, page=b.page, col_edges=b.col_edges)


def stitch_split_rows(blocks: list[Block]) -> list[Block]:
    """Join rows broken over a page end (a table's last block on a page, its next part first on the next)."""
    out = list(blocks)
    for i in range(len(out) - 2):
        a, mark, b = out[i], out[i + 1], out[i + 2]
        if isinstance(a, Grid) and isinstance(mark, PageMark) and isinstance(b, Grid):
            joined = _stitch(a, b)
            if joined is not None:
                out[i + 2] = joined
    return [b for b in out if not (isinstance(b, Grid) and not b.cells)]


def read(path: Path, data: bytes, progress: Progress = None) -> Report:
    with _quiet_pdfminer():
        return _read(path, data, progress)


def _read(path: Path, data: bytes, progress: Progress) -> Report:
    pdf = _open(path, data)
    per_page: dict[int, list[Block]] = {}
    infos: dict[int, PageInfo] = {}
    scanned: list[int] = []            # 0-based pages without a usable text layer: read by OCR
    try:
        try:
            pages = pdf.pages
        except Exception as e:
            raise LoadError(path, f"PDF 文件已损坏，无法读取页面（{type(e).__name__}）") from e
        total = len(pages)
        if total == 0:
            raise LoadError(path, "PDF 文件中没有页面")
        if total > MAX_PAGES:
            raise LoadError(path, f"PDF 页数过多（{total} 页，上限 {MAX_PAGES} 页）")
        for i, page in enumerate(pages):
            report_progress(progress, i, total, path)
            try:
                n = len(page.chars)
                undecodable = sum(1 for c in page.chars if c["text"].startswith("(cid:"))
                if n == 0 or undecodable > n * 0.5:
                    scanned.append(i)
                else:
                    per_page[i] = page_blocks(page, i + 1)
                    infos[i] = PageInfo(i + 1, float(page.width), float(page.height))
            except LoadError:
                raise
            except Exception as e:
                raise LoadError(path, f"PDF 第{i + 1}页已损坏，无法读取（{type(e).__name__}）") from e
            finally:
                page.close()
        report_progress(progress, total, total, path)
    finally:
        try:
            pdf.close()
        except Exception:  # closing walks the page list again, which a damaged file may break
            pass
    ocr = _read_scanned(path, data, scanned, progress) if scanned else None
    blocks: list[Block] = []
    for i in range(total):
        page_blocks_ = per_page.get(i)
        if page_blocks_ is None and ocr is not None and i in ocr[0]:
            from core.scan.pipeline import page_blocks as scan_blocks
            page_blocks_ = scan_blocks(ocr[0][i])
            infos[i] = ocr[1].info(ocr[0][i])
        if not page_blocks_:
            continue
        if blocks or i > 0:
            blocks.append(PageMark(i + 1))
        blocks.extend(page_blocks_)
    if blocks and isinstance(blocks[0], PageMark) and blocks[0].page == 1:
        blocks = blocks[1:]
    has_tables = any(isinstance(b, Grid) for b in blocks)
    if scanned:
        reason = (f"此 PDF 有{len(scanned)}页没有可用的文字层，已做文字识别（OCR），"
                  "但仍未找到政府信息公开年度报告的统计表格（表二、表三、表四）")
    elif has_tables:
        reason = "PDF 中的表格不是政府信息公开年度报告的统计表（未找到表二、表三、表四）"
    else:
        reason = "PDF 中没有找到政府信息公开年度报告的统计表格（表二、表三、表四）"
    if not blocks:
        raise LoadError(path, reason)
    report = build_report(stitch_split_rows(blocks), path, "pdf (OCR)" if scanned else "pdf", reason)
    report.pages = [infos[i] for i in sorted(infos)]
    if ocr is not None:
        from core.readers.scan_reader import doubt_unplaced, ocr_note
        doubt_unplaced(report)
        report.notes.insert(0, ocr_note(report, list(ocr[0].values()), ocr[1]))
    return report


def _read_scanned(path: Path, data: bytes, indices: list[int], progress: Progress):
    """OCR the pages that have no usable text layer (rasterised with pypdfium2)."""
    import pypdfium2 as pdfium

    from core.readers.scan_reader import OcrPages
    from core.scan.images import render_pdf_page

    pages = OcrPages(path, data, salt="pdf")
    results = {}
    try:
        document = pdfium.PdfDocument(data)
    except Exception as e:
        raise LoadError(path, f"PDF 扫描页无法渲染（{type(e).__name__}: {e}）") from e
    try:
        for k, i in enumerate(indices):
            report_progress(progress, k, len(indices), path)
            results[i] = pages.page(i + 1, lambda i=i: render_pdf_page(document, i))
        report_progress(progress, len(indices), len(indices), path)
    finally:
        document.close()
    return results, pages
