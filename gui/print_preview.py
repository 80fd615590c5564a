"""打印预览…: print the current report's three tables through Qt's print dialog.

The tables come from ``core.exports.print_html`` (the official layout, current values, the same
fills as the exported workbook) and are laid out by ``QTextDocument`` on A4: each table starts a
new page and a table that runs on repeats its header rows. The preview dialog has the printer
choice, page setup and a print button of its own, so one action covers previewing and printing.
"""
from __future__ import annotations

from PySide6.QtCore import QMarginsF, QObject
from PySide6.QtGui import QAction, QKeySequence, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

from core.exports.print_html import tables_html
from gui.i18n import cjk_font

PRINT_POINT_SIZE = 9


class PrintActions(QObject):
    """The 打印预览 action of one window; the window exposes ``report``, ``checker``, ``menu_file``."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.act_preview = QAction("打印预览(&R)…", window)
        self.act_preview.setShortcut(QKeySequence.StandardKey.Print)
        self.act_preview.setStatusTip("预览并打印三张表（校对后的数值，A4，每张表另起一页）")
        self.act_preview.triggered.connect(self.preview)
        menu = window.menu_file
        quit_action = next((a for a in menu.actions() if a.text().startswith("退出")), None)
        if quit_action is None:
            menu.addAction(self.act_preview)
        else:
            acts = menu.actions()
            i = acts.index(quit_action)
            anchor = acts[i - 1] if i > 0 and acts[i - 1].isSeparator() else quit_action
            menu.insertAction(anchor, self.act_preview)
        menu.aboutToShow.connect(self.update_enabled)
        window.toolbar.addAction(self.act_preview)
        window.report_opened.connect(self.update_enabled)
        self.update_enabled()

    def update_enabled(self, *_args) -> None:
        self.act_preview.setEnabled(self.window.report is not None)

    def document(self) -> QTextDocument:
        """The printout as a text document (the caller keeps it alive while printing)."""
        doc = QTextDocument()
        doc.setDefaultFont(cjk_font(PRINT_POINT_SIZE))
        doc.setHtml(tables_html(self.window.report, self.window.checker))
        return doc

    def paint(self, printer: QPrinter) -> None:
        """Lay the tables out on the printer's pages (called by the preview for every refresh)."""
        if self.window.report is None:
            return
        doc = self.document()
        # lay out on the printable area itself (else Qt adds its own 2 cm margins and shrinks the tables)
        doc.setPageSize(printer.pageLayout().paintRect(QPageLayout.Unit.Point).size())
        doc.setDocumentMargin(0)
        doc.print_(printer)

    @staticmethod
    def new_printer() -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                          QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
        return printer

    def preview(self) -> None:
        if self.window.report is None:
            return
        printer = self.new_printer()
        dialog = QPrintPreviewDialog(printer, self.window)
        dialog.setWindowTitle("打印预览")
        dialog.paintRequested.connect(self.paint)
        self.dialog = dialog          # reachable while it is open (tests look at its pages)
        try:
            dialog.exec()
        finally:
            self.dialog = None
            dialog.deleteLater()


def install(window) -> PrintActions:
    """Add 打印预览… to the window's 文件 menu and toolbar."""
    actions = PrintActions(window)
    window.print_actions = actions
    return actions
