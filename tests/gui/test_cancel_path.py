"""A cancel raised inside a reader reaches the window as a cancel, not as a failure."""
from __future__ import annotations

from pathlib import Path

from core.loader import Cancelled, LoadError
from gui import loader_thread


def test_reader_cancel_is_not_reported_as_failure(monkeypatch, tmp_path):
    def cancelled_load(path, progress=None, partial=None):
        raise Cancelled(path)

    monkeypatch.setattr(loader_thread, "load", cancelled_load)
    job = loader_thread.LoadJob(tmp_path / "big.pdf", tmp_path)
    seen: list[str] = []
    job.signals.cancelled.connect(lambda: seen.append("cancelled"))
    job.signals.failed.connect(lambda msg: seen.append("failed:" + msg))
    job.run()
    assert seen == ["cancelled"]
    assert issubclass(Cancelled, LoadError)


def test_real_failure_still_reported(monkeypatch, tmp_path):
    def failing_load(path, progress=None, partial=None):
        raise LoadError(path, "文件为空")

    monkeypatch.setattr(loader_thread, "load", failing_load)
    job = loader_thread.LoadJob(Path(tmp_path / "empty.txt"), tmp_path)
    seen: list[str] = []
    job.signals.failed.connect(seen.append)
    job.run()
    assert seen == ["无法打开“empty.txt”：文件为空"]
