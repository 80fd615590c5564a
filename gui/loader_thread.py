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

    def run(self) -> None:
        try:
            report = load(self.path, progress=self._progress)
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
