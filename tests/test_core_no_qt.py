"""core/ never imports Qt: the CLI and the tests use it on machines without a display."""
from __future__ import annotations

import pkgutil
import re
import subprocess
import sys

import core
from tests.conftest import ROOT


def test_no_qt_import_in_core_sources():
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        if re.search(r"^\s*(from|import)\s+(PySide6|PyQt\d|shiboken6|pyqtgraph|qtpy)", path.read_text(encoding="utf-8"), re.M):
            offenders.append(path.name)
    assert offenders == []


def test_importing_all_of_core_loads_no_qt():
    modules = [m.name for m in pkgutil.walk_packages(core.__path__, "core.")]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','shiboken6','pyqtgraph','PyQt6')]\n"
            + "print(bad); sys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
