"""The standalone build (tools/standalone/gov-report-review.spec): one folder that runs without Python.

Slow: builds the bundle with PyInstaller here, then runs the bundled command line on seed 003 and
on a scan of it (OCR from the bundled models and onnxruntime, with the network cut off) and the
bundled window offscreen for a few seconds.
"""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.install.conftest import (SEED_003, assert_reads_seed_003, assert_same_ocr, check_json, network_cut,
                                    prove_offline, quiet_env, run_window_for)


@pytest.mark.slow
def test_bundle_runs_check_ocr_and_the_window(tmp_path, scan_003, scan_003_from_source):
    pytest.importorskip("PyInstaller", reason='needs the build extra: python -m pip install -e ".[build]"')
    started = time.perf_counter()
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "build_standalone.py"), "--dist", str(tmp_path / "dist"),
                          "--work", str(tmp_path / "work")], capture_output=True, text=True, timeout=3600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-5000:]
    built = time.perf_counter() - started
    bundle = tmp_path / "dist" / "gov-report-review"
    exe = ".exe" if sys.platform.startswith("win") else ""
    cli, window = bundle / f"gov-report-review{exe}", bundle / f"gov-report-review-gui{exe}"
    assert cli.is_file() and window.is_file()
    inside = bundle / "_internal"
    assert sorted(p.name for p in (inside / "rapidocr" / "models").glob("*.onnx")) == [
        "PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx", "ch_ppocr_mobile_v2.0_cls_mobile.onnx"]
    assert (inside / "gui" / "sample_report.txt").is_file()
    assert (inside / "PySide6" / "Qt" / "translations" / "qtbase_zh_CN.qm").is_file()
    assert not [p for p in ("torch", "scipy", "pytest", "PyInstaller") if (inside / p).exists()]
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())

    cut = network_cut()
    if cut:
        prove_offline(cut)
    env = quiet_env(tmp_path)
    result, status = check_json([*cut, str(cli)], SEED_003, env)
    assert_reads_seed_003(result)
    assert status == 1
    started = time.perf_counter()
    assert_same_ocr(check_json([*cut, str(cli)], scan_003, env)[0], scan_003_from_source)
    ocr_s = time.perf_counter() - started
    ready_ms = run_window_for([*cut, str(window)], SEED_003, env)
    # no file: the bundled sample report opens
    sample = subprocess.run([*cut, str(window)], capture_output=True, text=True, timeout=120,
                            env=dict(env, GOV_REPORT_STARTUP="quit"), cwd=env["HOME"])
    assert sample.returncode == 0 and sample.stdout.startswith("READY"), sample.stdout + sample.stderr
    print(f"\nbundle: {size / 2**20:.0f} MB, built in {built:.0f} s; OCR of the 2-page scan {ocr_s:.1f} s; "
          f"window ready in {ready_ms} ms; network cut: {bool(cut)}")


def test_default_run_leaves_the_slow_build_tests_out():
    """The README's test command (and so .ci/run) skips the builds; ``-m slow`` selects exactly them."""
    def collected(*args: str) -> set[str]:
        out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                              *args, "tests/install"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        return {line.split("::")[-1] for line in out.stdout.splitlines() if "::" in line}

    slow = {"test_bundle_runs_check_ocr_and_the_window", "test_kit_installs_and_runs_with_the_network_cut_off"}
    default = collected()
    assert default and not default & slow
    assert collected("-m", "slow") == slow
