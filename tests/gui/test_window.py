"""Window-level behaviour: editions and variants, opening (drop, cancel, sample), Qt's Chinese."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox, QPushButton

from core.editions import edition_for_year
from tests.synth import consistent_values, render

ROOT = Path(__file__).resolve().parents[2]


def test_table_three_subtotal_variant_has_eight_columns(qtmodeltester, tmp_path, open_window):
    edition = edition_for_year(2020).with_subtotal()
    values = consistent_values(edition, seed=3)
    path = tmp_path / "subtotal.txt"
    path.write_text("某某局2020年政府信息公开工作年度报告\n" + render(edition, values, "tabs"), encoding="utf-8")
    w = open_window(path)
    assert w.report.edition.has_subtotal
    model = w.models["apply"]
    qtmodeltester.check(model)
    assert model.columnCount() == 3 + 8
    texts = {s.text for s in model.layout.spans}
    assert {"自然人", "法人或其他组织", "总计"} <= texts
    assert w.checker.errors() == []
    key = "apply.granted.subtotal"
    assert model.index_of(key).data() == str(values[key])


def test_both_editions_draw_their_own_form(seed_copy, open_window):
    from tests.conftest import SEED_FILES
    w19 = open_window(seed_copy(SEED_FILES[0]))
    w21 = open_window(seed_copy(SEED_FILES[2]))
    assert (w19.report.edition.key, w21.report.edition.key) == ("2019", "2021")
    labels19 = {s.text for s in w19.models["active"].layout.spans}
    labels21 = {s.text for s in w21.models["active"].layout.spans}
    assert "本年新制作数量" in labels19 and "本年制发件数" in labels21
    assert w21.models["active"].index_of("active.fees.amount").data() == "2387.47225"


def test_drop_a_file_to_open_it(qtbot, seed_copy, open_window):
    from tests.conftest import SEED_FILES
    w = open_window(seed_copy())
    other = seed_copy(SEED_FILES[1])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(w.report_opened, timeout=10000):
        w.dropEvent(event)
    assert w.source_path == other.resolve()


def test_cancelling_a_slow_open_keeps_the_current_report(qtbot, monkeypatch, seed_copy, open_window):
    import gui.loader_thread
    w = open_window(seed_copy())
    real_load = gui.loader_thread.load

    def slow_load(path, progress=None, partial=None):
        for i in range(100):
            progress(i, 100)
            time.sleep(0.02)
        return real_load(path)

    monkeypatch.setattr(gui.loader_thread, "load", slow_load)
    from tests.conftest import SEED_FILES
    w.open_file(seed_copy(SEED_FILES[1]))
    dialog = w._progress
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=3000)      # big file: progress is shown
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=3000)
    dialog.findChild(QPushButton).click()               # 取消
    qtbot.waitUntil(lambda: w._job is None, timeout=5000)
    qtbot.wait(100)
    assert w.source_path.name.startswith("003")
    assert "已取消" in w.statusBar().currentMessage() or w.statusBar().currentMessage() == ""


def test_qt_dialogs_speak_chinese(qapp):
    from gui.i18n import install_translations
    install_translations(qapp)
    box = QMessageBox(QMessageBox.Icon.Question, "t", "x",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel)
    texts = {box.button(b).text().replace("&", "") for b in (QMessageBox.StandardButton.Save,
                                                                QMessageBox.StandardButton.Cancel)}
    assert any("保存" in t for t in texts) and any("取消" in t for t in texts)


def test_app_without_file_opens_the_bundled_sample(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GOV_REPORT_STARTUP="quit",
               XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path), HOME=str(tmp_path))
    out = subprocess.run([sys.executable, str(ROOT / "app.py")], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("READY"), out.stdout + out.stderr


def test_exposed_surface_for_the_export_actions(seed_copy, open_window):
    from core.review import ReviewSession
    from core.rules import Checker
    w = open_window(seed_copy())
    assert isinstance(w.checker, Checker) and isinstance(w.session, ReviewSession)
    assert w.menu_file.title().startswith("文件") and w.toolbar.actions()
    assert [a.text() for a in w.menuBar().actions()][:4] == ["文件(&F)", "编辑(&E)", "检查(&C)", "视图(&V)"]
    w.show_status("测试")
    assert w.statusBar().currentMessage() == "测试"
