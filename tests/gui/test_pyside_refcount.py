"""Reproducer for the PySide6 6.12.0 reference-count bug on Python < 3.12 (issue 11).

When C++ calls a Python ``data()`` override from inside a Python-initiated call (here
``QModelIndex.data()``; in the window a delegate's ``super().paint()``) and it returns None,
PySide6 6.12.0 drops one reference to None. After a few thousand repaints Python aborts with
"deallocating None". PySide6 6.6–6.11.3 do not have the bug (checked on Python 3.10 and 3.11), so
pyproject.toml keeps PySide6-Essentials below 6.12 on Python < 3.12, and gui/__init__.py no longer
pins None/True/False. On Python 3.12+ None is immortal and the bug is harmless.

The script runs in a fresh interpreter that imports only PySide6 (not ``gui``), so this test fails
on exactly the installations that would crash: if it fails, install PySide6-Essentials<6.12 (or a
release that fixes the bug, then widen the pin).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

CALLS = 500

SCRIPT = textwrap.dedent(f"""
    import sys
    from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt

    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):
            return 1
        def columnCount(self, parent=QModelIndex()):
            return 1
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return None          # blank cell: the common case in the report grids

    app = QCoreApplication.instance() or QCoreApplication([])
    model = Model()
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    values = [index.data() for _ in range({CALLS})]
    assert values == [None] * {CALLS}
    del values
    print(sys.getrefcount(None) - before)
""")


def _none_refcount_change() -> int:
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return int(r.stdout.strip())


def test_python_data_returning_none_keeps_none_alive():
    import PySide6
    change = _none_refcount_change()
    assert change > -CALLS // 2, (
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} drops a reference to None on every "
        f"data() call ({change} after {CALLS} calls): the window would abort with 'deallocating None'. "
        "Install PySide6-Essentials<6.12 (pyproject.toml pins it on Python < 3.12).")


def test_gui_package_no_longer_touches_reference_counts():
    """The pin replaced the workaround; importing the GUI changes no reference count of a singleton."""
    code = ("import sys; before = [sys.getrefcount(x) for x in (None, True, False)]; import gui; "
            "after = [sys.getrefcount(x) for x in (None, True, False)]; "
            "print(max(abs(a - b) for a, b in zip(after, before)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       cwd=__import__("tests.conftest", fromlist=["ROOT"]).ROOT)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) < 1000          # the old workaround added 2**48
