"""Core benchmarks (figures printed, not asserted). Run: python bench/bench_core.py

- extraction + full check per text report, in-process (target ≤ 5 ms)
- single-cell re-check (target ≤ 100 µs)
- `python app.py check` over 1,000 report files through the CLI (target ≤ 15 s)
The machine is small and noisy: medians over repeated runs are reported.
"""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.extract import extract  # noqa: E402
from core.rules import Checker  # noqa: E402

SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt")) or sorted((ROOT / "tests/data/seeds").glob("*.txt"))


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_extract_check() -> None:
    per_seed = []
    for p in SEEDS:
        text = p.read_text(encoding="utf-8")
        per_seed.append(median_time(lambda: Checker(extract(text)).problems(), 200))
    print(f"extract + full check per report: median {statistics.median(per_seed) * 1000:.2f} ms "
          f"(per seed: {', '.join(f'{t * 1000:.2f}' for t in per_seed)} ms; target ≤ 5 ms)")


def bench_recheck() -> None:
    report = extract(SEEDS[2].read_text(encoding="utf-8"))
    checker = Checker(report)
    keys = ["apply.handled_total.natural", "apply.granted.natural", "review.reconsideration.total",
            "active.licensing.decisions", "apply.new.total"]
    results = []
    for key in keys:
        cell = report.cells[key]

        def edit_and_check() -> None:
            cell.set((cell.value or 0) + 1)
            checker.recheck(key)
        results.append(median_time(edit_and_check, 2000))
        cell.revert()
        checker.recheck(key)
    sugg = median_time(checker.suggestions, 200)
    print(f"single-cell edit + re-check: median {statistics.median(results) * 1e6:.1f} µs "
          f"(max over cells {max(results) * 1e6:.1f} µs; target ≤ 100 µs); culprit localisation {sugg * 1e6:.0f} µs")


def bench_cli(n: int = 1000) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench_cli_"))
    try:
        for i in range(n):
            shutil.copyfile(SEEDS[i % len(SEEDS)], tmp / f"r{i:04d}.txt")
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "app.py", "check", str(tmp), "--json"], cwd=ROOT,
                                  capture_output=True, text=True)
            runs.append(time.perf_counter() - t)
            assert len(proc.stdout.splitlines()) == n, proc.stderr[-500:]
        print(f"CLI check over {n} files: median {statistics.median(runs):.2f} s "
              f"(runs: {', '.join(f'{r:.2f}' for r in runs)} s; target ≤ 15 s)")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    bench_extract_check()
    bench_recheck()
    bench_cli()
