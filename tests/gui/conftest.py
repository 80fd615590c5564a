"""GUI fixtures: settings and data folders in tmp, a window with a seed copy opened."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

from tests.conftest import SEEDS

SEED_003 = SEEDS / "003_5ff8cf655acdf111.txt"


@pytest.fixture(autouse=True)
def qt_settings(qapp, tmp_path: Path, monkeypatch):
    """Never touch the real user's settings or data folder."""
    import gui.batch_window
    import gui.main_window
    import gui.session
    userdata = tmp_path / "userdata" / "reviews"
    monkeypatch.setattr(gui.session, "fallback_dir", lambda: userdata)
    monkeypatch.setattr(gui.main_window, "fallback_dir", lambda: userdata)
    monkeypatch.setattr(gui.batch_window, "fallback_dir", lambda: userdata)
    monkeypatch.setattr(gui.batch_window, "archive_root", lambda: tmp_path / "userdata" / "batches")
    from gui.main import APP, ORG
    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName(APP)
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
    QSettings().clear()


@pytest.fixture
def seed_copy(tmp_path: Path):
    def make(seed: Path = SEED_003, name: str | None = None) -> Path:
        folder = tmp_path / "reports"
        folder.mkdir(exist_ok=True)
        target = folder / (name or seed.name)
        shutil.copyfile(seed, target)
        return target
    return make


@pytest.fixture
def open_window(qtbot):
    """Open a file in a fresh MainWindow and wait for it (closing later discards nothing silently)."""
    from gui.main_window import MainWindow

    def make(path: Path):
        w = MainWindow()
        w.ask_save = lambda: QMessageBox.StandardButton.Save   # closing at teardown keeps the work
        qtbot.addWidget(w)
        w.show()
        with qtbot.waitSignal(w.report_opened, timeout=10000):
            w.open_file(path)
        return w
    return make


@pytest.fixture
def workspaces(qtbot):
    """A registry of its own for the windows a test opens; they are closed (work discarded) afterwards."""
    from gui.workspaces import Workspaces
    ws = Workspaces()
    yield ws
    for w in list(ws.windows.values()) + list(ws.batches):
        try:
            w.ask_save = lambda: QMessageBox.StandardButton.Discard
            w.close()
        except RuntimeError:             # already deleted
            pass
