"""Reading an Excel workbook as a report.

Our own export (``core.exports.xlsx``) carries a hidden sheet mapping every cell key to its sheet
and position: such a workbook is read back exactly — the values in the visible table sheets
(so a value changed in Excel afterwards comes in too) become the values as read, the edition,
year and agency come from 报告信息 and the key sheet. The source text is built from the
workbook's table sheets, one line per worksheet row with the cells tab-separated, and every
cell's span points at its text there.

Any other workbook is flattened the same way (one tab-separated line per row) and handed to the
text extractor, which finds the tables by their labels as in any other report.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook

from core.editions import EDITIONS
from core.extract import ExtractionError, extract
from core.model import Reading, Report
from core.values import Value, as_number, format_value, parse_value

MARKER = "gov-report-review-export"
KEY_SHEET = "_keys"
INFO_SHEET = "报告信息"


class _NotOurs(Exception):
    pass


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        d = Decimal(repr(v))
        return format_value(as_number(d))
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return str(v).replace("\r\n", "\n").replace("\r", "\n")


def _flat_line(values: list) -> str:
    """One worksheet row as a tab-separated line (newlines inside a cell become spaces)."""
    return "\t" + "\t".join(_cell_text(v).replace("\n", " ").replace("\t", " ") for v in values)


def _value_of(raw, exact: str, kind=None, unit=None) -> tuple[Value, str | None]:
    """The visible cell's value; the key sheet's exact text wins when it is the same number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool):
        return None, f"单元格内容“{raw}”不是数值"
    if isinstance(raw, (int, float, Decimal)):
        try:
            d = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        except InvalidOperation:
            return None, f"单元格内容“{raw}”不是数值"
        if exact:
            try:
                e = Decimal(exact)
                if isinstance(raw, float) and float(e) == raw or e == d:
                    return as_number(e), None
            except InvalidOperation:
                pass
        return as_number(d), None
    text = str(raw)
    parsed = parse_value(text, kind, unit)
    if parsed is None:
        return None, f"单元格内容“{text.strip()}”不是数值，已按空白读取"
    return parsed.value, parsed.note


def _read_own(path: Path, wb) -> Report:
    ks = wb[KEY_SHEET]
    meta = {}
    for row in ks.iter_rows(min_col=10, max_col=11, values_only=True):
        if row[0] is not None:
            meta[str(row[0])] = row[1]
    if meta.get("format") != MARKER:
        raise _NotOurs()
    edition = EDITIONS.get(str(meta.get("edition")))
    if edition is None:
        raise ExtractionError(f"工作簿中的表格版本“{meta.get('edition')}”无法识别")
    if str(meta.get("subtotal")) in ("1", "True"):
        edition = edition.with_subtotal()

    # year and agency: 报告信息 (what the auditor sees), the key sheet as a fallback
    info = {}
    if INFO_SHEET in wb.sheetnames:
        for row in wb[INFO_SHEET].iter_rows(min_col=1, max_col=2, values_only=True):
            if row[0] is not None:
                info[str(row[0]).strip()] = row[1]
    year_raw = info.get("报告年度", meta.get("year"))
    try:
        year = int(str(year_raw).strip().rstrip("年")) if year_raw not in (None, "") else None
    except ValueError:
        year = None
    agency_raw = info.get("机关名称", meta.get("agency"))
    agency = str(agency_raw) if agency_raw not in (None, "") else None

    mapping: dict[str, tuple[str, str, str, str]] = {}
    for row in ks.iter_rows(min_row=2, max_col=7, values_only=True):
        if not row[0]:
            continue
        key, sheet, coord, exact, _read, _edited, unc = (list(row) + [None] * 7)[:7]
        mapping[str(key)] = (str(sheet), str(coord), "" if exact is None else str(exact), str(unc or ""))

    # the source text: every table sheet, one line per row; remember where each cell's text sits
    lines: list[str] = []
    pos = 0
    where: dict[tuple[str, str], tuple[int, int, object]] = {}
    title = "".join(x for x in (agency or "", f"{year}年" if year else "")) + "政府信息公开工作年度报告"
    for line in (title, ""):
        lines.append(line)
        pos += len(line) + 1
    sheets = []
    for sheet, _coord, _e, _u in mapping.values():
        if sheet not in sheets:
            sheets.append(sheet)
    for sheet in sheets:
        if sheet not in wb.sheetnames:
            raise ExtractionError(f"工作簿缺少工作表“{sheet}”，无法按本工具的格式读取")
        ws = wb[sheet]
        for line_head in (sheet, ""):
            lines.append(line_head)
            pos += len(line_head) + 1
        for row in ws.iter_rows():
            line = ""
            for c in row:
                text = _cell_text(c.value).replace("\n", " ").replace("\t", " ")
                start = pos + len(line) + 1
                line += "\t" + text
                where[(sheet, c.coordinate)] = (start, start + len(text), c.value)
            lines.append(line)
            pos += len(line) + 1
        lines.append("")
        pos += 1
    text = "\n".join(lines)

    report = Report.empty(edition, text, year=year, agency=agency, source_path=str(path))
    report.source_format = "xlsx (本工具导出)"
    report.edition_basis = "本工具导出的工作簿中记录的版本"
    for key, cell in report.cells.items():
        if key not in mapping:
            continue  # stays without reading: "原文中未找到此格"
        sheet, coord, exact, unc = mapping[key]
        found = where.get((sheet, coord))
        if found is None:  # an empty cell openpyxl did not list
            ws = wb[sheet]
            raw = ws[coord].value
            report.cells[key].reading = Reading(None, "", None, None if raw is None else "单元格位置无法定位")
            continue
        start, end, raw = found
        d = edition.cell_defs[key]
        value, note = _value_of(raw, exact, d.kind, d.unit)
        uncertain = None
        if note and note.endswith("已按空白读取"):
            uncertain, note = note, None
        elif unc:
            uncertain = f"导出时仍待核对：{unc}"
        cell.reading = Reading(value, text[start:end].strip(" \t\u3000\u00a0\r"), (start, end), uncertain, note)
    if "读取说明" in info and info["读取说明"]:
        report.notes.append(f"导出前的读取说明：{info['读取说明']}")
    return report


def _read_other(path: Path, wb) -> Report:
    lines = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows(values_only=True):
            vals = list(row)
            while vals and vals[-1] is None:
                vals.pop()
            if not vals:
                lines.append("")
                continue
            if sum(1 for v in vals if v is not None) == 1 and vals[0] is not None:
                lines.append(_cell_text(vals[0]))   # a title or paragraph row
            else:
                lines.append(_flat_line(vals))
        lines.append("")
    report = extract("\n".join(lines), str(path))
    report.source_format = "xlsx"
    return report


def read(path: Path, data: bytes, progress: Callable[[int, int], None] | None = None) -> Report:
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # zip or XML damage: the loader turns it into a Chinese message
        raise ExtractionError(f"Excel 文件已损坏或不是 .xlsx 格式（{type(e).__name__}）") from e
    if progress is not None:
        progress(1, 2)
    try:
        if KEY_SHEET in wb.sheetnames:
            try:
                return _read_own(Path(path), wb)
            except _NotOurs:
                pass
        return _read_other(Path(path), wb)
    finally:
        if progress is not None:
            progress(2, 2)
