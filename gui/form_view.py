"""The grid widget: one official table drawn from ``core.layout``, edited the way auditors work.

Enter commits and moves down, Delete blanks the selection, "/" marks it not applicable, a block
copied from Excel/WPS pastes over the selection as one undo step. Merged headers and labels are
QTableView spans. Cells are painted from the model's roles; the delegate only turns the selection
into a frame so that a selected cell keeps its colour.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QAbstractScrollArea, QApplication,
                               QHeaderView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget)

from core.values import NA, Value, ValueRejected, format_value, parse_typed
from gui.commands import SetCellsCommand
from gui.table_model import BACKGROUND, ReportTableModel

# Column widths per table, in "average Chinese characters"; labels wide enough not to be cut.
_LABEL_WIDTHS = {"active": [16], "apply": [4, 5.2, 11.5], "review": []}
_VALUE_WIDTH = {"active": 9, "apply": 4.8, "review": 4.1}


class FramedSelectionDelegate(QStyledItemDelegate):
    """Selected cells keep their state colour and get a blue frame instead of a blue fill.

    Qt's styles paint either the selection or the cell's background, so a selected total that
    breaks a rule would lose its red. Only the paint of selected cells is changed.
    """

    FRAME = QColor("#2456c8")

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if not option.state & QStyle.StateFlag.State_Selected:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        opt.state &= ~QStyle.StateFlag.State_Selected
        # the view has already filled the row panel with the highlight: cover it first
        painter.fillRect(option.rect, option.palette.base())
        brush = index.model().data(index, BACKGROUND)
        if brush is not None:
            painter.save()
            painter.setBrushOrigin(option.rect.topLeft())
            painter.fillRect(option.rect, brush)
            painter.restore()
        super().paint(painter, opt, index)
        painter.save()
        pen = QPen(self.FRAME, 2)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
        painter.restore()


class FormTableView(QTableView):
    cell_selected = Signal(str)          # cell key of the new current cell
    message = Signal(str)                # status-bar text (Chinese)

    def __init__(self, model: ReportTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.form = model
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setItemDelegate(FramedSelectionDelegate(self))
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        lay = model.layout
        for s in lay.spans:
            if s.rowspan > 1 or s.colspan > 1:
                self.setSpan(s.row, s.col, s.rowspan, s.colspan)
        for key, cs in lay.value_colspan.items():
            r, c = lay.pos_of[key]
            self.setSpan(r, c, 1, cs)
        self._size_columns()
        self.selectionModel().currentChanged.connect(self._on_current)

    # ------------------------------------------------------------------ look

    def _size_columns(self) -> None:
        em = self.fontMetrics().horizontalAdvance("国")
        key = self.form.table_key
        labels = _LABEL_WIDTHS[key]
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c in range(self.form.columnCount()):
            chars = labels[c] if c < len(labels) else _VALUE_WIDTH[key]
            self.setColumnWidth(c, int(chars * em + 12))
        self.resizeRowsToContents()
        header_h = int(self.fontMetrics().height() * 1.6)
        for r in range(self.form.rowCount()):
            self.setRowHeight(r, max(self.rowHeight(r), header_h))

    # ------------------------------------------------------------------ navigation

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = self.form.key_at(current)
        if key:
            self.cell_selected.emit(key)

    def select_keys(self, keys: list[str]) -> None:
        """Select these cells (those of this table), the first one current."""
        indexes = [self.form.index_of(k) for k in keys if k in self.form.layout.pos_of]
        if not indexes:
            return
        sel = self.selectionModel()
        sel.clearSelection()
        sel.setCurrentIndex(indexes[0], sel.SelectionFlag.NoUpdate)
        for ix in indexes:
            sel.select(ix, sel.SelectionFlag.Select)
        self.scrollTo(indexes[0])

    def _next_down(self, index: QModelIndex) -> QModelIndex:
        lay = self.form.layout
        for r in range(index.row() + 1, lay.n_rows):
            if (r, index.column()) in lay.key_at:
                return self.form.index(r, index.column())
        for c in range(index.column() + 1, lay.n_cols):       # a one-row table: move right
            if (index.row(), c) in lay.key_at:
                return self.form.index(index.row(), c)
        return index

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Enter commits (the delegate says SubmitModelCache) and moves to the cell below."""
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint
                            if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache else hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            nxt = self._next_down(self.currentIndex())
            self.selectionModel().setCurrentIndex(nxt, self.selectionModel().SelectionFlag.ClearAndSelect)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.fill_selection(None, "清空")
                return
            if event.text() in ("/", "／"):
                self.fill_selection(NA, "标为不适用")
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
                nxt = self._next_down(self.currentIndex())     # as in Excel: Enter moves down
                self.selectionModel().setCurrentIndex(nxt, self.selectionModel().SelectionFlag.ClearAndSelect)
                return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ focus
    # QAbstractItemView repaints the whole viewport on every focus change (selected cells change
    # colour). Closing a cell editor gives focus back to the view, so that would repaint every
    # visible cell after each edit; repainting the selection and the current cell is enough.

    def _update_selection(self) -> None:
        for ix in self.selectionModel().selectedIndexes():
            self.update(ix)
        self.update(self.currentIndex())

    def focusInEvent(self, event) -> None:
        ix = self.currentIndex()
        if not ix.isValid():
            super().focusInEvent(event)
            return
        QAbstractScrollArea.focusInEvent(self, event)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled,
                          bool(self.form.flags(ix) & Qt.ItemFlag.ItemIsEditable))
        self._update_selection()

    def focusOutEvent(self, event) -> None:
        QAbstractScrollArea.focusOutEvent(self, event)
        self._update_selection()

    # ------------------------------------------------------------------ block operations

    def selected_keys(self) -> list[str]:
        keys = [self.form.key_at(ix) for ix in self.selectionModel().selectedIndexes()]
        out = [k for k in keys if k]
        if not out and self.form.key_at(self.currentIndex()):
            out = [self.form.key_at(self.currentIndex())]  # type: ignore[list-item]
        return out

    def _push(self, values: dict[str, Value], text: str) -> None:
        cells = self.form.doc.report.cells
        values = {k: v for k, v in values.items()
                  if not (type(v) is type(cells[k].value) and v == cells[k].value)}
        if values:
            self.form.undo_stack.push(SetCellsCommand(self.form.doc, values, text))

    def fill_selection(self, value: Value, text: str) -> None:
        keys = self.selected_keys()
        if keys:
            self._push({k: value for k in keys}, f"{text}（{len(keys)} 格）")
            self.message.emit(f"已{text} {len(keys)} 格")

    def copy_selection(self) -> str:
        """Selected cells as tab-separated text (blank stays empty, "/" stays "/")."""
        lay = self.form.layout
        pos = [lay.pos_of[k] for k in self.selected_keys()]
        if not pos:
            return ""
        rows = sorted({r for r, _ in pos})
        cols = sorted({c for _, c in pos})
        report = self.form.doc.report
        lines = []
        for r in rows:
            lines.append("\t".join(format_value(report.cells[lay.key_at[(r, c)]].value)
                                   if (r, c) in lay.key_at and (r, c) in pos else "" for c in cols))
        text = "\n".join(lines)
        QApplication.clipboard().setText(text)
        self.message.emit(f"已复制 {len(pos)} 格")
        return text

    def paste_text(self, text: str) -> bool:
        """Paste a TSV block at the selection's top-left (a single value fills the whole selection).

        All or nothing: one rejected value refuses the paste, with the reason in the status bar.
        """
        lay = self.form.layout
        defs = self.form.doc.report.edition.cell_defs
        grid = [line.split("\t") for line in text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")]
        keys = self.selected_keys()
        if not keys:
            self.message.emit("请先选择要粘贴到的单元格")
            return False
        targets: dict[str, str] = {}
        skipped = 0
        if len(grid) == 1 and len(grid[0]) == 1:
            targets = {k: grid[0][0] for k in keys}
        else:
            top = min(lay.pos_of[k][0] for k in keys)
            left = min(lay.pos_of[k][1] for k in keys)
            rows = [r for r in range(top, lay.n_rows) if any((r, c) in lay.key_at for c in range(left, lay.n_cols))]
            for i, fields in enumerate(grid):
                if i >= len(rows):
                    skipped += sum(1 for _ in fields)
                    continue
                cols = [c for c in range(left, lay.n_cols) if (rows[i], c) in lay.key_at]
                for j, f in enumerate(fields):
                    if j >= len(cols):
                        skipped += 1
                        continue
                    targets[lay.key_at[(rows[i], cols[j])]] = f
        values: dict[str, Value] = {}
        for key, raw in targets.items():
            d = defs[key]
            try:
                values[key] = parse_typed(raw, d.kind, d.unit)
            except ValueRejected as e:
                self.message.emit(f"粘贴未执行：{d.label}：{e}")
                return False
        self._push(values, f"粘贴 {len(values)} 格")
        self.message.emit(f"已粘贴 {len(values)} 格（可一次撤销）"
                          + (f"；有 {skipped} 个值超出表格范围，未粘贴" if skipped else ""))
        return True

    def paste_clipboard(self) -> bool:
        return self.paste_text(QApplication.clipboard().text())
