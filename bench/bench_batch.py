"""Batch benchmarks (figures printed, not asserted).

A submission round is simulated by 1,000 text reports: 250 agencies × 4 consecutive years
(2019–2020 made from seed 003 in the 2019 edition, 2021–2022 from seed 002 in the 2021 edition,
renamed per agency; every tenth agency has a carry mismatch), so the cross-report rules have
pairs to compare on every agency.

1. The batch window (offscreen, in-process): from "open folder" to every report listed and fully
   checked with the cross-report rules applied. Target ≤ 15 s on 2 cores.
   "Usable throughout" is measured: a 5 ms timer records every gap of the GUI event loop while the
   batch fills (longest stall, 99th percentile; the first half second, when the rows appear and
   the worker processes start, separately), and every 250 ms the list is re-sorted by another
   column, re-filtered and scrolled, as an auditor would, timing each of those operations.
   ``--in-thread`` reads in the worker thread instead of worker processes, for comparison.
2. The cross-report rules alone for the 1,000 reports (``Batch.apply_cross``). Target ≤ 100 ms.
3. Memory of the batch: the process's resident memory before opening and once every report is
   checked (the summaries the window keeps), its peak, and the worker processes' memory while
   they run. Target ≤ 300 MB for the batch.

Run: ``QT_QPA_PLATFORM=offscreen python bench/bench_batch.py [--reports N] [--runs N]``
"""
from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHARS = "东南西北中春夏秋冬金木水火土山河湖海江林"
LISTING_MS = 500


def agencies(n: int) -> list[str]:
    names = [f"{a}{b}区{c}局" for a in CHARS for b in CHARS for c in "农林商财"]
    return names[:n]


def make_round(folder: Path, n: int) -> int:
    """Write `n` reports (agencies × 2019–2022); returns how many have a carry mismatch with the year before."""
    # imported here, not at the top: the worker processes import this script again and need none of it
    from tests.yearpairs import S002, S003, balanced_carry, make_year
    templates = {2019: make_year(S003, 2019), 2020: make_year(S003, 2020), 2021: make_year(S002, 2021),
                 2022: make_year(S002, 2022)}
    broken = make_year(S003, 2019, balanced_carry(S003, "natural", 4))     # 2020 says 0 carried over
    old = {2019: "松北区船口街道", 2020: "松北区船口街道", 2021: "呼兰区", 2022: "呼兰区"}
    written = mismatches = 0
    for i, name in enumerate(agencies((n + 3) // 4)):
        for year, text in templates.items():
            if written == n:
                return mismatches
            if year == 2019 and i % 10 == 0:
                text = broken
                mismatches += 1
            assert old[year] in text
            (folder / f"{i:03d}_{year}.txt").write_text(text.replace(old[year], name), encoding="utf-8")
            written += 1
    return mismatches


def rss_mb() -> tuple[float, float]:
    """(resident, peak resident) memory of this process in MB (Linux)."""
    now = peak = 0.0
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return now, peak


def children_rss_mb() -> float:
    """Resident memory of this process's child processes (the batch's worker processes), in MB."""
    total = 0.0
    me = str(os.getpid())
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == me and "VmRSS" in fields:
            total += int(fields["VmRSS"].split()[0]) / 1024
    return total


def bench_window(folder: Path, n: int, runs: int) -> None:
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QSettings, Qt, QTimer

    from gui.main import setup_application
    app = setup_application([])
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_settings_"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    from gui.batch_window import BatchWindow
    from gui.workspaces import Workspaces

    totals, stalls_max, stalls_p99, ops, listing = [], [], [], [], []
    rss_before, _ = rss_mb()
    rss_after = rss_first = peak = kids_peak = 0.0
    for run in range(runs):
        w = BatchWindow(Workspaces())
        w.show()
        app.processEvents()
        gaps: list[float] = []
        first: list[float] = [0.0]                # gaps while the rows appear (the first half second)
        op_times: list[float] = []
        clock = QElapsedTimer()
        last = [0.0]
        tick = QTimer()
        tick.setInterval(5)

        def on_tick() -> None:
            t = clock.nsecsElapsed() / 1e6
            (gaps if t > LISTING_MS else first).append(t - last[0])
            last[0] = t
        tick.timeout.connect(on_tick)
        modes = ["有错误", "全部报告", "有跨年度问题", "全部报告"]
        step = [0]
        poke = QTimer()
        poke.setInterval(250)

        kids = [0.0]

        def use_the_list() -> None:               # what an auditor does while the list fills
            if step[0] % 4 == 0:
                kids[0] = max(kids[0], children_rss_mb())
            t = time.perf_counter()
            col = (5, 2, 8, 1)[step[0] % 4]
            w.table.sortByColumn(col, Qt.SortOrder.DescendingOrder if step[0] % 2 else Qt.SortOrder.AscendingOrder)
            w.set_filter(modes[step[0] % 4])
            w.table.scrollToBottom() if step[0] % 2 else w.table.scrollToTop()
            w.table.viewport().repaint()
            op_times.append((time.perf_counter() - t) * 1000)
            step[0] += 1
        poke.timeout.connect(use_the_list)
        finished = []
        w.checked.connect(finished.append)
        t0 = time.perf_counter()
        clock.start()
        tick.start()
        poke.start()
        w.open_sources([folder])
        while not finished:
            app.processEvents()
            time.sleep(0.001)
        total = time.perf_counter() - t0
        tick.stop()
        poke.stop()
        checked = len(w.batch.summaries)
        cross = sum(len(s.cross) for s in w.batch.summaries.values())
        assert checked == n, (checked, n)
        gaps.sort()
        totals.append(total)
        stalls_max.append(gaps[-1])
        listing.append(max(first))
        stalls_p99.append(gaps[int(len(gaps) * 0.99)])
        ops.extend(op_times)
        rss_after, peak = rss_mb()
        kids_peak = max(kids_peak, kids[0])
        if run == 0:
            rss_first = rss_after
        print(f"  run {run + 1}: {total:.2f} s for {checked} reports ({cross} cross-report findings); "
              f"event loop: longest gap {gaps[-1]:.0f} ms, 99th pct {stalls_p99[-1]:.0f} ms, "
              f"while the rows appear {listing[-1]:.0f} ms, "
              f"median {statistics.median(gaps):.1f} ms; sort+filter+scroll while filling: "
              f"median {statistics.median(op_times):.0f} ms, max {max(op_times):.0f} ms ({len(op_times)}×)")
        if run == runs - 1:
            bench_cross(w.batch)
        w.close()
        w.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)   # the window really goes
        app.processEvents()
        del w
        gc.collect()
    print(f"batch window, {n} text reports listed and fully checked incl. cross rules: median "
          f"{statistics.median(totals):.2f} s over {runs} runs (target ≤ 15 s; {os.cpu_count()} cores)")
    print(f"  list usable while filling: longest event-loop stall median {statistics.median(stalls_max):.0f} ms "
          f"(99th pct {statistics.median(stalls_p99):.0f} ms), once while the {n} rows first appear and the "
          f"worker processes start {statistics.median(listing):.0f} ms; re-sort + re-filter + scroll median "
          f"{statistics.median(ops):.0f} ms, max {max(ops):.0f} ms")
    print(f"memory: window process resident {rss_before:.0f} MB before, {rss_first:.0f} MB with the first batch "
          f"checked (Δ {rss_first - rss_before:.0f} MB for one batch of {n}), {rss_after:.0f} MB after {runs} "
          f"batches opened one after the other, peak {peak:.0f} MB; worker processes while checking "
          f"{kids_peak:.0f} MB together (they end with the check); target ≤ 300 MB")


def bench_cross(batch) -> None:
    """The rules from scratch over every report (a new Batch each run), and as the window re-runs them."""
    from core.batch import Batch
    cold, warm = [], []
    for _ in range(20):
        fresh = Batch(batch.paths)
        fresh.summaries = batch.summaries
        for s in fresh.summaries.values():
            s.cross = []
        t = time.perf_counter()
        fresh.apply_cross()
        cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        fresh.apply_cross()                       # after a bundle: pairs already compared are kept
        warm.append(time.perf_counter() - t)
    print(f"cross-report rules over {len(batch.summaries)} reports (Batch.apply_cross): from scratch median "
          f"{statistics.median(cold) * 1000:.1f} ms, max {max(cold) * 1000:.1f} ms (target ≤ 100 ms); "
          f"again with nothing changed {statistics.median(warm) * 1000:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--in-thread", action="store_true", help="read in the worker thread, not in processes (to compare)")
    args = ap.parse_args()
    if args.in_thread:
        from gui.batch_worker import BatchWorker
        BatchWorker.processes = 0
    folder = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        t = time.perf_counter()
        mism = make_round(folder, args.reports)
        n = len(list(folder.iterdir()))
        print(f"generated {n} reports ({n // 4} agencies × 4 years, {mism} with a carry mismatch) "
              f"in {time.perf_counter() - t:.1f} s")
        bench_window(folder, n, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
