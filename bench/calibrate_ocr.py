"""Calibrate the OCR doubt checks on degraded scans made from the seeds (printed, not asserted).

    python3 bench/calibrate_ocr.py                 # every seed, variants 0..2
    python3 bench/calibrate_ocr.py --variants 6 --seeds 000 003

For each seed and variant it draws the official tables with the seed's values, degrades the page
(tests/scans.py: dpi, skew, blur, noise, JPEG, paper, seals), reads it with the app's loader and
compares every cell with the hand-read expectation. It prints, per scan: cells right, wrong but
flagged (uncertain or inside a failing rule), *silent* (wrong and unflagged: must be 0) and the
number of uncertain cells; then the confidence of right and of wrong OCR readings, which is what
``core.scan.evidence.MIN_CONFIDENCE`` is set from (every wrong reading must fall below it or be
caught by another check, while few right ones should).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.loader import load  # noqa: E402
from core.model import HOW_OCR  # noqa: E402
from core.rules import Checker  # noqa: E402
from core.values import to_json  # noqa: E402
from tests.conftest import SEED_FILES, expected_for  # noqa: E402
from tests.readers.fixtures import SeedDoc  # noqa: E402
from tests.scans import ScanOptions, make_scan  # noqa: E402


def judge(report, expected: dict) -> dict:
    """Right / flagged / silent counts of one read report against the expected cells."""
    unc = set(report.uncertain_keys())
    flagged = {k for f in Checker(report).errors() for k in f.rule.cells}
    out = {"right": 0, "flagged": 0, "silent": [], "uncertain": len(unc), "conf_right": [], "conf_wrong": []}
    for key, want in expected["cells"].items():
        got = to_json(report.value(key))
        cell = report.cells.get(key)
        reading = cell.reading if cell is not None else None
        conf = getattr(reading, "confidence", None) if reading is not None and getattr(reading, "how", None) == HOW_OCR else None
        if got == want:
            out["right"] += 1
            if conf is not None:
                out["conf_right"].append(conf)
        else:
            if conf is not None:
                out["conf_wrong"].append(conf)
            if key in unc or key in flagged:
                out["flagged"] += 1
            else:
                out["silent"].append((key, want, got))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=3)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--seeds", nargs="*", default=None, help="seed name prefixes, e.g. 000 003")
    args = ap.parse_args()
    seeds = [s for s in SEED_FILES if not args.seeds or any(s.name.startswith(p) for p in args.seeds)]
    total = right = flagged = unc = 0
    silent: list = []
    conf_right: list[float] = []
    conf_wrong: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GOV_REPORT_CACHE"] = str(Path(tmp) / "cache")      # every read is a fresh OCR
        for seed in seeds:
            expected = expected_for(seed)
            doc = SeedDoc(seed)
            for v in range(args.first, args.first + args.variants):
                opt = ScanOptions.random(v)
                path = Path(tmp) / f"{seed.stem[:3]}_{v}.pdf"
                path.write_bytes(make_scan(doc, opt, v).pdf_bytes())
                t = time.perf_counter()
                report = load(path)
                dt = time.perf_counter() - t
                j = judge(report, expected)
                n = len(expected["cells"])
                total += n
                right += j["right"]
                flagged += j["flagged"]
                unc += j["uncertain"]
                silent += [(seed.stem[:3], v, *s) for s in j["silent"]]
                conf_right += j["conf_right"]
                conf_wrong += j["conf_wrong"]
                print(f"{seed.stem[:3]} v{v} dpi={opt.dpi} angle={opt.angle:+.2f} seals={opt.seals} "
                      f"pages={len(report.pages)} {dt:5.1f}s  right {j['right']}/{n}  flagged-wrong {j['flagged']}  "
                      f"silent {len(j['silent'])}  uncertain {j['uncertain']}", flush=True)
    print(f"\nall: {right}/{total} right ({100 * right / max(total, 1):.2f} %), wrong but flagged {flagged}, "
          f"silent {len(silent)}, uncertain cells {unc}")
    for s in silent:
        print("  SILENT", s)
    if conf_right:
        q = statistics.quantiles(conf_right, n=100)
        print(f"confidence of right OCR readings: n={len(conf_right)} p1={q[0]:.3f} p5={q[4]:.3f} median={statistics.median(conf_right):.3f}")
    if conf_wrong:
        print(f"confidence of wrong OCR readings: n={len(conf_wrong)} max={max(conf_wrong):.3f} values={sorted(round(c, 3) for c in conf_wrong)}")


if __name__ == "__main__":
    main()
