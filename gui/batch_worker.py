"""Checking a batch off the GUI thread: a worker object in a QThread, with progress and cancel.

The worker first finds the reports (folders walked with their subfolders, .zip archives unpacked
into a folder of their own), hands the list over so the window can show every row at once, then
has them summarised (``core.batch.summarise``) and hands the summaries over in bundles (every
~150 ms), so that a thousand reports cost the GUI thread a few dozen model updates rather than a
thousand.

A batch of more than ``PROCESS_MIN`` reports is summarised in worker processes (two on two
cores): reading and checking is pure Python, and in a thread it would hold the interpreter lock
the list needs to paint, sort and filter — the list would stall for a tenth of a second at a time.
In other processes it costs the GUI nothing but unpickling the summaries, and uses both cores.
Smaller batches are read in the worker thread (starting processes costs about half a second).
If the processes cannot be started, the thread reads everything. Cancelling drops what is queued
and ends the processes at once (a scan being recognised is not waited for); in the thread it
stops after the report being read. The entry point calls ``multiprocessing.freeze_support()``
and every script that opens a batch keeps its top level under ``if __name__ == "__main__"``:
the processes are started with "spawn" and import the main module again.

``SummariseJob`` re-reads a few reports (one whose review window was saved or closed), and
``ExportJob`` writes the summary workbook; both run in the global thread pool.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QStandardPaths, QThread, Signal

from core.batch import ArchiveError, Batch, ReportSummary, extract_zip, list_reports, summarise, summarise_many
from core.loader import TEXT_SUFFIXES

BUNDLE_SECONDS = 0.15
PROCESS_MIN = 40                 # fewer reports: read in the thread
CHUNK = 8                        # reports per task sent to a process
NICE = 10                        # worker processes yield the CPU to the window


def _background() -> None:
    """In each worker process: a lower CPU priority, so that the list (and every other window) comes first."""
    try:
        os.nice(NICE)
    except (AttributeError, OSError):       # Windows has no nice(); the processes simply run at normal priority
        pass


def process_count() -> int:
    return max(1, min(2, os.cpu_count() or 1))


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
    processes = process_count()           # worker processes for a large batch (0: read in the thread)

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
        self.total, self.done, self._bundle, self._last = len(paths), 0, [], time.monotonic()
        self.progress.emit(0, self.total)
        rest = [str(p) for p in paths]
        if len(rest) >= PROCESS_MIN and self.processes > 0:
            rest = self._in_processes(rest)
        for p in rest:
            if self._cancel.is_set():
                break
            self._add([summarise(p, self.fallback)])
            time.sleep(0)               # let the GUI thread take the interpreter
        if self._bundle:
            self.checked.emit(self._bundle)
        self.progress.emit(self.done, self.total)
        self.finished.emit(self._cancel.is_set())

    def _add(self, summaries: list[ReportSummary]) -> None:
        self._bundle += summaries
        self.done += len(summaries)
        if time.monotonic() - self._last >= BUNDLE_SECONDS:
            self.checked.emit(self._bundle)
            self.progress.emit(self.done, self.total)
            self._bundle, self._last = [], time.monotonic()

    def _in_processes(self, paths: list[str]) -> list[str]:
        """Summarise in worker processes; returns the paths left for the thread (pool broken: all not done)."""
        left = set(paths)
        try:
            pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_background)
        except (OSError, ValueError):
            return paths
        try:
            pending: set[Future] = {pool.submit(summarise_many, c, self.fallback) for c in chunks_of(paths)}
            while pending and not self._cancel.is_set():
                done, pending = wait(pending, timeout=BUNDLE_SECONDS, return_when=FIRST_COMPLETED)
                for f in done:
                    got = f.result()
                    left.difference_update(s.path for s in got)
                    self._add(got)
                if not done and self._bundle and time.monotonic() - self._last >= BUNDLE_SECONDS:
                    self._add([])
        except (BrokenProcessPool, OSError, RuntimeError):
            pass                            # a process died: the thread reads what is left
        finally:
            if self._cancel.is_set():
                _stop_now(pool)
            else:
                pool.shutdown(wait=True, cancel_futures=True)
        return [p for p in paths if p in left]


def chunks_of(paths: list[str]) -> list[list[str]]:
    """Text reports go to the processes ``CHUNK`` at a time; any other file (a scan may take seconds) alone."""
    text = [p for p in paths if Path(p).suffix.lower() in TEXT_SUFFIXES]
    other = [[p] for p in paths if Path(p).suffix.lower() not in TEXT_SUFFIXES]
    return [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] + other


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Stop at once: drop the queued chunks and end the processes (the one being read is not wanted)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        try:
            proc.terminate()
        except (OSError, AttributeError):
            pass


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
    """(job, result) and (job, Chinese message): the receiver knows which job answered."""

    done = Signal(object)
    failed = Signal(object)


class SummariseJob(QRunnable):
    """Re-read a few reports of a batch (after their review window saved or let go of them)."""

    def __init__(self, paths: list[str], fallback: Path | None) -> None:
        super().__init__()
        self.paths, self.fallback = list(paths), fallback
        self.signals = JobSignals()

    def run(self) -> None:
        self.signals.done.emit((self, [summarise(p, self.fallback) for p in self.paths]))


class ExportJob(QRunnable):
    """Write the summary workbook of a batch (a snapshot of its summaries: the list may change meanwhile)."""

    def __init__(self, batch: Batch, target: Path) -> None:
        super().__init__()
        self.batch = Batch(batch.paths)
        self.batch.summaries = dict(batch.summaries)
        self.target = target
        self.signals = JobSignals()

    def run(self) -> None:
        from core.exports.cli import summary_workbook_bytes
        from core.exports.common import ExportError, write_output
        try:
            out = write_output(self.target, summary_workbook_bytes([], batch=self.batch))
        except ExportError as e:
            self.signals.failed.emit((self, str(e)))
            return
        except Exception as e:          # never a traceback for the auditor
            self.signals.failed.emit((self, f"无法导出汇总表“{self.target.name}”：{type(e).__name__}: {e}"))
            return
        self.signals.done.emit((self, out))
