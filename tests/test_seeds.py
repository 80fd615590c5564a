"""Every seed report extracts exactly to the cells read by hand, and checks as expected."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, SEED_FILES, expected_for
from core.extract import extract
from core.loader import load
from core.rules import Checker
from core.values import to_json


def test_seed_cells_exact(seed):
    exp = expected_for(seed)
    report = load(seed)
    assert report.edition.key == exp["edition"]
    assert report.year == exp["year"]
    wrong = {k: (to_json(report.value(k)), v) for k, v in exp["cells"].items() if to_json(report.value(k)) != v}
    assert wrong == {}
    assert report.uncertain_keys() == [k for k in report.uncertain_keys() if k not in exp["cells"]]


def test_seed_spans_point_at_the_number(seed):
    report = load(seed)
    for key, cell in report.cells.items():
        if cell.reading is None or cell.value is None:
            continue
        s, e = cell.span
        assert report.source_text[s:e].strip() == cell.reading.raw, key


def test_seed_findings(seed):
    exp = expected_for(seed)
    checker = Checker(load(seed))
    flagged = {c for f in checker.errors() for c in f.rule.cells}
    assert set(exp["violated_cells"]) <= flagged
    if not exp["violated_cells"]:
        assert checker.errors() == []


def test_seed_003_culprit_and_fix():
    seed = next(p for p in SEED_FILES if p.name.startswith("003"))
    report = load(seed)
    checker = Checker(report)
    ids = {f.rule.id for f in checker.errors()}
    assert ids == {"T3-BAL:natural", "T3-ROWSUM:handled_total", "T3-RESULT:natural"}
    [s] = checker.suggestions()
    assert (s.cell, s.value) == ("apply.handled_total.natural", 2)
    assert set(s.rules) == ids
    report.cells[s.cell].set(s.value)
    checker.recheck(s.cell)
    assert checker.errors() == []
    assert report.cells[s.cell].read_value is None and report.cells[s.cell].edited


def test_seed_title_agency():
    agencies = {p.name[:3]: load(p).agency for p in SEED_FILES}
    assert agencies["000"] == "松北区行政审批局"
    assert agencies["003"] == "松北区船口街道"
    assert agencies["004"] == "哈尔滨市阿城区工业信息科技局"


def test_check_seeds_tool_passes():
    tool = ROOT.parent / "shared" / "tools" / "check_seeds.py"
    if not tool.exists():
        import pytest
        pytest.skip("shared/tools not beside this checkout")
    proc = subprocess.run([sys.executable, str(tool)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "files with problems: 0" in proc.stdout


def test_cli_json_contract():
    proc = subprocess.run([sys.executable, "app.py", "check", *map(str, SEED_FILES), "--json"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 1  # seed 003 has error violations
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [ln["file"] for ln in lines] == [str(p) for p in SEED_FILES]
    for ln, path in zip(lines, SEED_FILES):
        exp = expected_for(path)
        assert ln["ok"] is True and ln["edition"] == exp["edition"]
        assert len(ln["cells"]) == (198 if exp["edition"] == "2019" else 200)
        for v in ln["violations"]:
            assert {"rule", "severity", "cells", "expected", "actual", "message"} <= set(v)
            assert v["severity"] in ("error", "warning")
    s003 = lines[3]
    err = [v for v in s003["violations"] if v["severity"] == "error"]
    bal = next(v for v in err if v["rule"] == "T3-BAL:natural")
    assert bal["expected"] == 2 and bal["actual"] is None
    assert s003["suggestions"][0]["cell"] == "apply.handled_total.natural"
    assert s003["suggestions"][0]["value"] == 2


def test_cli_text_summary_names_culprit():
    seed = next(p for p in SEED_FILES if p.name.startswith("003"))
    proc = subprocess.run([sys.executable, "app.py", "check", str(seed)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)
    out = proc.stdout
    assert proc.returncode == 1
    assert "T3-BAL:natural" in out and "（七）总计·自然人" in out and "改为 2" in out
    assert "2019 年试行版" in out and "松北区船口街道" in out


def test_extract_is_deterministic_on_text(seed):
    text = seed.read_text(encoding="utf-8")
    a, b = extract(text), extract(text)
    assert a.values() == b.values()
