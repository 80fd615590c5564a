"""The batch at a glance (pyqtgraph): reports by number of errors, and the rules broken most often.

Left: how many reports have 0, 1, 2 … errors (the last bar gathers "≥ 10"). Right: the ten rule
families with the most findings across the batch (errors red, warnings amber, stacked). Drawn
from ``Batch`` summaries only; ``refresh`` is cheap enough to call after each bundle.
"""
from __future__ import annotations

from collections import Counter

import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QWidget

from core.batch import Batch

ERROR, WARNING, NEUTRAL = "#d62728", "#e0a526", "#5b7fb8"
MAX_BIN = 10
TOP_RULES = 10


class BatchChart(QWidget):
    def __init__(self, font: QFont, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.font = font
        self.by_errors = pg.PlotWidget()
        self.by_rule = pg.PlotWidget()
        for p, title, left in ((self.by_errors, "各报告错误数分布", "报告数"),
                               (self.by_rule, "最常违反的规则（红：错误，黄：提示）", "问题数")):
            p.setMenuEnabled(False)
            p.setMouseEnabled(False, False)
            p.showGrid(y=True, alpha=0.25)
            p.setTitle(title)
            p.setLabel("left", left)
            for axis in ("bottom", "left"):
                p.getAxis(axis).setStyle(tickFont=font)
                p.getAxis(axis).enableAutoSIPrefix(False)      # counts, never "×0.001"
        self.by_errors.setLabel("bottom", "错误数")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.by_errors, 2)
        lay.addWidget(self.by_rule, 3)
        self.histogram: list[int] = []                  # reports per error count (for tests)
        self.rules: list[tuple[str, int, int]] = []      # (family, errors, warnings) drawn

    def refresh(self, batch: Batch) -> None:
        summaries = [s for s in batch.ordered() if s.ok]
        bins = Counter(min(s.errors, MAX_BIN) for s in summaries)
        top = max(bins) if bins else 0
        self.histogram = [bins.get(i, 0) for i in range(top + 1)]
        p = self.by_errors
        p.clear()
        xs = list(range(len(self.histogram)))
        brushes = [pg.mkBrush(NEUTRAL if x == 0 else ERROR) for x in xs]
        p.addItem(pg.BarGraphItem(x=xs, height=self.histogram, width=0.7, brushes=brushes,
                                  pen=pg.mkPen("#333", width=0.5)))
        p.getAxis("bottom").setTicks([[(x, f"≥{MAX_BIN}" if x == MAX_BIN else str(x)) for x in xs]])
        p.setXRange(-0.6, max(len(xs), 1) - 0.4, padding=0)
        p.setYRange(0, max(self.histogram + [1]) * 1.15, padding=0)

        counts = batch.rule_counts()[:TOP_RULES]
        self.rules = [(c.family, c.errors, c.warnings) for c in counts]
        p = self.by_rule
        p.clear()
        xs = list(range(len(self.rules)))
        if xs:
            p.addItem(pg.BarGraphItem(x=xs, height=[e for _f, e, _w in self.rules], width=0.7,
                                      brush=ERROR, pen=pg.mkPen("#333", width=0.5)))
            p.addItem(pg.BarGraphItem(x=xs, y0=[e for _f, e, _w in self.rules],
                                      height=[w for _f, _e, w in self.rules], width=0.7, brush=WARNING,
                                      pen=pg.mkPen("#333", width=0.5)))
        p.getAxis("bottom").setTicks([[(x, fam) for x, (fam, _e, _w) in zip(xs, self.rules)]])
        p.setXRange(-0.6, max(len(xs), 1) - 0.4, padding=0)
        p.setYRange(0, max([e + w for _f, e, w in self.rules] + [1]) * 1.15, padding=0)
