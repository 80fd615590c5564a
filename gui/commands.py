"""Undo commands: every change the auditor makes is one QUndoCommand over the ReviewDocument.

A command remembers each cell's exact earlier state (edited or not, and the value), so undo
restores "as read" rather than "typed the value that was read". A pasted block, an applied
suggestion, a table's confirmed 推算值 or a chosen split is one command, hence one undo step.
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from core.review import VERDICT_LABELS
from core.values import Value
from gui.session import ReviewDocument


class SetCellsCommand(QUndoCommand):
    """Set one or more cells (typing, Delete, "/", paste, suggested fix)."""

    def __init__(self, doc: ReviewDocument, values: dict[str, Value], text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.values = dict(values)
        self.before = {k: (doc.report.cells[k].edited, doc.report.cells[k].value) for k in values}

    def redo(self) -> None:
        self.doc.set_values(self.values)

    def undo(self) -> None:
        self.doc.set_values({}, exact=self.before)


class VerdictCommand(QUndoCommand):
    """Mark a finding 原文错误 / 已更正 (or clear the mark), with the auditor's comment."""

    def __init__(self, doc: ReviewDocument, key: str, verdict: str | None, comment: str) -> None:
        label = VERDICT_LABELS.get(verdict or "", "清除标记")
        super().__init__(f"标记为“{label}”")
        self.doc = doc
        self.key = key
        self.after = (verdict, comment)
        old = doc.session.verdicts.get(key)
        self.before = (old.verdict, old.comment) if old else (None, "")

    def redo(self) -> None:
        self.doc.set_verdict(self.key, *self.after)

    def undo(self) -> None:
        self.doc.set_verdict(self.key, *self.before)


class TypeCellsCommand(QUndoCommand):
    """The auditor vouches for values: confirmed 推算值 (inferred cells), a chosen split.

    Unlike typing, a value equal to the reading is kept as the auditor's too: the cell is then
    settled (no longer in doubt) and the review file records who confirmed it. Undo brings back
    each cell's exact earlier state.
    """

    def __init__(self, doc: ReviewDocument, values: dict[str, Value], text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.after = {k: (True, v) for k, v in values.items()}
        self.before = {k: (doc.report.cells[k].edited, doc.report.cells[k].value) for k in values}

    def redo(self) -> None:
        self.doc.set_values({}, exact=self.after)

    def undo(self) -> None:
        self.doc.set_values({}, exact=self.before)
