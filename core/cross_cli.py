"""``check PATH... --cross``: the check run with the cross-report rules over all its reports.

Cross-report findings need every report of the run, so the results are kept (as their output
lines, not as report models) until all files are read, then printed in input order with each
report's cross findings added to its ``violations`` (contract.md "Rules beyond the tables").
"""
from __future__ import annotations

import argparse
import json
import sys

from core.cli import _apply_review, check_result, finding_json, summary_text
from core.cross import Facts, cross_findings, facts_of
from core.loader import LoadError, load, report_files


def check_cross(args: argparse.Namespace) -> int:
    status = 0
    results: list[tuple[str, object]] = []      # (path, JSON dict or summary text) in input order
    facts: list[Facts] = []
    for path in report_files(args.paths, args.recursive):
        try:
            report = load(path)
        except LoadError as e:
            status = 2
            results.append((str(path), {"file": str(path), "ok": False, "error": str(e)} if args.json
                            else f"== {path}\n   ✗ {e}"))
            continue
        _apply_review(report, path, args)
        from core.rules import Checker
        checker = Checker(report)
        if checker.errors() and status == 0:
            status = 1
        facts.append(facts_of(report, path))
        results.append((str(path), check_result(path, report, checker) if args.json
                        else summary_text(path, report, checker)))
    found = cross_findings(facts)
    out = sys.stdout
    for path, result in results:
        extra = found.get(path, [])
        if args.json:
            if extra and isinstance(result, dict):
                result["violations"] += [finding_json(f) for f in extra]
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            lines = [str(result)] + [f"   △ [{f.rule.id}] {f.message}（本报告：{'、'.join(f.rule.cells)}；"
                                     f"对照：{f.other_file}，{'、'.join(f.other_cells)}）" for f in extra]
            out.write("\n".join(lines) + "\n")
    out.flush()
    return status
