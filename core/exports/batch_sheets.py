"""The batch sheets of the summary workbook: every finding, counts per rule, review states.

``export --summary`` (core.exports.cli) writes one row per report and one column per cell; these
sheets add what a submission round's review needs on top: the list of every finding across the
batch (with the text span or the other year's report where there is one), how often each rule is
broken, and where the review of each report stands. Plain openpyxl, no Qt.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from core.batch import REVIEW_STATES, Batch, now_text, summarise

HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")

FINDING_HEADERS = ["文件名", "机关名称", "报告年度", "规则", "类别", "说明", "涉及单元格", "原文位置（字符）",
                   "对照报告", "对照单元格"]
RULE_HEADERS = ["规则", "规则说明", "错误数", "提示数", "涉及报告数"]
STATE_HEADERS = ["文件名", "机关名称", "报告年度", "校对状态", "校对人", "最后保存", "错误数", "未解决错误数",
                 "提示数", "跨年度问题数"]


def batch_of(paths: list[Path], use_review: bool = True) -> Batch:
    batch = Batch(paths)
    for p in paths:
        batch.add(summarise(p, use_review=use_review))
    batch.apply_cross()
    return batch


def _sheet(wb: Workbook, title: str, headers: list[str], widths: list[int]):
    ws = wb.create_sheet(title)
    ws.append(headers)
    for c in range(1, len(headers) + 1):
        cell = ws.cell(row=1, column=c)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1]
    ws.freeze_panes = "A2"
    return ws


def add_batch_sheets(wb: Workbook, batch: Batch) -> None:
    """Append the 问题清单, 规则统计 and 校对状态 sheets for the batch's reports."""
    ws = _sheet(wb, "问题清单", FINDING_HEADERS, [30, 24, 9, 22, 6, 70, 34, 14, 30, 34])
    for s in batch.ordered():
        for f in s.all_findings():
            ws.append([s.name, s.agency or "", s.year, f.rule, "错误" if f.severity == "error" else "提示",
                       f.message, "、".join(f.cells), f"{f.span[0]}–{f.span[1]}" if f.span else None,
                       Path(f.other_file).name if f.other_file else None, "、".join(f.other_cells) or None])
            ws.cell(row=ws.max_row, column=6).alignment = WRAP
    ws = _sheet(wb, "规则统计", RULE_HEADERS, [16, 40, 9, 9, 11])
    for c in batch.rule_counts():
        ws.append([c.family, c.title, c.errors, c.warnings, c.reports])
    ws = _sheet(wb, "校对状态", STATE_HEADERS, [30, 24, 9, 10, 12, 22, 8, 12, 8, 12])
    for s in batch.ordered():
        if not s.ok:
            ws.append([s.name, None, None, "无法读取", None, None, None, None, None, None])
            continue
        ws.append([s.name, s.agency or "", s.year, s.review_state, s.reviewer, s.saved_at, s.errors,
                   s.unresolved, s.warnings, len(s.cross)])
    counts = batch.state_counts()
    ws.append([])
    ws.append(["合计"] + [f"{state} {counts.get(state, 0)} 份" for state in REVIEW_STATES]
              + [f"导出时间 {now_text()}"])
