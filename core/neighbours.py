"""The neighbour years of an open report: the same agency's reports for the year before and after.

A report opened on its own gets the cross-report rules when last (or next) year's report lies in
the same folder. Finding it means reading the folder's other reports, so this runs off the GUI
thread, keeps only ``Facts`` (the few cells the cross rules read) in a small cache keyed by each
file's size and modification time (and its review file's), and skips scanned images: recognising
a whole folder of scans only to find a neighbour would take minutes. A file whose reading takes
longer than ``PER_FILE_SECONDS`` (a PDF that turns out to be a scan) is skipped the same way.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from core.cross import Facts, facts_of, neighbours_of
from core.loader import READERS, Cancelled, report_files
from core.review import review_path

PER_FILE_SECONDS = 3.0
SCAN_SUFFIXES = frozenset(s for s, m in READERS.items() if m == "scan_reader")

Stamp = tuple[int, int, int]
_cache: dict[str, tuple[Stamp, Facts | None]] = {}
_lock = threading.Lock()


def stamp_of(path: Path) -> Stamp | None:
    """What changes when the report or its saved review changes (None: the file is gone)."""
    try:
        st = path.stat()
    except OSError:
        return None
    try:
        rv = review_path(path).stat().st_mtime_ns
    except OSError:
        rv = 0
    return st.st_mtime_ns, st.st_size, rv


def remember(path: str | Path, facts: Facts | None, stamp: Stamp | None) -> None:
    """Keep a report's facts (a batch hands over what it has already read)."""
    if stamp is not None:
        with _lock:
            _cache[str(path)] = (stamp, facts)


def facts_for(path: Path, fallback: Path | None = None, cancelled: Callable[[], bool] = lambda: False) -> Facts | None:
    """The facts of one report (its saved review applied), from the cache when the file is unchanged.

    None for a file that is not a readable report; a read given up (too slow, or cancelled) is not
    cached, so it is tried again another time.
    """
    stamp = stamp_of(path)
    if stamp is None:
        return None
    with _lock:
        hit = _cache.get(str(path))
    if hit is not None and hit[0] == stamp:
        return hit[1]
    from core.batch import open_reviewed
    started = time.monotonic()

    def budget(_done: int, _total: int) -> None:
        if cancelled() or time.monotonic() - started > PER_FILE_SECONDS:
            raise Cancelled(path)
    try:
        facts: Facts | None = facts_of(open_reviewed(path, fallback, progress=budget).report, path)
    except Cancelled:
        return None
    except Exception:                     # unreadable (LoadError) or a reader bug: not a neighbour
        facts = None
    remember(path, facts, stamp)
    return facts


def find_neighbours(path: str | Path, agency: str | None, year: int | None, fallback: Path | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> tuple[Facts | None, Facts | None]:
    """(last year's, next year's) report of the same agency among the files beside `path`."""
    path = Path(path)
    me = Facts(str(path), agency, year, "", {})
    if me.key is None or year is None:
        return None, None
    others = []
    for other in report_files([str(path.parent)]):
        if cancelled():
            return None, None
        if other == path or other.suffix.lower() in SCAN_SUFFIXES:
            continue
        facts = facts_for(other, fallback, cancelled)
        if facts is not None:
            others.append(facts)
    return neighbours_of(me, others)
