"""打印预览: the action, the preview dialog with real pages, and what a printed PDF holds."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication

from core.layout import layouts
from tests.gui.test_grid import type_into


def _pdf_pages(path):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(path)
    out = []
    for i in range(len(pdf)):
        page = pdf[i]
        out.append(([round(x) for x in page.get_size()], page.get_textpage().get_text_range()))
    return out


def test_action_in_file_menu_enabled_once_a_report_is_open(qtbot, open_window, seed_copy):
    from gui.main_window import MainWindow
    empty = MainWindow()
    qtbot.addWidget(empty)
    assert not empty.print_actions.act_preview.isEnabled()
    w = open_window(seed_copy())
    act = w.print_actions.act_preview
    assert act.isEnabled() and act in w.menu_file.actions()
    assert act.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    texts = [a.text() for a in w.menu_file.actions()]
    assert texts.index("打印预览(&R)…") < texts.index("退出(&X)")


def test_printed_pdf_has_each_table_on_its_own_a4_page_with_current_values(qtbot, open_window, seed_copy, tmp_path):
    w = open_window(seed_copy())
    key = "apply.handled_total.natural"
    type_into(qtbot, w, key, "777")           # typed by the auditor, the way the grid tests do
    assert w.report.value(key) == 777
    printer = w.print_actions.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "print.pdf"
    printer.setOutputFileName(str(out))
    w.print_actions.paint(printer)
    pages = _pdf_pages(out)
    assert all(size == [595, 842] for size, _ in pages)
    titles = [f"{lay.table.number}、{lay.table.title}" for lay in layouts(w.report.edition)]
    first_page = [next(i for i, (_, text) in enumerate(pages) if t in text) for t in titles]
    assert first_page == sorted(first_page) and len(set(first_page)) == 3 and first_page[0] == 0
    # each table's page holds no other table's title
    for i, t in zip(first_page, titles):
        assert [x for x in titles if x in pages[i][1]] == [t]
    everything = "".join(text for _, text in pages)
    assert "结转下年度继续办理" in everything and "行政复议" in everything
    assert "777" in "".join(text for _, text in pages[first_page[1]:first_page[2]])


def test_preview_dialog_shows_the_pages(qtbot, open_window, seed_copy):
    w = open_window(seed_copy())
    seen = {}

    def look():
        dlg = w.print_actions.dialog
        if dlg is None or not dlg.isVisible():
            QTimer.singleShot(50, look)
            return
        preview = dlg.findChild(QPrintPreviewWidget)
        preview.updatePreview()
        seen["pages"] = preview.pageCount()
        seen["title"] = dlg.windowTitle()
        dlg.reject()

    QTimer.singleShot(50, look)
    w.print_actions.act_preview.trigger()          # modal: returns when `look` closes it
    assert seen["title"] == "打印预览"
    assert seen["pages"] >= 3
    assert w.print_actions.dialog is None
    assert QApplication.activeModalWidget() is None
