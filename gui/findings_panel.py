"""The findings panel: every broken rule with its numbers, the suggested fix and the auditor's verdict.

The list is the checker's ``problems()`` (errors first); it is re-read when a re-check changed an
outcome. A verdict (原文错误 / 已更正 + comment) is keyed by rule id and cells, so it stays with
the finding across re-checks and reopening.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QTableView, QVBoxLayout, QWidget)

from core.model import SplitChoice
from core.review import CORRECTED, SOURCE_ERROR, VERDICT_LABELS, finding_key
from core.rules import Finding, Status, Suggestion, split_choice_for
from core.values import format_value
from gui.session import ReviewDocument
from gui.table_model import finding_lines, fmt_number

COLUMNS = ["状态", "规则", "报告值", "计算值", "相差", "空白格", "校对结论"]
FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
VERDICT_COL = 6

AnyIndex = QModelIndex | QPersistentModelIndex


def detail_lines(f: Finding, label_of) -> list[str]:
    """The message, then the numbers and blank inputs (a finding without numbers says its message once)."""
    return [f.message] + [line for line in finding_lines(f, label_of)[1:] if line != f.message]


def key_of(f: Finding) -> str:
    return finding_key(f.rule.id, f.rule.cells)


class FindingsModel(QAbstractTableModel):
    def __init__(self, doc: ReviewDocument) -> None:
        super().__init__()
        self.doc = doc
        self.rows: list[Finding] = doc.checker.problems()
        doc.cells_changed.connect(self._on_cells_changed)
        doc.verdicts_changed.connect(self._on_verdicts)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        f = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return "错误" if f.status is Status.ERROR else "提示"
            if col == 1:
                return f.rule.title
            if col in (2, 3, 4):
                if f.computed is None:
                    return "" if col != 2 or f.reported is None else fmt_number(f.reported)
                return fmt_number((f.reported, f.computed, f.difference)[col - 2])
            if col == 5:
                return str(len(f.blank_cells)) if f.blank_cells else ""
            if col == VERDICT_COL:
                v = self.doc.verdict_of(f)
                return (VERDICT_LABELS.get(v.verdict, v.verdict) + (f"：{v.comment}" if v.comment else "")) if v else ""
        if role == Qt.ItemDataRole.ToolTipRole and col == VERDICT_COL:
            v = self.doc.verdict_of(f)
            return (f"{VERDICT_LABELS.get(v.verdict, v.verdict)}：{v.comment}（{v.reviewer or '未署名'}，{v.at}）"
                    if v else "选中后可标为“原文错误”或“已更正”")
        if role == Qt.ItemDataRole.ToolTipRole:
            label = self.doc.report.edition.cell_defs
            return "\n".join(detail_lines(f, lambda k: label[k].label if k in label else k))
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QBrush(QColor("#c0392b") if f.status is Status.ERROR else QColor("#9a7400"))
        if role == Qt.ItemDataRole.BackgroundRole and col == VERDICT_COL and self.doc.verdict_of(f):
            return QBrush(QColor("#dff0d8"))
        if role == FINDING_ROLE:
            return f
        return None

    def _on_cells_changed(self, _keys: list[str], findings: list[Finding]) -> None:
        """Same problems, new numbers: repaint those rows; a problem came or went: reset."""
        if not findings:
            return
        new = self.doc.checker.problems()
        if [f.rule.id for f in new] == [f.rule.id for f in self.rows]:
            changed = {f.rule.id for f in findings}
            self.rows = new
            for i, f in enumerate(new):
                if f.rule.id in changed:
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self.rows = new
        self.endResetModel()

    def _on_verdicts(self, keys: list[str]) -> None:
        for i, f in enumerate(self.rows):
            if key_of(f) in keys:
                ix = self.index(i, VERDICT_COL)
                self.dataChanged.emit(ix, ix)

    def row_of(self, key: str) -> int:
        return next((i for i, f in enumerate(self.rows) if key_of(f) == key), -1)


class SplitList(QListWidget):
    """The candidate splits of a row of run-together digits: a click (or Enter) picks one."""

    chosen = Signal(int)                           # index into the row's candidates

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.itemClicked.connect(lambda item: self.chosen.emit(self.row(item)))

    def show_choice(self, choice: SplitChoice | None) -> None:
        self.clear()
        self.setVisible(choice is not None)
        if choice is None:
            return
        for i, cand in enumerate(choice.candidates):
            item = QListWidgetItem(f"{i + 1}）" + " | ".join(format_value(v) or "空" for v in cand))
            item.setToolTip("单击（或按回车）选定这种拆分，填入本行各格（可撤销）")
            self.addItem(item)
        self.setCurrentRow(0)
        rows = min(len(choice.candidates), 5)
        self.setFixedHeight(self.sizeHintForRow(0) * rows + 2 * self.frameWidth() + 2)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.currentRow() >= 0:
            self.chosen.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class FindingsPanel(QWidget):
    finding_selected = Signal(object)              # Finding
    verdict_requested = Signal(str, object, str)   # finding key, verdict code or None, comment
    suggestion_requested = Signal(object)          # Suggestion
    split_chosen = Signal(object, int)             # SplitChoice, index of the chosen candidate
    other_requested = Signal(str, tuple)           # a cross-report finding's other report and its cells

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: FindingsModel | None = None
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.detail = QLabel("在上表选择一条问题以查看详情")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.detail.linkActivated.connect(lambda _link: self._other())
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("校对说明（可选）")
        self.btn_source = QPushButton("标为“原文错误”")
        self.btn_source.setToolTip("报告原文本身有误：保留报告值，记录说明")
        self.btn_fixed = QPushButton("标为“已更正”")
        self.btn_fixed.setToolTip("提取或识别错误，已在表中更正")
        self.btn_clear = QPushButton("清除标记")
        self.btn_suggest = QPushButton("应用建议修正")
        self.split_list = SplitList()
        self.split_list.hide()
        self.split_list.chosen.connect(self._choose_split)
        self.btn_other = QPushButton("打开对照报告")
        self.btn_other.setToolTip("在新窗口中打开跨年度问题所对照的另一年度报告，并选中对应单元格")
        row = QHBoxLayout()
        row.addWidget(self.comment, 1)
        for b in (self.btn_source, self.btn_fixed, self.btn_clear, self.btn_suggest, self.btn_other):
            row.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.detail)
        lay.addWidget(self.split_list)
        lay.addLayout(row)
        self.btn_source.clicked.connect(lambda: self._verdict(SOURCE_ERROR))
        self.btn_fixed.clicked.connect(lambda: self._verdict(CORRECTED))
        self.btn_clear.clicked.connect(lambda: self._verdict(None))
        self.btn_suggest.clicked.connect(self._suggest)
        self.btn_other.clicked.connect(self._other)
        self._enable(None)

    def set_document(self, doc: ReviewDocument) -> None:
        self.doc = doc
        self.model = FindingsModel(doc)
        self.table.setModel(self.model)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()          # once: per-edit resizing would cost a frame
        fm = self.table.fontMetrics()                  # findings may arrive later (cross rules): no "…"
        for col in (0, 2, 3, 4, 5):
            need = max(fm.horizontalAdvance(COLUMNS[col]), fm.horizontalAdvance("错误" if col == 0 else "-9999")) + 18
            self.table.setColumnWidth(col, max(self.table.columnWidth(col), need))
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(VERDICT_COL, self.fontMetrics().horizontalAdvance("国") * 16)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.modelAboutToBeReset.connect(self._remember)
        self.model.modelReset.connect(self._restore)
        self._enable(None)

    # ------------------------------------------------------------------ selection

    def current(self) -> Finding | None:
        ix = self.table.currentIndex()
        return self.model.data(ix, FINDING_ROLE) if ix.isValid() and self.table.selectionModel().isSelected(ix) else None

    def select_row(self, row: int) -> None:
        if self.model is None or not 0 <= row < self.model.rowCount():
            return
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, 0))

    def step(self, delta: int) -> bool:
        """Go to the next (+1) / previous (-1) finding, wrapping around (F8 / Shift+F8)."""
        if self.model is None or self.model.rowCount() == 0:
            return False
        row = self.table.currentIndex().row()
        row = (0 if delta > 0 else self.model.rowCount() - 1) if row < 0 else (row + delta) % self.model.rowCount()
        self.select_row(row)
        return True

    def _remember(self) -> None:
        f = self.current()
        self._kept = key_of(f) if f is not None else None

    def _restore(self) -> None:
        """After a reset keep the same finding selected, quietly (the grid keeps its selection)."""
        row = self.model.row_of(self._kept) if self.model and getattr(self, "_kept", None) else -1
        if row >= 0:
            sm = self.table.selectionModel()
            sm.blockSignals(True)
            sm.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                               | QItemSelectionModel.SelectionFlag.Rows)
            sm.blockSignals(False)
            self.table.viewport().update()
        self._enable(self.current())

    def suggestion_for(self, f: Finding | None) -> Suggestion | None:
        suggestions = self.doc.checker.suggestions()
        if f is not None:
            return next((s for s in suggestions if f.rule.id in s.rules), None)
        return suggestions[0] if suggestions else None

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        f = self.model.data(current, FINDING_ROLE) if current.isValid() and self.model else None
        self._enable(f)
        if f is not None:
            self.finding_selected.emit(f)

    def _enable(self, f: Finding | None) -> None:
        has = f is not None           # text and report-level findings (no cells) take a verdict too
        for b in (self.btn_source, self.btn_fixed, self.btn_clear):
            b.setEnabled(has)
        self.comment.setEnabled(has)
        self.btn_other.setEnabled(f is not None and f.other_file is not None)
        s = self.suggestion_for(f) if self.model is not None else None
        self.btn_suggest.setEnabled(s is not None)
        choice = split_choice_for(self.doc.report, f) if f is not None else None
        self.split_list.show_choice(choice)
        if f is None:
            self.detail.setText("在上表选择一条问题以查看详情；F8 / Shift+F8 逐条查看")
            return
        labels = self.doc.report.edition.cell_defs
        if choice is not None:          # the candidates are in the list below: say what to do
            lines = [f"原文“{choice.raw}”有{len(choice.candidates)}种可能的拆分（空 = 空白格）。"
                     "<b>选定拆分：</b>在下表单击一种（或选中后按回车），本行各格即按它填入，可撤销"]
        else:
            lines = detail_lines(f, lambda k: labels[k].label if k in labels else k)
        if f.other_file is not None:
            cells = "、".join(labels[k].label if k in labels else k for k in f.other_cells)
            lines.append(f"<b>对照报告：</b><a href=\"other\">{html.escape(Path(f.other_file).name)}</a>"
                         f" · {html.escape(cells)}（点击打开）")
        if s is not None:
            lines.append(f"<b>建议：</b>{s.message}")
        v = self.doc.verdict_of(f)
        if v is not None:
            lines.append(f"<b>校对结论：</b>{VERDICT_LABELS.get(v.verdict, v.verdict)}"
                         + (f"（{v.comment}）" if v.comment else "") + (f" — {v.reviewer}" if v.reviewer else ""))
            self.comment.setText(v.comment)
        else:
            self.comment.clear()
        self.detail.setText("<br>".join(lines))

    def _verdict(self, code: str | None) -> None:
        f = self.current()
        if f is not None:
            self.verdict_requested.emit(key_of(f), code, self.comment.text().strip() if code else "")
            self._enable(f)

    def _choose_split(self, index: int) -> None:
        f = self.current()
        choice = split_choice_for(self.doc.report, f) if f is not None else None
        if choice is not None and 0 <= index < len(choice.candidates):
            self.split_chosen.emit(choice, index)

    def _other(self) -> None:
        f = self.current()
        if f is not None and f.other_file is not None:
            self.other_requested.emit(f.other_file, tuple(f.other_cells))

    def _suggest(self) -> None:
        s = self.suggestion_for(self.current())
        if s is not None:
            self.suggestion_requested.emit(s)
