"""The page view of a scan, linked to the grid both ways, with real clicks and key presses."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.readers.fixtures import SeedDoc
from tests.scans import ScanOptions, make_scan
from tests.conftest import SEED_FILES
from tests.gui.test_grid import type_into

SEED = next(p for p in SEED_FILES if p.name.startswith("003"))


@pytest.fixture(scope="module")
def scan_bytes() -> bytes:
    return make_scan(SeedDoc(SEED), ScanOptions.random(3), 3).pdf_bytes()


@pytest.fixture
def scan_window(tmp_path: Path, scan_bytes, qtbot):
    """The scan opened as an auditor would (OCR in the worker thread; the first run OCRs, later
    ones hit the test run's OCR cache)."""
    from PySide6.QtWidgets import QMessageBox

    from gui.main_window import MainWindow

    path = tmp_path / "scan.pdf"
    path.write_bytes(scan_bytes)
    w = MainWindow()
    w.ask_save = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    with qtbot.waitSignal(w.report_opened, timeout=180000):
        w.open_file(path)
    return w


def test_scan_opens_on_the_page_view_with_boxes(scan_window):
    w = scan_window
    assert w.left_tabs.currentWidget() is w.page_view and w.left_tabs.isTabEnabled(1)
    assert len(w.page_view.pages) == 2
    assert len(w.page_view.boxes) >= 150
    assert "文字识别" in w.banner.text()


def test_clicking_a_box_selects_its_cell(scan_window, qtbot):
    w = scan_window
    key = "apply.new.total"
    w.page_view.show_cells([key])                         # scroll it into view first
    qtbot.mouseClick(w.page_view.view.viewport(), Qt.MouseButton.LeftButton, pos=w.page_view.box_centre(key))
    assert w.tabs.currentWidget() is w.views["apply"]
    assert w.views["apply"].selected_keys() == [key]
    assert w.page_view.selected_keys() == [key]
    assert "页面此处对应" in w.statusBar().currentMessage()


def test_selecting_a_cell_outlines_and_scrolls_to_its_box(scan_window, qtbot):
    w = scan_window
    key = "review.lawsuit_direct.total" if "review.lawsuit_direct.total" in w.page_view.boxes else \
        sorted(k for k in w.page_view.boxes if k.startswith("review."))[-1]
    w.page_view.view.verticalScrollBar().setValue(0)
    w.select_cell(key)
    assert w.page_view.selected_keys() == [key]
    box = w.page_view.boxes[key]
    assert box.pen().widthF() > 2                       # outlined
    visible = w.page_view.view.mapToScene(w.page_view.view.viewport().rect()).boundingRect()
    assert visible.intersects(box.sceneBoundingRect())  # scrolled to it


def test_uncertain_box_is_tinted_until_the_auditor_types_the_value(scan_window, qtbot):
    w = scan_window
    uncertain = [k for k in w.page_view.boxes if w.report.cells[k].uncertain]
    assert uncertain, "a seal lies across the tables in this scan"
    key = uncertain[0]
    assert w.page_view.boxes[key].brush().style() != Qt.BrushStyle.NoBrush
    type_into(qtbot, w, key, "7")
    assert w.report.value(key) == 7
    assert w.page_view.boxes[key].brush().style() == Qt.BrushStyle.NoBrush
    w.undo_stack.undo()
    assert w.page_view.boxes[key].brush().style() != Qt.BrushStyle.NoBrush


def test_zoom_keys_and_fit_width(scan_window, qtbot):
    w = scan_window
    pv = w.page_view
    pv.fit_width()
    before = pv.view.transform().m11()
    pv.view.setFocus()
    qtbot.keyClick(pv.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert pv.view.transform().m11() > before * 1.1
    qtbot.keyClick(pv.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert abs(pv.view.transform().m11() - before) < 1e-6


def test_text_pdf_gets_the_page_view_as_a_second_tab(tmp_path, open_window):
    from tests.readers.fixtures import build_pdf
    path = tmp_path / "r.pdf"
    build_pdf(SeedDoc(SEED), path)
    w = open_window(path)
    assert w.left_tabs.currentWidget() is w.source_view      # text first: it was not a scan
    assert w.left_tabs.isTabEnabled(1) and len(w.page_view.boxes) >= 150
    w.select_cell("apply.new.total")
    assert w.page_view.selected_keys() == ["apply.new.total"]
    assert w.page_view.pages[0].pixmap() is not None          # the PDF page is rendered


def test_long_scan_shows_its_tables_first_and_keeps_edits_made_meanwhile(tmp_path, qtbot, monkeypatch):
    """A 4-page scan (tables on the first two pages, then narrative): the tables appear when their
    pages are read, the auditor types meanwhile, and the complete report keeps the typed value."""
    from PySide6.QtWidgets import QMessageBox

    from gui.main_window import MainWindow

    monkeypatch.setenv("GOV_REPORT_CACHE", str(tmp_path / "fresh-cache"))     # really OCR every page
    opt = ScanOptions(**{**ScanOptions.random(1).__dict__, "filler_pages": 1})
    path = tmp_path / "long.pdf"
    path.write_bytes(make_scan(SeedDoc(SEED), opt, 1).pdf_bytes())
    w = MainWindow()
    w.ask_save = lambda: QMessageBox.StandardButton.Discard
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.report_opened, timeout=180000):
        w.open_file(path)
    early_pages = len(w.report.pages)
    assert w._partial_of is not None and w.stop_button.isVisible()
    assert "正在识别" in w.banner.text()
    key = "apply.new.total"
    type_into(qtbot, w, key, "999")
    assert w._partial_of is not None, "the rest of the pages were still being read while typing"
    assert w.report.value(key) == 999
    with qtbot.waitSignal(w.report_opened, timeout=180000):
        pass
    assert len(w.report.pages) > early_pages
    assert w.report.value(key) == 999 and w.report.cells[key].edited
    assert not w.stop_button.isVisible()


def test_typing_the_read_value_into_a_doubtful_cell_confirms_it(scan_window, qtbot):
    from core.values import format_value
    w = scan_window
    key = next(k for k in w.page_view.boxes if w.report.cells[k].uncertain and w.report.value(k) is not None)
    read = w.report.value(key)
    type_into(qtbot, w, key, format_value(read))
    cell = w.report.cells[key]
    assert cell.value == read and cell.edited and cell.uncertain is None
    assert w.page_view.boxes[key].brush().style() == Qt.BrushStyle.NoBrush
    w.undo_stack.undo()
    assert w.report.cells[key].uncertain and not w.report.cells[key].edited
