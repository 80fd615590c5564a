"""Cell ↔ text linking, findings navigation, verdicts, the chart and loading errors."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from core.review import SOURCE_ERROR, finding_key
from gui.table_model import KEY_ROLE

CULPRIT = "apply.handled_total.natural"


def test_cell_selection_highlights_its_text(seed_copy, open_window):
    w = open_window(seed_copy())
    key = "apply.new.natural"
    span = w.report.cells[key].span
    w.views["apply"].select_keys([key])
    assert w.source_view.highlighted_spans() == [span]
    assert w.source_view.textCursor().position() == span[0]


def test_clicking_a_number_in_the_text_selects_its_cell(qtbot, seed_copy, open_window):
    w = open_window(seed_copy())
    key = "review.reconsideration.upheld"
    span = w.report.cells[key].span
    assert span is not None
    w.tabs.setCurrentIndex(0)
    sv = w.source_view
    cursor = QTextCursor(sv.document())
    cursor.setPosition(span[0])
    sv.setTextCursor(cursor)
    sv.centerCursor()
    rect = sv.cursorRect(cursor)
    qtbot.mouseClick(sv.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() + QPoint(3, 0))
    assert w.tabs.currentWidget() is w.views["review"]
    assert w.views["review"].currentIndex().data(KEY_ROLE) == key
    assert w.source_view.highlighted_spans() == [span]


def test_findings_select_cells_and_spans_f8_steps(seed_copy, open_window):
    w = open_window(seed_copy())
    w.act_next.trigger()                                  # F8
    f = w.findings.current()
    assert f is not None and f is w.checker.problems()[0]
    view = w.views["apply"]
    selected = {ix.data(KEY_ROLE) for ix in view.selectionModel().selectedIndexes()}
    assert selected == set(f.rule.cells)
    spans = [w.report.cells[k].span for k in f.rule.cells if w.report.cells[k].span]
    # an empty span (a blank cell's place) is shown one character wide
    assert w.source_view.highlighted_spans() == [(a, max(b, a + 1)) for a, b in spans]
    w.act_next.trigger()
    assert w.findings.current() is w.checker.problems()[1]
    w.act_prev.trigger()
    w.act_prev.trigger()                                  # wraps to the last one
    assert w.findings.current() is w.checker.problems()[-1]


def _verdict_on_first_error(w, code: str, comment: str) -> str:
    w.findings.select_row(0)
    f = w.findings.current()
    w.findings.comment.setText(comment)
    (w.findings.btn_source if code == SOURCE_ERROR else w.findings.btn_fixed).click()
    return finding_key(f.rule.id, f.rule.cells)


def test_verdicts_survive_recheck_and_reopening(qtbot, seed_copy, open_window):
    path = seed_copy()
    w = open_window(path)
    key = _verdict_on_first_error(w, SOURCE_ERROR, "原表即如此")
    assert w.session.verdicts[key].verdict == SOURCE_ERROR
    assert w.findings.model.index(0, 6).data() == "原文错误：原表即如此"
    cell = w.findings.current().rule.cells[0]
    tip = w.models["apply"].index_of(cell).data(Qt.ItemDataRole.ToolTipRole)
    assert "校对结论：原文错误（原表即如此）" in tip
    # a re-check that changes outcomes rebuilds the list: the verdict stays with its finding
    w.views["apply"].paste_text("5")                      # current cell is the first finding's first cell
    w.act_undo.trigger()
    row = w.findings.model.row_of(key)
    assert row >= 0 and w.findings.model.index(row, 6).data() == "原文错误：原表即如此"
    w.act_undo.trigger()                                  # the verdict itself is undoable
    assert key not in w.session.verdicts
    w.act_redo.trigger()
    assert w.session.verdicts[key].comment == "原表即如此"
    w.save()
    w.close()
    w2 = open_window(path)
    assert w2.session.verdicts[key].verdict == SOURCE_ERROR
    row = w2.findings.model.row_of(key)
    assert w2.findings.model.index(row, 6).data() == "原文错误：原表即如此"


def test_chart_marks_imbalance_and_follows_edits(seed_copy, open_window):
    w = open_window(seed_copy())
    w.ensure_chart()
    assert w.chart is not None and "natural" in w.chart.imbalanced
    assert [label for _k, label in w.chart.columns][0] == "自然人"
    w.act_suggest.trigger()
    assert w.chart.imbalanced == []


def test_a_file_that_is_not_a_report_keeps_the_current_one(qtbot, tmp_path: Path, seed_copy, open_window):
    w = open_window(seed_copy())
    w.views["apply"].select_keys([CULPRIT])
    w.views["apply"].paste_text("2")
    bad = tmp_path / "菜谱.txt"
    bad.write_text("红烧肉的做法：五花肉切块，焯水。\n" * 20, encoding="utf-8")
    with qtbot.waitSignal(w.load_failed, timeout=10000) as blocker:
        w.open_file(bad)
    assert "菜谱.txt" in blocker.args[0]
    assert w.banner_box.isVisibleTo(w) and "菜谱.txt" in w.banner.text()
    assert w.report.value(CULPRIT) == 2 and w.source_path.name.startswith("003")
    with qtbot.waitSignal(w.load_failed, timeout=10000):
        w.open_file(tmp_path / "没有这个文件.txt")
    assert "文件不存在" in w.banner.text()


def test_opening_another_report_asks_to_save(qtbot, seed_copy, open_window):
    from PySide6.QtWidgets import QMessageBox
    from tests.conftest import SEED_FILES
    w = open_window(seed_copy())
    w.views["apply"].select_keys([CULPRIT])
    w.views["apply"].paste_text("2")
    w.ask_save = lambda: QMessageBox.StandardButton.Cancel
    other = seed_copy(SEED_FILES[0])
    w.open_file(other)
    qtbot.waitUntil(lambda: w._job is None, timeout=10000)
    assert w.source_path.name.startswith("003") and w.report.value(CULPRIT) == 2
    w.ask_save = lambda: QMessageBox.StandardButton.Save
    with qtbot.waitSignal(w.report_opened, timeout=10000):
        w.open_file(other)
    assert w.source_path == other.resolve()
    assert w.recent_files()[:2] == [str(other.resolve()), str(seed_copy().resolve())] or \
        w.recent_files()[0] == str(other.resolve())
