"""Assertions shared by the reader tests."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.model import Report
from core.values import to_json

ROOT = Path(__file__).resolve().parents[2]


def assert_matches_expected(report: Report, expected: dict) -> None:
    assert report.edition.key == expected["edition"]
    assert report.year == expected["year"]
    wrong = {k: (v, to_json(report.cells[k].value)) for k, v in expected["cells"].items()
             if to_json(report.cells[k].value) != v}
    assert not wrong, f"cells read wrongly (expected, got): {wrong}"
    unc = [k for k in expected["cells"] if report.cells[k].uncertain]
    assert not unc, f"uncertain: {unc[:5]} {[report.cells[k].uncertain for k in unc[:2]]}"
    assert_spans(report)


def assert_spans(report: Report) -> None:
    """Every reading's span points at its raw text in the source (a blank: an empty span)."""
    for k, c in report.cells.items():
        r = c.reading
        if r is None or r.span is None:
            continue
        s, e = r.span
        assert 0 <= s <= e <= len(report.source_text), k
        assert report.source_text[s:e] == r.raw, (k, report.source_text[s:e], r.raw)
        if r.raw:
            assert report.cell_at(s) == k


def cli_check(path: Path) -> list[dict]:
    proc = subprocess.run([sys.executable, str(ROOT / "app.py"), "check", str(path), "--json"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=ROOT)
    assert "Traceback" not in proc.stderr, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
