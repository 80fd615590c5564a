"""A pyqtgraph chart of table 三: what came in and what went out, per applicant column.

For each applicant column: inflow (一 本年新收 + 二 上年结转), outflow (三（七）总计 + 四 结转下年度)
and the results (一)–(六) stacked. A column whose balance rule (T3-BAL) or results rule
(T3-RESULT) is broken is drawn red, straight from the checker's findings; the chart redraws
when a 表三 cell changes.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.rules import Status
from core.values import is_number
from gui.session import ReviewDocument

RESULT_GROUPS = [("granted", "予以公开", "#4e9a5b"), ("partial", "部分公开", "#8cc084"),
                 ("denied", "不予公开", "#d9a441"), ("unavailable", "无法提供", "#a98bc7"),
                 ("rejected", "不予处理", "#7fa7d1"), ("other", "其他处理", "#b5b5b5")]
INFLOW = "#5b7fb8"
OUTFLOW = "#7c8a99"
RED = "#d62728"
W = 0.26


class FlowChart(QWidget):
    def __init__(self, font: QFont, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.font = font
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.showGrid(y=True, alpha=0.25)
        for name in ("bottom", "left"):
            self.plot.getAxis(name).setStyle(tickFont=font)
        self.plot.setLabel("left", "件数")
        self.plot.setTitle("表三 各类申请人：收（一＋二）与 办（（七）＋四）及办理结果构成；红色＝不平衡")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot)
        self.doc: ReviewDocument | None = None
        self.columns: list[tuple[str, str]] = []
        self.imbalanced: list[str] = []         # columns drawn red at the last refresh (for tests)

    def set_document(self, doc: ReviewDocument) -> None:
        self.doc = doc
        block = doc.report.edition.table("apply").blocks[0]
        self.columns = [(c.key, c.label) for c in block.columns if c.key not in ("total", "subtotal")]
        doc.cells_changed.connect(self._on_cells_changed)
        self.refresh()

    def _on_cells_changed(self, keys: list[str], _findings: list) -> None:
        if any(k.startswith("apply.") for k in keys):
            self.refresh()

    def _n(self, row: str, col: str) -> float:
        v = self.doc.report.value(f"apply.{row}.{col}")  # type: ignore[union-attr]
        return float(v) if is_number(v) else 0.0

    def _broken(self, rule_id: str) -> bool:
        f = self.doc.checker.findings.get(rule_id)  # type: ignore[union-attr]
        return f is not None and f.status is Status.ERROR

    def refresh(self) -> None:
        if self.doc is None:
            return
        p = self.plot
        p.clear()
        legend = p.addLegend(offset=(-10, 10), labelTextSize="9pt", colCount=4)
        rows = [r.key for r in self.doc.report.edition.table("apply").blocks[0].rows]
        xs = list(range(len(self.columns)))
        inflow, outflow, in_brush, out_brush = [], [], [], []
        self.imbalanced = []
        for key, _label in self.columns:
            inflow.append(self._n("new", key) + self._n("carried_over", key))
            outflow.append(self._n("handled_total", key) + self._n("carried_forward", key))
            bad = self._broken(f"T3-BAL:{key}")
            if bad:
                self.imbalanced.append(key)
            in_brush.append(QColor(INFLOW))
            out_brush.append(QColor(RED if bad else OUTFLOW))
        p.addItem(bar := pg.BarGraphItem(x=[x - W for x in xs], height=inflow, width=W, brush=INFLOW, brushes=in_brush,
                                         pen=pg.mkPen("#333", width=0.5)))
        legend.addItem(bar, "收：一＋二")
        p.addItem(bar := pg.BarGraphItem(x=xs, height=outflow, width=W, brush=OUTFLOW, brushes=out_brush,
                                         pen=pg.mkPen("#333", width=0.5)))
        legend.addItem(bar, "办：（七）＋四")
        base = [0.0] * len(xs)
        for prefix, label, colour in RESULT_GROUPS:
            heights = [sum(self._n(r, key) for r in rows if r == prefix or r.startswith(prefix + "_"))
                       for key, _ in self.columns]
            if not any(heights):
                continue
            pens = [pg.mkPen(RED, width=2) if self._broken(f"T3-RESULT:{key}") else pg.mkPen("#333", width=0.5)
                    for key, _ in self.columns]
            item = pg.BarGraphItem(x=[x + W for x in xs], y0=list(base), height=heights, width=W,
                                   brush=colour, pens=pens)
            p.addItem(item)
            legend.addItem(item, label)
            base = [b + h for b, h in zip(base, heights)]
        for key, _ in self.columns:
            if self._broken(f"T3-RESULT:{key}") and key not in self.imbalanced:
                self.imbalanced.append(key)
        top = max(inflow + outflow + base + [1.0])
        for x, (key, _label) in zip(xs, self.columns):
            if key in self.imbalanced:      # a zero-height red bar would not show: say it in words
                mark = pg.TextItem("✗ 不平衡", color=RED, anchor=(0.5, 1))
                mark.setFont(self.font)
                mark.setPos(x, max(inflow[x], outflow[x], base[x]) + top * 0.05)
                p.addItem(mark)
        p.getAxis("bottom").setTicks([[(x, label) for x, (_k, label) in zip(xs, self.columns)]])
        p.setYRange(0, top * 1.35, padding=0)
        p.setXRange(-0.6, len(xs) - 0.4, padding=0)
