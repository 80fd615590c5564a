"""Review files: autosave on every change, restore after a kill, hash check, read-only folders."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from core.review import review_path
from gui.session import autosave_path

CULPRIT = "apply.handled_total.natural"
ROOT = Path(__file__).resolve().parents[2]


def edit(w, key: str, text: str) -> None:
    view = w.views[key.split(".")[0]]
    view.select_keys([key])
    assert view.paste_text(text)


def test_every_change_is_autosaved_and_save_writes_the_review(qtbot, seed_copy, open_window):
    path = seed_copy()
    w = open_window(path)
    edit(w, CULPRIT, "2")
    auto = autosave_path(review_path(path))
    qtbot.waitUntil(auto.exists, timeout=1000)          # written on the next event-loop pass
    saved = json.loads(auto.read_text(encoding="utf-8"))
    assert saved["edits"] == {CULPRIT: 2}
    assert w.isWindowModified() and "[*]" in w.windowTitle()
    edit(w, "apply.new.natural", "3")                   # save right after a change: no pending
    assert w.save()                                     # write may recreate the recovery file
    qtbot.wait(20)
    assert not auto.exists() and not w.isWindowModified()
    saved = json.loads(review_path(path).read_text(encoding="utf-8"))
    assert saved["edits"] == {CULPRIT: 2, "apply.new.natural": 3}
    assert path.read_bytes() == seed_copy().read_bytes()         # the source is never modified


def test_close_asks_and_cancel_keeps_the_window(qtbot, seed_copy, open_window):
    path = seed_copy()
    w = open_window(path)
    edit(w, CULPRIT, "2")
    qtbot.wait(10)                                      # let the recovery file be written
    w.ask_save = lambda: QMessageBox.StandardButton.Cancel
    assert not w.close()
    w.ask_save = lambda: QMessageBox.StandardButton.Discard
    assert w.close()
    assert not autosave_path(review_path(path)).exists() and not review_path(path).exists()


def test_review_restores_after_the_app_is_killed(qtbot, seed_copy, open_window):
    path = seed_copy()
    w = open_window(path)
    edit(w, CULPRIT, "2")
    auto = autosave_path(review_path(path))
    qtbot.waitUntil(auto.exists, timeout=1000)
    assert json.loads(auto.read_text(encoding="utf-8"))["edits"] == {CULPRIT: 2}
    w.hide()                       # this window is "killed": it never closes, never saves
    w.ask_save = lambda: QMessageBox.StandardButton.Cancel

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GOV_REPORT_STARTUP="print")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), str(path)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline() if ready else "timeout"   # window shown, review restored
        assert line.startswith("READY"), line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert json.loads(auto.read_text(encoding="utf-8"))["edits"] == {CULPRIT: 2}

    w2 = open_window(path)
    assert w2.report.value(CULPRIT) == 2 and w2.report.cells[CULPRIT].edited
    assert w2.checker.errors() == []
    assert w2.isWindowModified()                 # restored work is still unsaved work
    assert "已恢复上次未保存的校对工作" in w2.banner.text()
    w.ask_save = lambda: QMessageBox.StandardButton.Discard


def test_changed_source_is_warned_about_and_edits_not_applied(seed_copy, open_window):
    path = seed_copy()
    w = open_window(path)
    edit(w, CULPRIT, "2")
    assert w.save()
    w.close()
    with path.open("a", encoding="utf-8") as f:
        f.write("\n附：更正说明。\n")
    w2 = open_window(path)
    assert w2.report.value(CULPRIT) is None
    assert "原文已改变" in w2.banner.text()
    assert list(path.parent.glob("*.bak"))


def test_read_only_folder_falls_back_to_user_data(monkeypatch, seed_copy, open_window):
    import gui.session
    monkeypatch.setattr(gui.session, "_writable", lambda folder: False)
    path = seed_copy()
    w = open_window(path)
    assert "不可写" in w.banner.text()
    assert w.doc.review_file.parent == gui.session.fallback_dir()
    edit(w, CULPRIT, "2")
    assert w.save()
    assert w.doc.review_file.exists() and not review_path(path).exists()
    w.close()
    w2 = open_window(path)
    assert w2.report.value(CULPRIT) == 2


def test_settings_persist_splitter_and_recent_files(seed_copy, open_window):
    path = seed_copy()
    w = open_window(path)
    w.splitter.setSizes([300, 900])
    a, b = w.splitter.sizes()
    w.close()
    w2 = open_window(path)
    a2, b2 = w2.splitter.sizes()
    assert abs(a2 / (a2 + b2) - a / (a + b)) < 0.02
    assert w2.recent_files()[0] == str(path.resolve())
    assert w2.menu_recent.actions()[0].text() == path.name
