"""Shared helpers for the export tests."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SEED_FILES


def seed_named(prefix: str) -> Path:
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


def copy_seed(prefix: str, folder: Path, first_line: str | None = None) -> Path:
    """A copy of a seed in `folder`, optionally with its title line replaced."""
    src = seed_named(prefix)
    dst = folder / src.name
    if first_line is None:
        shutil.copy(src, dst)
    else:
        lines = src.read_text(encoding="utf-8").split("\n")
        i = next(i for i, l in enumerate(lines) if l.strip())
        lines[i] = first_line
        dst.write_text("\n".join(lines), encoding="utf-8")
    return dst


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")
