"""The Excel export: the three tables in the official layout, with the auditor's corrections.

One sheet per table, drawn from ``core.layout.table_layout`` (merged headers, official labels,
numbering) with the current values (the auditor's typed value if edited, else the value as read).
Blank stays blank, "/" is the text "/", 0 is the number 0. Cells the auditor changed carry a fill
and a comment with the value as read; cells still breaking a rule carry another fill and the rule
message. Sheets 校验结果, 修改记录 and 报告信息 follow; a hidden sheet maps every cell key to its
sheet and position, so ``core.readers.xlsx_reader`` reads the workbook back exactly.

No text from a report ever becomes a formula: every string is written as a string, and those
starting with = + - @ or a tab/CR also get Excel's quote prefix.
"""
from __future__ import annotations

import io
import math
from copy import copy
import os
import unicodedata
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.editions import Kind, short_row_label
from core.exports.common import (APP_NAME, ExportResult, clean_text, counts, now_text, read_method, report_title, shown,
                                source_info, unresolved_errors, verdict_label, verdict_of, write_output)
from core.exports.print_setup import setup_info_page, setup_list_page, setup_table_page
from core.layout import TableLayout, layouts
from core.model import HOW_OCR, Report
from core.review import ReviewSession
from core.rules import Checker, Status
from core.values import NA, Value, format_value, is_number

MARKER = "gov-report-review-export"
VERSION = 1
KEY_SHEET = "_keys"
INFO_SHEET = "报告信息"
FINDINGS_SHEET = "校验结果"
CHANGES_SHEET = "修改记录"
TOP = 3                                   # first worksheet row of a table (row 1: title)

FONT_NAME = "宋体"
F_BODY = Font(name=FONT_NAME, size=10, charset=134)
F_HEAD = Font(name=FONT_NAME, size=10, bold=True, charset=134)
F_TITLE = Font(name=FONT_NAME, size=14, bold=True, charset=134)
F_NOTE = Font(name=FONT_NAME, size=9, color="595959", charset=134)
F_EDITED = Font(name=FONT_NAME, size=10, bold=True, color="1F4E79", charset=134)   # changed by the auditor
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILL_EDITED = PatternFill("solid", fgColor="FFF2CC")      # yellow: changed by the auditor
FILL_ERROR = PatternFill("solid", fgColor="FFC7CE")       # red: still breaks a rule
FILL_WARNING = PatternFill("solid", fgColor="FCE4D6")     # orange: a softer finding
FILL_UNCERTAIN = PatternFill("solid", fgColor="DDEBF7")   # blue: reading still to be checked
FILL_HEADER = PatternFill("solid", fgColor="F2F2F2")
A_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
A_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
A_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
A_TOP_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
COUNT_FORMAT = "0"
AMOUNT_FORMAT = "0.00####"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

# Column widths per table (in Excel character units); value columns take the rest.
_LABEL_WIDTHS = {"active": [30], "apply": [6, 13, 38], "review": []}
_VALUE_WIDTH = {"active": 20, "apply": 10, "review": 9.5}


def sheet_name(layout: TableLayout) -> str:
    return f"表{layout.table.number} {layout.table.title}"[:31]


# ------------------------------------------------------------------ safe cell writing

def put(ws, row: int, col: int, value, font: Font = F_BODY, align: Alignment | None = None,
        border: bool = False, fill: PatternFill | None = None, number_format: str | None = None):
    """Write one cell. Strings are always strings: never a formula, whatever they start with."""
    cell = ws.cell(row=row, column=col)
    quote = False
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        cell.data_type = "s"
        quote = value.startswith(_FORMULA_START)
    else:
        cell.value = value
    _style(cell, font, align, border, fill, number_format, quote)
    return cell


def _style(cell, font, align, border, fill, number_format, quote=False) -> None:
    """Apply a style combination; each combination is resolved once per workbook (speed)."""
    wb = cell.parent.parent
    cache = wb.__dict__.setdefault("_export_styles", {})
    key = (id(font), id(align), border, id(fill), number_format, quote)
    cached = cache.get(key)
    if cached is not None:
        cell._style = copy(cached)
        return
    cell.font = font
    if align is not None:
        cell.alignment = align
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    if quote:
        cell.quotePrefix = True
    cache[key] = copy(cell._style)
    # keep the objects alive so their ids are not reused while the cache exists
    wb.__dict__.setdefault("_export_style_refs", []).append((font, align, fill))


def _text_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def excel_value(v: Value):
    """A cell value as written to a workbook: blank stays empty, "/" is text."""
    if v is None:
        return None
    if v is NA:
        return "/"
    return v


def _number_format(report: Report, key: str, v: Value) -> str | None:
    if not is_number(v):
        return None
    if report.edition.cell_defs[key].kind is Kind.AMOUNT:
        return AMOUNT_FORMAT
    return COUNT_FORMAT


# ------------------------------------------------------------------ cell marks

def _ocr_evidence(cell) -> list[str]:
    """What the recogniser saw, for an uncertain cell read from a page image."""
    r = cell.reading
    if r is None or r.how != HOW_OCR:
        return []
    seen = r.ocr_text if r.ocr_text else "（空白）"
    conf = f"，置信度 {r.confidence:.2f}" if r.confidence is not None else ""
    where = f"（第{r.page}页）" if r.page else ""
    lines = [f"文字识别（OCR）结果：“{seen}”{conf}{where}"]
    if r.alternatives:
        lines.append("识别的其他可能：" + "、".join(shown(v) for v in r.alternatives))
    return lines


class _Marks:
    """Per cell: the fill and comment lines (edits, broken rules, suggestions, doubts)."""

    def __init__(self, report: Report, checker: Checker, session: ReviewSession | None) -> None:
        self.fill: dict[str, PatternFill] = {}
        self.notes: dict[str, list[str]] = defaultdict(list)
        errors: dict[str, list[str]] = defaultdict(list)
        warnings: dict[str, list[str]] = defaultdict(list)
        for f in checker.problems():
            if not f.rule.cells:
                continue
            v = verdict_label(verdict_of(f, session))
            msg = f.message + (f"（审核结论：{v}）" if v else "")
            if f.status is Status.ERROR:
                for k in f.rule.cells:
                    errors[k].append(msg)
            else:
                for k in f.rule.reported or f.rule.cells:
                    warnings[k].append(msg)
        suggestions = {s.cell: s for s in checker.suggestions()}
        for key, cell in report.cells.items():
            lines = []
            if cell.edited:
                when = f"，修改于 {cell.typed_at:%Y-%m-%d %H:%M}" if cell.typed_at else ""
                lines.append(f"审核人已修改：原文读取值为 {shown(cell.read_value)}{when}")
            for label, msgs in (("未通过校验", errors.get(key)), ("提示", warnings.get(key))):
                if msgs:
                    lines.append(f"{label}：")
                    lines += [f"· {m}" for m in msgs[:4]]
                    if len(msgs) > 4:
                        lines.append(f"……等共 {len(msgs)} 条")
            if key in suggestions:
                lines.append(f"建议：改为 {format_value(suggestions[key].value)}")
            if cell.uncertain:
                lines.append(f"待核对：{cell.uncertain}")
                lines += _ocr_evidence(cell)
            if lines:
                self.notes[key] = lines
            if key in errors:
                self.fill[key] = FILL_ERROR
            elif cell.edited:
                self.fill[key] = FILL_EDITED
            elif key in warnings:
                self.fill[key] = FILL_WARNING
            elif cell.uncertain:
                self.fill[key] = FILL_UNCERTAIN


def _comment(lines: list[str]) -> Comment:
    text = clean_text("\n".join(lines))
    c = Comment(text, "校对工具")
    c.width = 320
    c.height = min(60 + 18 * sum(1 + _text_width(l) // 44 for l in lines), 400)
    return c


# ------------------------------------------------------------------ the table sheets

def _table_sheet(wb: Workbook, report: Report, lay: TableLayout, marks: _Marks, keymap: list) -> None:
    ws = wb.create_sheet(sheet_name(lay))
    tkey = lay.table.key
    widths = list(_LABEL_WIDTHS[tkey])[: lay.n_cols]
    widths += [_VALUE_WIDTH[tkey]] * (lay.n_cols - len(widths))
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = w

    title = f"{lay.table.number}、{lay.table.title}"
    put(ws, 1, 1, title, F_TITLE, A_CENTER)
    if lay.n_cols > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=lay.n_cols)
    ws.row_dimensions[1].height = 24
    who = "".join(x for x in (report.agency or "", f"{report.year}年度" if report.year else "") if x)
    put(ws, 2, 1, who, F_NOTE, Alignment(horizontal="left", vertical="center"))

    # every position of the table gets a border (merged ranges need it on each cell)
    for r in range(lay.n_rows):
        for c in range(lay.n_cols):
            _style(ws.cell(row=TOP + r, column=1 + c), F_BODY, A_CENTER, True, None, None)

    heights: dict[int, float] = defaultdict(lambda: 16.0)

    def need(row: int, rowspan: int, col: int, colspan: int, text: str, bold: bool = False) -> None:
        width = sum(widths[col:col + colspan]) - 1
        lines = max(1, math.ceil(_text_width(text) * (1.1 if bold else 1.0) / max(width, 2)))
        per_row = (lines * 13.5 + 4) / rowspan
        for r in range(row, row + rowspan):
            heights[r] = max(heights[r], per_row)

    for s in lay.spans:
        header = s.header
        if header:
            font, align, fill = F_HEAD, A_CENTER, FILL_HEADER
        elif s.rowspan > 1 or (tkey == "apply" and s.col < 2 and s.colspan == 1):
            font, align, fill = F_BODY, A_CENTER, None
        else:
            font, align, fill = F_BODY, A_LEFT, None
        put(ws, TOP + s.row, 1 + s.col, s.text, font, align, border=True, fill=fill)
        if s.rowspan > 1 or s.colspan > 1:
            ws.merge_cells(start_row=TOP + s.row, start_column=1 + s.col,
                           end_row=TOP + s.row + s.rowspan - 1, end_column=s.col + s.colspan)
            if fill is not None:
                for r in range(s.row, s.row + s.rowspan):
                    for c in range(s.col, s.col + s.colspan):
                        _style(ws.cell(row=TOP + r, column=1 + c), font, align, True, fill, None)
        need(s.row, s.rowspan, s.col, s.colspan, s.text, header)

    for key, (r, c) in lay.pos_of.items():
        cell = report.cells.get(key)
        v = cell.value if cell is not None else None
        font = F_EDITED if cell is not None and cell.edited else F_BODY
        xc = put(ws, TOP + r, 1 + c, excel_value(v), font, A_CENTER, border=True,
                 fill=marks.fill.get(key), number_format=_number_format(report, key, v))
        span = lay.value_colspan.get(key, 1)
        if span > 1:
            ws.merge_cells(start_row=TOP + r, start_column=1 + c, end_row=TOP + r, end_column=c + span)
            if key in marks.fill:
                for cc in range(c + 1, c + span):
                    _style(ws.cell(row=TOP + r, column=1 + cc), F_BODY, A_CENTER, True, marks.fill[key], None)
        if key in marks.notes:
            xc.comment = _comment(marks.notes[key])
        keymap.append((key, ws.title, xc.coordinate, v, cell))

    for r, h in heights.items():
        ws.row_dimensions[TOP + r].height = round(max(h, 18.0), 1)

    legend = ("说明：表中数值为校对后的数值；空白格表示原文未填写，“/”表示不适用。"
              "蓝色粗体、黄色底纹：审核人修改过的格（批注为原文读取值）；红色底纹：仍不满足勾稽关系的格（批注为规则说明）；"
              "橙色底纹：提示；蓝色底纹：读取结果待核对。")
    lr = TOP + lay.n_rows + 1
    put(ws, lr, 1, legend, F_NOTE, A_TOP)
    ws.merge_cells(start_row=lr, start_column=1, end_row=lr, end_column=max(lay.n_cols, 1))
    ws.row_dimensions[lr].height = 15 * max(2, math.ceil(_text_width(legend) / max(sum(widths), 20)) + 1)

    ws.freeze_panes = f"{get_column_letter(1 + lay.label_cols)}{TOP + lay.header_rows}"
    ws.sheet_view.zoomScale = 100
    setup_table_page(ws, lay.n_cols, TOP, TOP + lay.header_rows - 1)


# ------------------------------------------------------------------ the list sheets

def _list_sheet(wb: Workbook, title: str, headers: list[tuple[str, float]], rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    for i, (h, w) in enumerate(headers):
        put(ws, 1, i + 1, h, F_HEAD, A_CENTER, border=True, fill=FILL_HEADER)
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    head_lines = max(math.ceil(_text_width(h) * 1.1 / max(w - 1, 1)) for h, w in headers)
    ws.row_dimensions[1].height = 14.5 * head_lines + 3     # a wrapped header shows whole, on paper too
    for r, row in enumerate(rows, start=2):
        lines = 1
        for (_h, w), v in zip(headers, row):
            if isinstance(v, str) and v:
                lines = max(lines, sum(math.ceil(max(_text_width(part), 1) / max(w - 1, 1))
                                       for part in v.split("\n")))
        ws.row_dimensions[r].height = min(14.5 * lines + 3, 409)     # 409 pt: the most a row can be
        for c, v in enumerate(row, start=1):
            fmt = None
            if isinstance(v, Decimal):
                fmt = AMOUNT_FORMAT
            elif isinstance(v, int):
                fmt = COUNT_FORMAT
            # numbers at the top too, level with the first line of the texts beside them
            put(ws, r, c, v, F_BODY, A_TOP if isinstance(v, str) else A_TOP_CENTER, border=True,
                number_format=fmt)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    setup_list_page(ws)


def _num(v):
    """A rule sum in a list cell: a number, or empty when there is none."""
    if v is None:
        return None
    if v is NA:
        return "/"
    return v


def _cell_labels(report: Report, keys) -> str:
    """The cells of a finding, as an auditor names them. A rule over one column (or one row) of a
    table names the column once — 表三「自然人」列：（一）予以公开、（二）部分公开… — in the words of
    the rule itself, instead of repeating table and column on each of twenty cells: the printed list
    stays short enough to read."""
    defs = [report.edition.cell_defs.get(k) for k in keys]
    if len(defs) > 1 and all(defs):
        tables = {d.table.number for d in defs}
        if len(tables) == 1 and len({d.column.label for d in defs}) == 1:
            return f"表{defs[0].table.number}「{defs[0].column.label}」列：" + "、".join(
                short_row_label(d.row) for d in defs)
        if len(tables) == 1 and len({short_row_label(d.row) for d in defs}) == 1:
            return f"表{defs[0].table.number}「{short_row_label(defs[0].row)}」行：" + "、".join(
                d.column.label for d in defs)
    return "、".join(d.label if d else k for d, k in zip(defs, keys))


def _findings_rows(report: Report, checker: Checker, session: ReviewSession | None) -> list[list]:
    rows = []
    seen = set()
    n = 0
    for f in checker.problems():
        n += 1
        v = verdict_of(f, session)
        seen.add(f.rule.id)
        rows.append([n, "错误" if f.status is Status.ERROR else "提示", f.rule.id, f.rule.title,
                     _cell_labels(report, f.rule.cells), _num(f.reported), _num(f.computed), _num(f.difference),
                     len(f.blank_cells), f.message, verdict_label(v), v.comment if v else "",
                     v.reviewer if v else "", v.at if v else ""])
    if session is not None:
        # verdicts on findings that no longer fire (corrected since): still part of the record
        for fkey, v in session.verdicts.items():
            rule_id = fkey.split("|", 1)[0]
            if rule_id in seen:
                continue
            f = checker.findings.get(rule_id)
            if f is None:
                continue
            n += 1
            rows.append([n, "已解决", rule_id, f.rule.title, _cell_labels(report, f.rule.cells),
                         _num(f.reported), _num(f.computed), _num(f.difference), len(f.blank_cells),
                         f.message or "现已满足", verdict_label(v), v.comment, v.reviewer, v.at])
    for s in checker.suggestions():
        n += 1
        rows.append([n, "建议", "、".join(s.rules), "修正建议", _cell_labels(report, [s.cell]),
                     _num(report.value(s.cell)), _num(s.value), None, None, s.message, "", "", "", ""])
    return rows


def _changes_rows(report: Report, session: ReviewSession | None) -> list[list]:
    rows = []
    history = session.history if session is not None else []
    for i, ch in enumerate(history, start=1):
        d = report.edition.cell_defs.get(ch.cell)
        cell = report.cells.get(ch.cell)
        rows.append([i, d.label if d else ch.cell, shown(cell.read_value) if cell else "",
                     shown(ch.before), shown(ch.after), ch.at, ch.reviewer, ch.cell])
    if not history:
        # edits without a recorded history (applied from elsewhere): list the edits themselves
        for i, key in enumerate(report.edited_keys(), start=1):
            cell = report.cells[key]
            rows.append([i, cell.definition.label, shown(cell.read_value), shown(cell.read_value),
                         shown(cell.value), f"{cell.typed_at:%Y-%m-%d %H:%M:%S}" if cell.typed_at else "",
                         session.reviewer if session else "", key])
    return rows


def _info_rows(report: Report, checker: Checker, session: ReviewSession | None) -> list[tuple[str, object]]:
    name, digest = source_info(report)
    errors, warnings, uncertain = counts(checker)
    return [
        ("报告标题", report_title(report)),
        ("机关名称", report.agency or ""),
        ("报告年度", report.year if report.year else ""),
        ("表格版本", f"{report.edition.name}（{report.edition.document}）"),
        ("版本判定依据", report.edition_basis),
        ("原文件名", name),
        ("原文件 SHA-256", digest),
        ("原文件格式", report.source_format),
        ("读取方式", read_method(report)),
        ("审核人", session.reviewer if session else ""),
        ("导出时间", now_text()),
        ("导出工具", APP_NAME),
        ("错误数", errors),
        ("未处理的错误数", len(unresolved_errors(checker, session))),
        ("提示数", warnings),
        ("待核对格数", uncertain),
        ("修改格数", len(report.edited_keys())),
        ("读取说明", "；".join(report.notes)),
    ]


def _key_sheet(wb: Workbook, report: Report, keymap: list) -> None:
    ws = wb.create_sheet(KEY_SHEET)
    ws.sheet_state = "hidden"
    meta = [("format", MARKER), ("version", VERSION), ("edition", report.edition.key),
            ("subtotal", 1 if report.edition.has_subtotal else 0), ("year", report.year or ""),
            ("agency", report.agency or ""), ("source_format", report.source_format)]
    for i, (k, v) in enumerate(meta, start=1):
        put(ws, i, 10, k)
        put(ws, i, 11, v)
    for c, h in enumerate(["key", "sheet", "cell", "value", "read_value", "edited", "uncertain"], start=1):
        put(ws, 1, c, h)
    for r, (key, sheet, coord, v, cell) in enumerate(keymap, start=2):
        put(ws, r, 1, key)
        put(ws, r, 2, sheet)
        put(ws, r, 3, coord)
        put(ws, r, 4, format_value(v))
        put(ws, r, 5, format_value(cell.read_value) if cell else "")
        put(ws, r, 6, 1 if cell is not None and cell.edited else 0)
        put(ws, r, 7, (cell.uncertain or "") if cell else "")


# ------------------------------------------------------------------ entry points

def build_workbook(report: Report, checker: Checker | None = None,
                   session: ReviewSession | None = None) -> Workbook:
    checker = checker or Checker(report)
    wb = Workbook()
    wb.remove(wb.active)
    marks = _Marks(report, checker, session)
    keymap: list = []
    for lay in layouts(report.edition):
        _table_sheet(wb, report, lay, marks, keymap)
    _list_sheet(wb, FINDINGS_SHEET,
                [("序号", 5), ("状态", 6), ("规则编号", 20), ("规则", 22), ("涉及单元格", 26), ("报告值", 8),
                 ("计算值", 8), ("差额", 7), ("空白格数", 6), ("说明", 40), ("审核结论", 8), ("审核意见", 16),
                 ("审核人", 7), ("结论时间", 11)],     # ≈ 190 units: landscape A4 at ≈ 78 %, still legible
                _findings_rows(report, checker, session))
    _list_sheet(wb, CHANGES_SHEET,
                [("序号", 6), ("单元格", 46), ("原文读取值", 12), ("修改前", 10), ("修改后", 10), ("修改时间", 26),
                 ("审核人", 12), ("单元格编号", 30)],
                _changes_rows(report, session))
    info = wb.create_sheet(INFO_SHEET)
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 80
    for r, (k, v) in enumerate(_info_rows(report, checker, session), start=1):
        put(info, r, 1, k, F_HEAD, A_LEFT, border=True, fill=FILL_HEADER)
        put(info, r, 2, v, F_BODY, A_LEFT, border=True, number_format="0" if isinstance(v, int) else None)
    setup_info_page(info)
    _key_sheet(wb, report, keymap)
    wb.active = 0
    wb.properties.creator = APP_NAME
    wb.properties.title = clean_text(report_title(report))
    return wb


def workbook_bytes(report: Report, checker: Checker | None = None, session: ReviewSession | None = None) -> bytes:
    buf = io.BytesIO()
    build_workbook(report, checker, session).save(buf)
    return buf.getvalue()


def export_xlsx(report: Report, out_path: str | os.PathLike[str], checker: Checker | None = None,
                session: ReviewSession | None = None) -> ExportResult:
    """Write the workbook atomically. Raises ExportError (Chinese) when it cannot be written."""
    checker = checker or Checker(report)
    data = workbook_bytes(report, checker, session)
    p = write_output(out_path, data, source=report.source_path)
    errors, warnings, _ = counts(checker)
    return ExportResult(Path(p), len(unresolved_errors(checker, session)), warnings, "xlsx")
