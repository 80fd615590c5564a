"""The export actions in a window: a minimal stand-in window, then the real MainWindow."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QToolBar

from core.exports.docx import export_docx
from core.loader import load
from core.review import ReviewSession
from core.rules import Checker
from tests.export.helpers import seed_named

import gui.export_actions as ea


class StandIn(QMainWindow):
    """Just what install() relies on."""

    def __init__(self, path: Path | None) -> None:
        super().__init__()
        self.report = load(path) if path else None
        self.checker = Checker(self.report) if self.report else None
        self.session = ReviewSession.for_source(path, "审核员") if path else None
        self.source_path = path
        self.menu_file = self.menuBar().addMenu("文件(&F)")
        self.menu_file.addAction("打开…")
        self.menu_file.addSeparator()
        self.menu_file.addAction("退出(&X)")
        self.toolbar = QToolBar("工具栏", self)
        self.addToolBar(self.toolbar)
        self.statusBar()
        self.statuses: list[str] = []

    def show_status(self, text: str) -> None:
        self.statuses.append(text)
        self.statusBar().showMessage(text)


@pytest.fixture
def dialogs(monkeypatch):
    """Record the save dialogs and questions, answer them as the test says."""
    state = {"save_to": None, "answer": QMessageBox.StandardButton.Yes, "asked": [], "proposed": [],
             "warnings": [], "opened": []}

    def save(parent, title, proposed, flt):
        state["proposed"].append(proposed)
        return (str(state["save_to"]) if state["save_to"] else "", flt)

    def question(parent, title, text, *a, **k):
        state["asked"].append(text)
        return state["answer"]

    def warning(parent, title, text, *a, **k):
        state["warnings"].append(text)
        return QMessageBox.StandardButton.Ok
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "warning", warning)
    monkeypatch.setattr(QMessageBox, "critical", warning)
    monkeypatch.setattr(QMessageBox, "information", warning)
    monkeypatch.setattr(ea.QDesktopServices, "openUrl", lambda url: state["opened"].append(url.toString()))
    return state


def _copy(prefix: str, folder: Path) -> Path:
    src = seed_named(prefix)
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(src, folder / src.name))


def _menu_texts(w):
    return [a.text() for a in w.menu_file.actions()]


def test_actions_in_menu_and_toolbar(qtbot, tmp_path, dialogs):
    w = StandIn(_copy("001", tmp_path / "r"))
    qtbot.addWidget(w)
    acts = ea.install(w)
    texts = _menu_texts(w)
    assert "导出 Excel…" in texts and "导出 Word…" in texts and "写回原 Word 文档…" in texts
    assert texts.index("导出 Excel…") < texts.index("退出(&X)")
    assert acts.act_xlsx in w.toolbar.actions() and acts.act_docx in w.toolbar.actions()
    assert acts.act_xlsx.isEnabled() and acts.act_docx.isEnabled()
    assert not acts.act_inplace.isEnabled()          # a text source


def test_no_report_disables(qtbot, dialogs):
    w = StandIn(None)
    qtbot.addWidget(w)
    acts = ea.install(w)
    assert not acts.act_xlsx.isEnabled() and not acts.act_docx.isEnabled()
    assert acts.export_xlsx() is None


def test_export_xlsx_proposes_name_and_confirms(qtbot, tmp_path, dialogs):
    src = _copy("001", tmp_path / "r")
    w = StandIn(src)
    qtbot.addWidget(w)
    w.show()
    acts = ea.install(w)
    w.report.cells["apply.new.natural"].set(91)
    w.checker = Checker(w.report)
    out = tmp_path / "out" / "结果"
    out.parent.mkdir()
    dialogs["save_to"] = out                               # no suffix typed: it is added
    dialogs["answer"] = QMessageBox.StandardButton.Yes
    acts.act_xlsx.trigger()
    assert dialogs["proposed"] == [str(src.parent / "区行政审批局2020年报_校对.xlsx")]
    assert dialogs["asked"] and "还有" in dialogs["asked"][0] and "处错误未解决，仍要导出吗？" in dialogs["asked"][0]
    target = out.with_name("结果.xlsx")
    assert target.exists()
    assert load(target).value("apply.new.natural") == 91
    assert any("已导出" in s and "结果.xlsx" in s for s in w.statuses)
    assert acts.link.isVisible() and "<a href=" in acts.link.text()
    folder_url = acts.link.text().split('href="')[2].split('"')[0]
    acts.link.linkActivated.emit(folder_url)
    assert dialogs["opened"] == [folder_url] and folder_url.startswith("file://")
    # the next export proposes the folder used last
    dialogs["save_to"] = None
    acts.act_docx.trigger()
    assert dialogs["proposed"][-1] == str(target.parent / "区行政审批局2020年报_校对.docx")


def test_declining_the_error_question_writes_nothing(qtbot, tmp_path, dialogs):
    src = _copy("003", tmp_path / "r")
    w = StandIn(src)
    qtbot.addWidget(w)
    acts = ea.install(w)
    dialogs["answer"] = QMessageBox.StandardButton.No
    dialogs["save_to"] = tmp_path / "x.xlsx"
    assert acts.export_xlsx() is None
    assert dialogs["asked"] == ["还有 3 处错误未解决，仍要导出吗？"]
    assert dialogs["proposed"] == []
    assert not (tmp_path / "x.xlsx").exists()


def test_clean_report_is_not_questioned(qtbot, tmp_path, dialogs):
    w = StandIn(_copy("001", tmp_path / "r"))
    qtbot.addWidget(w)
    acts = ea.install(w)
    dialogs["save_to"] = tmp_path / "a.docx"
    assert acts.export_docx() == tmp_path / "a.docx"
    assert dialogs["asked"] == []
    assert len(docx.Document(str(tmp_path / "a.docx")).tables) == 3


def test_unwritable_target_shows_chinese_message(qtbot, tmp_path, dialogs, monkeypatch):
    import os
    w = StandIn(_copy("001", tmp_path / "r"))
    qtbot.addWidget(w)
    acts = ea.install(w)
    target = tmp_path / "locked.xlsx"
    target.write_bytes(b"open in Excel")

    def deny(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", deny)
    dialogs["save_to"] = target
    assert acts.export_xlsx() is None
    assert dialogs["warnings"] and "正在被其他程序" in dialogs["warnings"][0]
    assert target.read_bytes() == b"open in Excel"
    assert any(s.startswith("导出失败") for s in w.statuses)


def test_inplace_enabled_for_docx_source(qtbot, tmp_path, dialogs):
    folder = tmp_path / "r"
    folder.mkdir()
    src = folder / "报告.docx"
    export_docx(load(seed_named("003")), src)
    w = StandIn(src)
    qtbot.addWidget(w)
    acts = ea.install(w)
    assert acts.act_inplace.isEnabled()
    w.report.cells["apply.handled_total.natural"].set(2)
    w.checker = Checker(w.report)
    dialogs["save_to"] = folder / "写回.docx"
    assert acts.export_inplace() == folder / "写回.docx"
    assert dialogs["asked"] == []          # the correction resolved every error
    assert load(folder / "写回.docx").value("apply.handled_total.natural") == 2


# ------------------------------------------------------------------ the real main window

@pytest.fixture
def real_window(qtbot, tmp_path, monkeypatch):
    main_window = pytest.importorskip("gui.main_window")
    import gui.session
    userdata = tmp_path / "userdata" / "reviews"
    monkeypatch.setattr(gui.session, "fallback_dir", lambda: userdata)
    monkeypatch.setattr(main_window, "fallback_dir", lambda: userdata, raising=False)
    from gui.main import APP, ORG
    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName(APP)
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))

    def make(path: Path):
        w = main_window.MainWindow()
        w.ask_save = lambda: QMessageBox.StandardButton.Discard
        qtbot.addWidget(w)
        w.show()
        with qtbot.waitSignal(w.report_opened, timeout=10000):
            w.open_file(path)
        return w
    yield make
    QSettings().clear()


def test_real_main_window(qtbot, tmp_path, dialogs, real_window):
    src = _copy("003", tmp_path / "r")
    w = real_window(src)
    acts = w.export_actions
    assert "导出 Excel…" in _menu_texts(w)
    assert acts.act_xlsx.isEnabled() and not acts.act_inplace.isEnabled()
    dialogs["answer"] = QMessageBox.StandardButton.Yes
    dialogs["save_to"] = tmp_path / "o.xlsx"
    assert acts.export_xlsx() == tmp_path / "o.xlsx"
    assert dialogs["asked"] == ["还有 3 处错误未解决，仍要导出吗？"]
    assert dialogs["proposed"] == [str(src.parent / "松北区船口街道2020年报_校对.xlsx")]
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert "校验结果" in wb.sheetnames
    # what the grid shows is what the workbook holds
    back = load(tmp_path / "o.xlsx")
    assert back.values() == w.report.values()
    dialogs["save_to"] = tmp_path / "o.docx"
    assert acts.export_docx() == tmp_path / "o.docx"
    assert load(tmp_path / "o.docx").values() == w.report.values()
