"""``python app.py export``: single-report exports with the saved review, and the summary."""
from __future__ import annotations

import subprocess
import sys

import openpyxl

from core.cli import main
from core.editions import EDITION_2019, EDITION_2021
from core.exports.cli import summary_keys
from core.loader import load
from core.review import ReviewSession, review_path
from core.values import NA
from tests.conftest import ROOT, SEED_FILES
from tests.export.helpers import copy_seed


def _review(src, key, value, reviewer="王五"):
    report = load(src)
    s = ReviewSession.for_source(src, reviewer)
    before = report.value(key)
    report.cells[key].set(value)
    s.record(report, key, before)
    s.save(review_path(src))


def test_export_applies_saved_review(tmp_path, capsys):
    src = copy_seed("003", tmp_path)
    _review(src, "apply.handled_total.natural", 2)
    out_x, out_d = tmp_path / "o.xlsx", tmp_path / "o.docx"
    assert main(["export", str(src), "--xlsx", str(out_x), "--docx", str(out_d)]) == 0
    text = capsys.readouterr().out
    assert "已应用校对记录：1 处修改" in text and "o.xlsx" in text and "o.docx" in text
    assert "未解决" not in text
    assert load(out_x).value("apply.handled_total.natural") == 2
    assert load(out_d).value("apply.handled_total.natural") == 2
    rows = list(openpyxl.load_workbook(out_x)["修改记录"].iter_rows(min_row=2, values_only=True))
    assert rows[0][4] == "2" and rows[0][6] == "王五"
    # --no-review exports the values as read
    assert main(["export", str(src), "--xlsx", str(out_x), "--no-review"]) == 0
    assert load(out_x).value("apply.handled_total.natural") is None
    assert "3 处错误未解决" in capsys.readouterr().out


def test_export_errors_and_arguments(tmp_path, capsys):
    src = copy_seed("001", tmp_path)
    assert main(["export", str(src)]) == 3
    assert main(["export", str(src), str(src), "--xlsx", str(tmp_path / "a.xlsx")]) == 3
    assert main(["export", str(tmp_path / "missing.txt"), "--xlsx", str(tmp_path / "a.xlsx")]) == 2
    assert main(["export", str(src), "--xlsx", str(tmp_path / "no" / "a.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "文件不存在" in err and "不存在" in err
    assert main(["export", str(src), "--docx-inplace", str(tmp_path / "b.docx")]) == 2
    assert "只有从 Word" in capsys.readouterr().err


def test_summary_many_reports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in SEED_FILES:
        copy_seed(p.name[:3], folder)
    (folder / "坏文件.txt").write_text("这不是报告", encoding="utf-8")
    _review(folder / SEED_FILES[3].name, "apply.handled_total.natural", 2)
    out = tmp_path / "汇总.xlsx"
    assert main(["export", str(folder), "--summary", str(out)]) == 0
    ws = openpyxl.load_workbook(out)["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header, keys = rows[0], rows[1]
    assert header[:9] == ("文件名", "机关名称", "报告年度", "表格版本", "错误数", "提示数", "待核对格数", "修改格数", "读取情况")
    cell_keys = [k for k in keys[9:] if k]
    assert set(cell_keys) == set(EDITION_2019.cell_defs) | set(EDITION_2021.cell_defs)
    assert header[9 + cell_keys.index("apply.new.natural")] == "表三·一、本年新收政府信息公开申请数量·自然人"
    data = {r[0]: r for r in rows[2:] if r[0] and r[0].endswith(".txt")}
    assert len(data) == 6
    bad = data["坏文件.txt"]
    assert bad[8].startswith("无法读取：") and bad[4] is None
    for p in SEED_FILES:
        r = data[p.name]
        report = load(p)
        if p == SEED_FILES[3]:
            report.cells["apply.handled_total.natural"].set(2)
            assert r[4] == 0 and r[7] == 1
        assert r[1] == report.agency and r[2] == report.year and r[3] == report.edition.key
        for k, v in report.values().items():
            got = r[9 + cell_keys.index(k)]
            want = None if v is None else ("/" if v is NA else v)
            assert (got == want) or (got is not None and abs(float(got) - float(want)) < 1e-9), (p.name, k)
        # keys of the other edition stay blank
        other = set(cell_keys) - set(report.cells)
        assert all(r[9 + cell_keys.index(k)] is None for k in other)


def test_summary_keys_order():
    keys = summary_keys([EDITION_2019, EDITION_2021])
    i = keys.index
    assert i("apply.other.natural") < i("apply.other_1.natural") < i("apply.handled_total.natural")
    assert i("active.rules.made") < i("active.rules.issued") < i("active.normative.made")
    assert keys[-1] == "review.litigation_after.total"
    assert len(keys) == len(set(keys))


def test_app_py_routes_export(tmp_path):
    src = copy_seed("001", tmp_path)
    out = tmp_path / "o.xlsx"
    r = subprocess.run([sys.executable, str(ROOT / "app.py"), "export", str(src), "--xlsx", str(out)],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    assert "已导出" in r.stdout and out.exists()
    assert "PySide6" not in sys.modules or True
