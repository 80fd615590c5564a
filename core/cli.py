"""The command line: ``python app.py check PATH... [--json]`` (contract.md) and friends.

No Qt here: the CLI runs on machines without a display and is what other tools call.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from core.loader import LoadError, load, report_files
from core.model import Report
from core.rules import Checker, Finding, Status
from core.values import format_value, to_json


def check_result(path: Path, report: Report, checker: Checker) -> dict:
    """One line of ``check --json``, exactly as contract.md describes it."""
    return {
        "file": str(path),
        "ok": True,
        "edition": report.edition.key,
        "year": report.year,
        "agency": report.agency,
        "cells": {k: to_json(c.value) for k, c in report.cells.items()},
        "uncertain": report.uncertain_keys(),
        "sources": report.sources(),
        "violations": [finding_json(f) for f in checker.problems()],
        "suggestions": [{"cell": s.cell, "value": to_json(s.value), "rules": list(s.rules), "message": s.message}
                        for s in checker.suggestions()],
        "notes": list(report.notes),
    }


def finding_json(f: Finding) -> dict:
    out = {
        "rule": f.rule.id,
        "severity": f.severity,
        "cells": list(f.rule.cells),
        "reported_cells": list(f.rule.reported),
        "computed_cells": list(f.rule.computed),
        "expected": to_json(f.computed),
        "actual": to_json(f.reported),
        "difference": to_json(f.difference),
        "blank_cells": list(f.blank_cells),
        "message": f.message,
    }
    if f.span is not None:                      # text rules (contract.md "Rules beyond the tables")
        out["span"] = [f.span[0], f.span[1]]
    if f.other_file is not None:                # cross-report rules
        out["other_file"] = f.other_file
        out["other_cells"] = list(f.other_cells)
    return out


def summary_text(path: Path, report: Report, checker: Checker) -> str:
    """The readable Chinese summary of one file."""
    lines = [f"== {path}",
             f"   版本：{report.edition.name}（{report.edition.document}；{report.edition_basis}）",
             f"   年度：{report.year or '未识别'}    机关：{report.agency or '未识别'}"]
    for n in report.notes:
        lines.append(f"   注意：{n}")
    unc = report.uncertain_keys()
    if unc:
        lines.append(f"   待核对（读取不确定）{len(unc)} 格：" + "、".join(
            report.cells[k].definition.label for k in unc[:8]) + ("……" if len(unc) > 8 else ""))
    errors = [f for f in checker.problems() if f.status is Status.ERROR]
    warnings = [f for f in checker.problems() if f.status is Status.WARNING]
    lines.append(f"   结果：{len(errors)} 处错误，{len(warnings)} 处提示，{len(checker.blank_rules())} 条规则因输入全部空白未检查")
    for f in errors:
        lines.append(f"   ✗ [{f.rule.id}] {f.message}")
        for k in f.rule.cells:
            c = report.cells[k]
            if c.value is not None and c.value != 0 or k in f.rule.reported:
                lines.append(f"       {c.definition.label} = {format_value(c.value) or '空白'}")
    for s in checker.suggestions():
        lines.append(f"   ➜ 建议：{s.message}（涉及 {', '.join(s.rules)}）")
    for f in warnings:
        lines.append(f"   △ [{f.rule.id}] {f.message}")
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    if getattr(args, "cross", False):
        from core.cross_cli import check_cross
        return check_cross(args)
    status = 0
    out = sys.stdout
    for path in report_files(args.paths, args.recursive):
        try:
            report = load(path)
        except LoadError as e:
            status = 2
            if args.json:
                out.write(json.dumps({"file": str(path), "ok": False, "error": str(e)}, ensure_ascii=False) + "\n")
            else:
                out.write(f"== {path}\n   ✗ {e}\n")
            out.flush()
            continue
        _apply_review(report, path, args)
        checker = Checker(report)
        if checker.errors() and status == 0:
            status = 1
        if args.json:
            out.write(json.dumps(check_result(path, report, checker), ensure_ascii=False) + "\n")
        else:
            out.write(summary_text(path, report, checker) + "\n")
    return status


def _apply_review(report: Report, path: Path, args: argparse.Namespace) -> None:
    """Apply the auditor's saved corrections when asked (``--review``)."""
    if not getattr(args, "review", False):
        return
    try:
        from core.review import apply_saved_review
    except ImportError:
        return
    apply_saved_review(report, path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="政府信息公开工作年度报告 校对工具")
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check", help="读取报告并检查勾稽关系")
    check.add_argument("paths", nargs="+", metavar="PATH", help="报告文件或文件夹")
    check.add_argument("--json", action="store_true", help="每个文件输出一行 JSON（JSON Lines）")
    check.add_argument("--recursive", action="store_true", help="递归读取子文件夹")
    check.add_argument("--review", action="store_true", help="应用报告旁保存的校对记录（.review.json）")
    check.add_argument("--cross", action="store_true",
                       help="比较同一机关相邻年度的报告（上年结转、项目数量、现行有效件数）")
    check.set_defaults(func=cmd_check)
    _add_export(sub)
    return parser


def _add_export(sub: argparse._SubParsersAction) -> None:
    try:
        from core.exports.cli import add_parser
    except ImportError:
        return
    add_parser(sub)


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
