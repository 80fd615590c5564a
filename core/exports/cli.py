"""``python app.py export``: the exports from the command line, and the many-report summary.

    python app.py export FILE --xlsx OUT.xlsx [--docx OUT.docx] [--docx-inplace OUT.docx]
    python app.py export PATH... --summary OUT.xlsx

The review file beside a report (``<FILE>.review.json``) is applied when there is one, so the
exports hold the auditor's corrections; ``--no-review`` exports the values as read. Exit status:
0 written, 2 a file could not be read or an export could not be written, 3 wrong arguments.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.editions import EDITION_2019, EDITION_2021
from core.exports.common import ExportError, ExportResult, now_text, write_output
from core.loader import LoadError, load, report_files
from core.model import Report
from core.review import ReviewError, ReviewSession, apply_saved_review
from core.rules import Checker


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="导出校对结果（Excel 工作簿、Word 文档、多份报告汇总表）",
                       description="导出校对结果。单份报告：--xlsx / --docx / --docx-inplace；多份报告：--summary。")
    p.add_argument("paths", nargs="+", metavar="PATH", help="报告文件（--summary 时可为多个文件或文件夹）")
    p.add_argument("--xlsx", metavar="OUT.xlsx", help="导出 Excel 工作簿（三张表、校验结果、修改记录、报告信息）")
    p.add_argument("--docx", metavar="OUT.docx", help="导出重新生成的 Word 报告（按官方格式重排表格）")
    p.add_argument("--docx-inplace", metavar="OUT.docx", dest="docx_inplace",
                   help="把更正后的数值写回原 Word 文档的表格（另存为 OUT.docx，原文件不变；仅限 DOCX 原文）")
    p.add_argument("--summary", metavar="OUT.xlsx", help="多份报告汇总：每份报告一行，每个单元格一列")
    p.add_argument("--recursive", action="store_true", help="--summary 时递归读取子文件夹")
    p.add_argument("--no-review", action="store_true", dest="no_review", help="不应用报告旁的校对记录（.review.json）")
    p.set_defaults(func=cmd_export)


def _say(text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def open_report(path: Path, use_review: bool = True) -> tuple[Report, ReviewSession | None]:
    """Load a report and apply its saved review file (if any and wanted)."""
    report = load(path)
    session = None
    if use_review:
        try:
            session = apply_saved_review(report, path)
        except ReviewError as e:
            report.notes.append(f"校对记录无法使用：{e}")
    return report, session


def cmd_export(args: argparse.Namespace) -> int:
    single = [a for a in (args.xlsx, args.docx, args.docx_inplace) if a]
    if not single and not args.summary:
        _say("请至少指定一种导出：--xlsx、--docx、--docx-inplace 或 --summary", err=True)
        return 3
    status = 0
    if single:
        if len(args.paths) != 1:
            _say("--xlsx / --docx / --docx-inplace 只能导出一份报告；多份报告请用 --summary", err=True)
            return 3
        status = max(status, _export_one(Path(args.paths[0]), args))
    if args.summary:
        status = max(status, _export_summary(args))
    return status


def _done(res: ExportResult, what: str) -> None:
    tail = f"（还有 {res.errors_left} 处错误未解决）" if res.errors_left else ""
    _say(f"已导出 {what}：{res.path}{tail}")


def _export_one(path: Path, args: argparse.Namespace) -> int:
    try:
        report, session = open_report(path, not args.no_review)
    except LoadError as e:
        _say(f"✗ {e}", err=True)
        return 2
    checker = Checker(report)
    if session is not None:
        _say(f"已应用校对记录：{len(session.edits)} 处修改")
    status = 0
    jobs = []
    if args.xlsx:
        from core.exports.xlsx import export_xlsx
        jobs.append(("Excel 工作簿", lambda: export_xlsx(report, args.xlsx, checker, session)))
    if args.docx:
        from core.exports.docx import export_docx
        jobs.append(("Word 报告", lambda: export_docx(report, args.docx, checker, session)))
    if args.docx_inplace:
        from core.exports.docx import export_docx_inplace
        jobs.append(("写回原文的 Word 文档", lambda: export_docx_inplace(report, path, args.docx_inplace, checker, session)))
    for what, job in jobs:
        try:
            _done(job(), what)
        except ExportError as e:
            _say(f"✗ {e}", err=True)
            status = 2
    return status


# ------------------------------------------------------------------ the summary of many reports

def _merge_after(seq: list[str], item: str, prev: str | None, here: set[str]) -> None:
    """Insert `item` after `prev`, past the entries only other editions have."""
    pos = seq.index(prev) + 1 if prev in seq else 0
    while pos < len(seq) and seq[pos] not in here:
        pos += 1
    seq.insert(pos, item)


def summary_keys(editions) -> list[str]:
    """Every cell key of the given editions, table by table, rows merged in official order."""
    out: list[str] = []
    for tkey in ("active", "apply", "review"):
        rows: list[str] = []
        cols: dict[str, list[str]] = {}
        for ed in editions:
            t = ed.table(tkey)
            here_rows = {r.key for r in t.rows}
            prev = None
            for b in t.blocks:
                here_cols = {c.key for c in b.columns}
                for r in b.rows:
                    if r.key not in rows:
                        _merge_after(rows, r.key, prev, here_rows)
                    cl = cols.setdefault(r.key, [])
                    cprev = None
                    for c in b.columns:
                        if c.key not in cl:
                            _merge_after(cl, c.key, cprev, here_cols)
                        cprev = c.key
                    prev = r.key
        out += [f"{tkey}.{r}.{c}" for r in rows for c in cols[r]]
    return out


SUMMARY_FIXED = ["文件名", "机关名称", "报告年度", "表格版本", "错误数", "提示数", "待核对格数", "修改格数", "读取情况"]


def summary_rows(batch):
    """(keys, labels, rows): one row per report of the batch, in its order; unreadable files give a reason.

    Built from the batch's summaries (``core.batch``), which keep every cell value: a batch the
    window has checked exports without reading a report again.
    """
    from core.editions import EDITIONS
    from core.exports.xlsx import excel_value  # openpyxl loads only when a workbook is written
    summaries = batch.ordered()
    editions = []
    for s in summaries:
        ed = EDITIONS.get(s.edition) if s.ok else None
        ed = ed.with_subtotal() if ed is not None and s.subtotal else ed
        if ed is not None and ed not in editions:
            editions.append(ed)
    if not editions:
        editions = [EDITION_2019, EDITION_2021]
    keys = summary_keys(editions)
    labels = {}
    for k in keys:
        d = next(ed.cell_defs[k] for ed in editions if k in ed.cell_defs)
        labels[k] = d.label
    rows = []
    for s in summaries:
        if not s.ok:
            rows.append([s.name, None, None, None, None, None, None, None, f"无法读取：{s.error}"] + [None] * len(keys))
            continue
        state = "已读取" + ("；" + "；".join(s.notes) if s.notes else "")
        rows.append([s.name, s.agency or "", s.year, s.edition, s.errors, s.warnings, s.uncertain, s.edited, state]
                    + [excel_value(s.cells[k]) if k in s.cells else None for k in keys])
    return keys, labels, rows


def summary_workbook_bytes(paths: list[Path], use_review: bool = True, batch=None) -> bytes:
    """The summary workbook of `paths` (read here), or of a `batch` already checked (nothing read again)."""
    import io

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from core.exports.batch_sheets import add_batch_sheets, batch_of   # findings, counts per rule, review states
    from core.exports.xlsx import (A_CENTER, A_LEFT, AMOUNT_FORMAT, COUNT_FORMAT, F_HEAD, F_NOTE, FILL_HEADER,
                                  put)
    if batch is None:
        batch = batch_of(paths, use_review)
    keys, labels, rows = summary_rows(batch)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    n_fixed = len(SUMMARY_FIXED)
    for c, h in enumerate(SUMMARY_FIXED, start=1):
        put(ws, 1, c, h, F_HEAD, A_CENTER, border=True, fill=FILL_HEADER)
        put(ws, 2, c, None, F_HEAD, border=True, fill=FILL_HEADER)
        ws.merge_cells(start_row=1, start_column=c, end_row=2, end_column=c)
    for i, k in enumerate(keys):
        col = n_fixed + 1 + i
        put(ws, 1, col, labels[k], F_HEAD, A_CENTER, border=True, fill=FILL_HEADER)
        put(ws, 2, col, k, F_NOTE, A_CENTER, border=True, fill=FILL_HEADER)
        ws.column_dimensions[get_column_letter(col)].width = 14
    widths = [30, 24, 9, 9, 8, 8, 10, 9, 40]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    amount_keys = {k for k in keys if k.endswith(".amount")}
    for r, row in enumerate(rows, start=3):
        for c, v in enumerate(row, start=1):
            fmt = None
            if isinstance(v, (int, float)) or v.__class__.__name__ == "Decimal":
                fmt = AMOUNT_FORMAT if c > n_fixed and keys[c - n_fixed - 1] in amount_keys else COUNT_FORMAT
            put(ws, r, c, v, align=A_LEFT if c in (1, 2, 9) else A_CENTER, border=True, number_format=fmt)
    ws.row_dimensions[1].height = 60
    ws.freeze_panes = ws.cell(row=3, column=n_fixed + 1).coordinate
    put(ws, len(rows) + 4, 1, f"共 {len(rows)} 份报告；导出时间 {now_text()}；空白表示原文未填写，“/”表示不适用。",
        F_NOTE)
    add_batch_sheets(wb, batch)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _export_summary(args: argparse.Namespace) -> int:
    paths = report_files(args.paths, args.recursive)
    paths = [p for p in paths if Path(args.summary).resolve() != p.resolve()]
    if not paths:
        _say("没有找到报告文件", err=True)
        return 2
    try:
        data = summary_workbook_bytes(paths, not args.no_review)
        out = write_output(args.summary, data)
    except ExportError as e:
        _say(f"✗ {e}", err=True)
        return 2
    _say(f"已导出汇总表（{len(paths)} 份报告）：{out}")
    return 0
