"""Reader benchmarks: read + check per format, medians over repeated runs (printed, not asserted).

    python3 bench/bench_readers.py            # DOCX, HTML, 10-page PDF, text, .doc (if LibreOffice)
    python3 bench/bench_readers.py --big      # also a 50 MB text and a ~300-page PDF (one run each)

Targets: DOCX <= 150 ms, HTML <= 50 ms, PDF <= 1 s for a 10-page report. The machine is noisy:
read the medians, not single runs.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.loader import load  # noqa: E402
from core.rules import Checker  # noqa: E402
from tests.conftest import SEED_FILES  # noqa: E402
from tests.readers.fixtures import SeedDoc, build_docx, build_html, build_pdf  # noqa: E402


def _pages(path: Path) -> int:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def time_load(path: Path, runs: int) -> tuple[float, float, float]:
    """(median, min, max) seconds of load + check."""
    times = []
    load(path)  # warm imports and caches
    for _ in range(runs):
        t = time.perf_counter()
        report = load(path)
        Checker(report).problems()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--big", action="store_true", help="also time a 50 MB text and a ~300-page PDF")
    args = ap.parse_args()
    doc = SeedDoc(SEED_FILES[2])
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        cases: list[tuple[str, Path, int, str]] = []
        cases.append(("text (seed, UTF-8)", SEED_FILES[2], args.runs, ""))
        cases.append(("DOCX (official layout)", build_docx(doc, d / "r.docx"), args.runs, "≤ 150 ms"))
        html = d / "r.html"
        html.write_bytes(build_html(doc, "gbk"))
        cases.append(("HTML (GBK, rowspan/colspan)", html, args.runs, "≤ 50 ms"))
        pdf = d / "r.pdf"
        build_pdf(doc, pdf, filler_pages=4)
        cases.append((f"PDF ({_pages(pdf)} pages)", pdf, max(args.runs // 2, 3), "≤ 1000 ms"))
        from core.readers import office_convert
        if office_convert.soffice():
            import subprocess
            subprocess.run([office_convert.soffice(), f"-env:UserInstallation={(d / 'p').as_uri()}", "--headless",
                            "--convert-to", "doc", "--outdir", str(d), str(d / "r.docx")],
                           capture_output=True, timeout=180)
            if (d / "r.doc").exists():
                cases.append((".doc via LibreOffice", d / "r.doc", 3, ""))
        if args.big:
            big = d / "big.txt"
            text = SEED_FILES[2].read_text(encoding="utf-8")
            prose = "本机关持续推进政务公开标准化规范化建设，完善公开目录，加强政策解读和回应关切。\n" * 20
            big.write_text(text + prose * (50_000_000 // len(prose.encode())), encoding="utf-8")
            cases.append(("text 50 MB", big, 1, ""))
            bigpdf = d / "big.pdf"
            build_pdf(doc, bigpdf, filler_pages=150)
            cases.append((f"PDF ({_pages(bigpdf)} pages)", bigpdf, 1, ""))
        print(f"{'format':32} {'median':>9} {'min':>9} {'max':>9}  runs  target")
        for name, path, runs, target in cases:
            med, lo, hi = time_load(path, runs)
            print(f"{name:32} {med * 1000:8.1f}ms {lo * 1000:8.1f}ms {hi * 1000:8.1f}ms  {runs:4}  {target}")


if __name__ == "__main__":
    main()
