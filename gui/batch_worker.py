"""Checking a batch off the GUI thread: a worker object in a QThread, with progress and cancel.

The worker first finds the reports (folders walked with their subfolders, .zip archives unpacked
into a folder of their own), hands the list over so the window can show every row at once, then
summarises report after report (``core.batch.summarise``) and hands the summaries over in small
bundles (every ~100 ms), so that a thousand reports cost the GUI thread a few dozen model updates
rather than a thousand, and the list stays usable while it fills. Cancelling stops after the
report being read.

``SummariseJob`` re-reads a few reports (one whose review window was saved or closed), and
``ExportJob`` writes the summary workbook; both run in the global thread pool.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QStandardPaths, QThread, Signal

from core.batch import ArchiveError, Batch, extract_zip, list_reports, summarise

BUNDLE_SECONDS = 0.1


def archive_root() -> Path:
    """Where .zip batches are unpacked: per user, and named by archive, so their review files persist."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".gov-report-review") / "batches"


def expand_sources(sources: list[Path], dest: Path) -> tuple[list[Path], list[Path], list[str]]:
    """(report files, the folders they were found in, Chinese messages) for folders, archives and files."""
    paths: list[Path] = []
    roots: list[Path] = []
    messages: list[str] = []
    for src in sources:
        src = Path(src)
        if src.is_dir():
            folder = src.resolve()
        elif src.suffix.lower() == ".zip":
            try:
                folder = extract_zip(src, dest)
            except ArchiveError as e:
                messages.append(str(e))
                continue
        elif src.exists():
            paths.append(src.resolve())
            roots.append(src.resolve().parent)
            continue
        else:
            messages.append(f"“{src}”不存在")
            continue
        found = list_reports([folder])
        if not found:
            messages.append(f"“{src.name}”中没有年度报告文件（.txt .docx .doc .wps .html .pdf .xlsx 及扫描图片）")
        paths += found
        roots.append(folder)
    seen: set[Path] = set()
    unique = [p for p in paths if not (p in seen or seen.add(p))]   # type: ignore[func-returns-value]
    return unique, roots, messages


class BatchWorker(QObject):
    listed = Signal(list, list, list)     # report paths, their folders, Chinese messages
    checked = Signal(list)                # list[ReportSummary]
    progress = Signal(int, int)           # done, total
    finished = Signal(bool)               # True when cancelled

    def __init__(self, sources: list[Path], fallback: Path | None = None, dest: Path | None = None) -> None:
        super().__init__()
        self.sources = list(sources)
        self.fallback = fallback
        self.dest = dest if dest is not None else archive_root()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            paths, roots, messages = expand_sources(self.sources, self.dest)
        except OSError as e:
            paths, roots, messages = [], [], [f"无法读取文件夹：{e.strerror or e}"]
        self.listed.emit(paths, roots, messages)
        bundle = []
        last = time.monotonic()
        total = len(paths)
        done = 0
        self.progress.emit(0, total)
        for p in paths:
            if self._cancel.is_set():
                break
            bundle.append(summarise(p, self.fallback))
            done += 1
            if time.monotonic() - last >= BUNDLE_SECONDS:
                self.checked.emit(bundle)
                self.progress.emit(done, total)
                bundle, last = [], time.monotonic()
                time.sleep(0)           # let the GUI thread take the interpreter
        if bundle:
            self.checked.emit(bundle)
        self.progress.emit(done, total)
        self.finished.emit(self._cancel.is_set())


def start(worker: BatchWorker, parent: QObject) -> QThread:
    """Run the worker in a new thread that ends (and is deleted) when the worker finishes."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread


class JobSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class SummariseJob(QRunnable):
    """Re-read a few reports of a batch (after their review window saved or let go of them)."""

    def __init__(self, paths: list[str], fallback: Path | None) -> None:
        super().__init__()
        self.paths, self.fallback = list(paths), fallback
        self.signals = JobSignals()

    def run(self) -> None:
        self.signals.done.emit([summarise(p, self.fallback) for p in self.paths])


class ExportJob(QRunnable):
    """Write the summary workbook of a batch (a snapshot of its summaries: the list may change meanwhile)."""

    def __init__(self, batch: Batch, target: Path) -> None:
        super().__init__()
        self.batch = Batch(batch.paths)
        self.batch.summaries = dict(batch.summaries)
        self.target = target
        self.signals = JobSignals()

    def run(self) -> None:
        from core.export_cli import summary_workbook_bytes
        from core.export_common import ExportError, write_output
        try:
            out = write_output(self.target, summary_workbook_bytes([], batch=self.batch))
        except ExportError as e:
            self.signals.failed.emit(str(e))
            return
        except Exception as e:          # never a traceback for the auditor
            self.signals.failed.emit(f"无法导出汇总表“{self.target.name}”：{type(e).__name__}: {e}")
            return
        self.signals.done.emit(out)
