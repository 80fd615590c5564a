"""The batch list: one row per report, sortable (numbers as numbers) and filterable.

``BatchModel`` is a thin Qt view of ``core.batch.Batch``: it keeps no data of its own besides the
path → row index, and a row repaints when its summary arrives or changes. ``BatchFilter`` (a
QSortFilterProxyModel) shows only the rows of one kind (with errors, with cross-report findings,
未校对 …) and whose file or agency name contains the typed text.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
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
    """Rows in listing order, or sorted by one column (sorted here, in Python, with one key per row).

    Sorting in the model rather than in the proxy matters for a thousand rows: the proxy's
    sort calls back into Python twice per comparison (≈ 20,000 calls, a fifth of a second),
    ``list.sort`` with a key takes a millisecond. The rows' texts are computed once per summary.
    """

    def __init__(self, batch: Batch, roots: list[Path] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self.listing = [str(p) for p in batch.paths]
        self.name_of = {str(p): display_name(p, roots or []) for p in batch.paths}
        self.rows = list(self.listing)
        self.row_of = {p: i for i, p in enumerate(self.rows)}
        self.pending_text = PENDING
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._texts: dict[str, list[str]] = {}

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

    def _values(self, path: str) -> list[Any]:
        """The row's values for sorting (numbers stay numbers; None: not known yet)."""
        s = self.batch.summaries.get(path)
        name = self.name_of[path]
        if s is None:
            return [name] + [None] * (len(COLUMNS) - 1)
        if not s.ok:
            return [name, "无法读取：" + s.error] + [None] * (len(COLUMNS) - 2)
        return [name, s.agency or "", s.year, s.edition, s.format, s.errors, s.warnings, s.uncertain,
                len(s.cross), s.review_state, s.reviewer, _saved(s.saved_at)]

    def _row_texts(self, path: str) -> list[str]:
        texts = self._texts.get(path)
        if texts is None:
            vals = self._values(path)
            texts = ["" if v is None else str(v) for v in vals]
            if path not in self.batch.summaries:
                texts[1] = self.pending_text
            self._texts[path] = texts
        return texts

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        path = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._row_texts(path)[col]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(self.batch.summaries.get(path), col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter) if 2 <= col <= COL_CROSS else None
        if role == SORT_ROLE:
            v = self._values(path)[col]
            return -1 if v is None else v
        if role == PATH_ROLE:
            return path
        if role == Qt.ItemDataRole.ToolTipRole:
            s = self.batch.summaries.get(path)
            if s is None:
                return self.pending_text
            if not s.ok:
                return s.error
            if col == COL_CROSS and s.cross:
                return "\n".join(f.message for f in s.cross[:8])
            return path
        return None

    def _foreground(self, s: ReportSummary | None, col: int) -> QBrush | None:
        if s is None:
            return _GREY
        if not s.ok:
            return _RED if col == 1 else None
        if col == COL_ERRORS and s.errors:
            return _RED
        if (col == COL_WARNINGS and s.warnings) or (col == COL_CROSS and s.cross):
            return _AMBER
        if col == COL_STATE:
            return _STATE_BRUSHES.get(s.review_state)
        return None

    # ------------------------------------------------------------------ sorting

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self._resort()

    def _key(self, path: str) -> tuple:
        v = self._values(path)[self.sort_column]
        if v is None:
            return (0, 0, "")
        return (1, 0, v) if isinstance(v, (int, float)) else (1, 1, str(v))

    def _resort(self) -> None:
        """Put the rows in the current order, keeping selections and the current row on their reports."""
        if self.sort_column < 0 or self.sort_column >= len(COLUMNS):
            new = list(self.listing)
        else:
            new = sorted(self.listing, key=self._key,
                         reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        if new == self.rows:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        kept = [(self.rows[ix.row()], ix.column()) for ix in old]
        self.rows = new
        self.row_of = {p: i for i, p in enumerate(new)}
        self.changePersistentIndexList(old, [self.index(self.row_of[p], c) for p, c in kept])
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ updates

    def refresh(self, paths: list[str] | set[str]) -> None:
        """Repaint the rows of these reports (their summaries arrived or changed), then keep the order."""
        for p in paths:
            self._texts.pop(p, None)
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
        if self.sort_column >= 0:
            self._resort()


_GREY, _RED, _AMBER = QBrush(QColor("#999999")), QBrush(QColor("#c0392b")), QBrush(QColor("#9a7400"))
_STATE_BRUSHES = {k: QBrush(QColor(v)) for k, v in STATE_COLOURS.items()}


class BatchFilter(QSortFilterProxyModel):
    """Shows the rows of one kind whose name or agency contains the typed text; sorting is the model's."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.mode = "全部报告"
        self.text = ""
        self.setDynamicSortFilter(True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: the source model sorts (the proxy keeps its order)."""
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

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
            hay = model.name_of[model.rows[source_row]] + (s.agency or "" if s is not None else "")
            return self.text in hay
        return True
