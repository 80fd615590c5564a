"""The exported workbook prints like the official form: A4, one table per page set, fitted to the
width, header rows repeated, the 校验结果 sheet landscape, wrapped and legible.

The page setup is checked in the file itself; with LibreOffice Calc installed the workbook is also
rendered to PDF and the pages are measured (size, orientation, what is on each page, type size).
"""
from __future__ import annotations

import os
import statistics
import subprocess
from pathlib import Path

import openpyxl
import pytest

from core.exports.print_setup import choose_landscape
from core.exports.xlsx import CHANGES_SHEET, FINDINGS_SHEET, INFO_SHEET, TOP, export_xlsx, sheet_name
from core.layout import layouts
from core.loader import load
from tests.export.helpers import seed_named, soffice

A4 = (595, 842)


def _export(tmp_path, prefix="003") -> tuple[Path, object]:
    report = load(seed_named(prefix))
    out = tmp_path / f"{prefix}.xlsx"
    export_xlsx(report, out)
    return out, report


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_every_printed_sheet_is_a4_fitted_to_width_never_squeezed_in_height(tmp_path, prefix):
    out, report = _export(tmp_path, prefix)
    wb = openpyxl.load_workbook(out)
    printed = [sheet_name(lay) for lay in layouts(report.edition)] + [FINDINGS_SHEET, CHANGES_SHEET, INFO_SHEET]
    for name in printed:
        ws = wb[name]
        ps = ws.page_setup
        assert (int(ps.paperSize), ws.sheet_properties.pageSetUpPr.fitToPage) == (int(ws.PAPERSIZE_A4), True), name
        assert (int(ps.fitToWidth), int(ps.fitToHeight)) == (1, 0), name
        assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text, name


def test_table_header_rows_repeat_and_orientation_follows_the_table(tmp_path):
    out, report = _export(tmp_path)
    wb = openpyxl.load_workbook(out)
    got = {}
    for lay in layouts(report.edition):
        ws = wb[sheet_name(lay)]
        # 表二 is a column of small sub-tables, each with its own header: nothing to repeat
        assert (ws.print_title_rows or "").replace("$", "") == (f"{TOP}:{TOP + lay.header_rows - 1}" if lay.header_rows else "")
        got[lay.table.key] = ws.page_setup.orientation
    # 表二 (4 columns) and 表三 (tall, one page at 76 %) portrait; 表四 (15 columns) landscape
    assert [lay.header_rows > 0 for lay in layouts(report.edition)] == [False, True, True]
    assert got == {"active": "portrait", "apply": "portrait", "review": "landscape"}
    findings = wb[FINDINGS_SHEET]
    assert findings.page_setup.orientation == "landscape" and findings.print_title_rows.replace("$", "") == "1:1"
    assert all(c.alignment.wrap_text for c in findings["J"][1:])         # 说明 wraps


def test_orientation_choice():
    # fits portrait at full size: portrait
    assert choose_landscape(90, 400) is False
    # wide and short: landscape at full size beats portrait shrunk
    assert choose_landscape(150, 200) is True
    # wide and tall: one portrait page at ~76 % beats two landscape pages
    assert choose_landscape(134, 600) is False
    # so wide that portrait would print below 70 %: landscape even if it takes more pages
    assert choose_landscape(160, 700) is True


def _calc_installed() -> bool:
    exe = soffice()
    if exe is None:
        return False
    program = Path(os.path.realpath(exe)).parent
    return any(program.glob("libsclo.*")) or any(program.glob("sc*.dll"))


@pytest.mark.skipif(not _calc_installed(), reason="LibreOffice Calc not installed")
def test_rendered_pages_are_a4_one_table_per_page_and_legible(tmp_path):
    import pypdfium2 as pdfium

    out, report = _export(tmp_path)
    env = dict(os.environ, HOME=str(tmp_path))
    subprocess.run([soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=240, env=env)
    pdf = pdfium.PdfDocument(tmp_path / "003.pdf")
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        text = tp.get_text_range()
        heights = [tp.get_charbox(k)[3] - tp.get_charbox(k)[1] for k in range(min(tp.count_chars(), len(text)))
                   if "\u4e00" <= text[k] <= "\u9fff"]
        w, h = (round(x) for x in page.get_size())
        pages.append((w, h, text, statistics.median(heights)))
    assert all(sorted((w, h)) == list(A4) for w, h, *_ in pages)
    # each table: its own page, starting with its title; 表三 whole on one page (its last row there)
    titles = [f"{lay.table.number}、{lay.table.title}" for lay in layouts(report.edition)]
    table_pages = [next(i for i, p in enumerate(pages) if t in p[2]) for t in titles]
    assert table_pages == [0, 1, 2]
    assert "结转下年度继续办理" in pages[1][2] and "（七）总计" in pages[1][2]
    assert (pages[0][0], pages[1][0], pages[2][0]) == (595, 595, 842)     # portrait, portrait, landscape
    findings = [p for p in pages if "校验结果" in p[2] and "规则编号" in p[2]]
    assert len(findings) >= 2                                     # runs on; header on every page
    assert all(p[0] == 842 for p in findings)                     # landscape
    # legible: the median CJK glyph is at least 4.8 pt tall (10 pt type printed at >= ~68 %)
    small = [(i + 1, round(p[3], 2)) for i, p in enumerate(pages) if p[3] < 4.8]
    assert small == []
