"""The pages of the source as images, with every read cell's box, linked to the grid both ways.

For a scan the image is the straightened page the OCR measured its boxes on (kept in the cache);
for a PDF with a text layer it is the page rendered with pypdfium2 and the boxes come from
pdfplumber's characters. Pages are laid out top to bottom in one scene whose unit is the PDF
point, so a reading's ``bbox`` (points, origin top-left of its page) needs no conversion. A page
image is decoded the first time the page is painted: a long PDF opens at once.

The selected cell's box is outlined, uncertain cells' boxes are tinted; clicking a box selects its
cell (``cell_clicked``). Ctrl+wheel or +/- zooms, 适合宽度 fits the width.
"""
from __future__ import annotations

import weakref
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QKeySequence, QPainter, QPen, QPixmap, QShortcut, QWheelEvent
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsRectItem, QGraphicsScene, QGraphicsView, QHBoxLayout, QLabel,
                               QSizePolicy, QToolButton, QStyleOptionGraphicsItem, QVBoxLayout, QWidget)

from core.model import Report

PAGE_GAP = 12.0                       # points between pages
UNCERTAIN_TINT = QColor(255, 140, 0, 70)
SELECTED_PEN = QColor("#d81b60")
BOX_PEN = QColor(30, 90, 200, 150)
RENDER_DPI = 150


class PageItem(QGraphicsItem):
    """One page: a white sheet of the page's size whose image is loaded when first painted."""

    def __init__(self, width: float, height: float, loader) -> None:
        super().__init__()
        self._rect = QRectF(0, 0, width, height)
        self._loader = loader
        self._pixmap: QPixmap | None = None
        self.failed = False

    def boundingRect(self) -> QRectF:
        return self._rect

    def pixmap(self) -> QPixmap | None:
        if self._pixmap is None and not self.failed:
            image = self._loader()
            if image is None or image.isNull():
                self.failed = True
            else:
                self._pixmap = QPixmap.fromImage(image)
        return self._pixmap

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.fillRect(self._rect, Qt.GlobalColor.white)
        pm = self.pixmap()
        if pm is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(self._rect, pm, QRectF(pm.rect()))
        else:
            painter.setPen(Qt.GlobalColor.gray)
            painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, "（页面图像无法显示）")
        painter.setPen(QPen(QColor("#999999"), 0))
        painter.drawRect(self._rect)


class CellBox(QGraphicsRectItem):
    def __init__(self, key: str, rect: QRectF) -> None:
        super().__init__(rect)
        self.key = key
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)


class PageGraphicsView(QGraphicsView):
    cell_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor("#d9d9d9"))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)

    zoomed = Signal()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            self.zoomed.emit()
        else:
            super().wheelEvent(event)

    def zoom(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(0.1 / current, min(factor, 8.0 / current))
        self.scale(factor, factor)

    def mousePressEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, CellBox) and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(item.key)
            event.accept()
            return
        super().mousePressEvent(event)


class PageView(QWidget):
    """Toolbar (zoom, fit width, page label) over the page scene."""

    cell_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = PageGraphicsView()
        self.view.cell_clicked.connect(self.cell_clicked)
        self.view.zoomed.connect(lambda: setattr(self, "_auto_fit", False))
        self.info = QLabel()
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)   # never widens the pane
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for text, tip, slot in (("－", "缩小（Ctrl+-）", lambda: self.zoom(1 / 1.25)),
                                ("＋", "放大（Ctrl+=）", lambda: self.zoom(1.25)),
                                ("适合宽度", "页面宽度适合窗口（Ctrl+0）", self.fit_width)):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addWidget(self.info, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        for seq, slot in ((QKeySequence.StandardKey.ZoomIn, lambda: self.zoom(1.25)),
                          (QKeySequence.StandardKey.ZoomOut, lambda: self.zoom(1 / 1.25)),
                          (QKeySequence("Ctrl+0"), self.fit_width)):
            sc = QShortcut(seq, self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self.pages: list[PageItem] = []
        self.boxes: dict[str, CellBox] = {}
        self._tops: dict[int, float] = {}
        self._selected: list[str] = []
        self._report = lambda: None    # weak: a closed window's page view must not keep its report

    # ------------------------------------------------------------------ content

    def has_pages(self) -> bool:
        return bool(self.pages)

    def set_report(self, report: Report | None, source: Path | None) -> None:
        scene = self.view.scene()
        scene.clear()
        self.pages, self.boxes, self._tops, self._selected = [], {}, {}, []
        self._report = weakref.ref(report) if report is not None else (lambda: None)
        if report is None or not report.pages:
            self.info.setText("")
            return
        y = 0.0
        for info in report.pages:
            item = PageItem(info.width, info.height, _loader(info, source))
            item.setPos(0, y)
            scene.addItem(item)
            self.pages.append(item)
            self._tops[info.number] = y
            y += info.height + PAGE_GAP
        for key, cell in report.cells.items():
            r = cell.reading
            if r is None or r.bbox is None or r.page not in self._tops:
                continue
            x0, y0, x1, y1 = r.bbox
            box = CellBox(key, QRectF(x0, self._tops[r.page] + y0, x1 - x0, y1 - y0))
            box.setZValue(1)
            box.setToolTip(_tooltip(cell))
            scene.addItem(box)
            self.boxes[key] = box
        ocr = sum(1 for p in report.pages if p.ocr)
        self.info.setText(f"共{len(report.pages)}页" + (f"，{ocr}页经文字识别" if ocr else "")
                          + "；点击方框选中对应的格")
        self.refresh()

    def refresh(self) -> None:
        """Restyle every box from the cells' current state (after an edit settles a doubt)."""
        report = self._report()
        if report is None:
            return
        for key, box in self.boxes.items():
            cell = report.cells[key]
            selected = key in self._selected
            box.setBrush(QBrush(UNCERTAIN_TINT) if cell.uncertain else QBrush(Qt.BrushStyle.NoBrush))
            box.setPen(QPen(SELECTED_PEN, 2.5) if selected else QPen(BOX_PEN, 0.6))
            box.setZValue(2 if selected else 1)
            box.setToolTip(_tooltip(cell))

    # ------------------------------------------------------------------ linking

    def show_cells(self, keys: list[str]) -> bool:
        """Outline these cells' boxes and scroll to the first; False when none has a box."""
        self._selected = [k for k in keys if k in self.boxes]
        self.refresh()
        if not self._selected:
            return False
        rect = self.boxes[self._selected[0]].sceneBoundingRect()
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        if not visible.adjusted(10, 10, -10, -10).contains(rect):
            self.view.centerOn(rect.center())        # bring it to the middle, not to an edge
        return True

    def selected_keys(self) -> list[str]:
        return list(self._selected)

    def box_centre(self, key: str):
        """The box's centre in viewport coordinates (tests click there)."""
        return self.view.mapFromScene(self.boxes[key].sceneBoundingRect().center())

    _auto_fit = True          # follow the window's width until the auditor zooms

    def zoom(self, factor: float) -> None:
        self._auto_fit = False
        self.view.zoom(factor)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_width()

    def fit_width(self) -> None:
        self._auto_fit = True
        if not self.pages:
            return
        width = max(p.boundingRect().width() for p in self.pages) + 2 * PAGE_GAP
        avail = max(self.view.viewport().width() - 4, 50)
        self.view.resetTransform()
        self.view.scale(avail / width, avail / width)


def _tooltip(cell) -> str:
    r = cell.reading
    lines = [cell.definition.label]
    if r is not None:
        if r.ocr_text is not None or r.how == "ocr":
            conf = f"（置信度 {r.confidence:.2f}）" if r.confidence is not None else ""
            lines.append(f"识别结果：“{r.ocr_text or '空白'}”{conf}")
        if r.alternatives:
            from core.values import format_value
            lines.append("其他可能：" + "、".join(format_value(a) for a in r.alternatives))
    if cell.uncertain:
        lines.append(f"待核对：{cell.uncertain}")
    if cell.edited:
        lines.append("已由审核人修改")
    return "\n".join(lines)


def _loader(info, source: Path | None):
    """A function giving the page's image: the straightened scan from the cache, or the PDF page."""
    def load() -> QImage | None:
        if info.image:
            img = QImage(info.image)
            return img if not img.isNull() else None
        if source is None or source.suffix.lower() != ".pdf":
            return None
        try:
            import pypdfium2 as pdfium
            doc = pdfium.PdfDocument(str(source))
            try:
                pil = doc[info.number - 1].render(scale=RENDER_DPI / 72).to_pil().convert("RGB")
            finally:
                doc.close()
        except Exception:  # a page that cannot be rendered shows a note, never breaks the window
            return None
        data = pil.tobytes()
        return QImage(data, pil.width, pil.height, pil.width * 3, QImage.Format.Format_RGB888).copy()
    return load
