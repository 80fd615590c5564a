"""The PySide6 review window. Everything here is a thin Qt layer over ``core``."""
from __future__ import annotations

import ctypes
import sys


def _pin_singletons() -> None:
    """Work around a PySide6 6.12 reference-count bug on Python < 3.12.

    When C++ calls a Python ``data()`` from inside a Python-initiated call (a Python delegate's
    ``super().paint()``, ``QModelIndex.data()`` from Python) and it returns None, a reference to
    None is dropped. After a few thousand repaints Python aborts with "deallocating None". Python
    3.12 makes None/True/False immortal; on 3.11 we get the same effect by giving them a huge
    reference count, once, when the GUI package is imported.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        ref = ctypes.c_ssize_t.from_address(id(obj))
        if ref.value < 1 << 40:
            ref.value += 1 << 48


_pin_singletons()
