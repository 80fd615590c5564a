"""Start the review window: ``run(argv)`` is what ``python app.py [FILE]`` calls.

``python app.py FOLDER`` (or an archive ``.zip``, or several files) opens the batch window instead.

Startup-timing switch (documented for bench/bench_gui.py and the kill test): with the
environment variable ``GOV_REPORT_STARTUP=print`` the app prints ``READY <ms>`` (milliseconds
since ``run`` began) on stdout once the window is shown and the grids are painted, and goes on;
with ``GOV_REPORT_STARTUP=quit`` it prints the same line and exits. It changes nothing else.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from gui.i18n import install_font, install_translations

SAMPLE = Path(__file__).resolve().parent / "sample_report.txt"   # package data: installed with the app
ORG, APP = "gov-report-review", "年报校对"


def setup_application(argv: list[str]) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName(APP)
    app._translators = install_translations(app)  # type: ignore[attr-defined]
    install_font(app)
    return app  # type: ignore[return-value]


def run(argv: list[str]) -> int:
    started = time.perf_counter()
    app = setup_application(argv)
    from gui.main_window import MainWindow

    files = [a for a in argv if not a.startswith("-")]
    if files and (Path(files[0]).is_dir() or files[0].lower().endswith(".zip") or len(files) > 1):
        from gui.workspaces import shared          # a folder, an archive or several files: the batch window
        shared().open_batch([Path(f) for f in files])
        return app.exec()
    window = MainWindow()
    mode = os.environ.get("GOV_REPORT_STARTUP", "")
    if mode:
        def ready() -> None:
            window.repaint()
            print(f"READY {(time.perf_counter() - started) * 1000:.0f}", flush=True)
            if mode == "quit":
                app.exit(0)
        window.report_opened.connect(lambda: QTimer.singleShot(0, ready))
        window.load_failed.connect(lambda msg: (print(f"FAILED {msg}", flush=True), mode == "quit" and app.exit(3)))
    window.show()
    window.open_file(files[0] if files else SAMPLE)
    return app.exec()
