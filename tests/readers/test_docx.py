"""DOCX reports in the official layout (merged cells), built from the seeds, read exactly."""
from __future__ import annotations

import docx
import pytest

from core.loader import LoadError, load
from core.readers import docx_reader
from core.readers.base import Cancelled
from tests.readers.conftest import doc_for
from tests.readers.fixtures import SeedDoc, build_docx
from tests.readers.helpers import assert_matches_expected, assert_spans, cli_check


def test_docx_official_layout_reads_exactly(seed_doc: SeedDoc, tmp_path):
    path = build_docx(seed_doc, tmp_path / "report.docx")
    report = load(path)
    assert report.source_format == "docx"
    assert_matches_expected(report, seed_doc.expected)
    assert report.notes == []
    # the tables are in the source text, one row per line, the title first
    assert report.source_text.startswith(seed_doc.title[0])
    assert "| 信息内容 |" in report.source_text


def test_docx_merged_cells_resolved(seed_doc: SeedDoc, tmp_path):
    """The grid rebuilt from gridSpan/vMerge has the official spans of core.layout."""
    from core.layout import table_layout
    path = build_docx(seed_doc, tmp_path / "report.docx")
    blocks = docx_reader.document_blocks(path, path.read_bytes())
    grids = [b for b in blocks if hasattr(b, "cells")]
    assert len(grids) == 3
    for grid, key in zip(grids, ("active", "apply", "review")):
        lay = table_layout(seed_doc.edition, key)
        assert (grid.n_rows, grid.n_cols) == (lay.n_rows, lay.n_cols)
        for s in lay.spans:
            cell = grid.at(s.row, s.col)
            assert (cell.row, cell.col, cell.rowspan, cell.colspan) == (s.row, s.col, s.rowspan, s.colspan), s
            assert cell.text == s.text


def test_docx_progress_and_cancel(seed_doc: SeedDoc, tmp_path):
    path = build_docx(seed_doc, tmp_path / "report.docx")
    calls = []
    load(path, progress=lambda d, t: calls.append((d, t)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]

    def cancel(done, total):
        if done:
            raise Cancelled(path)
    with pytest.raises(Cancelled):
        load(path, progress=cancel)


def test_docx_cli_json(seed, tmp_path):
    doc = doc_for(seed)
    path = build_docx(doc, tmp_path / "report.docx")
    [line] = cli_check(path)
    assert line["ok"] is True
    assert {k: line["cells"][k] for k in doc.expected["cells"]} == doc.expected["cells"]


def _apply_without_column(doc: SeedDoc, path, drop_label: str):
    """The same report with one applicant column deleted from table 三 (header and all rows)."""
    build_docx(doc, path)
    d = docx.Document(str(path))
    t = d.tables[1]
    grid_col = 3 + [c.label for c in doc.edition.table("apply").blocks[0].columns].index(drop_label)
    from docx.oxml.ns import qn
    for tr in t._tbl.tr_lst:
        col = 0
        for tc in list(tr.tc_lst):
            span = tc.grid_span
            if col == grid_col and span == 1:
                tr.remove(tc)
                break
            if col <= grid_col < col + span and span > 1:
                tc.tcPr.find(qn("w:gridSpan")).set(qn("w:val"), str(span - 1))
                break
            col += span
    d.save(str(path))
    return path


def test_structure_places_values_when_a_column_is_missing(tmp_path, seed):
    """Table 三 without its 科研机构 column: the text order would shift every value after it;
    the header puts each value in its own column and leaves the missing column unread."""
    doc = doc_for(seed)
    path = _apply_without_column(doc, tmp_path / "r.docx", "科研机构")
    report = load(path)
    assert_spans(report)
    for key, want in doc.expected["cells"].items():
        if key.startswith("apply.") and key.endswith(".research"):
            assert report.cells[key].reading is None
            assert report.cells[key].uncertain
        elif key.startswith("apply."):
            from core.values import to_json
            assert to_json(report.cells[key].value) == want, key
            assert not report.cells[key].uncertain, key
    assert any("科研机构" in n for n in report.notes)


def test_docx_body_order_and_paragraph_text(tmp_path):
    d = docx.Document()
    d.add_paragraph("某局2021年政府信息公开工作年度报告")
    p = d.add_paragraph("第一段")
    p.add_run().add_break()
    p.add_run("续行")
    t = d.add_table(rows=2, cols=3)
    a = t.cell(0, 0).merge(t.cell(1, 0))
    a.text = "合并\n两行"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "横向合并"
    t.cell(1, 1).text = "1"
    t.cell(1, 2).text = "2"
    d.add_paragraph("表后")
    path = tmp_path / "x.docx"
    d.save(str(path))
    blocks = docx_reader.document_blocks(path, path.read_bytes())
    from core.readers.base import render
    text, grids = render(blocks)
    assert text.splitlines() == ["某局2021年政府信息公开工作年度报告", "第一段 续行",
                                 "| 合并两行 | 横向合并 |", "|  | 1 | 2 |", "表后"]
    g = grids[0]
    assert (g.at(1, 0).rowspan, g.at(0, 1).colspan) == (2, 2)
    assert text[slice(*g.at(1, 2).span)] == "2"


def test_docx_without_report_tables_is_refused(tmp_path):
    d = docx.Document()
    d.add_paragraph("关于召开会议的通知")
    d.add_paragraph("各单位：定于下周召开会议。")
    path = tmp_path / "notice.docx"
    d.save(str(path))
    with pytest.raises(LoadError, match="没有表格"):
        load(path)
    d.add_table(rows=2, cols=2).cell(0, 0).text = "姓名"
    d.save(str(path))
    with pytest.raises(LoadError, match="表格不是政府信息公开年度报告的统计表"):
        load(path)


def test_docx_with_subtotal_column(seed, tmp_path):
    """Table 三 with the extra 法人或其他组织·小计 column some reports add."""
    doc = doc_for(seed).with_subtotal()
    path = build_docx(doc, tmp_path / "sub.docx")
    report = load(path)
    assert report.edition.has_subtotal
    assert_matches_expected(report, doc.expected)


def test_docx_tables_nested_in_a_layout_table(seed, tmp_path):
    """A template that puts the whole report inside a one-cell frame table."""
    doc = doc_for(seed)
    path = build_docx(doc, tmp_path / "r.docx")
    d = docx.Document(str(path))
    body = d.element.body
    frame = d.add_table(rows=1, cols=1)._tbl
    tc = frame.tr_lst[0].tc_lst[0]
    for child in list(body):
        if child is frame or child.tag.endswith("sectPr"):
            continue
        tc.append(child)
    body.insert(0, frame)
    d.save(str(path))
    assert_matches_expected(load(path), doc.expected)


@pytest.mark.parametrize("split_at", [3, 10])
def test_docx_table_three_split_in_two_tables(seed, tmp_path, split_at):
    """Table 三 cut into two Word tables (after its header, or inside the 不予公开 group): the second
    part takes its columns from the first part's header."""
    import copy
    from core.extract import extract
    from core.readers.base import render
    from core.readers.structure import structural_readings
    doc = doc_for(seed)
    path = build_docx(doc, tmp_path / "r.docx")
    d = docx.Document(str(path))
    tbl = d.tables[1]._tbl
    second = copy.deepcopy(tbl)
    for tr in tbl.tr_lst[split_at:]:
        tbl.remove(tr)
    for tr in second.tr_lst[:split_at]:
        second.remove(tr)
    gap = copy.deepcopy(d.paragraphs[-1]._p)
    for r in gap.findall(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}r"):
        r.getparent().remove(r)
    tbl.addnext(gap)
    gap.addnext(second)
    d.save(str(path))
    report = load(path)
    assert_matches_expected(report, doc.expected)
    text, grids = render(docx_reader.document_blocks(path, path.read_bytes()))
    assert len(grids) == 4
    assert len(structural_readings(extract(text), grids)) == len(report.cells)


def test_tab_indented_paragraphs_keep_text_reading_intact(tmp_path):
    """Paragraphs indented with tabs must not switch the text extractor into Word-export mode:
    the text reading alone (before the structure) still gets every cell."""
    from tests.conftest import SEED_FILES
    from core.extract import extract
    from core.readers.base import render
    from core.values import to_json
    doc = doc_for(SEED_FILES[2])
    path = build_docx(doc, tmp_path / "tabs.docx")
    d = docx.Document(str(path))
    intro = next(p for p in d.paragraphs if p.text.startswith("本机关"))
    for i in range(10):
        intro.insert_paragraph_before(f"\t本机关认真贯彻落实条例，推进第{i}项工作。")
    for p in d.paragraphs:
        if p.text.startswith(("二、", "三、", "四、")):
            p.text = "\t" + p.text
    d.save(str(path))
    text, _ = render(docx_reader.document_blocks(path, path.read_bytes()))
    report = extract(text)
    assert {k: to_json(report.cells[k].value) for k in doc.expected["cells"]} == doc.expected["cells"]
    assert_matches_expected(load(path), doc.expected)


def test_any_exception_from_progress_cancels(tmp_path):
    """The GUI's own cancel exception (not a LoadError) still ends the load as Cancelled, never as
    '文件已损坏' from the loader's catch-all."""
    from tests.conftest import SEED_FILES
    path = build_docx(doc_for(SEED_FILES[0]), tmp_path / "r.docx")

    class GuiCancel(Exception):
        pass

    def progress(done, total):
        raise GuiCancel()
    with pytest.raises(Cancelled) as e:
        load(path, progress=progress)
    assert isinstance(e.value.__cause__, GuiCancel)
    assert "已取消" in str(e.value) and "r.docx" in str(e.value)
