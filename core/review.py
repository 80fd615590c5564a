"""The review file: the auditor's corrections, verdicts and comments, kept beside the source.

The source file is never modified. Everything the auditor does is stored in
``<source>.review.json`` (plain JSON, written atomically), together with the source's SHA-256 so
that a review is never applied to a source whose numbers have changed underneath it.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from core.model import Report
from core.values import Value, from_json, to_json

FORMAT = "gov-report-review"
VERSION = 1
SOURCE_ERROR = "source_error"      # 原文错误: the report itself is wrong; keep the reported value
CORRECTED = "corrected"            # 已更正: an extraction/OCR error, corrected
VERDICT_LABELS = {SOURCE_ERROR: "原文错误", CORRECTED: "已更正"}


class ReviewError(Exception):
    """A review file that cannot be used; the message is Chinese."""


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def sha256_of(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def review_path(source: str | os.PathLike[str]) -> Path:
    p = Path(source)
    return p.with_name(p.name + ".review.json")


def finding_key(rule_id: str, cells: tuple[str, ...] | list[str]) -> str:
    """Verdicts are keyed by the rule and its cells, so they survive re-checks and reopening."""
    return rule_id + "|" + ",".join(cells)


@dataclass
class Change:
    cell: str
    before: Value
    after: Value
    at: str
    reviewer: str

    def to_json(self) -> dict:
        return {"cell": self.cell, "before": to_json(self.before), "after": to_json(self.after),
                "at": self.at, "reviewer": self.reviewer}


@dataclass
class Verdict:
    verdict: str
    comment: str = ""
    at: str = ""
    reviewer: str = ""


@dataclass
class ReviewSession:
    source_name: str = ""
    source_sha256: str = ""
    reviewer: str = ""
    edits: dict[str, Value] = field(default_factory=dict)      # current typed value per cell
    history: list[Change] = field(default_factory=list)        # every change, in order
    verdicts: dict[str, Verdict] = field(default_factory=dict)

    # ---------------------------------------------------------------- recording

    @classmethod
    def for_source(cls, source: str | os.PathLike[str], reviewer: str = "") -> "ReviewSession":
        return cls(Path(source).name, sha256_of(source), reviewer)

    def record(self, report: Report, key: str, before: Value) -> None:
        """Note the cell's new state after an edit, undo or redo."""
        cell = report.cells[key]
        if cell.edited:
            self.edits[key] = cell.value
        else:
            self.edits.pop(key, None)
        self.history.append(Change(key, before, cell.value, now(), self.reviewer))

    def set_verdict(self, key: str, verdict: str | None, comment: str = "") -> None:
        if verdict is None:
            self.verdicts.pop(key, None)
        else:
            self.verdicts[key] = Verdict(verdict, comment, now(), self.reviewer)

    # ---------------------------------------------------------------- applying

    def apply(self, report: Report) -> list[str]:
        """Put the saved edits into a freshly read report; returns cells it could not apply."""
        skipped = []
        for key, value in self.edits.items():
            cell = report.cells.get(key)
            if cell is None:
                skipped.append(key)
                continue
            cell.type_value(value)
        return skipped

    # ---------------------------------------------------------------- files

    def to_json(self) -> dict:
        return {
            "format": FORMAT, "version": VERSION,
            "source": {"name": self.source_name, "sha256": self.source_sha256},
            "reviewer": self.reviewer, "saved_at": now(),
            "edits": {k: to_json(v) for k, v in self.edits.items()},
            "history": [c.to_json() for c in self.history],
            "verdicts": {k: {"verdict": v.verdict, "comment": v.comment, "at": v.at, "reviewer": v.reviewer}
                         for k, v in self.verdicts.items()},
        }

    @classmethod
    def from_json(cls, obj: dict) -> "ReviewSession":
        if not isinstance(obj, dict) or obj.get("format") != FORMAT:
            raise ReviewError("不是本工具的校对记录文件")
        try:
            s = cls(obj["source"]["name"], obj["source"]["sha256"], obj.get("reviewer", ""))
            s.edits = {k: from_json(v) for k, v in obj.get("edits", {}).items()}
            s.history = [Change(c["cell"], from_json(c["before"]), from_json(c["after"]), c["at"],
                                c.get("reviewer", "")) for c in obj.get("history", [])]
            s.verdicts = {k: Verdict(v["verdict"], v.get("comment", ""), v.get("at", ""), v.get("reviewer", ""))
                          for k, v in obj.get("verdicts", {}).items()}
        except (KeyError, TypeError, ValueError) as e:
            raise ReviewError(f"校对记录文件内容不完整（{e}）") from e
        return s

    def save(self, path: str | os.PathLike[str]) -> None:
        write_atomic(Path(path), json.dumps(self.to_json(), ensure_ascii=False, indent=1).encode("utf-8"))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "ReviewSession":
        try:
            obj = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ReviewError(f"无法读取校对记录“{Path(path).name}”（{e}）") from e
        return cls.from_json(obj)


def _current_umask() -> int:
    """The process umask. os.umask can only be read by setting it, so set it back at once."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _target_mode(path: Path) -> int:
    """The mode the written file should have: that of the file it replaces, else the umask's.

    mkstemp creates its file 0600 (private), which would leave exported workbooks and review
    files unreadable by colleagues and backup tools; a plain ``open()`` would give 0666 & ~umask.
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_current_umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target and rename: never a half-written file.

    The result has the mode of the file it replaces, or the normal mode for the umask when new.
    """
    mode = _target_mode(path)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(tmp, mode)
        except OSError:
            pass  # a file system without POSIX modes (FAT, some network shares): keep its default
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def apply_saved_review(report: Report, source: str | os.PathLike[str]) -> ReviewSession | None:
    """Apply the review file beside `source` if there is one and it matches the source's hash."""
    rp = review_path(source)
    if not rp.exists():
        return None
    session = ReviewSession.load(rp)
    if session.source_sha256 != sha256_of(source):
        report.notes.append(f"校对记录“{rp.name}”对应的原文已改变，未应用其中的修改")
        return session
    session.apply(report)
    return session
