"""Report files in every format, built from the seeds in the official table layout.

Each seed's expected cells (``expected/*.json``) are written into the three tables as the
official form draws them (``core.layout``: merged header cells, group cells spanning rows, widened
last value cells), with the seed's title lines around them. Keys an expected file leaves out take
the text the seed itself has in that cell (read by the text extractor).
"""
from __future__ import annotations

import html
import io
from decimal import Decimal
from pathlib import Path

from core.editions import EDITIONS, Edition
from core.extract import extract, title_lines
from core.layout import TableLayout, table_layout
from core.textio import decode
from tests.conftest import expected_for

TABLE_HEADINGS = {"active": "二、主动公开政府信息情况",
                  "apply": "三、收到和处理政府信息公开申请情况",
                  "review": "四、政府信息公开行政复议、行政诉讼情况"}
INTRO = ("一、总体情况",
         "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政府信息公开工作。")
OUTRO = ("五、政府信息公开工作存在的主要问题及改进情况",
         "信息公开的及时性还需提高。下一步将加强培训，完善制度。",
         "六、其他需要报告的事项",
         "本年度未收取信息处理费。")


class SeedDoc:
    """A seed as a document: title lines, edition, and the text of every cell."""

    def __init__(self, seed: Path) -> None:
        self.seed = seed
        self.expected = expected_for(seed)
        self.edition: Edition = EDITIONS[self.expected["edition"]]
        text, _ = decode(seed.read_bytes())
        text = text.replace("\r\n", "\n")
        self.title = title_lines(text)
        seed_report = extract(text, str(seed))
        self.cell_text: dict[str, str] = {}
        for key in self.edition.cell_keys():
            if key in self.expected["cells"]:
                self.cell_text[key] = _fmt(self.expected["cells"][key])
            else:
                c = seed_report.cells.get(key)
                self.cell_text[key] = c.reading.raw if c is not None and c.reading else ""

    def with_subtotal(self) -> "SeedDoc":
        """The same report with table 三's extra 法人或其他组织·小计 column, as some reports print it."""
        import copy
        from core.editions import LEGAL_COLUMNS
        other = copy.copy(self)
        other.edition = self.edition.with_subtotal()
        other.cell_text = dict(self.cell_text)
        other.expected = copy.deepcopy(self.expected)
        for row in other.edition.table("apply").rows:
            parts = [self.expected["cells"].get(f"apply.{row.key}.{c}") for c in LEGAL_COLUMNS]
            nums = [p for p in parts if isinstance(p, int)]
            value = sum(nums) if nums else None
            other.cell_text[f"apply.{row.key}.subtotal"] = _fmt(value)
            other.expected["cells"][f"apply.{row.key}.subtotal"] = value
        return other

    def layouts(self) -> list[TableLayout]:
        return [table_layout(self.edition, t) for t in ("active", "apply", "review")]


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return format(Decimal(repr(v)), "f")
    return str(v)


def _grid_cells(lay: TableLayout, values: dict[str, str]):
    """(row, col, rowspan, colspan, text, is_header) for every origin cell of the layout."""
    cells = []
    for s in lay.spans:
        cells.append((s.row, s.col, s.rowspan, s.colspan, s.text, True))
    for (r, c), key in lay.key_at.items():
        cells.append((r, c, 1, lay.value_colspan.get(key, 1), values.get(key, ""), False))
    return sorted(cells)


# ------------------------------------------------------------------ DOCX

_DOCX_CACHE: dict[tuple, bytes] = {}


def build_docx(doc: SeedDoc, path: Path) -> Path:
    """The seed as a .docx in the official layout (built once per seed, then copied)."""
    key = (doc.seed, doc.edition.has_subtotal)
    if key not in _DOCX_CACHE:
        buf = io.BytesIO()
        _build_docx(doc, buf)
        _DOCX_CACHE[key] = buf.getvalue()
    path.write_bytes(_DOCX_CACHE[key])
    return path


def _build_docx(doc: SeedDoc, target) -> None:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.size = Pt(10)
    for line in doc.title:
        d.add_paragraph(line)
    for line in INTRO:
        d.add_paragraph(line)
    for lay in doc.layouts():
        d.add_paragraph(TABLE_HEADINGS[lay.table.key])
        t = d.add_table(rows=lay.n_rows, cols=lay.n_cols)
        t.style = "Table Grid"
        for r, c, rs, cs, text, _ in _grid_cells(lay, doc.cell_text):
            cell = t.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
            cell.text = text
    for line in OUTRO:
        d.add_paragraph(line)
    d.save(target)


# ------------------------------------------------------------------ HTML

def table_html(lay: TableLayout, values: dict[str, str]) -> str:
    rows: dict[int, list[str]] = {r: [] for r in range(lay.n_rows)}
    for r, c, rs, cs, text, header in _grid_cells(lay, values):
        attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
        body = "<br>".join(html.escape(p) for p in text.split("\n"))
        tag = "td"
        rows[r].append(f'<{tag}{attrs}><p style="text-align:center">{body}</p></{tag}>')
    out = ['<table border="1" cellspacing="0" style="border-collapse:collapse">', "<tbody>"]
    for r in range(lay.n_rows):
        out.append("<tr>" + "".join(rows[r]) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def build_html(doc: SeedDoc, charset: str | None = "gbk") -> bytes:
    title = "".join(doc.title)
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    parts = [
        "<!DOCTYPE html>", "<html><head>", meta,
        f"<title>{html.escape(title)}_某某区人民政府门户网站</title>",
        "<style>.nav{color:red} td{border:1px solid #000}</style>",
        "<script>var menu = ['首页', '政务公开', '本年新收'];document.write('<table><tr><td>行政复议</td></tr></table>');</script>",
        "</head><body>",
        '<div class="header"><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>'
        '<li><a href="/gknb">政府信息公开年报</a></li></ul></div></div>',
        '<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
        '<div class="sidebar"><p>相关链接</p><ul><li><a href="/a">2018年政府信息公开工作年度报告</a></li>'
        '<li><a href="/b">2017年政府信息公开工作年度报告</a></li></ul></div>',
        '<div class="article">',
    ]
    for i, line in enumerate(doc.title):
        parts.append(f'<h2 class="title">{html.escape(line)}</h2>' if i < len(doc.title) else "")
    parts.append('<div class="info">发布时间：2021-01-20 来源：办公室 浏览次数：<span id="hits">123</span></div>')
    parts.append('<div class="content">')
    for line in INTRO:
        parts.append(f"<p>{html.escape(line)}</p>")
    for lay in doc.layouts():
        parts.append(f"<p><strong>{html.escape(TABLE_HEADINGS[lay.table.key])}</strong></p>")
        parts.append(table_html(lay, doc.cell_text))
    for line in OUTRO:
        parts.append(f"<p>{html.escape(line)}</p>")
    parts.append("</div></div>")
    parts.append('<div class="footer"><p>主办单位：某某区人民政府办公室 网站标识码：2301000001</p>'
                 '<p>ICP备案号：黑ICP备12345678号</p></div>')
    parts.append("<script>hits(1);</script></body></html>")
    text = "\n".join(parts)
    return text.encode(charset if charset and charset != "utf-8" else "utf-8")


# ------------------------------------------------------------------ PDF

_FONT = None


def cjk_font_path() -> Path | None:
    """A CJK TrueType font: the system's WenQuanYi, else the one the test extras install."""
    ttc = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if ttc.exists():
        return ttc
    try:
        import paperang_p2_fonts_cjk
    except ImportError:
        return None
    ttc = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    return ttc if ttc.exists() else None


def _font() -> str:
    """The PDF font: an embedded CJK TrueType font, so the pages can be rasterised into scans."""
    global _FONT
    if _FONT is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfbase.ttfonts import TTFont
        ttc = cjk_font_path()
        if ttc is not None:
            pdfmetrics.registerFont(TTFont("WQY", str(ttc), subfontIndex=0))
            _FONT = "WQY"
        else:
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            _FONT = "STSong-Light"
    return _FONT


def build_pdf(doc: SeedDoc, path: Path | None = None, encrypt: str | None = None, filler_pages: int = 0,
              ruled: bool = True, repeat_header: bool = False) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9, wordWrap="CJK", alignment=1)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1)
    buf = io.BytesIO()
    kw = {}
    if encrypt is not None:
        from reportlab.lib import pdfencrypt
        kw["encrypt"] = pdfencrypt.StandardEncryption(encrypt, ownerPassword="owner" + encrypt, canPrint=1)
    pdf = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, **kw)
    story: list = [Paragraph(html.escape(t), title) for t in doc.title]
    story.append(Spacer(1, 6 * mm))
    story += [Paragraph(html.escape(t), body) for t in INTRO]
    for i in range(filler_pages):
        story += [Paragraph(f"（附）第{i + 1}部分工作说明：本机关持续推进政务公开标准化规范化建设，"
                            "完善公开目录，加强政策解读和回应关切。" * 3, body) for _ in range(12)]
        story.append(PageBreak())
    width = A4[0] - 30 * mm
    for lay in doc.layouts():
        story.append(Paragraph(html.escape(TABLE_HEADINGS[lay.table.key]), body))
        data = [["" for _ in range(lay.n_cols)] for _ in range(lay.n_rows)]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if ruled else []
        style += [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 7)]
        for r, c, rs, cs, text, header in _grid_cells(lay, doc.cell_text):
            data[r][c] = Paragraph(html.escape(text), cell) if text else ""
            if rs > 1 or cs > 1:
                style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
        if lay.table.key == "apply":
            widths = [width * 0.09, width * 0.09, width * 0.22] + [width * 0.6 / 7] * 7
        else:
            widths = [width / lay.n_cols] * lay.n_cols
        t = Table(data, colWidths=widths, repeatRows=lay.header_rows if repeat_header and lay.table.key == "apply" else 0)
        t.setStyle(TableStyle(style))
        story.append(t)
        story.append(Spacer(1, 4 * mm))
    story += [Paragraph(html.escape(t), body) for t in OUTRO]
    pdf.build(story)
    data = buf.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


def image_only_pdf() -> bytes:
    """A 'scanned' page: shapes only, no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in range(2):
        for i in range(40):
            c.rect(50 + (i % 5) * 90, 80 + (i // 5) * 80, 80, 60, fill=i % 2)
        c.showPage()
    c.save()
    return buf.getvalue()


# ------------------------------------------------------------------ encrypted Office file

def encrypted_ooxml() -> bytes:
    """A password-protected .docx as Office writes it: an OLE2 compound file holding the
    ``EncryptionInfo`` and ``EncryptedPackage`` streams (contents random here)."""
    import os
    import struct

    ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    info, package = os.urandom(4096), os.urandom(8192)
    n_info, n_pkg = len(info) // 512, len(package) // 512
    fat = [FATSECT, ENDOFCHAIN]
    first_info = len(fat)
    fat += [first_info + i + 1 for i in range(n_info - 1)] + [ENDOFCHAIN]
    first_pkg = len(fat)
    fat += [first_pkg + i + 1 for i in range(n_pkg - 1)] + [ENDOFCHAIN]
    fat += [FREESECT] * (128 - len(fat))

    def entry(name: str, kind: int, child=NOSTREAM, left=NOSTREAM, right=NOSTREAM, start=ENDOFCHAIN, size=0) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, left, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, child=1) + entry("EncryptionInfo", 2, right=2, start=first_info, size=len(info))
                 + entry("EncryptedPackage", 2, start=first_pkg, size=len(package)) + entry("", 0))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<108I", *([FREESECT] * 108)))
    assert len(header) == 512 and len(directory) == 512
    return header + struct.pack("<128I", *fat) + directory + info + package
