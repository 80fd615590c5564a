"""A Qt table model over one table of the core report, laid out like the official form.

The grid positions, merged headers and labels come from ``core.layout``; the values, their
states and tooltips are read from the core model on every ``data()`` call (nothing is copied).
An accepted edit becomes a ``SetCellsCommand`` on the undo stack; a rejected one is refused with
the core's Chinese message and never stored.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QUndoStack

from core.layout import TableLayout, table_layout
from core.rules import Finding
from core.values import NA, ValueRejected, format_value, parse_typed
from gui.cell_state import CellState, broken_findings, cell_state
from gui.commands import SetCellsCommand
from gui.session import ReviewDocument

KEY_ROLE = Qt.ItemDataRole.UserRole + 1      # the cell key, or None for labels
SPAN_ROLE = Qt.ItemDataRole.UserRole + 2     # (start, end) in Report.source_text, or None
STATE_ROLE = Qt.ItemDataRole.UserRole + 3    # CellState
EDITED_ROLE = Qt.ItemDataRole.UserRole + 4   # bool: the auditor changed this cell

STATE_COLOURS = {
    CellState.ERROR_TOTAL: QColor("#f4b6b0"),
    CellState.ERROR_INPUT: QColor("#c9ddf7"),
    CellState.UNCERTAIN: QColor("#ffdca8"),
    CellState.WARNING: QColor("#fff3b0"),
}
HEADER_BG = QColor("#e3e8ef")
LABEL_BG = QColor("#f3f5f8")
BLANK_HATCH = QColor("#b8b8b8")
NA_FG = QColor("#8a8a8a")
EDITED_FG = QColor("#1746c0")

AnyIndex = QModelIndex | QPersistentModelIndex


def fmt_number(n: object) -> str:
    return "空白" if n is None else format_value(n)  # type: ignore[arg-type]


def finding_lines(f: Finding, label_of) -> list[str]:
    """Rule, reported, computed, difference and blank inputs, as the tooltip and panel say them."""
    lines = [f.rule.title]
    if f.computed is not None:
        lines.append(f"报告值 {fmt_number(f.reported)} · 计算值 {fmt_number(f.computed)} · "
                     f"相差 {fmt_number(f.difference)}")
    elif f.message:
        lines.append(f.message)
    if f.blank_cells:
        lines.append("空白格：" + "、".join(label_of(k) for k in f.blank_cells[:6])
                     + (f" 等{len(f.blank_cells)}格" if len(f.blank_cells) > 6 else ""))
    return lines


class ReportTableModel(QAbstractTableModel):
    rejected = Signal(str)          # a typed value the cell refused (Chinese)

    def __init__(self, doc: ReviewDocument, table_key: str, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.doc = doc
        self.table_key = table_key
        self.undo_stack = undo_stack
        self.layout: TableLayout = table_layout(doc.report.edition, table_key)
        self._label_at: dict[tuple[int, int], tuple[str, bool]] = {
            (s.row, s.col): (s.text, s.header) for s in self.layout.spans}
        self._bold = QFont()
        self._bold.setBold(True)
        doc.cells_changed.connect(self._on_cells_changed)

    # ------------------------------------------------------------------ shape

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.layout.n_rows

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.layout.n_cols

    def key_at(self, index: AnyIndex) -> str | None:
        return self.layout.key_at.get((index.row(), index.column())) if index.isValid() else None

    def index_of(self, key: str) -> QModelIndex:
        pos = self.layout.pos_of.get(key)
        return self.index(*pos) if pos else QModelIndex()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.key_at(index):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
        return Qt.ItemFlag.ItemIsEnabled

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    # ------------------------------------------------------------------ data

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = self.key_at(index)
        if key is None:
            return self._label_data(index, role)
        cell = self.doc.report.cells[key]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_value(cell.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(key)
        if role == Qt.ItemDataRole.BackgroundRole:
            state = cell_state(self.doc.checker, key)
            colour = STATE_COLOURS.get(state)
            if cell.value is None:       # blank: hatched, in the state colour when it has one
                return QBrush(colour.darker(130) if colour else BLANK_HATCH, Qt.BrushStyle.BDiagPattern)
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if cell.value is NA:
                return QBrush(NA_FG)
            return QBrush(EDITED_FG) if cell.edited else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if cell.edited else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if cell.value is not NA \
                else int(Qt.AlignmentFlag.AlignCenter)
        if role == KEY_ROLE:
            return key
        if role == SPAN_ROLE:
            return cell.span
        if role == STATE_ROLE:
            return int(cell_state(self.doc.checker, key))
        if role == EDITED_ROLE:
            return cell.edited
        return None

    def _label_data(self, index: AnyIndex, role: int) -> Any:
        label = self._label_at.get((index.row(), index.column()))
        if role == Qt.ItemDataRole.DisplayRole:
            return label[0] if label else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return label[0] if label and len(label[0]) > 12 else None
        if role == Qt.ItemDataRole.BackgroundRole:
            span = self.layout.span_at(index.row(), index.column())
            return QBrush(HEADER_BG if span and span.header else LABEL_BG)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            span = self.layout.span_at(index.row(), index.column())
            if span and (span.header or span.rowspan > 1):
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and label and label[1]:
            return self._bold
        return None

    def _tooltip(self, key: str) -> str:
        report = self.doc.report
        cell = report.cells[key]
        d = report.edition.cell_defs[key]
        shown = format_value(cell.value) or "空白"
        lines = [f"<b>{d.label}</b>" + (f"（单位：{d.unit}）" if d.unit else ""), f"当前值：{shown}"]
        if cell.edited:
            raw = cell.reading.raw if cell.reading else ""
            lines.append(f"已由校对人修改；原文读数：{format_value(cell.read_value) or '空白'}"
                         + (f"（原文“{raw}”）" if raw else "（原文中未找到）"))
        elif cell.reading is not None and cell.reading.raw and cell.reading.raw != shown:
            lines.append(f"原文：“{cell.reading.raw}”")
        if cell.uncertain:
            lines.append(f"<span style='color:#b35900'>存疑：{cell.uncertain}</span>")
        if cell.reading is not None and cell.reading.note:
            lines.append(cell.reading.note)
        for f in broken_findings(self.doc.checker, key):
            colour = "#c0392b" if f.status.value == "error" else "#8a6d00"
            body = "<br>".join(finding_lines(f, lambda k: report.edition.cell_defs[k].label))
            lines.append(f"<span style='color:{colour}'>{body}</span>")
        return "<br>".join(lines)

    # ------------------------------------------------------------------ editing

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        key = self.key_at(index)
        if key is None or role != Qt.ItemDataRole.EditRole:
            return False
        d = self.doc.report.edition.cell_defs[key]
        try:
            parsed = parse_typed(str(value if value is not None else ""), d.kind, d.unit)
        except ValueRejected as e:
            self.rejected.emit(f"{d.label}：{e}")
            return False
        cell = self.doc.report.cells[key]
        if type(parsed) is type(cell.value) and parsed == cell.value:
            return True                      # nothing changes: no undo step
        self.undo_stack.push(SetCellsCommand(self.doc, {key: parsed}, f"修改 {d.label}"))
        return True

    def _on_cells_changed(self, keys: list[str], findings: list[Finding]) -> None:
        """Repaint the changed cells and every cell of a rule whose outcome changed — nothing else."""
        touched = set(keys)
        for f in findings:
            touched.update(f.rule.cells)
        for key in touched:
            pos = self.layout.pos_of.get(key)
            if pos:
                ix = self.index(*pos)
                self.dataChanged.emit(ix, ix)
