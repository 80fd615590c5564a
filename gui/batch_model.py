"""The batch list: one row per report, sortable (numbers as numbers) and filterable.

``BatchModel`` is a thin Qt view of ``core.batch.Batch``: it keeps no data of its own besides the
path → row index, and a row repaints when its summary arrives or changes. ``BatchFilter`` (a
QSortFilterProxyModel) shows only the rows of one kind (with errors, with cross-report findings,
未校对 …) and whose file or agency name contains the typed text.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from core.batch import DONE, IN_PROGRESS, NOT_STARTED, Batch, ReportSummary

COLUMNS = ["文件", "机关", "年度", "版本", "格式", "错误", "提示", "待核对", "跨年度", "校对状态", "校对人", "最后保存"]
COL_ERRORS, COL_WARNINGS, COL_UNCERTAIN, COL_CROSS, COL_STATE = 5, 6, 7, 8, 9
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
PATH_ROLE = Qt.ItemDataRole.UserRole + 3
PENDING = "检查中…"
NOT_CHECKED = "未检查（已停止）"

FILTERS = {
    "全部报告": lambda s: True,
    "有错误": lambda s: s is not None and s.errors > 0,
    "有提示": lambda s: s is not None and s.warnings > 0,
    "有待核对单元格": lambda s: s is not None and s.uncertain > 0,
    "有跨年度问题": lambda s: s is not None and bool(s.cross),
    "无法读取": lambda s: s is not None and not s.ok,
    NOT_STARTED: lambda s: s is not None and s.ok and s.review_state == NOT_STARTED,
    IN_PROGRESS: lambda s: s is not None and s.ok and s.review_state == IN_PROGRESS,
    DONE: lambda s: s is not None and s.ok and s.review_state == DONE,
}
STATE_COLOURS = {NOT_STARTED: "#7a7a7a", IN_PROGRESS: "#9a7400", DONE: "#2e7d32"}

AnyIndex = QModelIndex | QPersistentModelIndex


def _saved(text: str) -> str:
    """"2026-01-20T10:31:05+08:00" → "2026-01-20 10:31"."""
    return text[:16].replace("T", " ") if text else ""


def display_name(path: Path, roots: list[Path]) -> str:
    """The path below the batch folder it was found in ("松北区/船口街道.txt"), else the file name."""
    for root in roots:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name


class BatchModel(QAbstractTableModel):
    def __init__(self, batch: Batch, roots: list[Path] | None = None) -> None:
        super().__init__()
        self.batch = batch
        self.rows = [str(p) for p in batch.paths]
        self.names = [display_name(p, roots or []) for p in batch.paths]
        self.row_of = {p: i for i, p in enumerate(self.rows)}
        self.pending_text = PENDING

    def stop_pending(self) -> None:
        """Checking was stopped: rows still without a summary say so."""
        self.pending_text = NOT_CHECKED
        missing = [p for p in self.rows if p not in self.batch.summaries]
        self.refresh(missing)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def summary(self, row: int) -> ReportSummary | None:
        return self.batch.summaries.get(self.rows[row])

    def _value(self, s: ReportSummary | None, row: int, col: int) -> Any:
        """The cell's value for sorting (numbers stay numbers; None sorts first)."""
        if col == 0:
            return self.names[row]
        if s is None:
            return None
        if not s.ok:
            return {1: "无法读取：" + s.error}.get(col)
        return [None, s.agency or "", s.year, s.edition, s.format, s.errors, s.warnings, s.uncertain,
                len(s.cross), s.review_state, s.reviewer, _saved(s.saved_at)][col]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = index.row()
        path = self.rows[row]
        s = self.batch.summaries.get(path)
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if s is None and col == 1:
                return self.pending_text
            v = self._value(s, row, col)
            return "" if v is None else str(v)
        if role == SORT_ROLE:
            v = self._value(s, row, col)
            return -1 if v is None else v
        if role == PATH_ROLE:
            return path
        if role == Qt.ItemDataRole.ToolTipRole:
            if s is None:
                return self.pending_text
            if not s.ok:
                return s.error
            if col == COL_CROSS and s.cross:
                return "\n".join(f.message for f in s.cross[:8])
            return path
        if role == Qt.ItemDataRole.ForegroundRole:
            if s is None:
                return QBrush(QColor("#999999"))
            if not s.ok and col == 1:
                return QBrush(QColor("#c0392b"))
            if col == COL_ERRORS and s.errors:
                return QBrush(QColor("#c0392b"))
            if col in (COL_WARNINGS, COL_CROSS) and self._value(s, row, col):
                return QBrush(QColor("#9a7400"))
            if col == COL_STATE and s.ok:
                return QBrush(QColor(STATE_COLOURS.get(s.review_state, "#000000")))
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= col <= COL_CROSS:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def refresh(self, paths: list[str] | set[str]) -> None:
        """Repaint the rows of these reports (their summaries arrived or changed)."""
        rows = sorted(self.row_of[p] for p in paths if p in self.row_of)
        if not rows:
            return
        # one signal per run of adjacent rows keeps a 1,000-row refresh cheap
        start = prev = rows[0]
        for r in rows[1:] + [None]:  # type: ignore[list-item]
            if r is not None and r == prev + 1:
                prev = r
                continue
            self.dataChanged.emit(self.index(start, 0), self.index(prev, len(COLUMNS) - 1))
            if r is not None:
                start = prev = r


class BatchFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.mode = "全部报告"
        self.text = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_mode(self, mode: str) -> None:
        self._change_filter(lambda: setattr(self, "mode", mode))

    def set_text(self, text: str) -> None:
        self._change_filter(lambda: setattr(self, "text", text.strip()))

    def _change_filter(self, change) -> None:
        """Qt ≥ 6.9 wants the filter change bracketed; older versions only know invalidateFilter."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model: BatchModel = self.sourceModel()  # type: ignore[assignment]
        s = model.summary(source_row)
        if self.mode != "全部报告" and not FILTERS[self.mode](s):
            return False
        if self.text:
            hay = model.names[source_row] + (s.agency or "" if s is not None else "")
            return self.text in hay
        return True

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return a < b
        return str(a) < str(b)
