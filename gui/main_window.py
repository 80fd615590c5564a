"""The review window: source text | official tables, findings and chart below, menus and status.

The window wires widgets to one ``ReviewDocument`` (gui/session.py) and pushes undo commands
(gui/commands.py); it holds no checking or parsing logic of its own.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QMainWindow, QMenu, QMessageBox, QProgressDialog, QPushButton, QSizePolicy, QSplitter,
                               QTabWidget, QToolBar, QVBoxLayout, QWidget)

from core.cross import CrossRules, Facts
from core.loader import REPORT_SUFFIXES
from core.model import Report, SplitChoice
from core.review import ReviewSession
from core.rules import Checker, Finding, Suggestion
from core.values import NA
from gui import export_actions, print_preview
from gui.commands import SetCellsCommand, TypeCellsCommand, VerdictCommand
from gui.findings_panel import FindingsPanel
from gui.form_view import FormTableView
from gui.i18n import cjk_font
from gui.legend import Legend
from gui.loader_thread import LoadJob, NeighbourJob
from gui.page_view import PageView
from gui.session import OpenedReview, ReviewDocument, fallback_dir, save_pasted
from gui.source_view import SourceView
from gui.table_model import ReportTableModel
from gui.workspaces import Workspaces, shared

APP_TITLE = "政府信息公开年报校对"
MAX_RECENT = 8
FILE_FILTER = ("年度报告 (*.txt *.docx *.doc *.wps *.html *.htm *.mhtml *.pdf *.xlsx);;"
               "文本 (*.txt);;Word (*.docx *.doc *.wps);;HTML (*.html *.htm *.mhtml);;PDF (*.pdf);;"
               "Excel (*.xlsx);;所有文件 (*)")
TAB_NAMES = {"active": "表二 主动公开", "apply": "表三 依申请公开", "review": "表四 复议诉讼"}


class MainWindow(QMainWindow):
    report_opened = Signal()
    load_failed = Signal(str)

    def __init__(self, workspaces: Workspaces | None = None) -> None:
        super().__init__()
        self.workspaces = workspaces if workspaces is not None else shared()
        self.doc: ReviewDocument | None = None
        self.neighbours: tuple[Facts | None, Facts | None] = (None, None)   # last / next year's report
        self._neighbour_job: NeighbourJob | None = None
        self.undo_stack = QUndoStack(self)
        self.models: dict[str, ReportTableModel] = {}
        self.views: dict[str, FormTableView] = {}
        self.chart = None
        self._job: LoadJob | None = None
        self._partial_of: LoadJob | None = None     # the job whose early report (a scan's tables) is shown
        self._pasted: Path | None = None           # the file last made from pasted text
        self._progress: QProgressDialog | None = None
        self.settings = QSettings()
        self.setWindowTitle(f"{APP_TITLE}[*]")
        self.setAcceptDrops(True)

        self.source_view = SourceView()
        self.source_view.setFont(cjk_font(11))
        self.page_view = PageView()
        self.left_tabs = QTabWidget()
        self.left_tabs.setObjectName("left_tabs")
        self.left_tabs.addTab(self.source_view, "原文")
        self.left_tabs.addTab(self.page_view, "页面")
        self.left_tabs.setTabEnabled(1, False)
        self.left_tabs.setTabToolTip(1, "PDF 或扫描件的页面图像；选中一格时标出它在页面上的位置")
        self.tabs = QTabWidget()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner_close = QPushButton("知道了")
        self.banner_close.clicked.connect(self.hide_banner)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.banner_close)
        self.banner_box = QWidget()
        self.banner_box.setLayout(banner_row)
        self.banner_box.hide()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.banner_box)
        rl.addWidget(self.tabs, 1)
        legend = Legend()
        legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        rl.addWidget(legend)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left_tabs)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([480, 820])
        self.splitter.setObjectName("main_splitter")
        self.setCentralWidget(self.splitter)

        self.findings = FindingsPanel()
        self.findings_dock = QDockWidget("问题清单", self)
        self.findings_dock.setObjectName("findings_dock")
        self.findings_dock.setWidget(self.findings)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.findings_dock)
        self.chart_dock = QDockWidget("表三收支图", self)
        self.chart_dock.setObjectName("chart_dock")
        self.chart_dock.setWidget(QLabel("图表在首次显示时生成"))
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.chart_dock)
        self.tabifyDockWidget(self.findings_dock, self.chart_dock)
        self.findings_dock.raise_()
        self.resizeDocks([self.findings_dock], [230], Qt.Orientation.Vertical)
        self.chart_dock.visibilityChanged.connect(lambda visible: visible and self.ensure_chart())

        self.stop_button = QPushButton("停止识别其余页面")
        self.stop_button.setToolTip("已显示的表格保持不变；其余页面的文字不再识别")
        self.stop_button.clicked.connect(self.cancel_loading)
        self.stop_button.hide()
        self.statusBar().addPermanentWidget(self.stop_button)
        self.summary = QLabel()
        self.statusBar().addPermanentWidget(self.summary)

        self.source_view.offset_clicked.connect(self.select_cell_at)
        self.page_view.cell_clicked.connect(self.select_cell_from_page)
        self.findings.finding_selected.connect(self.show_finding)
        self.findings.verdict_requested.connect(self.set_verdict)
        self.findings.suggestion_requested.connect(self.apply_suggestion)
        self.findings.split_chosen.connect(self.pick_split)
        self.findings.other_requested.connect(self.open_other)

        self._build_actions()
        self._restore_settings()
        export_actions.install(self)
        print_preview.install(self)

    # ------------------------------------------------------------------ public surface

    @property
    def report(self) -> Report | None:
        return self.doc.report if self.doc else None

    @property
    def checker(self) -> Checker | None:
        return self.doc.checker if self.doc else None

    @property
    def session(self) -> ReviewSession | None:
        return self.doc.session if self.doc else None

    @property
    def source_path(self) -> Path | None:
        return self.doc.source if self.doc else None

    def show_status(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def show_banner(self, text: str, error: bool = False) -> None:
        colour = "#fde2e1" if error else "#fff6d5"
        self.banner_box.setStyleSheet(f"background:{colour}; border-radius:3px;")
        self.banner.setText(text)
        self.banner_box.show()

    def hide_banner(self) -> None:
        self.banner_box.hide()

    # ------------------------------------------------------------------ actions and menus

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
        a.triggered.connect(slot)
        return a

    def _build_actions(self) -> None:
        self.act_open = self._action("打开(&O)…", self.open_dialog, QKeySequence.StandardKey.Open, "打开年度报告")
        self.act_paste_report = self._action("从剪贴板粘贴报告文本(&T)", self.paste_report, "Ctrl+Shift+V",
                                             "把从网页等处复制的报告全文作为一份报告打开（校对记录保存在用户数据文件夹）")
        self.act_save = self._action("保存校对记录(&S)", self.save, QKeySequence.StandardKey.Save,
                                     "把修改、结论和说明保存到原文旁的校对记录文件（原文不会被修改）")
        self.act_quit = self._action("退出(&X)", self.close, QKeySequence.StandardKey.Quit)
        self.act_batch = self._action("批量校对：打开文件夹(&B)…", self.open_batch_dialog, "Ctrl+Shift+O",
                                      "把一个文件夹中的全部年度报告作为一批打开：列表、后台检查、跨年度对照")
        self.act_batch_zip = self._action("批量校对：打开压缩包…", self.open_batch_zip_dialog, None,
                                          "把一个 .zip 压缩包中的年度报告作为一批打开")
        self.act_undo = self.undo_stack.createUndoAction(self, "撤销")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "重做")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence.StandardKey.Redo])
        self.act_copy = self._action("复制(&C)", self.copy, QKeySequence.StandardKey.Copy)
        self.act_paste = self._action("粘贴(&P)", self.paste, QKeySequence.StandardKey.Paste,
                                      "从 Excel/WPS 复制的一块数字粘贴到所选区域（一次撤销）")
        self.act_clear = self._action("清空\tDel", lambda: self._fill(None, "清空"), None, "把所选单元格置为空白")
        self.act_na = self._action("标为不适用\t/", lambda: self._fill_na(), None, "把所选单元格标为“/”")
        self.act_next = self._action("下一处问题", lambda: self.findings.step(1), "F8")
        self.act_prev = self._action("上一处问题", lambda: self.findings.step(-1), "Shift+F8")
        self.act_suggest = self._action("应用建议修正", self.apply_current_suggestion, "Ctrl+Shift+F",
                                        "把能让相关勾稽关系全部成立的建议值填入单元格")
        self.act_confirm = self._action("确认推算值", self.confirm_inferred, "Ctrl+Shift+I",
                                        "本表中按勾稽关系唯一确定的推算值（紫色）核对无误后一次确认（可撤销）")

        self.menu_file = self.menuBar().addMenu("文件(&F)")
        self.menu_file.addAction(self.act_open)
        self.menu_file.addAction(self.act_paste_report)
        self.menu_recent = QMenu("最近打开", self)
        self.menu_file.addMenu(self.menu_recent)
        self.menu_file.addAction(self.act_save)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_batch)
        self.menu_file.addAction(self.act_batch_zip)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_edit = self.menuBar().addMenu("编辑(&E)")
        for a in (self.act_undo, self.act_redo, None, self.act_copy, self.act_paste, None, self.act_clear, self.act_na):
            self.menu_edit.addSeparator() if a is None else self.menu_edit.addAction(a)
        self.menu_check = self.menuBar().addMenu("检查(&C)")
        for a in (self.act_next, self.act_prev, self.act_suggest, self.act_confirm):
            self.menu_check.addAction(a)
        self.menu_view = self.menuBar().addMenu("视图(&V)")
        self.menu_view.addAction(self.findings_dock.toggleViewAction())
        self.menu_view.addAction(self.chart_dock.toggleViewAction())
        self.act_source = self._action("显示原文", lambda on: self.source_view.setVisible(on))
        self.act_source.setCheckable(True)
        self.act_source.setChecked(True)
        self.menu_view.addAction(self.act_source)

        self.toolbar = QToolBar("工具栏", self)
        self.toolbar.setObjectName("main_toolbar")
        self.addToolBar(self.toolbar)
        for a in (self.act_open, self.act_save, None, self.act_undo, self.act_redo, None,
                  self.act_prev, self.act_next, self.act_suggest, self.act_confirm):
            self.toolbar.addSeparator() if a is None else self.toolbar.addAction(a)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(" 校对人："))
        self.reviewer_edit = QLineEdit()
        self.reviewer_edit.setMaximumWidth(120)
        self.reviewer_edit.setPlaceholderText("姓名")
        self.reviewer_edit.editingFinished.connect(self._on_reviewer)
        self.toolbar.addWidget(self.reviewer_edit)
        self._update_actions()

    def _update_actions(self) -> None:
        has = self.doc is not None
        for a in (self.act_save, self.act_copy, self.act_paste, self.act_clear, self.act_na,
                  self.act_next, self.act_prev):
            a.setEnabled(has)
        self.act_suggest.setEnabled(has and bool(self.doc.checker.suggestions()))  # type: ignore[union-attr]
        self.act_confirm.setEnabled(has and bool(self.doc.report.pinned_keys()))  # type: ignore[union-attr]

    # ------------------------------------------------------------------ settings

    def _restore_settings(self) -> None:
        geo = self.settings.value("window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        else:
            self.resize(1360, 860)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        try:
            self._split_ratio = float(self.settings.value("window/splitter_ratio", 0.32))
        except (TypeError, ValueError):
            self._split_ratio = 0.32
        self.reviewer_edit.setText(str(self.settings.value("reviewer", "") or ""))
        self._rebuild_recent()

    def _save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        sizes = self.splitter.sizes()
        if sum(sizes) > 0 and self.source_view.isVisible():
            self.settings.setValue("window/splitter_ratio", sizes[0] / sum(sizes))
        self.settings.setValue("reviewer", self.reviewer_edit.text())
        self.settings.sync()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue("recent_files", items[:MAX_RECENT])
        self._rebuild_recent()

    def _rebuild_recent(self) -> None:
        self.menu_recent.clear()
        files = self.recent_files()
        for p in files:
            a = self.menu_recent.addAction(Path(p).name)
            a.setToolTip(p)
            a.setStatusTip(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_file(p))
        self.menu_recent.setEnabled(bool(files))

    # ------------------------------------------------------------------ opening

    def open_dialog(self) -> None:
        start = str(self.source_path.parent) if self.source_path else ""
        path, _ = QFileDialog.getOpenFileName(self, "打开年度报告", start, FILE_FILTER)
        if path:
            self.open_file(path)

    def paste_report(self) -> None:
        """Open report text from the clipboard (copied from a browser page) as a report.

        The text is kept as a UTF-8 file in the user data folder and opened like any file, so
        its review file lives there too. A page copied with its markup only opens as HTML.
        """
        clipboard = QApplication.clipboard()
        text, suffix = clipboard.text(), ".txt"
        mime = clipboard.mimeData()
        if not text.strip() and mime is not None and mime.hasHtml():
            text, suffix = mime.html(), ".html"
        if not text.strip():
            self.show_status("剪贴板中没有文本：请先在网页或文档中选中报告全文并复制")
            return
        try:
            path = save_pasted(text, suffix)
        except OSError as e:
            self.show_banner(f"无法保存粘贴的报告文本：{e.strerror or e}", error=True)
            return
        self._pasted = path
        self.open_file(path)

    def open_file(self, path: str | Path, select: tuple[str, ...] = (),
                  neighbours: tuple[Facts | None, Facts | None] | None = None) -> None:
        """Load in a worker thread; the current report stays until the new one is ready.

        `select`: cells to select once it is open (a cross-report finding's cells in the other
        report). `neighbours`: last and next year's reports when the caller (a batch) knows them;
        otherwise they are looked for in the report's folder after it is shown.
        """
        if self._job is not None:
            self._job.cancel()
        job = LoadJob(path, fallback_dir())
        job.select, job.neighbours = tuple(select), neighbours      # type: ignore[attr-defined]
        self._job = job
        job.signals.loaded.connect(lambda opened, job=job: self._on_loaded(job, opened))
        job.signals.partial.connect(lambda opened, job=job: self._on_partial(job, opened))
        job.signals.failed.connect(lambda msg, job=job: self._on_failed(job, msg))
        job.signals.cancelled.connect(lambda job=job: self._finish_job(job))
        job.signals.progress.connect(self._on_progress)
        self._progress = QProgressDialog(f"正在打开“{Path(path).name}”…", "取消", 0, 0, self)
        self._progress.setWindowTitle("打开报告")
        self._progress.setMinimumDuration(500)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.canceled.connect(lambda job=job: (job.cancel(), self.show_status("已取消打开")))
        self.show_status(f"正在打开 {Path(path).name} …", 0)
        QThreadPool.globalInstance().start(job)

    def cancel_loading(self) -> None:
        """Stop reading (the early tables of a long scan stay as they are)."""
        if self._job is not None:
            self._job.cancel()
            self.show_status("已停止识别其余页面" if self._partial_of is self._job else "已取消打开")

    def _on_progress(self, done: int, total: int) -> None:
        if self._progress is None and self._partial_of is self._job and total > 0:
            self.show_status(f"表格已显示；正在识别其余页面 {done}/{total}…", 0)
            return
        if self._progress is not None and self._progress.wasCanceled() and self._job is not None:
            self._job.cancel()
            return
        if self._progress is not None and total > 0:
            self._progress.setMaximum(total)
            self._progress.setValue(done)

    def _finish_job(self, job: LoadJob) -> bool:
        """True if `job` is the current one (results of superseded or cancelled jobs are dropped)."""
        current = job is self._job and not job._cancel.is_set()
        if job is self._partial_of:
            self._partial_of = None
            self.stop_button.hide()
        if job is self._job:
            self._job = None
            if self._progress is not None:
                self._progress.reset()
                self._progress.deleteLater()
                self._progress = None
            self.statusBar().clearMessage()
        return current

    def _on_failed(self, job: LoadJob, message: str) -> None:
        if job.path == self._pasted:          # pasted text that is no report: keep no file of it
            job.path.unlink(missing_ok=True)
            self._pasted = None
        if not self._finish_job(job):
            return
        keep = "，当前报告及其修改保持不变" if self.doc else ""
        self.show_banner(message + keep, error=True)
        self.show_status(message)
        self.load_failed.emit(message)

    def _on_partial(self, job: LoadJob, opened: OpenedReview) -> None:
        """A long scan's tables are read: show them now, keep reading the rest in the background."""
        if job is not self._job or job._cancel.is_set() or not self.maybe_save():
            return
        if self._progress is not None:              # the window is usable again: progress moves to
            self._progress.reset()                  # the status bar, Esc still cancels
            self._progress.deleteLater()
            self._progress = None
        self.set_document(opened, getattr(job, "select", ()))
        self._partial_of = job
        self.stop_button.show()
        self.show_status("表格已显示；正在识别其余页面…", 0)

    def _on_loaded(self, job: LoadJob, opened: OpenedReview) -> None:
        early = self._partial_of is job and self.doc is not None
        if not self._finish_job(job):
            return
        if early:
            # the early report's edits carry over as one undo step; nothing to ask
            typed = {k: c.value for k, c in self.doc.report.cells.items() if c.edited}
            self.set_document(opened, (), getattr(job, "neighbours", None))
            cells = self.doc.report.cells
            # the autosaved review usually brought them back already; push only what it missed
            missing = {k: v for k, v in typed.items() if k in cells and (cells[k].edited, cells[k].value) != (True, v)}
            if missing:
                self.undo_stack.push(SetCellsCommand(self.doc, missing, "识别期间所做的修改"))
            self.show_status("其余页面已识别完毕，报告已更新")
            return
        if not self.maybe_save():
            self.show_status("已取消打开，当前报告保持不变")
            return
        self.set_document(opened, getattr(job, "select", ()), getattr(job, "neighbours", None))

    def set_document(self, opened: OpenedReview, select: tuple[str, ...] = (),
                     neighbours: tuple[Facts | None, Facts | None] | None = None) -> None:
        previous = self.doc.source if self.doc is not None else None
        if self._neighbour_job is not None:
            self._neighbour_job.cancel()
            self._neighbour_job = None
        self.neighbours = (None, None)
        if self.doc is not None:
            self.doc.deleteLater()
        self.undo_stack.clear()
        doc = ReviewDocument(opened, self)
        if not doc.session.reviewer:
            doc.session.reviewer = self.reviewer_edit.text()
        else:
            self.reviewer_edit.setText(doc.session.reviewer)
        self.doc = doc
        doc.cells_changed.connect(lambda *_: self._update_summary())
        doc.cells_changed.connect(lambda *_: self.page_view.refresh())
        doc.verdicts_changed.connect(lambda *_: self._update_summary())
        doc.dirty_changed.connect(self.setWindowModified)
        doc.save_failed.connect(lambda msg: self.show_banner(msg, error=True))

        self.source_view.set_source(doc.report.source_text)
        self.page_view.set_report(doc.report, opened.source)
        self.left_tabs.setTabEnabled(1, self.page_view.has_pages())
        scanned = any(p.ocr for p in doc.report.pages)
        self.left_tabs.setCurrentIndex(1 if scanned else 0)
        if self.page_view.has_pages():
            self.page_view.fit_width()
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for view in self.views.values():
            view.deleteLater()
        self.models, self.views = {}, {}
        for table in doc.report.edition.tables:
            model = ReportTableModel(doc, table.key, self.undo_stack)
            model.rejected.connect(self.show_status)
            view = FormTableView(model)
            view.setFont(cjk_font())
            view.cell_selected.connect(self.show_cell)
            view.message.connect(self.show_status)
            self.models[table.key], self.views[table.key] = model, view
            self.tabs.addTab(view, f"{TAB_NAMES.get(table.key, '表' + table.number)}")
        self.tabs.setCurrentIndex(current if current >= 0 else 1)      # first report: 表三, where most rules are
        self.findings.set_document(doc)
        if self.chart is not None:
            self.chart.set_document(doc)

        r = doc.report
        title = f"{opened.source.name} — {r.agency or '（机关未识别）'} {r.year or ''}年度 · {r.edition.name}"
        self.setWindowTitle(f"{title}[*] — {APP_TITLE}")
        self.setWindowModified(doc.dirty)
        messages = list(opened.messages) + list(r.notes)
        if messages:
            self.show_banner("<br>".join(messages))
        else:
            self.hide_banner()
        self._add_recent(opened.source)
        self._update_summary()
        self.workspaces.adopt(self, opened.source, previous)
        if neighbours is not None:
            self.set_neighbours(*neighbours)
        else:
            self._look_for_neighbours()
        if select:
            self.select_cells(select)
        self.report_opened.emit()

    # ------------------------------------------------------------------ neighbour years

    def _look_for_neighbours(self) -> None:
        """Find last and next year's reports of the same agency in the folder, off the GUI thread."""
        doc = self.doc
        if doc is None or doc.report.year is None or not doc.report.agency:
            return
        job = NeighbourJob(doc.source, doc.report.agency, doc.report.year, fallback_dir())
        self._neighbour_job = job
        job.signals.found.connect(self._on_neighbours)
        QThreadPool.globalInstance().start(job)

    def _on_neighbours(self, answer: tuple) -> None:
        job, prev, following = answer
        if job is not self._neighbour_job:
            return                                   # for a report no longer open
        self._neighbour_job = None
        self.set_neighbours(prev, following)

    def set_neighbours(self, prev: Facts | None, following: Facts | None) -> None:
        """Add the cross-report rules against last / next year's report (either may be None)."""
        if self.doc is None or (prev is None and following is None):
            return
        self.neighbours = (prev, following)
        found = self.doc.add_rules(CrossRules(prev, self.doc.source, following=following))
        names = "、".join(f"{f.year}年度“{f.name}”" for f in (prev, following) if f is not None)
        tail = f"，{len(found)} 处不一致" if found else "，一致"
        self.show_status(f"已与相邻年度报告对照：{names}{tail}")

    def open_other(self, path: str, cells: tuple[str, ...]) -> None:
        """A cross-report finding's other report, at its cells, in its own window."""
        self.workspaces.open(path, tuple(cells))

    # ------------------------------------------------------------------ status

    def _update_summary(self) -> None:
        self._update_actions()
        if self.doc is None:
            self.summary.setText("")
            return
        c = self.doc.checker
        errors = len(c.errors())
        hints = len(c.problems()) - errors
        edited = len(self.doc.report.edited_keys())
        pending = len(self.doc.report.uncertain_keys())
        marked = len(self.doc.session.verdicts)
        text = f"{errors} 处错误 · {hints} 处提示 · 已修改 {edited} 格 · {pending} 格待核对"
        if marked:
            text += f" · 已标记 {marked} 条"
        self.summary.setText(text)
        self.summary.setStyleSheet("color:#c0392b; font-weight:bold;" if errors else "color:#2e7d32;")

    # ------------------------------------------------------------------ linking

    def current_view(self) -> FormTableView | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, FormTableView) else None

    def show_cell(self, key: str) -> None:
        """Cell → text: highlight and scroll to the cell's characters in the source."""
        cell = self.report.cells[key] if self.report else None
        if cell is None:
            return
        on_page = self.page_view.show_cells([key])
        if cell.span:
            self.source_view.highlight([cell.span])
        else:
            self.source_view.highlight([])
            if not on_page:
                self.show_status(f"{cell.definition.label}：原文中未找到此格")

    def select_cells(self, keys: tuple[str, ...] | list[str]) -> None:
        """Select cells in the grid (all on the first one's table) and mark their text."""
        keys = [k for k in keys if self.report is not None and k in self.report.cells]
        if not keys:
            return
        view = self.views.get(keys[0].split(".", 1)[0])
        if view is not None:
            self.tabs.setCurrentWidget(view)
            view.select_keys(keys)
        self.source_view.highlight([s for k in keys if (s := self.report.cells[k].span)])  # type: ignore[union-attr]

    def select_cell(self, key: str) -> None:
        table = key.split(".", 1)[0]
        view = self.views.get(table)
        if view is not None:
            self.tabs.setCurrentWidget(view)
            view.select_keys([key])

    def select_cell_from_page(self, key: str) -> None:
        """Page → cell: a click on a box selects the cell read from it."""
        if self.report is None or key not in self.report.cells:
            return
        self.select_cell(key)
        cell = self.report.cells[key]
        extra = f"（待核对：{cell.uncertain}）" if cell.uncertain else ""
        self.show_status(f"页面此处对应 {cell.definition.label}{extra}")

    def select_cell_at(self, offset: int) -> None:
        """Text → cell: a click on a number selects the cell read from it."""
        if self.report is None:
            return
        key = self.report.cell_at(offset)
        if key:
            self.select_cell(key)
            self.show_status(f"原文此处对应 {self.report.edition.cell_defs[key].label}")

    def show_finding(self, f: Finding) -> None:
        """Finding → its cells in the grid, and in the text its own span (a text rule's) then the cells'."""
        if self.report is None:
            return
        cells = [k for k in f.rule.cells if k in self.report.cells]
        if cells:
            view = self.views.get(cells[0].split(".", 1)[0])
            if view is not None:
                self.tabs.setCurrentWidget(view)
                view.blockSignals(True)
                view.select_keys(cells)
                view.blockSignals(False)
        spans = [f.span] if f.span else []
        spans += [s for k in cells if (s := self.report.cells[k].span) and s != f.span]
        self.source_view.highlight(spans)  # type: ignore[arg-type]
        self.page_view.show_cells(cells)

    # ------------------------------------------------------------------ editing

    def copy(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, (SourceView, QLineEdit)):
            focus.copy()
        elif (view := self.current_view()) is not None:
            view.copy_selection()

    def paste(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.paste()
        elif (view := self.current_view()) is not None:
            view.paste_clipboard()

    def _fill(self, value, text: str) -> None:
        if (view := self.current_view()) is not None:
            view.fill_selection(value, text)

    def _fill_na(self) -> None:
        self._fill(NA, "标为不适用")

    def apply_suggestion(self, s: Suggestion) -> None:
        if self.doc is None:
            return
        label = self.doc.report.edition.cell_defs[s.cell].label
        self.undo_stack.push(SetCellsCommand(self.doc, {s.cell: s.value}, f"应用建议修正 {label}"))
        self.select_cell(s.cell)
        self.show_status(f"已应用建议修正：{s.message}")

    def apply_current_suggestion(self) -> None:
        if self.doc is None:
            return
        s = self.findings.suggestion_for(self.findings.current()) or self.findings.suggestion_for(None)
        if s is None:
            self.show_status("没有可定位到单一单元格的建议修正")
            return
        self.apply_suggestion(s)

    def confirm_inferred(self) -> None:
        """Confirm, in one undoable step, the current table's 推算值 the rules pin to one value."""
        view = self.current_view()
        if self.doc is None or view is None:
            return
        table = view.form.table_key
        keys = self.doc.report.pinned_keys(table)
        name = TAB_NAMES.get(table, table)
        if not keys:
            self.show_status(f"{name}没有待确认的推算值")
            return
        values = {k: self.doc.report.cells[k].value for k in keys}
        self.undo_stack.push(TypeCellsCommand(self.doc, values, f"确认{name}推算值（{len(keys)} 格）"))
        self.show_status(f"已确认{name}的 {len(keys)} 格推算值（可撤销）")

    def pick_split(self, choice: SplitChoice, index: int) -> None:
        """The auditor picked one of a row's candidate splits: its values fill the row (one undo step)."""
        if self.doc is None:
            return
        values = dict(zip(choice.keys, choice.candidates[index]))
        label = choice.label.split("（区分")[0] if choice.table != "review" else "表四"
        self.undo_stack.push(TypeCellsCommand(self.doc, values, f"选定拆分 {label}"))
        self.select_cell(choice.keys[0])
        self.show_status(f"已按第 {index + 1} 种拆分填入“{label}”（可撤销）")

    def set_verdict(self, key: str, verdict: str | None, comment: str) -> None:
        if self.doc is not None:
            self.undo_stack.push(VerdictCommand(self.doc, key, verdict, comment))

    def _on_reviewer(self) -> None:
        name = self.reviewer_edit.text().strip()
        self.settings.setValue("reviewer", name)
        if self.doc is not None:
            self.doc.set_reviewer(name)

    # ------------------------------------------------------------------ chart

    def ensure_chart(self) -> None:
        """Build the chart on first show: pyqtgraph is slow to import and not needed at startup."""
        if self.chart is None:
            from gui.chart import FlowChart
            self.chart = FlowChart(cjk_font(9))
            self.chart_dock.setWidget(self.chart)
            if self.doc is not None:
                self.chart.set_document(self.doc)

    # ------------------------------------------------------------------ saving and closing

    def save(self) -> bool:
        if self.doc is None:
            return True
        if self.doc.save():
            self.show_status(f"校对记录已保存：{self.doc.review_file}")
            self.workspaces.saved.emit(str(self.doc.source))
            return True
        return False

    def ask_save(self) -> QMessageBox.StandardButton:
        """Ask before dropping unsaved work (tests replace this)."""
        return QMessageBox.question(
            self, APP_TITLE, "校对记录有未保存的修改，是否保存？",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded or clean)."""
        if self.doc is None or not self.doc.dirty:
            return True
        answer = self.ask_save()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.doc.discard_autosave()
            return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        if self._job is not None:          # a report still loading: its result is not wanted
            self._job.cancel()
            self._job = None
            if self._progress is not None:
                self._progress.reset()
                self._progress = None
        if self._neighbour_job is not None:
            self._neighbour_job.cancel()
            self._neighbour_job = None
        self._save_settings()
        event.accept()
        if self.doc is not None:
            self.workspaces.release(self, self.doc.source)
        if self.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose):
            self._drop_document()

    def _drop_document(self) -> None:
        """Let go of the report before the window is deleted.

        Signal connections to lambdas can keep this window's Python side alive after Qt deleted
        it; without these references it is a small shell, not a whole report with its models
        (a batch session opens and closes many review windows).
        """
        self.undo_stack.clear()
        self.findings.model = None
        self.findings.doc = None                       # type: ignore[assignment]
        if self.chart is not None:
            self.chart.doc = None
        self.models, self.views = {}, {}
        self.doc = None

    def showEvent(self, event) -> None:
        """Apply the saved source/tables proportion once the window has its real width."""
        super().showEvent(event)
        if not getattr(self, "_split_done", False):
            self._split_done = True
            total = sum(self.splitter.sizes()) or self.width()
            left = int(total * min(max(self._split_ratio, 0.1), 0.9))
            self.splitter.setSizes([left, total - left])

    # ------------------------------------------------------------------ drag and drop

    def open_batch_dialog(self) -> None:
        start = str(self.source_path.parent) if self.source_path else ""
        folder = QFileDialog.getExistingDirectory(self, "批量校对：选择报告所在文件夹", start)
        if folder:
            self.workspaces.open_batch([folder])

    def open_batch_zip_dialog(self) -> None:
        start = str(self.source_path.parent) if self.source_path else ""
        path, _ = QFileDialog.getOpenFileName(self, "批量校对：选择压缩包", start, "压缩包 (*.zip)")
        if path:
            self.workspaces.open_batch([path])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            paths = [Path(u.toLocalFile()) for u in urls]
            if len(paths) > 1 or paths[0].is_dir() or paths[0].suffix.lower() == ".zip":
                self.workspaces.open_batch(paths)          # a folder, an archive or several files: a batch
                return
            path = paths[0]
            if path.suffix.lower() not in REPORT_SUFFIXES:
                self.show_status(f"“{path.name}”可能不是年度报告，仍尝试打开")
            self.open_file(path)
