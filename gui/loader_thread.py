"""Opening a report off the GUI thread (QThreadPool + QRunnable), with progress and cancel.

The worker runs ``core.loader.load`` and applies the saved review; the window receives either an
``OpenedReview`` or a Chinese error message. Cancelling makes the progress callback stop the
reader when it reports progress, and in any case the result is dropped: the report already open
stays as it was.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from core.loader import Cancelled, LoadError, load
from gui.session import open_review


class _Cancelled(Exception):
    pass


class LoadSignals(QObject):
    progress = Signal(int, int)
    partial = Signal(object)         # OpenedReview of a long scan whose table pages are done
    loaded = Signal(object)          # OpenedReview
    failed = Signal(str)             # Chinese message
    cancelled = Signal()


class LoadJob(QRunnable):
    def __init__(self, path: str | Path, fallback: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.fallback = fallback
        self.signals = LoadSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise _Cancelled()
        self.signals.progress.emit(done, total)

    def _partial(self, report) -> None:
        if self._cancel.is_set():
            return
        try:
            opened = open_review(report, self.path.resolve(), self.fallback)
        except Exception:  # the early view is a courtesy; the complete report still comes
            return
        self.signals.partial.emit(opened)

    def run(self) -> None:
        try:
            self._run()
        except RuntimeError:    # the window went away while reading: nobody is left to tell
            pass

    def _run(self) -> None:
        try:
            report = load(self.path, progress=self._progress, partial=self._partial)
            opened = open_review(report, self.path.resolve(), self.fallback)
        except (_Cancelled, Cancelled):
            self.signals.cancelled.emit()
            return
        except LoadError as e:
            self.signals.failed.emit(str(e))
            return
        except Exception as e:  # never let a traceback reach the auditor
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(f"无法打开“{self.path.name}”：{type(e).__name__}: {e}")
            return
        if self._cancel.is_set():
            self.signals.cancelled.emit()
        else:
            self.signals.loaded.emit(opened)


class NeighbourSignals(QObject):
    found = Signal(object)           # (job, last year's Facts or None, next year's Facts or None)


class NeighbourJob(QRunnable):
    """Look for the same agency's reports of the neighbour years beside an opened report.

    Runs after the report is shown (the auditor never waits for it); the window adds the
    cross-report rules when it answers and the report it was for is still open.
    """

    def __init__(self, path: Path, agency: str | None, year: int | None, fallback: Path) -> None:
        super().__init__()
        self.path, self.agency, self.year, self.fallback = Path(path), agency, year, fallback
        self.signals = NeighbourSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        from core.neighbours import find_neighbours
        try:
            prev, following = find_neighbours(self.path, self.agency, self.year, self.fallback, self._cancel.is_set)
        except Exception:               # a folder that cannot be listed: simply no cross rules
            prev = following = None
        if not self._cancel.is_set():
            self.signals.found.emit((self, prev, following))
