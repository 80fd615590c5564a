"""Exported workbooks, Word files and review files get the user's normal file mode.

They are written atomically through a temporary file, which is created private (0600); the
finished file must instead have the mode a plain save would give (0666 minus the umask), or keep
the mode of the file it replaces.
"""
from __future__ import annotations

import os
import stat
from contextlib import contextmanager

import pytest

from core.exports.docx import export_docx
from core.exports.xlsx import export_xlsx
from core.loader import load
from core.review import ReviewSession, write_atomic
from tests.export.helpers import seed_named

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _write_all(tmp_path, stem: str):
    """Export seed 003 to xlsx and docx and save a review file; return the three paths."""
    seed = seed_named("003")
    report = load(seed)
    xlsx, docx_ = tmp_path / f"{stem}.xlsx", tmp_path / f"{stem}.docx"
    export_xlsx(report, xlsx)
    export_docx(report, docx_)
    review = tmp_path / f"{stem}.review.json"
    ReviewSession.for_source(seed).save(review)
    return xlsx, docx_, review


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_files_get_the_umask_mode(tmp_path, mask, expected):
    with umask(mask):
        paths = _write_all(tmp_path, "new")
    assert [oct(mode_of(p)) for p in paths] == [oct(expected)] * 3


@pytest.mark.parametrize("kept", [0o600, 0o664, 0o640])
def test_replaced_files_keep_their_mode(tmp_path, kept):
    names = ("old.xlsx", "old.docx", "old.review.json")
    for n in names:
        (tmp_path / n).write_bytes(b"previous")
        os.chmod(tmp_path / n, kept)
    with umask(0o022):
        paths = _write_all(tmp_path, "old")
    assert [oct(mode_of(p)) for p in paths] == [oct(kept)] * 3
    assert all(p.read_bytes() != b"previous" for p in paths)


def test_write_atomic_leaves_no_temp_file_and_umask_unchanged(tmp_path):
    with umask(0o077):
        write_atomic(tmp_path / "a.bin", b"x")
        assert os.umask(0o077) == 0o077     # reading the umask did not change it
    assert mode_of(tmp_path / "a.bin") == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]
