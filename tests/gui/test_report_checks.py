"""The single-report window: text-rule spans in the source view, cross-report findings from the folder."""
from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gui.main_window import MainWindow
from gui.table_model import KEY_ROLE
from tests.conftest import SEED_FILES
from tests.gui.test_grid import type_into
from tests.yearpairs import S001, S002, balanced_carry, make_year, seed_text

S003 = SEED_FILES[3]


def open_in(qtbot, workspaces, path: Path) -> MainWindow:
    w = MainWindow(workspaces)
    w.ask_save = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.report_opened, timeout=10000):
        w.open_file(path)
    return w


def select_finding(qtbot, w: MainWindow, rule_id: str):
    """Click the finding's row in the findings panel."""
    panel = w.findings
    row = next(i for i, f in enumerate(panel.model.rows) if f.rule.id == rule_id)
    rect = panel.table.visualRect(panel.model.index(row, 1))
    panel.table.scrollTo(panel.model.index(row, 1))
    rect = panel.table.visualRect(panel.model.index(row, 1))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.current() is panel.model.rows[row]
    return panel.model.rows[row]


def test_date_warning_highlights_the_date_in_the_text(qtbot, tmp_path, workspaces):
    src = tmp_path / S003.name
    shutil.copyfile(S003, src)
    w = open_in(qtbot, workspaces, src)
    f = select_finding(qtbot, w, "DATE")
    start, end = w.source_view.highlighted_spans()[0]
    assert (start, end) == f.span and w.report.source_text[start:end] == "2020年1月31日"
    assert w.findings.btn_source.isEnabled()                  # a finding without cells still takes a verdict
    w.findings.btn_source.click()
    assert "DATE|" in w.session.verdicts


def test_quoted_figure_highlights_the_number_then_the_cell(qtbot, tmp_path, workspaces):
    src = tmp_path / "改过的.txt"
    src.write_text(seed_text(S002).replace("依申请公开政府信息共有13条", "依申请公开政府信息共有15条"), encoding="utf-8")
    w = open_in(qtbot, workspaces, src)
    f = select_finding(qtbot, w, "TXT-NUM:apply.new.total")
    spans = w.source_view.highlighted_spans()
    assert spans[0] == f.span and w.report.source_text[slice(*f.span)] == "15"
    assert spans[1] == w.report.cells["apply.new.total"].span
    view = w.views["apply"]
    assert w.tabs.currentWidget() is view and view.currentIndex().data(KEY_ROLE) == "apply.new.total"


def test_last_years_report_in_the_folder_brings_the_cross_rules(qtbot, tmp_path, workspaces):
    folder = tmp_path / "报告"
    folder.mkdir()
    here = folder / S001.name
    shutil.copyfile(S001, here)
    (folder / "a_2019.txt").write_text(make_year(S001, 2019, balanced_carry(S001, "natural", 3)), encoding="utf-8")
    shutil.copyfile(S003, folder / S003.name)                  # another agency: not a neighbour
    w = open_in(qtbot, workspaces, here)
    qtbot.waitUntil(lambda: "X-CARRY:natural" in {f.rule.id for f in w.checker.problems()}, timeout=10000)
    assert w.neighbours[0] is not None and w.neighbours[0].name == "a_2019.txt" and w.neighbours[1] is None
    assert "a_2019.txt" in w.statusBar().currentMessage()
    f = select_finding(qtbot, w, "X-CARRY:natural")
    assert "a_2019.txt" in w.findings.detail.text() and "结转下年度继续办理" in w.findings.detail.text()
    assert w.views["apply"].currentIndex().data(KEY_ROLE) == "apply.carried_over.natural"
    w.findings.btn_other.click()                               # opens last year's report at its cell
    other = str((folder / "a_2019.txt").resolve())
    qtbot.waitUntil(lambda: workspaces.window_of(other) is not None
                    and workspaces.window_of(other).report is not None, timeout=10000)
    prev = workspaces.window_of(other)
    assert prev.views["apply"].currentIndex().data(KEY_ROLE) == "apply.carried_forward.natural"
    assert f.other_cells == ("apply.carried_forward.natural",)
    w.activateWindow()                                         # back to this year's report
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    type_into(qtbot, w, "apply.carried_over.natural", "3")      # corrected: the finding goes at once
    assert "X-CARRY:natural" not in {x.rule.id for x in w.checker.problems()}
    assert "X-CARRY:natural" not in {x.rule.id for x in w.findings.model.rows}
