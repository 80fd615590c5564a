"""A one-line legend under the grids: what each cell colour and mark means."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPixmap, QPolygon
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from gui.cell_state import CellState
from gui.table_model import BLANK_HATCH, EDITED_FG, NA_FG, STATE_COLOURS, hatch


def _swatch(fill: QBrush | None, text: str = "", fg: QColor | None = None, corner: bool = False) -> QPixmap:
    pm = QPixmap(30, 16)
    pm.fill(QColor("white"))
    p = QPainter(pm)
    if fill is not None:
        p.fillRect(pm.rect(), fill)
    p.setPen(QColor("#999"))
    p.drawRect(0, 0, 29, 15)
    if text:
        font = p.font()
        font.setBold(fg == EDITED_FG)
        p.setFont(font)
        p.setPen(fg or QColor("black"))
        p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter, text)
    if corner:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(EDITED_FG)
        p.drawPolygon(QPolygon([QPoint(22, 0), QPoint(30, 0), QPoint(30, 8)]))
    p.end()
    return pm


class Legend(QWidget):
    ITEMS = [
        (QBrush(STATE_COLOURS[CellState.ERROR_TOTAL]), "", None, False, "不平衡的合计"),
        (QBrush(STATE_COLOURS[CellState.ERROR_INPUT]), "", None, False, "参与该合计的数"),
        (QBrush(STATE_COLOURS[CellState.UNCERTAIN]), "", None, False, "提取存疑"),
        (QBrush(STATE_COLOURS[CellState.INFERRED]), "", None, False, "推算值"),
        (QBrush(STATE_COLOURS[CellState.WARNING]), "", None, False, "提示"),
        (None, "5", EDITED_FG, False, "已修改"),
        (hatch(None, BLANK_HATCH), "", None, False, "空白"),
        (None, "/", NA_FG, False, "不适用"),
        (None, "0", None, False, "零"),
    ]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(4)
        lay.addWidget(QLabel("图例："))
        for fill, text, fg, corner, label in self.ITEMS:
            sw = QLabel()
            sw.setPixmap(_swatch(fill, text, fg, corner))
            lay.addWidget(sw)
            lay.addWidget(QLabel(label))
            lay.addSpacing(6)
        lay.addStretch(1)
