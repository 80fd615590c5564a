"""OCR benchmarks (printed, not asserted). The machine is noisy: read the medians.

    python3 bench/bench_ocr.py              # everything below
    python3 bench/bench_ocr.py --runs 1     # one run each (quicker)

1. OCR per page of a degraded two-page scan of seed 003 (table pages), fresh cache each run.
2. A 10-page scan (seed 003 with 8 pages of narrative) opened in the real window (offscreen):
   seconds from open to the three tables shown, and the longest event-loop stall meanwhile
   (a 10 ms timer measures the gaps).
3. Peak memory (max RSS) of this process after 1 and 2.
4. Start-up: importing the window module must not import the OCR stack (and how long it takes).
5. Reopening a cached scan (the OCR results and page images come from the cache).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.conftest import SEED_FILES  # noqa: E402
from tests.readers.fixtures import SeedDoc  # noqa: E402
from tests.scans import ScanOptions, make_scan  # noqa: E402

SEED = next(p for p in SEED_FILES if p.name.startswith("003"))


def _scan(tmp: Path, filler: int) -> Path:
    opt = ScanOptions(**{**ScanOptions.random(3).__dict__, "filler_pages": filler})
    path = tmp / f"scan_{filler + 2}p.pdf"
    path.write_bytes(make_scan(SeedDoc(SEED), opt, 3).pdf_bytes())
    return path


def per_page(tmp: Path, runs: int) -> None:
    from core.loader import load
    path = _scan(tmp, 0)
    times = []
    for i in range(runs):
        os.environ["GOV_REPORT_CACHE"] = str(tmp / f"cache_pp_{i}")
        t = time.perf_counter()
        report = load(path)
        times.append((time.perf_counter() - t) / len(report.pages))
    print(f"OCR per table page (2-page scan, 200 dpi): median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}, {runs} runs)")


def window_open(tmp: Path, runs: int) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    path = _scan(tmp, 4)          # 10 pages: the tables on 1-2, narrative after
    opens, stalls = [], []
    for i in range(runs):
        os.environ["GOV_REPORT_CACHE"] = str(tmp / f"cache_win_{i}")
        w = MainWindow()
        w.ask_save = lambda: QMessageBox.StandardButton.Discard
        w.show()
        done = {"t": None}
        clock = QElapsedTimer()
        gaps = []
        last = {"t": 0}
        tick = QTimer()
        tick.setInterval(10)

        def on_tick():
            now = clock.elapsed()
            gaps.append(now - last["t"])
            last["t"] = now
        tick.timeout.connect(on_tick)
        w.report_opened.connect(lambda: done.__setitem__("t", clock.elapsed()))
        clock.start()
        tick.start()
        w.open_file(path)
        while done["t"] is None:
            app.processEvents()
            time.sleep(0.002)
        tick.stop()
        pages = len(w.report.pages)
        import pypdfium2 as pdfium
        total_pages = len(pdfium.PdfDocument(str(path)))
        opens.append(done["t"] / 1000)
        stalls.append(max(gaps) if gaps else 0)
        w.close()
        w.deleteLater()
        app.processEvents()
    print(f"{total_pages}-page scan (tables shown with {pages} pages read, the rest read on in the background), open → three tables shown: median {statistics.median(opens):.1f} s "
          f"(runs: {', '.join(f'{t:.1f}' for t in opens)}); longest event-loop stall "
          f"{statistics.median(stalls):.0f} ms (median over runs)")


def startup() -> None:
    code = ("import sys, time; t = time.perf_counter(); import gui.main_window; "
            "print(round((time.perf_counter() - t) * 1000), "
            "any(m.startswith(('rapidocr', 'onnxruntime', 'cv2', 'core.scan.engine')) for m in sys.modules))")
    out = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True).stdout.split()
           for _ in range(5)]
    ms = statistics.median(int(o[0]) for o in out)
    print(f"start-up: importing the window takes {ms} ms (median of 5); OCR stack imported: {out[0][1]}")


def cached_reopen(tmp: Path, runs: int) -> None:
    from core.loader import load
    path = _scan(tmp, 0)
    os.environ["GOV_REPORT_CACHE"] = str(tmp / "cache_reopen")
    load(path)
    times = []
    for _ in range(max(runs, 3)):
        t = time.perf_counter()
        load(path)
        times.append(time.perf_counter() - t)
    print(f"cached scan reopened (load + cached OCR): median {statistics.median(times) * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    startup()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        per_page(tmp, args.runs)
        cached_reopen(tmp, args.runs)
        window_open(tmp, args.runs)
        memory(tmp)


def memory(tmp: Path) -> None:
    """Peak memory of reading the 10-page scan in a process of its own (fresh cache)."""
    path = _scan(tmp, 4)
    code = ("import os, resource, sys; sys.path.insert(0, %r); from core.loader import load; "
            "load(%r); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)" % (str(ROOT), str(path)))
    env = dict(os.environ, GOV_REPORT_CACHE=str(tmp / "cache_mem"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout.strip()
    print(f"peak memory reading the 10-page scan (max RSS of its process): {out} MB")


if __name__ == "__main__":
    main()
