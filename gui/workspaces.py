"""The open windows of one app: review workspaces (one per report) and batch windows.

Every review window registers the report it holds, so that a report asked for a second time (a
double-click in the batch list, a link from a cross-report finding) raises the window that has it
instead of opening a second editor of the same review file. When a window saves its review or
lets go of a report (closed, or another file opened in it) the registry says so, and a batch
window showing that report brings its row up to date.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget


_DELETE_ON_CLOSE = Qt.WidgetAttribute.WA_DeleteOnClose


def key_of(path: str | Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


class Workspaces(QObject):
    saved = Signal(str)          # the report's path (resolved): its review file was written
    released = Signal(str)       # the report's path (resolved): no window holds it any more

    def __init__(self) -> None:
        super().__init__()
        self.windows: dict[str, QWidget] = {}
        self.batches: list[QWidget] = []

    # ------------------------------------------------------------------ review windows

    def adopt(self, window: QWidget, path: str | Path, previous: str | Path | None = None) -> None:
        """`window` now holds `path` (and no longer `previous`)."""
        if previous is not None:
            self.release(window, previous)
        self.windows[key_of(path)] = window

    def release(self, window: QWidget, path: str | Path) -> None:
        key = key_of(path)
        if self.windows.get(key) is window:
            del self.windows[key]
            self.released.emit(key)

    def window_of(self, path: str | Path) -> QWidget | None:
        return self.windows.get(key_of(path))

    def open(self, path: str | Path, cells: tuple[str, ...] = (), neighbours=None) -> QWidget:
        """Raise the window holding `path` (selecting `cells`) or open it in a new review window."""
        from gui.main_window import MainWindow
        window = self.window_of(path)
        if window is not None:
            window.show()
            window.raise_()
            window.activateWindow()
            if cells:
                window.select_cells(cells)
            return window
        window = MainWindow(self)
        window.setAttribute(_DELETE_ON_CLOSE, True)
        window.show()
        window.open_file(path, select=cells, neighbours=neighbours)
        return window

    # ------------------------------------------------------------------ batch windows

    def open_batch(self, sources: list[str | Path]) -> QWidget:
        """A new batch window checking `sources` (folders, .zip archives or report files)."""
        from gui.batch_window import BatchWindow
        window = BatchWindow(self)
        window.setAttribute(_DELETE_ON_CLOSE, True)
        self.batches.append(window)
        window.destroyed.connect(lambda *_a, w=window: self.batches.remove(w) if w in self.batches else None)
        window.show()
        window.open_sources([Path(s) for s in sources])
        return window


_shared: Workspaces | None = None


def shared() -> Workspaces:
    """The registry of this process (created on first use)."""
    global _shared
    if _shared is None:
        _shared = Workspaces()
    return _shared
