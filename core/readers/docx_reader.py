"""Word .docx reports: body paragraphs and tables in document order, merged cells resolved.

The package is checked before any XML is parsed: it must be a sane zip (no zip bomb), must not be
an encrypted Office file, and no XML part may carry a DTD (OOXML never does; a DTD is how entity
attacks start). python-docx then parses the parts with its own lxml parser, which does not resolve
entities. Table cells are placed on the grid from ``w:gridSpan`` (colspan), ``w:vMerge``
(rowspan) and ``w:gridBefore``; ``core.readers.base`` renders and reads them.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from core.loader import LoadError
from core.model import Report
from core.readers.base import (Block, Grid, GridCell, Paragraph, Progress, build_report, check_zip, is_ole2,
                               ole2_is_encrypted_ooxml, report_progress)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def _check_package(path: Path, data: bytes) -> None:
    if ole2_is_encrypted_ooxml(data):
        raise LoadError(path, "文件已加密（设置了打开密码），请先在 Word/WPS 中取消密码、另存为 .docx 后再导入")
    if is_ole2(data):
        raise LoadError(path, "这是旧版 Word（.doc）格式的文件，却以 .docx 命名；请改名为 .doc 或在 Word/WPS 中另存为 .docx")
    if not data.startswith(b"PK"):
        raise LoadError(path, "不是有效的 Word 文档（.docx 应为 ZIP 包，文件头不符）")
    check_zip(path, data, "Word 文档")
    try:
        _screen_members(path, data)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError) as e:
        raise LoadError(path, f"Word 文档已损坏（内部文件无法解压：{e}）") from e


def _screen_members(path: Path, data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            if "xl/workbook.xml" in names:
                raise LoadError(path, "这是 Excel 工作簿，不是 Word 文档（扩展名有误）")
            raise LoadError(path, "不是 Word 文档（压缩包中没有 word/document.xml）")
        for info in zf.infolist():
            if info.filename.endswith((".xml", ".rels")):
                with zf.open(info) as f:
                    head = f.read(65536)   # the prolog, where a DTD would be
                if any(m in head for m in _DTD_MARKS):
                    raise LoadError(path, f"文档内部文件“{info.filename}”含有 DTD/实体声明（正常的 Word 文档不会有），"
                                          "可能是恶意构造的文件，已拒绝读取")


_SKIP = {W + n for n in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "delInstrText", "fldData",
                         "footnoteReference", "endnoteReference", "commentReference")}


def _para_text(p) -> str:
    """A paragraph's visible text: runs, tabs and breaks; deleted/moved-away revisions left out."""
    parts: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "tab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            else:
                walk(child)
    walk(p)
    return "".join(parts)


def _cell_text(tc) -> str:
    return "\n".join(_para_text(p) for p in tc.iter(W + "p"))


MAX_SPAN = 200     # a hostile gridSpan="1000000" must not build a million-column grid


def _int_attr(el, default: int = 1) -> int:
    if el is None:
        return default
    try:
        return min(max(int(el.get(W + "val", default)), 0), MAX_SPAN)
    except ValueError:
        return default


def _children(el, tag: str):
    """Child elements with a tag, also those wrapped in content controls (w:sdt, w:customXml)."""
    for child in el:
        if child.tag == W + tag:
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from _children(content, tag)


def _rows(tbl):
    """The table's rows, also those wrapped in content controls."""
    return _children(tbl, "tr")


def _cells(tr):
    return _children(tr, "tc")


def table_grid(tbl) -> Grid:
    cells: list[GridCell] = []
    above: dict[int, GridCell] = {}          # grid column -> the last cell that started there
    r = 0
    for tr in _rows(tbl):
        trpr = tr.find(W + "trPr")
        col = _int_attr(trpr.find(W + "gridBefore"), 0) if trpr is not None else 0
        prev: GridCell | None = None
        for tc in _cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = _int_attr(tcpr.find(W + "gridSpan")) if tcpr is not None else 1
            span = max(span, 1)
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(W + "hMerge") if tcpr is not None else None
            text = _cell_text(tc)
            if vmerge is not None and vmerge.get(W + "val", "continue") == "continue":
                origin = above.get(col)
                if origin is not None and origin.row + origin.rowspan == r:
                    origin.rowspan += 1
                    if text.strip():
                        origin.text += "\n" + text
                    col += span
                    continue
            if hmerge is not None and hmerge.get(W + "val", "continue") == "continue" and prev is not None \
                    and prev.row == r and prev.col + prev.colspan == col:
                prev.colspan += span
                col += span
                continue
            cell = GridCell(text, r, col, 1, span)
            cells.append(cell)
            above[col] = cell
            prev = cell
            col += span
        r += 1
    return Grid(cells)


def _blocks(container, out: list[Block]) -> None:
    for child in container:
        tag = child.tag
        if tag == W + "p":
            out.append(Paragraph(_para_text(child)))
        elif tag == W + "tbl":
            if child.find(".//" + W + "tbl") is not None:
                # a layout table holding other tables: read its cells as containers
                for tr in _rows(child):
                    for tc in _cells(tr):
                        _blocks(tc, out)
            else:
                out.append(table_grid(child))
        elif tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                _blocks(content, out)
        elif tag == W + "customXml":
            _blocks(child, out)


def document_blocks(path: Path, data: bytes) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, zlib.error, NotImplementedError, EOFError) as e:
        raise LoadError(path, f"Word 文档已损坏或结构不完整（{e}）") from e
    except ValueError as e:  # python-docx: "file is not a Word file, content type is …"
        raise LoadError(path, f"不是 Word 文档（{e}）") from e
    except Exception as e:  # lxml.etree.XMLSyntaxError and friends: a broken part
        raise LoadError(path, f"Word 文档内容已损坏，无法解析（{type(e).__name__}: {e}）") from e
    out: list[Block] = []
    _blocks(document.element.body, out)
    return out


def read(path: Path, data: bytes, progress: Progress = None, source_format: str = "docx") -> Report:
    report_progress(progress, 0, 3, path)
    _check_package(path, data)
    blocks = document_blocks(path, data)
    report_progress(progress, 1, 3, path)
    has_tables = any(isinstance(b, Grid) and b.cells for b in blocks)
    reason = ("Word 文档中的表格不是政府信息公开年度报告的统计表（未找到表二、表三、表四）" if has_tables else
              "Word 文档中没有表格，正文中也未找到政府信息公开年度报告的统计表（表二、表三、表四）")
    report = build_report(blocks, path, source_format, reason)
    report_progress(progress, 3, 3, path)
    return report
