"""GUI benchmarks (printed, not asserted).

1. Startup: wall time from spawning ``python app.py SEED`` to the window shown with its grids
   painted. The app's documented switch ``GOV_REPORT_STARTUP=quit`` (gui/main.py) makes it print
   ``READY <ms>`` (ms since ``run`` began) right after that first paint and exit. Target ≤ 1.5 s.
2. Edit latency: from the Enter key press committing a value in a real cell editor to the end of
   the repaint of the affected cells (viewport Paint event), in-process. Target ≤ 16 ms.

Run: ``QT_QPA_PLATFORM=offscreen python3 bench/bench_gui.py [SEED] [--runs N]``
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEEDS = ROOT.parent / "shared" / "seeds"
DEFAULT_SEED = SEEDS / "003_5ff8cf655acdf111.txt"


def bench_startup(seed: Path, runs: int) -> None:
    env = dict(os.environ, GOV_REPORT_STARTUP="quit")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    walls, inner = [], []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / seed.name
        shutil.copyfile(seed, copy)
        for _ in range(runs):
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, str(ROOT / "app.py"), str(copy)], env=env, cwd=ROOT,
                                 capture_output=True, text=True, timeout=60).stdout
            walls.append((time.perf_counter() - t0) * 1000)
            ready = [line for line in out.splitlines() if line.startswith("READY")]
            if ready:
                inner.append(float(ready[0].split()[1]))
    print(f"startup  (spawn → window shown, grids painted, process exited), {runs} runs: "
          f"median {statistics.median(walls):.0f} ms, min {min(walls):.0f} ms, max {max(walls):.0f} ms")
    if inner:
        print(f"         of which inside run() until first paint: median {statistics.median(inner):.0f} ms")


def bench_edit(seed: Path, runs: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from gui.main import setup_application

    app = setup_application([])
    tmp = Path(tempfile.mkdtemp())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    copy = tmp / seed.name
    shutil.copyfile(seed, copy)
    from gui.main_window import MainWindow
    w = MainWindow()
    w.ask_save = lambda: __import__("PySide6.QtWidgets", fromlist=["QMessageBox"]).QMessageBox.StandardButton.Discard
    w.show()
    w.open_file(copy)
    while w.doc is None:
        app.processEvents()
    view = w.views["apply"]
    w.tabs.setCurrentWidget(view)
    app.processEvents()

    painted: list[float] = []

    class PaintWatch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint:
                painted.append(time.perf_counter())
            return False

    watch = PaintWatch()
    view.viewport().installEventFilter(watch)
    key = "apply.handled_total.natural"
    times = []
    for i in range(runs):
        view.select_keys([key])
        view.edit(view.currentIndex())
        editor = QApplication.focusWidget()
        assert isinstance(editor, QLineEdit)
        editor.setText(str(2 + i % 2))
        app.processEvents()
        painted.clear()
        t0 = time.perf_counter()
        QTest.keyClick(editor, Qt.Key.Key_Return)
        deadline = t0 + 2
        while not painted and time.perf_counter() < deadline:
            app.processEvents()
        assert w.report.value(key) == 2 + i % 2, "edit not committed"
        times.append((painted[-1] - t0) * 1000 if painted else float("nan"))
    print(f"edit → repaint (Enter in a cell editor → affected cells painted), {runs} runs: "
          f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    w.close()
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seed", nargs="?", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    bench_startup(args.seed, args.runs)
    bench_edit(args.seed, args.runs * 5)


if __name__ == "__main__":
    main()
