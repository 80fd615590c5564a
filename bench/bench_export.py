"""Export benchmarks (figures printed, not asserted). Run: python bench/bench_export.py

Per report and format, the median over repeated runs of the whole export as the auditor triggers
it: build the file from the report and the checker's findings, write it atomically (fsync and
rename). Target ≤ 300 ms each. Also: reading an exported workbook back, the DOCX write-back, and
the many-report summary.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.exports.cli import summary_workbook_bytes  # noqa: E402
from core.exports.docx import export_docx, export_docx_inplace  # noqa: E402
from core.exports.xlsx import export_xlsx  # noqa: E402
from core.loader import load  # noqa: E402
from core.rules import Checker  # noqa: E402

SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt")) or sorted((ROOT / "tests/data/seeds").glob("*.txt"))
REPEAT = 15


def median_time(fn, repeat: int = REPEAT) -> float:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def row(name: str, per_seed: list[float], target_ms: float | None = 300) -> None:
    tail = f"; target ≤ {target_ms:.0f} ms" if target_ms else ""
    print(f"{name:<34} median {statistics.median(per_seed) * 1000:7.1f} ms  max {max(per_seed) * 1000:7.1f} ms"
          f"  (per seed: {', '.join(f'{t * 1000:.0f}' for t in per_seed)} ms{tail})")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench_export_"))
    reports = [load(p) for p in SEEDS]
    xlsx, docx_, back_x, back_d, inplace = [], [], [], [], []
    for i, report in enumerate(reports):
        checker = Checker(report)
        xo, do = tmp / f"r{i}.xlsx", tmp / f"r{i}.docx"
        xlsx.append(median_time(lambda: export_xlsx(report, xo, checker)))
        docx_.append(median_time(lambda: export_docx(report, do, checker)))
        back_x.append(median_time(lambda: load(xo)))
        back_d.append(median_time(lambda: load(do)))
        src = load(do)
        key = "apply.new.natural"
        v = src.value(key)
        src.cells[key].set(v + 1 if isinstance(v, int) else 1)
        io = tmp / f"w{i}.docx"
        inplace.append(median_time(lambda: export_docx_inplace(src, do, io)))
    print(f"Export benchmarks over {len(reports)} seed reports, {REPEAT} runs each (medians)")
    row("export Excel (build + write)", xlsx)
    row("export Word (build + write)", docx_)
    row("write back into original DOCX", inplace)
    row("read exported .xlsx back", back_x, None)
    row("read regenerated .docx back", back_d, None)
    paths = SEEDS * 20
    t = time.perf_counter()
    summary_workbook_bytes(paths)
    print(f"summary of {len(paths)} reports: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
