"""The Word export: regenerated report (text, official tables, fonts, page) and in-place write-back."""
from __future__ import annotations

import os
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from core.exports.common import ExportError
from core.exports.docx import (BODY_FONT, TABLE_FONT, export_docx, export_docx_inplace, narrative)
from core.layout import layouts
from core.loader import load
from core.values import NA, format_value, to_json
from tests.export.helpers import copy_seed, seed_named


def _grid_texts(table):
    """Each grid position's text, merged cells resolved (python-docx repeats a merged cell)."""
    return [[c.text for c in row.cells] for row in table.rows]


def _tables(path):
    return docx.Document(str(path)).tables


def test_tables_hold_grid_values_and_labels(seed, tmp_path):
    report = load(seed)
    out = tmp_path / "out.docx"
    export_docx(report, out)
    tables = _tables(out)
    lays = layouts(report.edition)
    assert len(tables) == 3
    for lay, table in zip(lays, tables):
        grid = _grid_texts(table)
        assert len(grid) == lay.n_rows and all(len(r) == lay.n_cols for r in grid)
        for key, (r, c) in lay.pos_of.items():
            assert grid[r][c] == format_value(report.value(key)), key
        for s in lay.spans:
            assert grid[s.row][s.col] == s.text
            # merged: every covered position shows the same cell
            assert grid[s.row + s.rowspan - 1][s.col + s.colspan - 1] == s.text


def test_round_trip_through_docx_reader(seed, tmp_path):
    report = load(seed)
    out = tmp_path / "out.docx"
    export_docx(report, out)
    back = load(out)
    assert back.source_format.startswith("docx")
    assert (back.edition.key, back.year, back.agency) == (report.edition.key, report.year, report.agency)
    for k, c in report.cells.items():
        a, b = c.value, back.value(k)
        assert type(a) is type(b) and to_json(a) == to_json(b), k


def test_corrected_values_blank_zero_na(tmp_path):
    report = load(seed_named("003"))
    report.cells["apply.handled_total.natural"].set(2)
    report.cells["apply.new.commercial"].set(NA)
    report.cells["apply.new.research"].set(None)
    out = tmp_path / "out.docx"
    export_docx(report, out)
    back = load(out)
    assert back.value("apply.handled_total.natural") == 2
    assert back.value("apply.new.commercial") is NA
    assert back.value("apply.new.research") is None
    assert back.value("apply.new.natural") == 2


def test_title_text_fonts_and_page(tmp_path):
    report = load(seed_named("003"))
    out = tmp_path / "out.docx"
    export_docx(report, out)
    d = docx.Document(str(out))
    paras = [p.text for p in d.paragraphs if p.text.strip()]
    assert paras[0] == "松北区船口街道2020年\n政府信息公开工作年度报告"     # two title lines
    paras[0] = paras[0].replace("\n", "")
    src = report.source_text
    # narrative paragraphs come from the source, in order; table labels do not leak out as paragraphs
    assert "一、总体情况" in paras
    assert any(p.startswith("为依法推进我街道政府信息公开工作") for p in paras)
    assert paras.index("一、总体情况") < paras.index("五、存在的主要问题及改进措施")
    for p in paras[1:]:
        assert p in src or p in ("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"), p
    assert "规章" not in paras and "信息内容" not in paras and "0" not in paras
    assert paras.count("二、主动公开政府信息情况") == 1
    # east-asian fonts really set
    body_run = next(p for p in d.paragraphs if p.text.startswith("为依法推进")).runs[0]
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == BODY_FONT
    cell_run = d.tables[1].rows[5].cells[2].paragraphs[0].runs[0]
    assert cell_run._element.rPr.rFonts.get(qn("w:eastAsia")) == TABLE_FONT
    with zipfile.ZipFile(out) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:altName w:val="仿宋"' in fonts
    s = d.sections[0]
    assert round(s.page_width.cm, 1) == 21.0 and round(s.page_height.cm, 1) == 29.7
    assert s.page_width < s.page_height
    assert 2.5 <= s.left_margin.cm <= 3.0


def test_narrative_outside_tables(seed):
    report = load(seed)
    n = narrative(report)
    assert n.before and n.after
    spans = [c.reading.span for c in report.cells.values() if c.reading and c.reading.span and c.reading.raw]
    text = report.source_text
    for p in n.before + n.after:
        i = text.find(p)
        if i >= 0:
            assert not any(s < i + len(p) and i < e for s, e in spans), p


def test_formula_like_agency_is_plain_text(tmp_path):
    src = copy_seed("003", tmp_path, first_line='=HYPERLINK("http://x")局2020年')
    report = load(src)
    out = tmp_path / "out.docx"
    export_docx(report, out)
    d = docx.Document(str(out))
    assert d.paragraphs[0].text.startswith('=HYPERLINK("http://x")局2020年')
    with zipfile.ZipFile(out) as z:
        assert b"w:fldSimple" not in z.read("word/document.xml") and b"w:instrText" not in z.read("word/document.xml")


def test_docx_write_is_safe(tmp_path, monkeypatch):
    report = load(seed_named("001"))
    out = tmp_path / "out.docx"
    out.write_bytes(b"old")

    def deny(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", deny)
    with pytest.raises(ExportError, match="正在被其他程序"):
        export_docx(report, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


# ------------------------------------------------------------------ in place

def _docx_source(tmp_path, prefix="003"):
    """A DOCX report to start from: the regenerated one, read back through the DOCX reader."""
    report = load(seed_named(prefix))
    src = tmp_path / "原报告.docx"
    export_docx(report, src)
    return src, load(src)


def test_inplace_writes_only_changed_cells(tmp_path):
    src, report = _docx_source(tmp_path)
    assert report.source_format.startswith("docx")
    before_bytes = src.read_bytes()
    report.cells["apply.handled_total.natural"].set(2)
    report.cells["apply.new.commercial"].set(7)
    out = tmp_path / "写回.docx"
    res = export_docx_inplace(report, src, out)
    assert res.path == out
    assert src.read_bytes() == before_bytes            # the original is never touched
    back = load(out)
    for k in report.cells:
        assert back.value(k) == report.value(k), k
    # everything else is as it was: same paragraphs, same table count, same cell formatting
    d0, d1 = docx.Document(str(src)), docx.Document(str(out))
    assert [p.text for p in d0.paragraphs] == [p.text for p in d1.paragraphs]
    t0, t1 = d0.tables[1], d1.tables[1]
    changed = [(r, c) for r in range(len(t0.rows)) for c in range(len(t0.columns))
               if t0.cell(r, c).text != t1.cell(r, c).text]
    assert len(changed) == 2
    r, c = changed[0]
    run = t1.cell(r, c).paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == TABLE_FONT
    assert run.font.size == t0.cell(r, c + 1).paragraphs[0].runs[0].font.size


def test_inplace_clears_and_marks_na(tmp_path):
    src, report = _docx_source(tmp_path, "001")
    report.cells["apply.new.natural"].set(None)
    report.cells["apply.new.total"].set(NA)
    out = tmp_path / "o.docx"
    export_docx_inplace(report, src, out)
    back = load(out)
    assert back.value("apply.new.natural") is None and back.value("apply.new.total") is NA


def test_inplace_refuses_other_document(tmp_path):
    src, report = _docx_source(tmp_path, "003")
    other = tmp_path / "other.docx"
    other_report = load(seed_named("001"))
    other_report.cells["apply.new.natural"].set(55)
    export_docx(other_report, other)
    report.cells["apply.handled_total.natural"].set(2)
    with pytest.raises(ExportError, match="不一致"):
        export_docx_inplace(report, other, tmp_path / "o.docx")
    assert not (tmp_path / "o.docx").exists()


def test_inplace_refuses_unmatched_structure(tmp_path):
    """A DOCX whose tables are typed as paragraphs: the text reader finds the values, the
    structure does not, so no cell is written."""
    seed = seed_named("001")
    d = docx.Document()
    for line in seed.read_text(encoding="utf-8").split("\n"):
        d.add_paragraph(line)
    src = tmp_path / "段落.docx"
    d.save(str(src))
    report = load(src)
    assert report.value("apply.new.natural") == 90
    report.cells["apply.new.natural"].set(91)
    with pytest.raises(ExportError, match="无法在原 Word 文档"):
        export_docx_inplace(report, src, tmp_path / "o.docx")
    assert not (tmp_path / "o.docx").exists()


def test_inplace_refuses_non_docx_source(tmp_path):
    report = load(seed_named("001"))
    report.cells["apply.new.natural"].set(91)
    with pytest.raises(ExportError, match="只有从 Word"):
        export_docx_inplace(report, seed_named("001"), tmp_path / "o.docx")


# ------------------------------------------------------------------ in place, on DOCX built another way

def _edit_some(report):
    """Change one cell in each table (to values the cell may hold)."""
    edits = {}
    for key in ("apply.new.natural", "review.reconsideration.upheld", "active.rules." +
                report.edition.table("active").blocks[0].columns[0].key):
        v = report.value(key)
        new = (v + 5) if isinstance(v, int) else 4
        report.cells[key].set(new)
        edits[key] = new
    return edits


def _other_docx(seed, tmp_path, variant=None):
    from tests.readers.conftest import doc_for
    from tests.readers.fixtures import build_docx
    doc = doc_for(seed)
    if variant == "subtotal":
        doc = doc.with_subtotal()
    path = build_docx(doc, tmp_path / "原文.docx")
    if variant == "split":
        import copy
        d = docx.Document(str(path))
        tbl = d.tables[1]._tbl
        second = copy.deepcopy(tbl)
        for tr in tbl.tr_lst[10:]:
            tbl.remove(tr)
        for tr in second.tr_lst[:10]:
            second.remove(tr)
        tbl.addnext(second)
        d.save(str(path))
    return path


@pytest.mark.parametrize("variant", [None, "subtotal", "split"])
def test_inplace_on_docx_built_with_python_docx_merges(seed, tmp_path, variant):
    path = _other_docx(seed, tmp_path, variant)
    report = load(path)
    before = {k: c.value for k, c in report.cells.items()}
    edits = _edit_some(report)
    out = tmp_path / "写回.docx"
    export_docx_inplace(report, path, out)
    back = load(out)
    assert back.edition.has_subtotal == (variant == "subtotal")
    for k in report.cells:
        want = edits.get(k, before[k])
        assert back.value(k) == want and type(back.value(k)) is type(want), k
    # paragraphs untouched
    assert [p.text for p in docx.Document(str(path)).paragraphs] == [p.text for p in docx.Document(str(out)).paragraphs]


def test_regenerating_a_regenerated_report_is_stable(seed, tmp_path):
    """Export, open the export, export again: the same paragraphs and the same values."""
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    export_docx(load(seed), a)
    export_docx(load(a), b)
    pa = [p.text for p in docx.Document(str(a)).paragraphs]
    pb = [p.text for p in docx.Document(str(b)).paragraphs]
    assert pa == pb
    assert load(a).values() == load(b).values()


def test_xlsx_from_a_docx_source_round_trips(tmp_path):
    from core.exports.xlsx import export_xlsx
    src, report = _docx_source(tmp_path, "004")
    report.cells["apply.new.natural"].set(3)
    out = tmp_path / "o.xlsx"
    export_xlsx(report, out)
    back = load(out)
    assert back.values() == report.values()
