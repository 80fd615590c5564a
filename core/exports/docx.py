"""The Word export: the report regenerated with corrected tables, or the original DOCX with its
tables' values corrected in place.

``export_docx`` writes a new document: the title, the report's own text outside the tables
(paragraph by paragraph, as in the source) and tables 二, 三, 四 rebuilt from the official layout
(``core.layout``: merged headers, official labels) holding the current values. Body text is set
in 仿宋_GB2312 (Word falls back to 仿宋 through the font table), headings in 黑体/楷体, tables in
宋体, always through the East-Asian font attribute so that Word really uses them; A4 portrait
with the usual 公文 margins.

``export_docx_inplace`` keeps the original DOCX and changes only the text of the table cells whose
value the auditor changed. Cells are found from the document's own table structure (row labels,
column headers: ``core.readers.structure``), never by counting; a cell that cannot be located, or
a document that no longer says what the report read from it, stops the export with a Chinese
message rather than writing a wrong cell.
"""
from __future__ import annotations

import copy
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from core.atoms import tokenize
from core.exports.common import (APP_NAME, ExportError, ExportResult, clean_text, counts, report_title,
                                unresolved_errors, value_text, write_output)
from core.layout import TableLayout, layouts
from core.model import Report
from core.review import ReviewSession
from core.rules import Checker

BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "仿宋"
TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "宋体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
SUBHEADING_FALLBACK = "楷体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

BODY_SIZE = Pt(16)        # 三号
TITLE_SIZE = Pt(22)       # 二号
TABLE_SIZE = Pt(10.5)     # 五号
SMALL_TABLE_SIZE = Pt(9)  # 小五, for the 15 narrow columns of table 四
TEXT_WIDTH_CM = 15.6      # A4 21 cm − 2.8 − 2.6

_COL_WIDTHS = {"active": [4.8], "apply": [1.3, 1.9, 4.0], "review": []}

_SECTION_PHRASES = {"active": ("主动公开",), "apply": ("申请",), "review": ("复议", "诉讼")}
_HEADING1 = re.compile(r"^\s*([一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*[、.．](?!\d))")
_HEADING2 = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PAGE_MARK = re.compile(r"^——第\d+页——$")
_WS = " \t\u3000\u00a0\r\ufeff"


# ------------------------------------------------------------------ the narrative text

@dataclass
class Narrative:
    before: list[str]                     # paragraphs before the tables (一、总体情况 …)
    between: dict[str, list[str]]         # prose found inside the table region, by the table it precedes
    after: list[str]                      # paragraphs after the tables (五、六 …)


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _title_end(lines: list[tuple[int, int, str]]) -> int:
    """Index of the first line after the report's title (as ``core.extract.read_title`` reads it)."""
    seen = 0
    for i, (_, _, line) in enumerate(lines[:12]):
        t = _BOOKMARK.sub("", line).strip(_WS)
        if not t:
            continue
        seen += 1
        if "报告" in t and len(t) <= 60:
            return i + 1
        if seen >= 4 or len(t) > 40 or "。" in t:
            break
    return 0


def _is_prose(t: str) -> bool:
    return "。" in t or len(t) > 60


def _paragraph(line: str) -> str | None:
    t = _BOOKMARK.sub("", line).strip(_WS)
    if not t or _PAGE_MARK.match(t) or re.fullmatch(r"[-－—\s]*\d{1,3}[-－—\s]*", t):
        return None
    if t.startswith("|") and t.endswith("|"):    # a table row of another table, flattened
        cells = [c.strip(_WS) for c in t.strip("|").split("|")]
        t = "　".join(c for c in cells if c)
        return t or None
    return re.sub(r"[ \t]+", " ", t)


def narrative(report: Report) -> Narrative:
    """The report's own paragraphs outside the three tables, in source order."""
    text = report.source_text
    lines = _lines(text)
    spans = {}
    for key, cell in report.cells.items():
        if cell.reading is not None and cell.reading.span is not None and cell.reading.raw:
            spans[key] = cell.reading.span
    first = _title_end(lines)
    if not spans:
        paras = [p for _, _, l in lines[first:] if (p := _paragraph(l))]
        return Narrative(paras, {}, [])
    table_start = {}
    for key, (s, _e) in spans.items():
        t = key.split(".")[0]
        table_start[t] = min(s, table_start.get(t, s))
    start = min(s for s, _ in spans.values())
    end = max(e for _, e in spans.values())
    # the table's captions and headers before its first value belong to the table
    atoms = tokenize(text)
    for a in atoms:
        if a.start >= start:
            break
        if a.is_label and len(a.norm) <= 20 and ("第二十条" in a.norm or "信息内容" in a.norm) \
                and start - a.start < 1500:
            start = a.start
            break
    i0 = next(i for i, (s, e, _) in enumerate(lines) if s <= start <= e)
    i1 = next(i for i, (s, e, _) in enumerate(lines) if s <= end <= e)
    # walk back over the heading and table title lines just above the table
    taken = 0
    while i0 - 1 >= first and taken < 3:
        t = _BOOKMARK.sub("", lines[i0 - 1][2]).strip(_WS)
        if t and _is_prose(t):
            break
        if t:
            taken += 1
        i0 -= 1
    # walk on over what is left of the last table: blank cells, trailing values and rules
    from core.values import parse_value
    while i1 + 1 < len(lines):
        t = lines[i1 + 1][2].strip(_WS + "|")
        if t and parse_value(t) is None and not re.fullmatch(r"[|\s/／\-－—]*", t):
            break
        i1 += 1
    before = [p for _, _, l in lines[first:i0] if (p := _paragraph(l))]
    after = [p for _, _, l in lines[i1 + 1:] if (p := _paragraph(l))]
    between: dict[str, list[str]] = {}
    order = sorted(table_start.items(), key=lambda kv: kv[1])
    for s, e, line in lines[i0:i1 + 1]:
        t = _BOOKMARK.sub("", line).strip(_WS)
        if not t or t.startswith("|") or not _is_prose(t):
            continue
        if any(cs < e and s < ce for cs, ce in spans.values()):
            continue
        target = next((tk for tk, ts in order if s < ts), None)
        if target is None:
            after.insert(0, _paragraph(line) or t)
        else:
            between.setdefault(target, []).append(_paragraph(line) or t)
    return Narrative(before, between, after)


# ------------------------------------------------------------------ fonts and paragraphs

def _set_fonts(rpr_owner, east_asia: str, size=None, bold: bool | None = None, latin: str = LATIN_FONT) -> None:
    """Set the run (or style) fonts, East-Asian included, so Word really uses them."""
    font = rpr_owner.font
    font.name = latin
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr() if hasattr(rpr_owner, "element") else rpr_owner._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")


def _font_table_fallbacks(document) -> None:
    """Declare the Chinese fonts with an alternative name: Word uses it when the font is missing."""
    from lxml import etree
    part = next((r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    if hasattr(part, "element"):
        root = part.element
    else:
        root = etree.fromstring(part.blob)
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    have = {f.get(f"{{{W}}}name") for f in root.findall(f"{{{W}}}font")}
    for name, alt, family in ((BODY_FONT, BODY_FALLBACK, "modern"), (TITLE_FONT, TITLE_FALLBACK, "script"),
                              (SUBHEADING_FONT, SUBHEADING_FALLBACK, "modern"), (HEADING_FONT, None, "modern"),
                              (TABLE_FONT, None, "auto")):
        if name in have:
            continue
        f = etree.SubElement(root, f"{{{W}}}font")
        f.set(f"{{{W}}}name", name)
        if alt:
            a = etree.SubElement(f, f"{{{W}}}altName")
            a.set(f"{{{W}}}val", alt)
        c = etree.SubElement(f, f"{{{W}}}charset")
        c.set(f"{{{W}}}val", "86")          # GB2312
        fam = etree.SubElement(f, f"{{{W}}}family")
        fam.set(f"{{{W}}}val", family)
        p = etree.SubElement(f, f"{{{W}}}pitch")
        p.set(f"{{{W}}}val", "variable")
    if not hasattr(part, "element"):
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _para_format(p, align=None, first_indent=None, line_exact: float | None = None, before=0, after=0) -> None:
    pf = p.paragraph_format
    if align is not None:
        p.alignment = align
    if first_indent is not None:
        pf.first_line_indent = first_indent
    if line_exact is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line_exact)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)


def _add_text(document, text: str, kind: str) -> None:
    text = clean_text(text)
    p = document.add_paragraph()
    run = p.add_run(text)
    tail = "政府信息公开工作年度报告"
    if kind == "title" and len(text) > 20 and text.endswith(tail) and len(text) > len(tail):
        # two lines as printed reports have them: "<机关><年度>年" / "政府信息公开工作年度报告"
        run.text = text[: -len(tail)]
        run.add_break()
        run.add_text(tail)
    if kind == "title":
        _set_fonts(run, TITLE_FONT, TITLE_SIZE)
        _para_format(p, WD_ALIGN_PARAGRAPH.CENTER, line_exact=36, before=0, after=18)
    elif kind == "h1":
        _set_fonts(run, HEADING_FONT, BODY_SIZE)
        _para_format(p, first_indent=Pt(32), line_exact=28)
        p.paragraph_format.keep_with_next = True
    elif kind == "h2":
        _set_fonts(run, SUBHEADING_FONT, BODY_SIZE)
        _para_format(p, first_indent=Pt(32), line_exact=28)
        p.paragraph_format.keep_with_next = True
    else:
        _set_fonts(run, BODY_FONT, BODY_SIZE)
        _para_format(p, WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=Pt(32), line_exact=28)


def _kind_of(text: str) -> str:
    if len(text) <= 40 and "。" not in text:
        if _HEADING1.match(text):
            return "h1"
        if _HEADING2.match(text):
            return "h2"
    return "body"


# ------------------------------------------------------------------ the tables

def _esc(text: str) -> str:
    return (clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _run_xml(text: str, size_pt: float, east_asia: str = TABLE_FONT) -> str:
    half = int(round(size_pt * 2))
    return (f'<w:r><w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{east_asia}" '
            f'w:cs="{LATIN_FONT}" w:hint="eastAsia"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>'
            f'<w:t xml:space="preserve">{_esc(text)}</w:t></w:r>')


def _tc_xml(width_twips: int, text: str | None, size_pt: float, align: str, colspan: int = 1,
            vmerge: str | None = None, keep_next: bool = True) -> str:
    pr = f'<w:tcW w:w="{width_twips}" w:type="dxa"/>'
    if colspan > 1:
        pr += f'<w:gridSpan w:val="{colspan}"/>'
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    pr += '<w:vAlign w:val="center"/>'
    half = int(round(size_pt * 2))
    ppr = (f'<w:pPr>{"<w:keepNext/>" if keep_next else ""}'
           f'<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
           f'<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="{align}"/>'
           f'<w:rPr><w:rFonts w:eastAsia="{TABLE_FONT}"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr></w:pPr>')
    run = _run_xml(text, size_pt) if text else ""
    return f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p>{ppr}{run}</w:p></w:tc>"


def table_xml(report: Report, lay: TableLayout) -> str:
    """One official table as WordprocessingML: merged cells as gridSpan / vMerge, fixed widths."""
    tkey = lay.table.key
    size = SMALL_TABLE_SIZE.pt if tkey == "review" else TABLE_SIZE.pt
    widths = list(_COL_WIDTHS[tkey])[: lay.n_cols]
    rest = (TEXT_WIDTH_CM - sum(widths)) / max(lay.n_cols - len(widths), 1)
    widths += [rest] * (lay.n_cols - len(widths))
    tw = [int(Cm(w).twips) for w in widths]
    # every grid position -> its origin: (row, col, rowspan, colspan, text, align)
    owner: dict[tuple[int, int], tuple] = {}
    for sp in lay.spans:
        if sp.header or sp.rowspan > 1 or (tkey == "apply" and sp.col < 2 and sp.colspan == 1):
            align = "center"
        else:
            align = "left"
        origin = (sp.row, sp.col, sp.rowspan, sp.colspan, sp.text, align)
        for r in range(sp.row, sp.row + sp.rowspan):
            for c in range(sp.col, sp.col + sp.colspan):
                owner[(r, c)] = origin
    for key, (r, c) in lay.pos_of.items():
        cell = report.cells.get(key)
        span = lay.value_colspan.get(key, 1)
        origin = (r, c, 1, span, value_text(cell.value if cell else None), "center")
        for k in range(c, c + span):
            owner[(r, k)] = origin
    rows = []
    for r in range(lay.n_rows):
        trpr = ('<w:cantSplit/><w:trHeight w:val="397" w:hRule="atLeast"/>'
                + ("<w:tblHeader/>" if r < lay.header_rows else ""))
        tcs = []
        c = 0
        while c < lay.n_cols:
            o = owner.get((r, c))
            if o is None:
                tcs.append(_tc_xml(tw[c], None, size, "center"))
                c += 1
                continue
            r0, c0, rs, cs, text, align = o
            width = sum(tw[c0:c0 + cs])
            # keep a table that fits on a page together; a long one keeps its header with its first row
            keep = r < lay.n_rows - 1 if lay.n_rows <= 20 else r <= lay.header_rows
            if r0 == r:
                tcs.append(_tc_xml(width, text, size, align, cs, "restart" if rs > 1 else None, keep))
            else:
                tcs.append(_tc_xml(width, None, size, align, cs, "continue", keep))
            c = c0 + cs
        rows.append(f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(tcs)}</w:tr>")
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in tw)
    return (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(tw)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
            f'<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            f'w:noHBand="0" w:noVBand="0"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def _table(document, report: Report, lay: TableLayout) -> None:
    tbl = parse_xml(table_xml(report, lay))
    document.element.body.sectPr.addprevious(tbl)


def _spacer(document) -> None:
    p = document.add_paragraph()
    _para_format(p, line_exact=12)


def build_document(report: Report, checker: Checker | None = None, session: ReviewSession | None = None):
    document = docx.Document()
    _font_table_fallbacks(document)
    normal = document.styles["Normal"]
    _set_fonts(normal, BODY_FONT, BODY_SIZE)
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    props = document.core_properties
    props.title = clean_text(report_title(report))[:250]
    props.author = APP_NAME
    props.comments = "由校对工具根据校对后的数值重新生成"

    _add_text(document, report_title(report), "title")
    text = narrative(report)
    last_h1 = ""
    for para in text.before:
        kind = _kind_of(para)
        _add_text(document, para, kind)
        if kind == "h1":
            last_h1 = para
    for lay in layouts(report.edition):
        t = lay.table
        # the source's own section heading may already stand just above (with its prose after it)
        if not any(p in last_h1 for p in _SECTION_PHRASES[t.key]):
            _add_text(document, f"{t.number}、{t.title}", "h1")
        last_h1 = ""
        for para in text.between.get(t.key, []):
            _add_text(document, para, _kind_of(para))
            document.paragraphs[-1].paragraph_format.keep_with_next = True
        _table(document, report, lay)
        _spacer(document)
    for para in text.after:
        _add_text(document, para, _kind_of(para))
    return document


def document_bytes(report: Report, checker: Checker | None = None, session: ReviewSession | None = None) -> bytes:
    buf = io.BytesIO()
    build_document(report, checker, session).save(buf)
    return buf.getvalue()


def export_docx(report: Report, out_path: str | os.PathLike[str], checker: Checker | None = None,
                session: ReviewSession | None = None) -> ExportResult:
    """Write the regenerated report atomically. Raises ExportError (Chinese) when it cannot be written."""
    checker = checker or Checker(report)
    data = document_bytes(report, checker, session)
    p = write_output(out_path, data, source=report.source_path)
    return ExportResult(Path(p), len(unresolved_errors(checker, session)), counts(checker)[1], "docx")


# ------------------------------------------------------------------ writing back into the original

def is_docx_source(report: Report) -> bool:
    return (report.source_format or "").lower().startswith("docx")


def _walk_positions(tbl, reader) -> dict[tuple[int, int], object]:
    """(row, col) of every origin cell of a Word table -> its w:tc, walked as the DOCX reader does."""
    W = reader.W
    out: dict[tuple[int, int], object] = {}
    above: dict[int, tuple[int, int]] = {}        # column -> (start row, rows covered)
    r = 0
    for tr in reader._rows(tbl):
        trpr = tr.find(W + "trPr")
        col = reader._int_attr(trpr.find(W + "gridBefore"), 0) if trpr is not None else 0
        prev = None
        for tc in reader._cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = max(reader._int_attr(tcpr.find(W + "gridSpan")) if tcpr is not None else 1, 1)
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(W + "hMerge") if tcpr is not None else None
            if vmerge is not None and vmerge.get(W + "val", "continue") == "continue":
                origin = above.get(col)
                if origin is not None and origin[0] + origin[1] == r:
                    above[col] = (origin[0], origin[1] + 1)
                    col += span
                    continue
            if hmerge is not None and hmerge.get(W + "val", "continue") == "continue" and prev is not None \
                    and prev[0] == r and prev[1] + prev[2] == col:
                prev = (prev[0], prev[1], prev[2] + span)
                col += span
                continue
            out[(r, col)] = tc
            above[col] = (r, 1)
            prev = (r, col, span)
            col += span
        r += 1
    return out


def _body_tables(container, W):
    for child in container:
        if child.tag == W + "tbl":
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _body_tables(content, W)
        elif child.tag == W + "customXml":
            yield from _body_tables(child, W)


def _blocks_with_tables(document, reader):
    """The document as the DOCX reader sees it, each grid paired with its w:tbl element."""
    from core.readers.base import Paragraph
    W = reader.W
    blocks, tables = [], []

    def walk(container):
        for child in container:
            tag = child.tag
            if tag == W + "p":
                blocks.append(Paragraph(reader._para_text(child)))
            elif tag == W + "tbl":
                g = reader.table_grid(child)
                blocks.append(g)
                tables.append((g, child))
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    walk(content)
            elif tag == W + "customXml":
                walk(child)
    walk(document.element.body)
    return blocks, tables


def _set_tc_text(tc, text: str, donor_rpr=None) -> None:
    """Replace a cell's text, keeping its paragraph and first run formatting."""
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paras = tc.findall(W + "p")
    if not paras:
        p = OxmlElement("w:p")
        tc.append(p)
        paras = [p]
    p = paras[0]
    for extra in paras[1:]:
        tc.remove(extra)
    runs = [el for el in p.iter(W + "r")]
    rpr = None
    for r in runs:
        found = r.find(W + "rPr")
        if found is not None:
            rpr = copy.deepcopy(found)
            break
    if rpr is None:
        ppr = p.find(W + "pPr")
        mark = ppr.find(W + "rPr") if ppr is not None else None
        if mark is not None:
            rpr = copy.deepcopy(mark)
            rpr.tag = W + "rPr"
        elif donor_rpr is not None:
            rpr = copy.deepcopy(donor_rpr)
    for r in runs:
        parent = r.getparent()
        parent.remove(r)
    if not text:
        return
    run = OxmlElement("w:r")
    if rpr is not None:
        for bad in rpr.findall(W + "ins") + rpr.findall(W + "del") + rpr.findall(W + "rPrChange"):
            rpr.remove(bad)
        run.append(rpr)
    t = OxmlElement("w:t")
    t.text = clean_text(text)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    p.append(run)


def inplace_bytes(report: Report, source_docx: str | os.PathLike[str]) -> tuple[bytes, list[str]]:
    """The original document with the changed cells rewritten; returns (bytes, keys written)."""
    from core.readers import docx_reader as reader
    from core.readers.base import render
    from core.readers.structure import structural_readings
    from core.values import parse_value

    src = Path(source_docx)
    name = src.name
    try:
        data = src.read_bytes()
    except OSError as e:
        raise ExportError(f"无法读取原 Word 文档“{name}”（{e.strerror or e}）") from e
    try:
        reader._check_package(src, data)
        document = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise ExportError(f"无法打开原 Word 文档“{name}”：{e}") from e
    blocks, tables = _blocks_with_tables(document, reader)
    _text, grids = render(blocks)
    found = structural_readings(report, grids)
    by_span = {}
    for g, tbl in tables:
        positions = _walk_positions(tbl, reader)
        for cell in g.cells:
            if cell.span is not None:
                by_span[cell.span] = (positions.get((cell.row, cell.col)), cell)

    to_write = {}
    unlocated, mismatch = [], []
    for key, cell in report.cells.items():
        new = value_text(cell.value)
        reading = found.get(key)
        if reading is None:
            if cell.edited and cell.value != cell.read_value:
                unlocated.append(cell.definition.label)
            continue
        tc, gcell = by_span.get(reading.span, (None, None))
        # the document must still say what the report read from it
        if cell.reading is not None and reading.value != cell.read_value:
            mismatch.append(f"{cell.definition.label}（文档中为“{reading.raw or '空白'}”，报告读取为"
                            f"“{value_text(cell.read_value) or '空白'}”）")
            continue
        if tc is None:
            if cell.value != reading.value:
                unlocated.append(cell.definition.label)
            continue
        if cell.value == reading.value and type(cell.value) is type(reading.value):
            continue
        parsed = parse_value(new) if new else None
        if new and (parsed is None or parsed.value != cell.value):
            unlocated.append(cell.definition.label)
            continue
        to_write[key] = tc
    if mismatch:
        raise ExportError(f"原 Word 文档“{name}”与当前报告的读取结果不一致，可能不是同一份文件或已被修改，"
                          f"未写回：" + "；".join(mismatch[:5]) + ("……" if len(mismatch) > 5 else ""))
    if unlocated:
        raise ExportError(f"无法在原 Word 文档“{name}”的表格中确定以下单元格的位置（表格结构与官方格式不一致），"
                          f"为避免写错位置，未写回：" + "、".join(unlocated[:8]) + ("……" if len(unlocated) > 8 else "")
                          + "。请改用“导出 Word…”重新生成报告。")
    donor = None
    W = reader.W
    for _, (tc, _g) in by_span.items():
        if tc is not None:
            r = tc.find(".//" + W + "r/" + W + "rPr")
            if r is not None:
                donor = r
                break
    for key, tc in to_write.items():
        _set_tc_text(tc, value_text(report.cells[key].value), donor)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue(), list(to_write)


def export_docx_inplace(report: Report, source_docx: str | os.PathLike[str], out_path: str | os.PathLike[str],
                        checker: Checker | None = None, session: ReviewSession | None = None) -> ExportResult:
    """The original DOCX with the corrected values in its own tables, saved as `out_path`."""
    checker = checker or Checker(report)
    if not is_docx_source(report) and not str(source_docx).lower().endswith((".docx", ".docm")):
        raise ExportError("只有从 Word（.docx）文档读取的报告才能写回原文档；请改用“导出 Word…”")
    data, _written = inplace_bytes(report, source_docx)
    p = write_output(out_path, data, source=source_docx)
    return ExportResult(Path(p), len(unresolved_errors(checker, session)), counts(checker)[1], "docx-inplace")
