"""The report's original text, read-only, linked to the grid both ways.

Selecting a cell highlights its characters here (an extra selection) and scrolls to them;
clicking a number here asks the window to select the cell whose span covers the click.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

CURRENT = QColor("#ffe14d")
OTHER = QColor("#fff4b3")


class SourceView(QPlainTextEdit):
    offset_clicked = Signal(int)         # character offset into Report.source_text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText("（未打开报告）")

    _text = ""
    _wide = False        # text has characters outside the BMP: Qt offsets (UTF-16) differ

    def set_source(self, text: str) -> None:
        self._text = text
        self._wide = any(ord(ch) > 0xFFFF for ch in text)
        self.setPlainText(text)
        self.setExtraSelections([])

    def _to_qt(self, offset: int) -> int:
        return len(self._text[:offset].encode("utf-16-le")) // 2 if self._wide else offset

    def _from_qt(self, pos: int) -> int:
        if not self._wide:
            return pos
        units = 0
        for i, ch in enumerate(self._text):
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > pos:
                return i
        return len(self._text)

    def highlight(self, spans: list[tuple[int, int]]) -> None:
        """Mark the spans (the first one strongly) and scroll the first into view."""
        selections = []
        for i, (start, end) in enumerate(spans):
            start, end = self._to_qt(start), self._to_qt(end)
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(max(end, start + 1), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(CURRENT if i == 0 else OTHER)
            fmt.setFontWeight(700 if i == 0 else 400)
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        self.setExtraSelections(selections)
        if spans:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._to_qt(spans[0][0]))
            self.setTextCursor(cursor)
            self.centerCursor()

    def highlighted_spans(self) -> list[tuple[int, int]]:
        return [(self._from_qt(s.cursor.selectionStart()), self._from_qt(s.cursor.selectionEnd()))
                for s in self.extraSelections()]

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            pos = self.cursorForPosition(event.position().toPoint()).position()
            self.offset_clicked.emit(self._from_qt(pos))
