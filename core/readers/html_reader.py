"""Web pages saved from a portal (.html/.htm/.shtml, and .mhtml archives).

Decoding: a byte-order mark, else the charset the page declares (GBK/GB2312 read as GB18030, their
superset), else detection (``core.textio.decode``). The page is parsed with BeautifulSoup on lxml;
scripts, styles, forms' widgets, navigation, headers/footers and hidden elements are dropped.
Tables that hold no other table are rebuilt into grids from rowspan/colspan; tables used only for
page layout (they hold other tables) are read as containers. The source text starts at the
report's title (portal menus and breadcrumbs before it are left out) and runs to the page end.
"""
from __future__ import annotations

import codecs
import email
import email.policy
import re
from pathlib import Path

from core.loader import LoadError
from core.model import Report
from core.readers.base import Block, Grid, GridCell, Paragraph, Progress, build_report, report_progress
from core.textio import DecodeError, decode

_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030",
              "euc-cn": "gb18030", "x-euc-cn": "gb18030", "hz-gb-2312": "gb18030", "gb18030": "gb18030"}
_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select",
         "option", "button", "input", "textarea", "nav", "header", "footer", "aside", "head", "map", "audio",
         "video", "frameset", "frame", "link", "meta"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "main",
          "blockquote", "pre", "dl", "dt", "dd", "center", "form", "hr", "tr", "td", "th", "table", "tbody",
          "thead", "tfoot", "caption", "figure", "figcaption", "address", "body", "html"}
_REPORT_MARKS = ("本年新收", "信息内容", "第二十条", "行政复议", "申请人情况")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
MAX_SPAN = 200


# ------------------------------------------------------------------ decoding

def _norm_charset(name: str | None) -> str | None:
    if not name:
        return None
    n = name.strip().strip("'\"").lower()
    n = _SUPERSETS.get(n, n)
    try:
        return codecs.lookup(n).name
    except LookupError:
        return None


def decode_html(path: Path, data: bytes) -> tuple[str, str]:
    """Text of a page and the encoding it was read in."""
    from bs4.dammit import EncodingDetector

    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                break
    declared = _norm_charset(EncodingDetector.find_declared_encoding(data, is_html=True))
    if declared and declared not in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # the page lies about its charset: detect instead
    try:
        return decode(data)
    except DecodeError as e:
        error = e
    # a page with a few damaged bytes: read it as browsers do, damaged bytes shown as �
    if b"\x00" not in data[:8000]:
        for enc in ([declared] if declared else []) + ["utf-8", "gb18030"]:
            text = data.decode(enc, errors="replace")
            bad = text.count("\ufffd")
            if bad <= max(len(text) * 0.002, 3):
                return text, f"{enc}，有{bad}处字节无法解码" if bad else enc
    raise LoadError(path, f"网页的文字编码无法识别（{error}）") from error


def _from_mhtml(path: Path, data: bytes) -> tuple[str, str] | None:
    """The HTML part of a saved .mhtml archive, decoded."""
    head = data[:4096].lower()
    if b"mime-version" not in head and b"multipart/related" not in head:
        return None
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = _norm_charset(part.get_content_charset())
            if charset:
                try:
                    return payload.decode(charset), charset
                except UnicodeDecodeError:
                    pass
            return decode_html(path, payload)
    raise LoadError(path, "MHTML 网页存档中没有找到 HTML 正文")


# ------------------------------------------------------------------ DOM to blocks

def _skip_strings() -> tuple[type, ...]:
    from bs4 import element
    names = ("Comment", "Declaration", "Doctype", "ProcessingInstruction", "Script", "Stylesheet", "TemplateString")
    return tuple(getattr(element, n) for n in names if hasattr(element, n))


_SKIP_STRINGS = _skip_strings()


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        self.buf = []
        if text:
            self.blocks.append(Paragraph(text))

    def walk(self, node) -> None:
        """Depth-first over the DOM without recursion (pages can nest thousands deep)."""
        from bs4 import NavigableString, Tag
        stack = [iter(node.children)]
        flush_on_exit = [False]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                if flush_on_exit.pop():
                    self.flush()
                continue
            if isinstance(child, Tag):
                name = child.name
                if name == "br":
                    self.flush()
                elif name == "table" and child.find("table") is None:
                    self.flush()
                    grid = table_grid(child)
                    if grid.cells:
                        self.blocks.append(grid)
                else:
                    block = name in _BLOCK
                    if block:
                        self.flush()
                    stack.append(iter(child.children))
                    flush_on_exit.append(block)
            elif isinstance(child, NavigableString) and not isinstance(child, _SKIP_STRINGS):
                self.buf.append(str(child))


def _cell_text(td) -> str:
    w = _Walker()
    w.walk(td)
    w.flush()
    lines = []
    for b in w.blocks:
        if isinstance(b, Paragraph):
            lines.append(b.text)
        elif isinstance(b, Grid):  # pragma: no cover - leaf tables hold no tables
            lines.append(b.text())
    return "\n".join(lines)


def _span(td, attr: str, limit: int) -> int:
    raw = td.get(attr)
    if raw is None:
        return 1
    m = re.match(r"\s*(\d+)", str(raw))
    if not m:
        return 1
    n = int(m.group(1))
    if n == 0:
        return limit          # rowspan="0": to the end of the table
    return max(1, min(n, limit))


def table_grid(table) -> Grid:
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    occupied: set[tuple[int, int]] = set()
    cells: list[GridCell] = []
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in occupied:
                c += 1
            rs = _span(td, "rowspan", len(rows) - r)
            cs = _span(td, "colspan", MAX_SPAN)
            cell = GridCell(_cell_text(td), r, c, rs, cs)
            cells.append(cell)
            for i in range(r, r + rs):
                for j in range(c, c + cs):
                    occupied.add((i, j))
            c += cs
    return Grid(cells)


def _drop_noise(soup) -> None:
    from bs4 import Tag
    for tag in soup.find_all(list(_DROP)):
        if tag.name in ("header", "footer") and tag.find_parent(["article", "main"]) is not None:
            continue   # an article's own header holds its title
        tag.decompose()
    for tag in soup.find_all(style=_HIDDEN):
        if isinstance(tag, Tag):
            tag.decompose()
    for tag in soup.find_all(attrs={"hidden": True}):
        tag.decompose()


def _is_report_table(b: Block) -> bool:
    if not isinstance(b, Grid):
        return False
    text = b.text()
    return any(m in text for m in _REPORT_MARKS)


_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")


def _start_at_title(blocks: list[Block], page_title: str) -> list[Block]:
    """Leave out what comes before the report's title (menus, breadcrumbs, site banners)."""
    first = next((i for i, b in enumerate(blocks) if _is_report_table(b)), len(blocks))
    title = None
    for i in range(first - 1, -1, -1):
        b = blocks[i]
        if isinstance(b, Paragraph) and "报告" in b.text and len(b.text) <= 60 and not re.search(r"[。；！？]", b.text) \
                and ("公开" in b.text or _YEAR.search(b.text)) and "当前位置" not in b.text:
            title = i          # the nearest title above the tables (not a sidebar's list of other years)
            break
    if title is not None:
        # "XX局2020年" on the line before "政府信息公开工作年度报告"
        prev = blocks[title - 1] if title > 0 else None
        if isinstance(prev, Paragraph) and len(prev.text) <= 40 and _YEAR.search(prev.text) \
                and "报告" not in prev.text and not re.search(r"[。；：:！？]", prev.text):
            title -= 1
        return blocks[title:]
    if page_title:
        parts = [p.strip() for p in re.split(r"[_|｜\-—–]+", page_title) if p.strip()]
        best = next((p for p in parts if "报告" in p), None)
        if best:
            return [Paragraph(best)] + blocks
    return blocks


def page_blocks(path: Path, text: str) -> list[Block]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    title_tag = soup.find("title")
    page_title = " ".join(title_tag.get_text().split()) if title_tag else ""
    _drop_noise(soup)
    root = soup.body or soup
    w = _Walker()
    w.walk(root)
    w.flush()
    return _start_at_title(w.blocks, page_title)


def read(path: Path, data: bytes, progress: Progress = None) -> Report:
    report_progress(progress, 0, 3, path)
    decoded = _from_mhtml(path, data)
    text, encoding = decoded if decoded is not None else decode_html(path, data)
    report_progress(progress, 1, 3, path)
    blocks = page_blocks(path, text)
    report_progress(progress, 2, 3, path)
    has_tables = any(_is_report_table(b) for b in blocks)
    reason = ("网页中的表格不完整，未找到政府信息公开年度报告的统计表（表二、表三、表四）" if has_tables else
              "网页中没有找到政府信息公开年度报告的统计表格（表二、表三、表四），可能不是年度报告正文页，"
              "或表格是图片/由脚本加载")
    report = build_report(blocks, path, f"html ({encoding})", reason)
    if "无法解码" in encoding:
        report.notes.append(f"网页编码有误：{encoding.split('，', 1)[1]}，已显示为“\ufffd”，请留意这些位置")
    report_progress(progress, 3, 3, path)
    return report
