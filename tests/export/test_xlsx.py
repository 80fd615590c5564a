"""The Excel export: official layout, current values, marks, list sheets, safety, round trip."""
from __future__ import annotations

import os
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from core.editions import EDITION_2021
from core.exports.common import ExportError, suggested_name
from core.exports.xlsx import (FILL_EDITED, FILL_ERROR, INFO_SHEET, KEY_SHEET, TOP, export_xlsx, sheet_name)
from core.layout import layouts, table_layout
from core.loader import load
from core.model import Reading, Report
from core.review import ReviewSession, CORRECTED, SOURCE_ERROR, finding_key, sha256_of
from core.rules import Checker
from core.values import NA, to_json
from tests.export.helpers import copy_seed, seed_named, soffice


def _export(report, tmp_path, name="out.xlsx", **kw):
    out = tmp_path / name
    export_xlsx(report, out, **kw)
    return out, openpyxl.load_workbook(out)


def _xl(v):
    return None if v is None else ("/" if v is NA else v)


def test_values_and_labels_in_official_layout(seed, tmp_path):
    report = load(seed)
    _, wb = _export(report, tmp_path)
    names = [sheet_name(l) for l in layouts(report.edition)]
    assert wb.sheetnames[:3] == names
    assert names[0] == "表二 主动公开政府信息情况"
    assert {"校验结果", "修改记录", "报告信息", KEY_SHEET} <= set(wb.sheetnames)
    assert wb[KEY_SHEET].sheet_state == "hidden"
    for lay in layouts(report.edition):
        ws = wb[sheet_name(lay)]
        merged = {str(r) for r in ws.merged_cells.ranges}
        for s in lay.spans:
            c = ws.cell(row=TOP + s.row, column=1 + s.col)
            assert c.value == (s.text or None), s
            if s.rowspan > 1 or s.colspan > 1:
                rng = f"{c.coordinate}:{ws.cell(row=TOP + s.row + s.rowspan - 1, column=s.col + s.colspan).coordinate}"
                assert rng in merged
        for key, (r, col) in lay.pos_of.items():
            c = ws.cell(row=TOP + r, column=1 + col)
            v = report.value(key)
            if isinstance(v, Decimal):
                assert c.value == pytest.approx(float(v)), key
            else:
                assert c.value == _xl(v), key
            if isinstance(v, int):
                amount = report.edition.cell_defs[key].kind.value == "amount"
                assert type(c.value) is int and c.number_format == ("0.00####" if amount else "0")
            assert c.border.left.style == "thin"
            assert c.font.name == "宋体"
        assert ws.freeze_panes is not None


def test_table3_header_merges():
    lay = table_layout(EDITION_2021, "apply")
    assert lay.header_rows == 3


def test_table3_merged_ranges(tmp_path):
    report = load(seed_named("004"))
    _, wb = _export(report, tmp_path)
    ws = wb["表三 收到和处理政府信息公开申请情况"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"A{TOP}:C{TOP + 2}" in merged                    # the 勾稽 note over 3×3
    assert f"D{TOP}:J{TOP}" in merged                        # 申请人情况
    assert f"E{TOP + 1}:I{TOP + 1}" in merged                # 法人或其他组织
    assert f"D{TOP + 1}:D{TOP + 2}" in merged                # 自然人
    assert ws[f"A{TOP + 5}"].value == "三、本年度办理结果"
    assert f"A{TOP + 5}:A{TOP + 5 + 21}" in merged           # 22 result rows in 2021
    assert ws.freeze_panes == f"D{TOP + 3}"


def test_blank_zero_and_na_stay_distinct(tmp_path):
    report = load(seed_named("001"))
    report.cells["apply.new.natural"].set(0)
    report.cells["apply.new.commercial"].set(NA)
    report.cells["apply.new.research"].set(None)
    out, wb = _export(report, tmp_path)
    ws = wb["表三 收到和处理政府信息公开申请情况"]
    lay = table_layout(report.edition, "apply")
    get = lambda k: ws.cell(row=TOP + lay.pos_of[k][0], column=1 + lay.pos_of[k][1])
    assert get("apply.new.natural").value == 0
    assert get("apply.new.commercial").value == "/" and get("apply.new.commercial").data_type == "s"
    assert get("apply.new.research").value is None
    back = load(out)
    assert back.value("apply.new.natural") == 0
    assert back.value("apply.new.commercial") is NA
    assert back.value("apply.new.research") is None


def test_amount_format_and_exact_decimals(tmp_path):
    report = load(seed_named("004"))
    report.cells["active.fees.amount"].set(Decimal("2387.47225"))
    out, wb = _export(report, tmp_path)
    ws = wb["表二 主动公开政府信息情况"]
    lay = table_layout(report.edition, "active")
    r, c = lay.pos_of["active.fees.amount"]
    cell = ws.cell(row=TOP + r, column=1 + c)
    assert cell.number_format == "0.00####"
    assert cell.value == pytest.approx(2387.47225)
    assert f"{chr(65 + c)}{TOP + r}:D{TOP + r}" in {str(x) for x in ws.merged_cells.ranges}   # spans the row
    assert load(out).value("active.fees.amount") == Decimal("2387.47225")
    # more digits than a double holds: the key sheet's exact text brings them back
    report.cells["active.fees.amount"].set(Decimal("12345678.123456789"))
    out, _ = _export(report, tmp_path, "b.xlsx")
    assert load(out).value("active.fees.amount") == Decimal("12345678.123456789")


def test_edited_and_error_cells_are_marked(tmp_path):
    report = load(seed_named("003"))
    checker = Checker(report)
    assert checker.errors()
    key = "apply.handled_total.natural"
    out, wb = _export(report, tmp_path, checker=checker)
    ws = wb["表三 收到和处理政府信息公开申请情况"]
    lay = table_layout(report.edition, "apply")
    cell = lambda k: ws.cell(row=TOP + lay.pos_of[k][0], column=1 + lay.pos_of[k][1])
    c = cell(key)
    assert c.fill.fgColor.rgb[-6:] == FILL_ERROR.fgColor.rgb[-6:]
    assert "（七）总计" in c.comment.text and "建议：改为 2" in c.comment.text
    assert cell("apply.new.natural").fill.fgColor.rgb[-6:] == FILL_ERROR.fgColor.rgb[-6:]
    # correct it: the cell becomes "edited" (yellow, comment with the value as read), the red goes
    report.cells[key].set(2)
    checker = Checker(report)
    assert not checker.errors()
    out, wb = _export(report, tmp_path, "b.xlsx", checker=checker)
    ws = wb["表三 收到和处理政府信息公开申请情况"]
    c = cell(key)
    assert c.value == 2
    assert c.fill.fgColor.rgb[-6:] == FILL_EDITED.fgColor.rgb[-6:]
    assert "原文读取值为 空白" in c.comment.text
    assert c.font.b and c.font.color.rgb.endswith("1F4E79")
    assert cell("apply.new.natural").fill.fgColor.rgb[-6:] not in (FILL_ERROR.fgColor.rgb[-6:],)
    back = load(out)
    assert back.value(key) == 2 and not back.cells[key].edited


def test_findings_changes_and_info_sheets(tmp_path):
    src = copy_seed("003", tmp_path)
    report = load(src)
    session = ReviewSession.for_source(src, reviewer="张三")
    checker = Checker(report)
    errs = checker.errors()
    f0 = errs[0]
    session.set_verdict(finding_key(f0.rule.id, f0.rule.cells), SOURCE_ERROR, "原文如此")
    key = "apply.new.commercial"
    before = report.value(key)
    report.cells[key].set(5)
    session.record(report, key, before)
    checker = Checker(report)
    out, wb = _export(report, tmp_path, checker=checker, session=session)

    ws = wb["校验结果"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["序号", "状态", "规则编号", "规则", "涉及单元格"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    probs = checker.problems()
    assert [r[2] for r in rows[:len(probs)]] == [f.rule.id for f in probs]
    by_id = {r[2]: r for r in rows}
    r0 = by_id[f0.rule.id] if f0.rule.id in by_id else None
    if r0 is not None:
        assert r0[10] == "原文错误" and r0[11] == "原文如此" and r0[12] == "张三"
    labels = rows[0][4]
    assert labels.startswith("表三「") and ("」列：" in labels or "」行：" in labels)
    assert any(r[1] == "错误" for r in rows)

    ws = wb["修改记录"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, values_only=False)]
    assert len(rows) == 1
    assert rows[0][1] == report.cells[key].definition.label == "表三·一、本年新收政府信息公开申请数量·商业企业"
    assert rows[0][2] == "0" == rows[0][3] and rows[0][4] == "5" and rows[0][6] == "张三"

    info = {r[0]: r[1] for r in wb[INFO_SHEET].iter_rows(values_only=True)}
    assert info["机关名称"] == "松北区船口街道"
    assert info["报告年度"] == 2020
    assert "2019" in info["表格版本"] and "60号" in info["表格版本"]
    assert info["原文件名"] == src.name
    assert info["原文件 SHA-256"] == sha256_of(src)
    assert info["导出时间"]
    assert info["审核人"] == "张三"


def test_verdict_on_resolved_finding_is_listed(tmp_path):
    src = copy_seed("003", tmp_path)
    report = load(src)
    session = ReviewSession.for_source(src, reviewer="李四")
    f = Checker(report).errors()[0]
    session.set_verdict(finding_key(f.rule.id, f.rule.cells), CORRECTED, "已按原件更正")
    report.cells["apply.handled_total.natural"].set(2)
    _, wb = _export(report, tmp_path, session=session)
    rows = [[c.value for c in r] for r in wb["校验结果"].iter_rows(min_row=2)]
    assert any(r[2] == f.rule.id and r[10] == "已更正" and r[11] == "已按原件更正" for r in rows)
    # a rule that now holds is still listed, as resolved
    src = copy_seed("001", tmp_path)
    report = load(src)
    g = Checker(report).findings["T3-BAL:natural"]
    assert g.severity is None
    session.set_verdict(finding_key(g.rule.id, g.rule.cells), CORRECTED, "")
    _, wb = _export(report, tmp_path, "b.xlsx", session=session)
    rows = [[c.value for c in r] for r in wb["校验结果"].iter_rows(min_row=2)]
    assert any(r[1] == "已解决" and r[2] == g.rule.id and r[10] == "已更正" for r in rows)


FORMULA_TITLE = '=HYPERLINK("http://x")局2020年'


def test_formula_injection_written_as_text(tmp_path):
    src = copy_seed("003", tmp_path, first_line=FORMULA_TITLE)
    report = load(src)
    assert report.agency.startswith("=HYPERLINK")
    out, wb = _export(report, tmp_path)
    # nowhere in the package is there a formula
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    info = wb[INFO_SHEET]
    cells = [c for row in info.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells, "the agency must appear"
    for c in cells:
        assert c.data_type == "s" and c.quotePrefix
    ws = wb["表二 主动公开政府信息情况"]
    assert ws["A2"].value.startswith("=HYPERLINK") and ws["A2"].data_type == "s"
    # read back with openpyxl keeping formulas: still a plain string
    wb2 = openpyxl.load_workbook(out, data_only=False)
    assert wb2[INFO_SHEET]["B2"].data_type == "s"
    assert load(out).agency == report.agency


@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_formula_injection_not_evaluated_by_libreoffice(tmp_path):
    src = copy_seed("003", tmp_path, first_line=FORMULA_TITLE)
    report = load(src)
    out, _ = _export(report, tmp_path)
    # recalculate on load and save as xlsx again: a formula would come back as <f> or a computed value
    env = dict(os.environ, HOME=str(tmp_path))
    conv = tmp_path / "conv"
    subprocess.run([soffice(), "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(conv), str(out)],
                   check=True, capture_output=True, timeout=180, env=env)
    wb = openpyxl.load_workbook(conv / out.name, data_only=False)
    v = wb[INFO_SHEET]["B2"]
    assert v.data_type == "s" and v.value == report.agency
    assert wb["表二 主动公开政府信息情况"]["A2"].value.startswith("=HYPERLINK")


def test_other_starting_characters_are_text(tmp_path):
    report = load(seed_named("001"))
    for prefix in ("+1", "-1", "@SUM(A1)", "\t=1", "=1+1"):
        report.agency = prefix + "局"
        out, wb = _export(report, tmp_path, "p.xlsx")
        c = wb[INFO_SHEET]["B2"]
        assert c.data_type == "s" and c.value == prefix + "局" and c.quotePrefix


def test_round_trip_every_seed(seed, tmp_path):
    report = load(seed)
    out, _ = _export(report, tmp_path)
    back = load(out)
    assert back.edition.key == report.edition.key
    assert back.edition.has_subtotal == report.edition.has_subtotal
    assert (back.year, back.agency) == (report.year, report.agency)
    assert set(back.cells) == set(report.cells)
    for k, c in report.cells.items():
        a, b = c.value, back.value(k)
        assert type(a) is type(b) and to_json(a) == to_json(b), k
        bc = back.cells[k]
        if bc.reading is not None and bc.span is not None and b is not None:
            s, e = bc.span
            assert back.source_text[s:e].strip() == bc.reading.raw, k
    # and once more: the re-export of the re-read workbook is the same again
    out2, _ = _export(back, tmp_path, "again.xlsx")
    assert load(out2).values() == back.values()


def test_round_trip_with_edits_and_subtotal(tmp_path):
    ed = EDITION_2021.with_subtotal()
    report = Report.empty(ed, "", year=2022, agency="测试局")
    for i, k in enumerate(report.cells):
        report.cells[k].reading = Reading(i % 7 if i % 5 else None, str(i), None)
    report.cells["apply.granted.subtotal"].set(NA)
    report.cells["active.fees.amount"].set(Decimal("0.5"))
    out, _ = _export(report, tmp_path)
    back = load(out)
    assert back.edition.has_subtotal
    assert back.values() == report.values()


def test_review_uncertainty_survives(tmp_path):
    report = load(seed_named("001"))
    report.cells["apply.new.natural"].reading = Reading(90, "90", None, "原文数字连写，已拆分，请核对")
    out, _ = _export(report, tmp_path)
    back = load(out)
    assert "原文数字连写" in back.cells["apply.new.natural"].uncertain


def test_visible_value_changed_in_excel_is_read(tmp_path):
    report = load(seed_named("001"))
    out, wb = _export(report, tmp_path)
    lay = table_layout(report.edition, "apply")
    r, c = lay.pos_of["apply.new.natural"]
    wb["表三 收到和处理政府信息公开申请情况"].cell(row=TOP + r, column=1 + c).value = 91
    wb.save(out)
    assert load(out).value("apply.new.natural") == 91


def test_foreign_workbook_is_extracted_from_its_text(tmp_path):
    """A workbook not made by us: its rows become text lines and the extractor reads them."""
    report = load(seed_named("001"))
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in report.source_text.split("\n"):
        ws.append([line.strip()] if line.strip() else [])
    out = tmp_path / "foreign.xlsx"
    wb.save(out)
    back = load(out)
    assert back.values() == report.values()


# ------------------------------------------------------------------ safe writing

def test_permission_error_keeps_existing_file(tmp_path, monkeypatch):
    report = load(seed_named("001"))
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old contents")

    def deny(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", deny)
    with pytest.raises(ExportError) as e:
        export_xlsx(report, out)
    assert "正在被其他程序" in str(e.value) and "out.xlsx" in str(e.value)
    assert out.read_bytes() == b"old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_missing_folder_and_source_itself_refused(tmp_path):
    src = copy_seed("001", tmp_path)
    report = load(src)
    with pytest.raises(ExportError, match="不存在"):
        export_xlsx(report, tmp_path / "nope" / "x.xlsx")
    with pytest.raises(ExportError, match="原始报告文件"):
        export_xlsx(report, src)
    assert src.read_bytes() == seed_named("001").read_bytes()


def test_failure_while_writing_leaves_no_half_file(tmp_path, monkeypatch):
    report = load(seed_named("001"))
    out = tmp_path / "out.xlsx"
    real_fsync = os.fsync

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError, match="No space left"):
        export_xlsx(report, out)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(os, "fsync", real_fsync)


def test_suggested_name():
    report = load(seed_named("000"))
    assert suggested_name(report, ".xlsx") == "松北区行政审批局2020年报_校对.xlsx"
    report.agency = 'a/b:c'
    assert "/" not in suggested_name(report, ".docx")


def test_finding_cells_named_once_per_column_or_row():
    """A rule over one column (or row) names it once, in the rule's own words; others list full labels."""
    from core.exports.xlsx import _cell_labels
    report = load(seed_named("003"))
    col = ["apply.handled_total.natural", "apply.granted.natural", "apply.partial.natural"]
    assert _cell_labels(report, col) == "表三「自然人」列：（七）总计、（一）予以公开、（二）部分公开"
    row = ["apply.new.total", "apply.new.natural", "apply.new.commercial"]
    assert _cell_labels(report, row) == "表三「一、本年新收政府信息公开申请数量」行：总计、自然人、商业企业"
    mixed = ["apply.new.total", "apply.granted.natural"]
    assert _cell_labels(report, mixed) == "、".join(report.cells[k].definition.label for k in mixed)
    assert _cell_labels(report, ["apply.new.natural"]) == report.cells["apply.new.natural"].definition.label
