"""The batch window: a whole submission round as one list, checked in the background.

One row per report (agency, year, edition, format, errors, warnings, cells to verify, cross-report
findings, review state, reviewer, last saved), sortable by any column and filterable by kind and
by name. Below the list, the findings of the selected report; a cross-report finding names the
other year's report and cell, and a click opens it there. Double-click (or Enter) opens a report
in its review window; when that window saves or lets go of the report, its row is read again.
The window holds ``core.batch`` summaries only, never a report's text or model.
"""
from __future__ import annotations

import html
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QThread, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDockWidget, QFileDialog, QHeaderView, QLabel,
                               QLineEdit, QMainWindow, QProgressBar, QPushButton, QSplitter, QTableView,
                               QTableWidget, QTableWidgetItem, QToolBar, QVBoxLayout, QHBoxLayout, QWidget)

from core.batch import Batch, FindingRow, ReportSummary
from core.cross import neighbours_of
from core.editions import EDITIONS
from core.neighbours import remember
from gui.batch_model import FILTERS, PATH_ROLE, BatchFilter, BatchModel
from gui.batch_worker import BatchWorker, ExportJob, SummariseJob, archive_root, start
from gui.i18n import cjk_font
from gui.session import fallback_dir
from gui.workspaces import Workspaces, shared

TITLE = "批量校对"
CHART_DELAY_MS = 400
PROGRESS_SECONDS = 0.3
COLUMN_CHARS = [22, 14, 5, 5, 5, 4, 4, 5, 5, 6, 6, 11]   # starting widths, in characters


def cell_label(edition: str, subtotal: bool, key: str) -> str:
    ed = EDITIONS.get(edition)
    if ed is None:
        return key
    ed = ed.with_subtotal() if subtotal else ed
    d = ed.cell_defs.get(key) or next((e.cell_defs[key] for e in EDITIONS.values() if key in e.cell_defs), None)
    return d.label if d is not None else key


class BatchDetail(QWidget):
    """The findings of the selected report; a cross-report finding opens the other report with a click."""

    open_requested = Signal(str, tuple)        # path, cells to select

    HEAD = ["类别", "规则", "说明", "对照报告（点击打开）"]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: ReportSummary | None = None
        self.rows: list[FindingRow] = []
        self.title = QLabel("在上表选择一份报告，查看其全部问题")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(self.HEAD))
        self.table.setHorizontalHeaderLabels(self.HEAD)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        em = self.fontMetrics().horizontalAdvance("国")
        for col, chars in ((0, 4), (1, 11), (3, 22)):
            self.table.setColumnWidth(col, em * chars)
        self.btn_open = QPushButton("打开报告")
        self.btn_open.setToolTip("在校对窗口中打开这份报告（选中问题所在单元格）")
        self.btn_other = QPushButton("打开对照报告")
        self.btn_other.setToolTip("打开跨年度问题所对照的另一年度报告，并选中对应单元格")
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        buttons.addWidget(self.btn_open)
        buttons.addWidget(self.btn_other)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)
        self.table.cellClicked.connect(self._clicked)
        self.table.cellActivated.connect(self._activated)
        self.table.currentCellChanged.connect(lambda *_a: self._enable())
        self.btn_open.clicked.connect(self._open_this)
        self.btn_other.clicked.connect(self._open_other)
        self._enable()

    def show_summary(self, s: ReportSummary | None) -> None:
        self.summary = s
        self.rows = s.all_findings() if s is not None and s.ok else []
        self.table.setRowCount(len(self.rows))
        if s is None:
            self.title.setText("在上表选择一份报告，查看其全部问题")
        elif not s.ok:
            self.title.setText(f"<b>{html.escape(s.name)}</b>：无法读取 — {html.escape(s.error)}")
        else:
            notes = "；".join(s.notes)
            self.title.setText(
                f"<b>{html.escape(s.name)}</b> · {html.escape(s.agency or '机关未识别')} · {s.year or '年度未识别'}年度"
                f" · {s.errors} 处错误，{s.warnings} 处提示，{len(s.cross)} 处跨年度问题"
                + (f"<br><span style='color:#7a5b00'>{html.escape(notes)}</span>" if notes else ""))
        for i, f in enumerate(self.rows):
            kind = QTableWidgetItem("错误" if f.severity == "error" else "提示")
            kind.setForeground(QBrush(QColor("#c0392b" if f.severity == "error" else "#9a7400")))
            other = ""
            if f.other_file:
                cells = "、".join(cell_label(s.edition, s.subtotal, k) for k in f.other_cells)  # type: ignore[union-attr]
                other = f"{Path(f.other_file).name} · {cells}"
            items = [kind, QTableWidgetItem(f.rule), QTableWidgetItem(f.message), QTableWidgetItem(other)]
            items[2].setToolTip(f.message)
            if other:
                items[3].setForeground(QBrush(QColor("#1a5fb4")))
                items[3].setToolTip(f"单击打开 {f.other_file}")
            for c, it in enumerate(items):
                self.table.setItem(i, c, it)
        self._enable()

    def current(self) -> FindingRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _enable(self) -> None:
        f = self.current()
        self.btn_open.setEnabled(self.summary is not None)
        self.btn_other.setEnabled(f is not None and f.other_file is not None)

    def _clicked(self, row: int, col: int) -> None:
        f = self.rows[row] if 0 <= row < len(self.rows) else None
        if f is not None and col == 3 and f.other_file:
            self.open_requested.emit(f.other_file, tuple(f.other_cells))

    def _activated(self, row: int, _col: int) -> None:
        f = self.rows[row] if 0 <= row < len(self.rows) else None
        if f is None or self.summary is None:
            return
        if f.other_file:
            self.open_requested.emit(f.other_file, tuple(f.other_cells))
        else:
            self.open_requested.emit(self.summary.path, tuple(f.cells))

    def _open_this(self) -> None:
        if self.summary is not None:
            f = self.current()
            self.open_requested.emit(self.summary.path, tuple(f.cells) if f is not None else ())

    def _open_other(self) -> None:
        f = self.current()
        if f is not None and f.other_file:
            self.open_requested.emit(f.other_file, tuple(f.other_cells))


class BatchWindow(QMainWindow):
    listed = Signal()                 # the rows are there (not yet checked)
    checked = Signal(bool)            # every report checked (True: stopped by the auditor)
    row_refreshed = Signal(str)       # a report was read again after its review window saved or closed
    exported = Signal(str)            # the summary workbook was written (its path)

    def __init__(self, workspaces: Workspaces | None = None) -> None:
        super().__init__()
        self.workspaces = workspaces if workspaces is not None else shared()
        self.sources: list[Path] = []
        self.batch = Batch([])
        self.roots: list[Path] = []
        self.worker: BatchWorker | None = None
        self.thread: QThread | None = None
        self.chart = None
        self.started_at = 0.0
        self.elapsed = 0.0
        self._progress_at = 0.0
        self._jobs: set = set()
        self.settings = QSettings()
        self.setWindowTitle(TITLE)
        self.setAcceptDrops(True)
        geometry = self.settings.value("batch/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        self._build_list()
        self._build_layout()
        self._build_chart_dock()
        self._build_status()
        self._build_actions()
        self.workspaces.saved.connect(self._report_changed)
        self.workspaces.released.connect(self._report_changed)

    # ------------------------------------------------------------------ building the window

    def _build_list(self) -> None:
        self.model = BatchModel(self.batch, parent=self)       # owned by the window: gone when it closes
        self.proxy = BatchFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setFont(cjk_font())
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)     # listing order until a header is clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        em = self.fontMetrics().horizontalAdvance("国")
        for col, chars in enumerate(COLUMN_CHARS):
            self.table.setColumnWidth(col, em * chars)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)

    def _build_layout(self) -> None:
        """The list (under a notice for archives or folders that gave nothing) above the selected report's findings."""
        self.detail = BatchDetail()
        self.detail.table.setFont(cjk_font())
        self.detail.open_requested.connect(self.open_report)
        self.notice = QLabel()                       # archives that could not be opened, empty folders
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setStyleSheet("background:#fff6d5; padding:4px; border-radius:3px;")
        self.notice.hide()
        top = QWidget()
        top_lay = QVBoxLayout(top)
        top_lay.setContentsMargins(0, 0, 0, 0)
        top_lay.addWidget(self.notice)
        top_lay.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([540, 220])
        self.setCentralWidget(self.splitter)

    def _build_chart_dock(self) -> None:
        self.chart_dock = QDockWidget("批次图表", self)
        self.chart_dock.setObjectName("batch_chart_dock")
        self.chart_dock.setWidget(QLabel("图表在首次显示时生成"))
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.chart_dock)
        self.chart_dock.visibilityChanged.connect(lambda visible: visible and self.ensure_chart())
        self.chart_dock.hide()
        self.resizeDocks([self.chart_dock], [300], Qt.Orientation.Vertical)
        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.setInterval(CHART_DELAY_MS)
        self._chart_timer.timeout.connect(self._refresh_chart)

    def _build_status(self) -> None:
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setFormat("已检查 %v / %m")
        self.progress.hide()
        self.counts = QLabel()
        self.statusBar().addPermanentWidget(self.counts)     # no stretch: messages keep the left side
        self.statusBar().addPermanentWidget(self.progress)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(slot)
        return a

    def _build_actions(self) -> None:
        self.act_folder = self._action("打开文件夹…", self.open_folder_dialog, "Ctrl+Shift+O",
                                       "把文件夹（含子文件夹）中的全部年度报告作为一批打开")
        self.act_zip = self._action("打开压缩包…", self.open_zip_dialog, None, "把 .zip 压缩包中的年度报告作为一批打开")
        self.act_recheck = self._action("重新检查", self.recheck, "F5", "重新读取并检查这一批报告")
        self.act_cancel = self._action("停止检查", self.cancel, "Esc", "停止后台检查（已检查的保留）")
        self.act_open = self._action("打开所选报告", self.open_current, None, "在校对窗口中打开所选报告（双击或回车）")
        self.act_export = self._action("导出汇总表…", self.export_dialog, "Ctrl+E",
                                       "导出 Excel 汇总表：每份报告一行、全部问题、规则统计、校对状态")
        self.act_find = self._action("筛选", lambda: (self.search.setFocus(), self.search.selectAll()),
                                     QKeySequence.StandardKey.Find)
        self.act_chart = self.chart_dock.toggleViewAction()
        self.act_chart.setText("批次图表")
        self.act_cancel.setEnabled(False)
        self.act_export.setEnabled(False)
        self.act_recheck.setEnabled(False)

        menu = self.menuBar().addMenu("批次(&B)")
        for a in (self.act_folder, self.act_zip, None, self.act_recheck, self.act_cancel, None, self.act_open,
                  self.act_export, None, self.act_find, self.act_chart):
            menu.addSeparator() if a is None else menu.addAction(a)
        bar = QToolBar("批次", self)
        bar.setObjectName("batch_toolbar")
        self.addToolBar(bar)
        for a in (self.act_folder, self.act_zip, None, self.act_recheck, self.act_cancel, None, self.act_export,
                  self.act_chart):
            bar.addSeparator() if a is None else bar.addAction(a)
        bar.addSeparator()
        bar.addWidget(QLabel(" 显示："))
        self.filter_box = QComboBox()
        self.filter_box.addItems(list(FILTERS))
        self.filter_box.setToolTip("只显示某一类报告")
        self.filter_box.currentTextChanged.connect(self.set_filter)
        bar.addWidget(self.filter_box)
        self.search = QLineEdit()
        self.search.setPlaceholderText("按文件名或机关筛选（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(260)
        self.search.textChanged.connect(self._on_search)
        bar.addWidget(self.search)
        self.addAction(self.act_find)

    def set_filter(self, mode: str) -> None:
        if mode in FILTERS:
            if self.filter_box.currentText() != mode:
                self.filter_box.setCurrentText(mode)
            self.proxy.set_mode(mode)
            self._update_counts()

    def _on_search(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_counts()

    # ------------------------------------------------------------------ opening a batch

    def open_folder_dialog(self) -> None:
        start = str(self.roots[0]) if self.roots else str(self.settings.value("batch/last_dir", "") or "")
        folder = QFileDialog.getExistingDirectory(self, "批量校对：选择报告所在文件夹", start)
        if folder:
            self.open_sources([Path(folder)])

    def open_zip_dialog(self) -> None:
        start = str(self.settings.value("batch/last_dir", "") or "")
        path, _ = QFileDialog.getOpenFileName(self, "批量校对：选择压缩包", start, "压缩包 (*.zip)")
        if path:
            self.open_sources([Path(path)])

    def open_sources(self, sources: list[Path]) -> None:
        """Start checking folders, archives or files as one batch (a running check is stopped)."""
        self._stop_worker()
        self.sources = [Path(s) for s in sources]
        if self.sources:
            self.settings.setValue("batch/last_dir", str(self.sources[0].parent))
        names = "、".join(s.name for s in self.sources[:3]) + ("等" if len(self.sources) > 3 else "")
        self.setWindowTitle(f"{names} — {TITLE}")
        self.statusBar().showMessage(f"正在查找 {names} 中的年度报告…", 0)
        worker = BatchWorker(self.sources, fallback_dir(), archive_root())
        queued = Qt.ConnectionType.QueuedConnection            # always run in the GUI thread
        worker.listed.connect(self._on_listed, queued)
        worker.checked.connect(self._on_checked, queued)
        worker.progress.connect(self._on_progress, queued)
        worker.finished.connect(self._on_finished, queued)
        self.worker = worker
        self.started_at = time.perf_counter()
        self.thread = start(worker, self)
        self.act_cancel.setEnabled(True)
        self.act_recheck.setEnabled(False)
        self.act_export.setEnabled(False)

    def recheck(self) -> None:
        if self.sources:
            self.open_sources(self.sources)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.statusBar().showMessage("正在停止检查…", 0)

    def _stop_worker(self) -> None:
        """Stop a running check and wait for its thread (it stops after the report it is reading)."""
        if self.worker is not None:
            self.worker.cancel()
            for sig in (self.worker.listed, self.worker.checked, self.worker.progress, self.worker.finished):
                try:
                    sig.disconnect()
                except (RuntimeError, TypeError):
                    pass
            self.worker = None
        if self.thread is not None:
            try:
                self.thread.quit()
                self.thread.wait(30000)
            except RuntimeError:            # already deleted after it finished
                pass
            self.thread = None

    def _on_listed(self, paths: list[Path], roots: list[Path], messages: list[str]) -> None:
        self.batch = Batch(paths)
        self.roots = roots
        old, self.model = self.model, BatchModel(self.batch, roots, parent=self)
        self.proxy.setSourceModel(self.model)
        old.deleteLater()
        self.detail.show_summary(None)
        self.progress.setRange(0, max(len(paths), 1))
        self.progress.setValue(0)
        self.progress.setVisible(bool(paths))
        self.notice.setText("；".join(messages))
        self.notice.setVisible(bool(messages))
        self.statusBar().showMessage(f"找到 {len(paths)} 份报告，正在后台检查（可随时排序、筛选、打开）…", 0)
        self._update_counts()
        self.listed.emit()

    def _on_checked(self, summaries: list[ReportSummary]) -> None:
        for s in summaries:
            self.batch.add(s)
            remember(s.path, s.facts, s.stamp)            # a report opened from here finds its neighbours
        changed = self.batch.apply_cross()
        self.model.refresh({s.path for s in summaries} | changed)
        self._after_change({s.path for s in summaries} | changed)

    def _on_progress(self, done: int, total: int) -> None:
        """At most a few updates a second: QProgressBar repaints at once on every new value."""
        now = time.perf_counter()
        if done < total and now - self._progress_at < PROGRESS_SECONDS:
            return
        self._progress_at = now
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_finished(self, cancelled: bool) -> None:
        self.elapsed = time.perf_counter() - self.started_at
        self.worker = None
        self.thread = None
        self.act_cancel.setEnabled(False)
        self.act_recheck.setEnabled(bool(self.sources))
        self.act_export.setEnabled(bool(self.batch.summaries))
        self.progress.hide()
        n = len(self.batch.summaries)
        if cancelled:
            self.model.stop_pending()
            self.statusBar().showMessage(f"已停止检查：已检查 {n} / {len(self.batch.paths)} 份", 0)
        else:
            self.statusBar().showMessage(f"检查完成：{n} 份报告，用时 {self.elapsed:.1f} 秒", 0)
        self._update_counts()
        self._refresh_chart()
        self.checked.emit(cancelled)

    # ------------------------------------------------------------------ after changes

    def _after_change(self, paths: set[str]) -> None:
        self._update_counts()
        if self.chart is not None and self.chart_dock.isVisible() and not self._chart_timer.isActive():
            self._chart_timer.start()
        cur = self.current_summary()
        if cur is not None and cur.path in paths:
            self._show_current()

    def _update_counts(self) -> None:
        done = self.batch.ordered()
        ok = [s for s in done if s.ok]
        states = self.batch.state_counts()
        parts = [f"共 {len(self.batch.paths)} 份", f"已检查 {len(done)}", f"有错误 {sum(1 for s in ok if s.errors)}",
                 f"有跨年度问题 {sum(1 for s in ok if s.cross)}", f"无法读取 {len(done) - len(ok)}"]
        parts += [f"{k} {v}" for k, v in ((k, states.get(k, 0)) for k in ("未校对", "校对中", "已完成"))]
        shown = self.proxy.rowCount()
        if shown != len(self.batch.paths):
            parts.append(f"当前显示 {shown}")
        self.counts.setText(" · ".join(parts))

    # ------------------------------------------------------------------ the selected report

    def current_path(self) -> str | None:
        ix = self.table.currentIndex()
        return ix.data(PATH_ROLE) if ix.isValid() else None

    def current_summary(self) -> ReportSummary | None:
        path = self.current_path()
        return self.batch.summaries.get(path) if path else None

    def _show_current(self, *_args) -> None:
        self.detail.show_summary(self.current_summary())

    def select_path(self, path: str) -> None:
        row = self.model.row_of.get(path)
        if row is None:
            return
        ix = self.proxy.mapFromSource(self.model.index(row, 0))
        if ix.isValid():
            self.table.setCurrentIndex(ix)
            self.table.scrollTo(ix)

    def _open_index(self, index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            self.open_report(path)

    def open_current(self) -> None:
        path = self.current_path()
        if path:
            self.open_report(path)

    def open_report(self, path: str, cells: tuple[str, ...] = ()):
        """Open a report in its review window, handing over the neighbour years this batch already knows."""
        s = self.batch.summaries.get(path)
        neighbours = None
        if s is not None and s.facts is not None:
            neighbours = neighbours_of(s.facts, [x.facts for x in self.batch.summaries.values() if x.facts])
        self.select_path(path)
        self.statusBar().showMessage(f"正在打开 {Path(path).name} …", 5000)
        return self.workspaces.open(path, tuple(cells), neighbours)

    # ------------------------------------------------------------------ rows brought up to date

    def _report_changed(self, key: str) -> None:
        """A review window saved or let go of a report: read it again if it is one of ours."""
        path = key if key in self.model.row_of else None     # batch paths are resolved when listed
        if path is None:
            return
        job = SummariseJob([path], fallback_dir())
        job.signals.done.connect(self._on_resummarised)     # bound methods, no lambdas: a closed window
        self._jobs.add(job)                                 # must not be kept alive by a connection
        QThreadPool.globalInstance().start(job)

    def _on_resummarised(self, answer: tuple) -> None:
        job, summaries = answer
        self._jobs.discard(job)
        paths = set()
        for s in summaries:
            if s.path not in self.model.row_of:
                continue
            self.batch.add(s)
            remember(s.path, s.facts, s.stamp)
            paths.add(s.path)
        if not paths:
            return
        paths |= self.batch.apply_cross()
        self.model.refresh(paths)
        self._after_change(paths)
        for p in paths:
            self.row_refreshed.emit(p)

    # ------------------------------------------------------------------ chart and export

    def ensure_chart(self) -> None:
        """Build the chart on first show (pyqtgraph is slow to import and often not wanted)."""
        if self.chart is None:
            from gui.batch_chart import BatchChart
            self.chart = BatchChart(cjk_font(9))
            self.chart_dock.setWidget(self.chart)
            self.resizeDocks([self.chart_dock], [max(260, self.height() // 3)], Qt.Orientation.Vertical)
        self._refresh_chart()

    def _refresh_chart(self) -> None:
        if self.chart is not None:
            self.chart.refresh(self.batch)

    def export_dialog(self) -> None:
        base = self.roots[0] if self.roots else Path.home()
        suggested = base.parent / f"{base.name}_汇总.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "导出汇总表", str(suggested), "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_to(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))

    def export_to(self, target: Path) -> None:
        """Write the summary workbook off the GUI thread (from the summaries: no report is read again)."""
        job = ExportJob(self.batch, target)
        self._jobs.add(job)
        job.signals.done.connect(self._on_exported)
        job.signals.failed.connect(self._on_export_failed)
        self.statusBar().showMessage(f"正在导出汇总表 {target.name} …", 0)
        QThreadPool.globalInstance().start(job)

    def _on_export_failed(self, answer: tuple) -> None:
        job, message = answer
        self._jobs.discard(job)
        self.statusBar().showMessage(f"✗ {message}", 0)

    def _on_exported(self, answer: tuple) -> None:
        job, path = answer
        self._jobs.discard(job)
        self.statusBar().showMessage(f"已导出汇总表（{len(self.batch.summaries)} 份报告）：{path}", 0)
        self.exported.emit(str(path))

    # ------------------------------------------------------------------ closing, drag and drop

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_worker()
        self.settings.setValue("batch/geometry", self.saveGeometry())
        for sig in (self.workspaces.saved, self.workspaces.released):
            try:
                sig.disconnect(self._report_changed)
            except (RuntimeError, TypeError):
                pass
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_sources(paths)
