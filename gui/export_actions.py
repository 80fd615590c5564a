"""The export actions of the main window: 导出 Excel…, 导出 Word…, 写回原 Word 文档….

``install(window)`` is called by the main window at the end of its construction. The window
exposes ``report``, ``checker``, ``session`` (ReviewSession), ``source_path``, ``menu_file``,
``toolbar`` and ``show_status(text)``; everything else lives here. The exports themselves are
``core.exports.xlsx`` / ``core.exports.docx`` (no Qt there); this module asks where to save (the
source's folder, "<机关><年度>年报_校对.xlsx"), asks for confirmation when errors remain, shows a
Chinese message when the file cannot be written, and confirms in the status bar with a link that
opens the folder.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from core.exports.common import ExportError, suggested_name, unresolved_errors

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
DOCX_FILTER = "Word 文档 (*.docx)"
LINK_TIMEOUT_MS = 30000


class ExportActions(QObject):
    """Owns the three actions and the status-bar link of one window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.last_dir: Path | None = None
        self.act_xlsx = QAction("导出 Excel…", window)
        self.act_xlsx.setStatusTip("把三张表（校对后的数值）、校验结果、修改记录导出为 Excel 工作簿")
        self.act_xlsx.setShortcut("Ctrl+E")
        self.act_xlsx.triggered.connect(self.export_xlsx)
        self.act_docx = QAction("导出 Word…", window)
        self.act_docx.setStatusTip("按官方格式重新生成年度报告（Word），表格为校对后的数值")
        self.act_docx.triggered.connect(self.export_docx)
        self.act_inplace = QAction("写回原 Word 文档…", window)
        self.act_inplace.setStatusTip("把校对后的数值写入原 Word 文档的表格，另存为新文件（原文件不变，格式保留）")
        self.act_inplace.triggered.connect(self.export_inplace)
        self.actions = (self.act_xlsx, self.act_docx, self.act_inplace)

        menu = window.menu_file
        anchor = self._quit_action(menu)
        if anchor is not None:
            sep = menu.insertSeparator(anchor)
            for a in self.actions:
                menu.insertAction(sep, a)
        else:
            menu.addSeparator()
            for a in self.actions:
                menu.addAction(a)
        menu.aboutToShow.connect(self.update_enabled)
        window.toolbar.addSeparator()
        window.toolbar.addAction(self.act_xlsx)
        window.toolbar.addAction(self.act_docx)

        self.link = QLabel()
        self.link.setTextFormat(Qt.TextFormat.RichText)
        self.link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.link.setOpenExternalLinks(False)
        self.link.linkActivated.connect(self.open_link)
        self.link.hide()
        status_bar = window.statusBar() if hasattr(window, "statusBar") else None
        if status_bar is not None:
            # permanent: a temporary status message would hide a normal status-bar widget
            status_bar.addPermanentWidget(self.link)
        self.link_timer = QTimer(self)
        self.link_timer.setSingleShot(True)
        self.link_timer.timeout.connect(self.link.hide)

        for name in ("report_opened", "document_changed"):
            signal = getattr(window, name, None)
            if signal is not None and hasattr(signal, "connect"):
                signal.connect(self.update_enabled)
        self.update_enabled()

    @staticmethod
    def _quit_action(menu) -> QAction | None:
        for a in menu.actions():
            if a.text().startswith("退出"):
                # the separator before 退出, if there is one, is where the exports go
                acts = menu.actions()
                i = acts.index(a)
                return acts[i - 1] if i > 0 and acts[i - 1].isSeparator() else a
        return None

    # ------------------------------------------------------------------ state

    def update_enabled(self, *_args) -> None:
        report = self.window.report
        has = report is not None
        self.act_xlsx.setEnabled(has)
        self.act_docx.setEnabled(has)
        self.act_inplace.setEnabled(has and self._source_is_docx())

    def _source_is_docx(self) -> bool:
        report = self.window.report
        src = self.window.source_path
        if report is None or src is None:
            return False
        return (report.source_format or "").lower().startswith("docx") and Path(src).suffix.lower() in (".docx", ".docm")

    # ------------------------------------------------------------------ the flow

    def _ask_path(self, suffix: str, file_filter: str, title: str) -> Path | None:
        report = self.window.report
        src = self.window.source_path
        folder = self.last_dir or (Path(src).parent if src else Path.home())
        proposed = str(folder / suggested_name(report, suffix))
        path, _flt = QFileDialog.getSaveFileName(self.window, title, proposed, file_filter)
        if not path:
            return None
        p = Path(path)
        if p.suffix.lower() != suffix:
            p = p.with_name(p.name + suffix)
        return p

    def _confirm_errors(self) -> bool:
        checker = self.window.checker
        if checker is None:
            return True
        n = len(unresolved_errors(checker, self.window.session))
        if n == 0:
            return True
        answer = QMessageBox.question(
            self.window, "仍有错误", f"还有 {n} 处错误未解决，仍要导出吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _run(self, suffix: str, file_filter: str, title: str, what: str, job) -> Path | None:
        if self.window.report is None:
            return None
        if not self._confirm_errors():
            self.window.show_status("已取消导出")
            return None
        path = self._ask_path(suffix, file_filter, title)
        if path is None:
            return None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = job(path)
        except ExportError as e:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self.window, "导出失败", str(e))
            self.window.show_status("导出失败：" + str(e))
            return None
        except Exception as e:  # an export bug must not take the window (and the auditor's work) down
            QApplication.restoreOverrideCursor()
            QMessageBox.critical(self.window, "导出失败", f"导出时发生意外错误（{type(e).__name__}: {e}），未写入任何文件。")
            return None
        QApplication.restoreOverrideCursor()
        self.last_dir = path.parent
        self.confirm(result.path, what, result.errors_left)
        return result.path

    def confirm(self, path: Path, what: str, errors_left: int) -> None:
        tail = f"（含 {errors_left} 处未解决的错误）" if errors_left else ""
        text = f"已导出{what}：{path.name}{tail}"
        self.window.show_status(text)
        folder = QUrl.fromLocalFile(str(path.parent)).toString()
        file_url = QUrl.fromLocalFile(str(path)).toString()
        self.link.setText(f'{_html(path.name)}：<a href="{file_url}">打开文件</a>　<a href="{folder}">打开所在文件夹</a>')
        self.link.setToolTip(text)
        self.link.show()
        self.link_timer.start(LINK_TIMEOUT_MS)

    def open_link(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    # ------------------------------------------------------------------ the three actions

    def export_xlsx(self) -> Path | None:
        from core.exports.xlsx import export_xlsx
        w = self.window
        return self._run(".xlsx", XLSX_FILTER, "导出 Excel 工作簿", " Excel 工作簿",
                         lambda p: export_xlsx(w.report, p, w.checker, w.session))

    def export_docx(self) -> Path | None:
        from core.exports.docx import export_docx
        w = self.window
        return self._run(".docx", DOCX_FILTER, "导出 Word 报告", " Word 报告",
                         lambda p: export_docx(w.report, p, w.checker, w.session))

    def export_inplace(self) -> Path | None:
        from core.exports.docx import export_docx_inplace
        w = self.window
        if not self._source_is_docx():
            QMessageBox.information(w, "写回原 Word 文档", "只有从 Word（.docx）文档打开的报告才能写回原文档。")
            return None
        return self._run(".docx", DOCX_FILTER, "写回原 Word 文档（另存为）", "写回原文的 Word 文档",
                         lambda p: export_docx_inplace(w.report, w.source_path, p, w.checker, w.session))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def install(window) -> ExportActions:
    """Add the export actions to the window's 文件 menu and toolbar."""
    actions = ExportActions(window)
    window.export_actions = actions
    return actions
