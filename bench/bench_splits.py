"""Run-together digits: time to find the tables and split every row by the rules, per report.

Run: python bench/bench_splits.py

Each report is read by ``core.flat.read_flat`` (label search, row splits by row totals, joint
table 三 column rules, readings) from its fully run-together text (all whitespace removed):
the five seeds and random consistent reports of both editions, some with blank cells. Target:
≤ 50 ms per report. The machine is small and shared: medians over repeated runs are printed,
as CPU time (what the solver costs) and wall time (what it cost on the loaded machine).
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.editions import EDITION_2019, EDITION_2021  # noqa: E402
from core.extract import read_title  # noqa: E402
from core.flat import read_flat  # noqa: E402
from tests.degrade import no_whitespace  # noqa: E402
from tests.synth import consistent_values, render  # noqa: E402

SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt")) or sorted((ROOT / "tests/data/seeds").glob("*.txt"))
REPEAT = 15


def solve_once(text: str) -> None:
    year, agency = read_title(text)
    read_flat(text, year, agency, EDITION_2021, "")


def median_ms(text: str, repeat: int = REPEAT) -> tuple[float, float]:
    """Median (CPU, wall) milliseconds: other work on the shared cores inflates wall time only."""
    cpu, wall = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        solve_once(text)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - t)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def synthetic_texts(n: int) -> list[str]:
    """Random consistent reports, every third with about a third of its zero cells blank."""
    out = []
    for seed in range(n):
        edition = (EDITION_2019, EDITION_2021, EDITION_2021.with_subtotal())[seed % 3]
        values: dict = consistent_values(edition, seed)
        if seed % 3 == 0:
            rnd = random.Random(seed)
            values = {k: (None if v == 0 and rnd.random() < 0.3 else v) for k, v in values.items()}
        out.append(no_whitespace(render(edition, values, "inline"), random.Random(0)))
    return out


def main() -> None:
    seeds = [median_ms(no_whitespace(p.read_text(encoding="utf-8"), random.Random(0))) for p in SEEDS]
    print("fully run-together seeds, solver time per report (median of %d runs, CPU / wall): %s ms"
          % (REPEAT, ", ".join(f"{p.stem[:3]} {c:.1f} / {w:.1f}" for p, (c, w) in zip(SEEDS, seeds))))
    synth = [median_ms(t, 5) for t in synthetic_texts(60)]
    cpu = [c for c, _ in synth]
    wall = [w for _, w in synth]
    print(f"60 random consistent reports run together: CPU median {statistics.median(cpu):.1f} ms, "
          f"slowest {max(cpu):.1f} ms; wall median {statistics.median(wall):.1f} ms, slowest {max(wall):.1f} ms")
    every = [c for c, _ in seeds] + cpu
    print(f"solver time per report: median {statistics.median(every):.1f} ms, slowest {max(every):.1f} ms CPU "
          f"(target ≤ 50 ms)")


if __name__ == "__main__":
    main()
