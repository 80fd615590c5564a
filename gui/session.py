"""The open report as the window sees it: report, checker, review session and where it is saved.

``ReviewDocument`` is the one place that changes cells and verdicts. Every change goes through
``set_values`` / ``set_verdict`` (called by the undo commands), re-checks only the rules the cell
touches, tells the views which cells and findings changed (so that they repaint just those) and
then writes the crash-recovery file.

Report text pasted from the clipboard is kept as a file in the per-user data folder first
(``save_pasted``), so it opens like any other report.

Two files live beside the source (or in the per-user data folder when that folder is read-only):

* ``<source>.review.json`` — the saved review (文件→保存校对记录, or 保存 when closing);
* ``<source>.review.autosave.json`` — rewritten after every single change, on the next pass of
  the event loop (right after the repaint): a crash or kill loses at most that one pass.
  Opening a report restores it when present; saving or 不保存 removes it.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from core.model import Report
from core.review import ReviewError, ReviewSession, finding_key, review_path, sha256_of, write_atomic
from core.rules import Checker, Finding
from core.values import Value


def autosave_path(review_file: Path) -> Path:
    return review_file.with_name(review_file.name.removesuffix(".json") + ".autosave.json")


def fallback_dir() -> Path:
    """Per-user folder for review files of sources in read-only folders."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".gov-report-review") / "reviews"


def save_pasted(text: str, suffix: str = ".txt") -> Path:
    """Keep report text pasted from the clipboard as a file in the per-user data folder.

    The pasted report is then opened like any file, and its review file lives beside it there.
    The name carries the time of the paste; nothing existing is overwritten.
    """
    folder = fallback_dir().parent / "pasted"
    folder.mkdir(parents=True, exist_ok=True)
    stem = datetime.now().strftime("粘贴的报告-%Y%m%d-%H%M%S")
    path = folder / f"{stem}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    write_atomic(path, text.encode("utf-8"))
    return path


def _writable(folder: Path) -> bool:
    if not os.access(folder, os.W_OK):
        return False
    probe = folder / f".write-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


@dataclass
class OpenedReview:
    """What the loader worker hands over: the report with its saved review already applied."""

    report: Report
    source: Path
    session: ReviewSession
    review_file: Path
    restored_autosave: bool = False
    messages: list[str] = field(default_factory=list)   # Chinese, shown in the banner


def open_review(report: Report, source: Path, fallback: Path) -> OpenedReview:
    """Find the review of `source` (beside it, else in `fallback`), check its hash, apply it.

    Runs in the loader thread: file reads and hashing stay off the GUI thread.
    """
    source = Path(source)
    sha = sha256_of(source)
    beside = review_path(source)
    elsewhere = fallback / f"{source.name}.{sha[:12]}.review.json"
    messages: list[str] = []
    if _writable(source.parent):
        review_file = beside
    else:
        review_file = elsewhere
        messages.append(f"原文所在文件夹不可写，校对记录保存在：{elsewhere}")
    other = elsewhere if review_file is beside else beside
    candidates = [autosave_path(review_file), review_file, autosave_path(other), other]
    session = None
    restored = False
    for path in candidates:
        if not path.exists():
            continue
        try:
            saved = ReviewSession.load(path)
        except ReviewError as e:
            messages.append(f"{e}，已忽略")
            continue
        if saved.source_sha256 != sha:
            stamp = datetime.now().strftime("%Y%m%d%H%M%S")
            backup = path.with_name(path.name + f".原文已变更-{stamp}.bak")
            shutil.copy2(path, backup)
            messages.append(f"校对记录“{path.name}”对应的原文已改变（SHA-256 不一致），其中的修改未应用；"
                            f"旧记录已备份为“{backup.name}”")
            continue
        skipped = saved.apply(report)
        if skipped:
            messages.append("校对记录中有 %d 格在本报告中不存在，未应用" % len(skipped))
        session = saved
        restored = path.name.endswith(".autosave.json")
        messages.append(("已恢复上次未保存的校对工作" if restored else "已载入校对记录")
                        + f"（修改 {len(saved.edits)} 格，结论 {len(saved.verdicts)} 条）")
        break
    if session is None:
        session = ReviewSession(source.name, sha)
    return OpenedReview(report, source, session, review_file, restored, messages)


class ReviewDocument(QObject):
    """One open report and everything the auditor did to it."""

    cells_changed = Signal(list, list)      # cell keys, findings whose outcome changed
    verdicts_changed = Signal(list)         # finding keys
    dirty_changed = Signal(bool)
    save_failed = Signal(str)               # Chinese message

    def __init__(self, opened: OpenedReview, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report: Report = opened.report
        self.source: Path = opened.source
        self.session: ReviewSession = opened.session
        self.review_file: Path = opened.review_file
        self.checker = Checker(self.report)
        self.dirty = opened.restored_autosave
        self._pending = False

    # ------------------------------------------------------------------ changes

    def set_values(self, values: dict[str, Value], exact: dict[str, tuple[bool, Value]] | None = None) -> None:
        """Put values into cells (``Cell.set``), or restore exact earlier states (undo).

        `exact` maps a key to (edited, value) as it was before a command, so that undo brings back
        "not edited" rather than "edited to the value as read".
        """
        changed: list[Finding] = []
        keys = list(values) if exact is None else list(exact)
        for key in keys:
            cell = self.report.cells[key]
            before = cell.value
            if exact is None:
                cell.set(values[key])
            else:
                edited, value = exact[key]
                if edited:
                    cell.type_value(value)
                else:
                    cell.revert()
            self.session.record(self.report, key, before)
            changed += self.checker.recheck(key)
        self.cells_changed.emit(keys, changed)     # views schedule their repaint first…
        self._changed()                            # …then the recovery file is written

    def set_verdict(self, key: str, verdict: str | None, comment: str = "") -> None:
        self.session.set_verdict(key, verdict, comment)
        self.verdicts_changed.emit([key])
        self._changed()

    def add_rules(self, rule_set) -> list[Finding]:
        """Add a rule set beyond the tables (the cross-report rules once the neighbour years are found).

        Tells the views like an edit does (no cell changed, these findings are new) and returns them.
        """
        before = {f.rule.id for f in self.checker.report_findings}
        self.checker.add_rules(rule_set)
        new = [f for f in self.checker.report_findings if f.rule.id not in before]
        self.cells_changed.emit([], new)
        return new

    def verdict_of(self, finding: Finding):
        return self.session.verdicts.get(finding_key(finding.rule.id, finding.rule.cells))

    def set_reviewer(self, name: str) -> None:
        if name != self.session.reviewer:
            self.session.reviewer = name
            self._changed()

    # ------------------------------------------------------------------ files

    @property
    def autosave_file(self) -> Path:
        return autosave_path(self.review_file)

    def _changed(self) -> None:
        """Mark unsaved work and write the recovery file on the next event-loop pass.

        The write is queued behind the repaint the change just requested, so the auditor sees the
        new colours first (an fsync can take several ms); the window in which a kill could lose
        the change is that one pass. ``flush()`` writes at once.
        """
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.flush)
        if not self.dirty:
            self.dirty = True
            self.dirty_changed.emit(True)

    def flush(self) -> None:
        """Write the recovery file now if a change is waiting for it."""
        if self._pending:
            self._pending = False
            self._write(self.autosave_file)

    def _write(self, path: Path) -> bool:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.session.save(path)
            return True
        except OSError as e:
            self.save_failed.emit(f"无法写入校对记录“{path}”：{e.strerror or e}")
            return False

    def save(self) -> bool:
        """Write the review file and drop the recovery file."""
        self._pending = False
        if not self._write(self.review_file):
            return False
        self.discard_autosave()
        self.dirty = False
        self.dirty_changed.emit(False)
        return True

    def discard_autosave(self) -> None:
        self._pending = False
        try:
            self.autosave_file.unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            self.save_failed.emit(f"无法删除恢复文件“{self.autosave_file}”：{e}")
