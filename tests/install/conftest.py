"""Shared by the build tests (offline kit, standalone bundle).

Both check an installed or bundled app the same way: ``check --json`` on seed 003 (every
hand-read cell), ``check --json`` on a degraded scan of it (OCR read in the installed app exactly
as from the source tree), and the window offscreen for a few seconds. ``network_cut`` runs a
command in a fresh network namespace (``unshare -n``), where no address can be reached.
"""
from __future__ import annotations

import errno
import json
import os
import selectors
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, expected_for

SEED_003 = SEEDS / "003_5ff8cf655acdf111.txt"
DEAD_PROXY = "http://127.0.0.1:9"          # the discard port: nothing listens, every request fails
# A documentation address (TEST-NET-1): never routed anywhere; in a namespace without
# interfaces connecting to it fails at once with "network unreachable".
PROBE = ("import socket, sys\n"
         "try:\n"
         "    socket.create_connection(('192.0.2.1', 443), timeout=3)\n"
         "except OSError as e:\n"
         "    print('errno', e.errno)\n"
         "else:\n"
         "    print('connected')\n")


def network_cut() -> list[str]:
    """The command prefix that cuts the network off (``unshare -n``), or [] where not allowed."""
    exe = shutil.which("unshare")
    if exe is None:
        return []
    for flags in (["-n"], ["-rn"]):
        if subprocess.run([exe, *flags, "true"], capture_output=True).returncode == 0:
            return [exe, *flags]
    return []


def prove_offline(prefix: list[str]) -> None:
    """Inside the cut-off namespace no address is reachable (ENETUNREACH, not a timeout)."""
    out = subprocess.run([*prefix, sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == f"errno {errno.ENETUNREACH}", out.stdout + out.stderr


def quiet_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A clean user: home, settings and OCR cache in tmp, Qt offscreen, proxies pointing nowhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))}
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CACHE_HOME=str(home / ".cache"), GOV_REPORT_CACHE=str(tmp / "ocr-cache"),
               QT_QPA_PLATFORM="offscreen", PIP_NO_INDEX="1",
               http_proxy=DEAD_PROXY, https_proxy=DEAD_PROXY, HTTP_PROXY=DEAD_PROXY, HTTPS_PROXY=DEAD_PROXY,
               no_proxy="", NO_PROXY="")
    env.update(extra)
    return env


def check_json(cmd: list[str], path: Path, env: dict[str, str], timeout: float = 600) -> tuple[dict, int]:
    out = subprocess.run([*cmd, "check", "--json", str(path)], capture_output=True, text=True, env=env,
                         cwd=env["HOME"], timeout=timeout)
    assert out.returncode in (0, 1), out.stdout[-2000:] + out.stderr[-4000:]
    return json.loads(out.stdout), out.returncode


def assert_reads_seed_003(result: dict) -> None:
    """Every hand-read cell of seed 003, and the edition and year."""
    expected = expected_for(SEED_003)
    assert result["ok"] and result["edition"] == expected["edition"] and result["year"] == expected["year"]
    wrong = {k: (v, result["cells"].get(k)) for k, v in expected["cells"].items() if result["cells"].get(k) != v}
    assert not wrong


def assert_same_ocr(result: dict, reference: dict) -> None:
    """The installed app read the scan with OCR, value for value as the source tree does."""
    assert result["cells"] == reference["cells"] and result["uncertain"] == reference["uncertain"]
    sources = result["sources"]                # every cell holding a value, none for blanks
    assert len(sources) >= 50 and all(s["how"] == "ocr" and s.get("confidence") is not None and s.get("bbox")
                                      for s in sources.values())
    expected = expected_for(SEED_003)["cells"]
    agree = sum(result["cells"].get(k) == v for k, v in expected.items())
    assert agree >= 0.95 * len(expected), f"{agree}/{len(expected)}"


def run_window_for(cmd: list[str], report: Path, env: dict[str, str], seconds: float = 4.0) -> int:
    """Start the window offscreen on a report, wait until it is painted (``READY <ms>``), keep it
    running ``seconds`` more, and check it is still alive; returns the startup milliseconds."""
    proc = subprocess.Popen([*cmd, str(report)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(env, GOV_REPORT_STARTUP="print"), cwd=env["HOME"])
    try:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        line, deadline = "", time.monotonic() + 120
        while not line.startswith(("READY", "FAILED")) and time.monotonic() < deadline and proc.poll() is None:
            if sel.select(timeout=1):
                line = proc.stdout.readline()
        assert line.startswith("READY"), (line, proc.poll(), proc.stderr.read() if proc.poll() is not None else "")
        time.sleep(seconds)
        assert proc.poll() is None, proc.stderr.read()
        return int(line.split()[1])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def scan_003(tmp_path_factory) -> Path:
    """An image-only PDF of seed 003: printed, stamped and scanned (tests/scans.py, variant 0)."""
    from tests.readers.fixtures import SeedDoc
    from tests.scans import ScanOptions, write_scan
    path = tmp_path_factory.mktemp("scan") / "003_scan.pdf"
    write_scan(SeedDoc(SEED_003), path, 0, ScanOptions())
    return path


@pytest.fixture(scope="session")
def scan_003_from_source(scan_003, tmp_path_factory) -> dict:
    """``check --json`` on the scan from the source tree: what an installed app must print too."""
    tmp = tmp_path_factory.mktemp("source")
    result, _ = check_json([sys.executable, str(ROOT / "app.py")], scan_003, quiet_env(tmp))
    return result
