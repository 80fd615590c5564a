"""The batch window driven as an auditor does: open a folder, sort, filter, open a report, correct it."""
from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from core.batch import DONE, NOT_STARTED, Batch, summarise
from gui.batch_model import COL_CROSS, COL_ERRORS, COL_STATE, NOT_CHECKED, PATH_ROLE
from gui.batch_window import BatchWindow
from gui.table_model import KEY_ROLE
from tests.conftest import SEED_FILES
from tests.gui.test_grid import type_into
from tests.yearpairs import S001, balanced_carry, make_year

S003 = SEED_FILES[3]
CULPRIT = "apply.handled_total.natural"          # seed 003: blank, 2 makes every error go away


def make_folder(root: Path) -> Path:
    """The five seeds and last year's report of seed 001's agency with 3 carried forward (001 says 0)."""
    folder = root / "第一批"
    folder.mkdir(parents=True)
    for seed in SEED_FILES:
        shutil.copyfile(seed, folder / seed.name)
    (folder / "a_2019.txt").write_text(make_year(S001, 2019, balanced_carry(S001, "natural", 3)), encoding="utf-8")
    return folder


def open_batch(qtbot, workspaces, sources) -> BatchWindow:
    w = BatchWindow(workspaces)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.checked, timeout=30000):
        w.open_sources([Path(s) for s in sources])
    return w


def rows(w: BatchWindow, col: int) -> list[str]:
    return [w.proxy.index(r, col).data() for r in range(w.proxy.rowCount())]


def row_of(w: BatchWindow, name: str) -> int:
    return next(r for r in range(w.proxy.rowCount()) if w.proxy.index(r, 0).data() == name)


def click_header(qtbot, w: BatchWindow, col: int) -> None:
    h = w.table.horizontalHeader()
    x = h.sectionViewportPosition(col) + h.sectionSize(col) // 2
    qtbot.mouseClick(h.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, h.height() // 2))


def double_click_row(qtbot, w: BatchWindow, row: int) -> None:
    rect = w.table.visualRect(w.proxy.index(row, 1))
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_rows_show_the_counts_of_each_report(qtbot, qtmodeltester, tmp_path, workspaces):
    folder = make_folder(tmp_path)
    w = open_batch(qtbot, workspaces, [folder])
    qtmodeltester.check(w.model)
    names = rows(w, 0)
    assert names == sorted(p.name for p in folder.iterdir())
    expected = Batch(sorted(folder.iterdir()))
    for p in expected.paths:
        expected.add(summarise(p))
    expected.apply_cross()
    for r, s in enumerate(expected.ordered()):
        shown = [w.proxy.index(r, c).data() for c in range(w.proxy.columnCount())]
        assert shown[:9] == [s.name, s.agency, str(s.year), s.edition, "TXT", str(s.errors), str(s.warnings),
                             str(s.uncertain), str(len(s.cross))]
        assert shown[COL_STATE] == NOT_STARTED
    assert [int(x) for x in rows(w, COL_CROSS)] == [0, 4, 0, 0, 0, 0]
    assert w.proxy.index(row_of(w, S003.name), COL_ERRORS).data() == "3"
    assert "共 6 份" in w.counts.text() and "有错误 1" in w.counts.text() and "有跨年度问题 1" in w.counts.text()
    assert w.act_export.isEnabled() and not w.act_cancel.isEnabled()


def test_sort_by_clicking_headers_and_filter_by_keyboard(qtbot, tmp_path, workspaces):
    w = open_batch(qtbot, workspaces, [make_folder(tmp_path)])
    click_header(qtbot, w, COL_ERRORS)
    first = [int(x) for x in rows(w, COL_ERRORS)]
    assert first in (sorted(first), sorted(first, reverse=True))
    click_header(qtbot, w, COL_ERRORS)
    second = [int(x) for x in rows(w, COL_ERRORS)]
    assert second == list(reversed(first)) or second == sorted(second, reverse=first == sorted(first))
    assert {first[0], second[0]} == {0, 3}
    click_header(qtbot, w, 2)                                   # 年度: numbers, 2019 before 2021
    years = rows(w, 2)
    assert years in (sorted(years), sorted(years, reverse=True))

    w.filter_box.setFocus()
    qtbot.keyClick(w.filter_box, Qt.Key.Key_Down)               # 全部报告 → 有错误
    assert w.filter_box.currentText() == "有错误"
    assert rows(w, 0) == [S003.name] and "当前显示 1" in w.counts.text()
    w.set_filter("有跨年度问题")
    assert rows(w, 0) == [SEED_FILES[1].name]
    w.set_filter("全部报告")
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(w.search, "a_20")                           # by file name (QTest types ASCII only)
    assert rows(w, 0) == ["a_2019.txt"]
    w.search.setText("船口")                                     # by agency
    assert rows(w, 0) == [S003.name]
    w.search.clear()
    assert w.proxy.rowCount() == 6


def test_open_from_the_list_correct_save_close_and_the_row_follows(qtbot, tmp_path, workspaces):
    w = open_batch(qtbot, workspaces, [make_folder(tmp_path)])
    r = row_of(w, S003.name)
    double_click_row(qtbot, w, r)
    path = w.proxy.index(r, 0).data(PATH_ROLE)
    qtbot.waitUntil(lambda: workspaces.window_of(path) is not None
                    and workspaces.window_of(path).report is not None, timeout=10000)
    review = workspaces.window_of(path)
    review.reviewer_edit.setText("王五")
    review.reviewer_edit.editingFinished.emit()
    type_into(qtbot, review, CULPRIT, "2")
    assert review.checker.errors() == []
    with qtbot.waitSignal(w.row_refreshed, timeout=10000):
        review.act_save.trigger()                              # saving brings the row up to date…
    r = row_of(w, S003.name)
    assert w.proxy.index(r, COL_ERRORS).data() == "0"
    assert w.proxy.index(r, COL_STATE).data() == DONE
    assert w.proxy.index(r, COL_STATE + 1).data() == "王五" and w.proxy.index(r, COL_STATE + 2).data()
    type_into(qtbot, review, CULPRIT, "5")                      # …and so does closing without saving
    review.ask_save = lambda: QMessageBox.StandardButton.Discard
    with qtbot.waitSignal(w.row_refreshed, timeout=10000):
        review.close()
    assert w.proxy.index(row_of(w, S003.name), COL_ERRORS).data() == "0"
    assert workspaces.window_of(path) is None


def test_cross_finding_opens_the_other_report_at_its_cell(qtbot, tmp_path, workspaces):
    folder = make_folder(tmp_path)
    w = open_batch(qtbot, workspaces, [folder])
    r = row_of(w, SEED_FILES[1].name)
    assert w.proxy.index(r, COL_CROSS).data() == "4"
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=w.table.visualRect(w.proxy.index(r, 0)).center())
    d = w.detail
    i = next(i for i, f in enumerate(d.rows) if f.rule == "X-CARRY:natural")
    assert d.table.item(i, 3).text() == "a_2019.txt · 表三·四、结转下年度继续办理·自然人"
    item_rect = d.table.visualItemRect(d.table.item(i, 3))
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=item_rect.center())
    other = str((folder / "a_2019.txt").resolve())
    qtbot.waitUntil(lambda: workspaces.window_of(other) is not None
                    and workspaces.window_of(other).report is not None, timeout=10000)
    win = workspaces.window_of(other)
    view = win.views["apply"]
    assert win.tabs.currentWidget() is view
    assert [ix.data(KEY_ROLE) for ix in view.selectionModel().selectedIndexes()] == ["apply.carried_forward.natural"]
    assert win.source_view.highlighted_spans() == [win.report.cells["apply.carried_forward.natural"].span]
    # opened from the batch, the earlier report already knows next year's and shows the mismatch
    assert "X-CARRY:natural" in {f.rule.id for f in win.checker.problems()}


def test_cancel_keeps_what_was_checked(qtbot, tmp_path, workspaces, monkeypatch):
    import gui.batch_worker
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        shutil.copyfile(S003, folder / f"r{i:02d}.txt")
    real = gui.batch_worker.summarise
    monkeypatch.setattr(gui.batch_worker, "BUNDLE_SECONDS", 0.0)
    monkeypatch.setattr(gui.batch_worker.BatchWorker, "processes", 0)     # read in the thread, slowly

    def slow(path, fallback=None):
        time.sleep(0.03)
        return real(path, fallback)
    monkeypatch.setattr(gui.batch_worker, "summarise", slow)
    w = BatchWindow(workspaces)
    qtbot.addWidget(w)
    w.show()
    w.open_sources([folder])
    qtbot.waitUntil(lambda: len(w.batch.summaries) >= 3, timeout=10000)
    assert w.act_cancel.isEnabled() and w.progress.isVisible()
    with qtbot.waitSignal(w.checked, timeout=10000) as blocker:
        qtbot.keyClick(w.table, Qt.Key.Key_Escape)              # 停止检查
    assert blocker.args == [True]
    done = len(w.batch.summaries)
    assert 3 <= done < 40
    assert rows(w, 1).count(NOT_CHECKED) == 40 - done
    assert "已停止检查" in w.statusBar().currentMessage()


def test_drop_a_zip_and_export_the_summary(qtbot, tmp_path, workspaces):
    folder = make_folder(tmp_path)
    archive = tmp_path / "上报.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"各单位/{p.name}")
    w = BatchWindow(workspaces)
    qtbot.addWidget(w)
    w.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(archive))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(w.checked, timeout=30000):
        w.dropEvent(event)
    assert rows(w, 0) == [f"各单位/{p.name}" for p in sorted(folder.iterdir())]
    assert all(str(tmp_path / "userdata" / "batches") in w.proxy.index(r, 0).data(PATH_ROLE) for r in range(6))
    out = tmp_path / "汇总.xlsx"
    with qtbot.waitSignal(w.exported, timeout=30000):
        w.export_to(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "问题清单", "规则统计", "校对状态"]
    assert [r[0] for r in wb["汇总"].iter_rows(min_row=3, max_row=8, values_only=True)] == \
        [p.name for p in sorted(folder.iterdir())]
    carry = [r for r in wb["问题清单"].iter_rows(min_row=2, values_only=True) if r[3] == "X-CARRY:natural"]
    assert carry and carry[0][0] == SEED_FILES[1].name and carry[0][8] == "a_2019.txt"


def test_chart_counts_reports_by_errors_and_rules(qtbot, tmp_path, workspaces):
    w = open_batch(qtbot, workspaces, [make_folder(tmp_path)])
    w.act_chart.trigger()
    qtbot.waitUntil(lambda: w.chart is not None, timeout=10000)
    assert w.chart.histogram == [5, 0, 0, 1]                  # five clean reports, 003 with three errors
    fams = [r[0] for r in w.chart.rules]
    assert fams[0] == "T3-ROWSUM" or "X-ITEMS" in fams
    by = {f: (e, wn) for f, e, wn in w.chart.rules}
    assert by["X-CARRY"] == (0, 2) and by["DATE"] == (0, 1) and by["T3-BAL"][0] == 1


def test_a_large_batch_is_read_in_worker_processes(qtbot, tmp_path, workspaces, monkeypatch):
    import gui.batch_worker
    folder = tmp_path / "大批"
    folder.mkdir()
    for i in range(gui.batch_worker.PROCESS_MIN + 5):
        shutil.copyfile(SEED_FILES[i % 5], folder / f"r{i:02d}_{SEED_FILES[i % 5].name}")
    read_here = []
    real = gui.batch_worker.summarise
    monkeypatch.setattr(gui.batch_worker, "summarise", lambda *a: read_here.append(a) or real(*a))
    w = open_batch(qtbot, workspaces, [folder])
    assert read_here == []                                     # all read by the processes
    assert len(w.batch.summaries) == gui.batch_worker.PROCESS_MIN + 5
    for r in range(w.proxy.rowCount()):
        name = w.proxy.index(r, 0).data()
        s = summarise(folder / name)
        assert w.proxy.index(r, COL_ERRORS).data() == str(s.errors)
        assert w.batch.summaries[str(folder.resolve() / name)].cells == s.cells


def test_a_bad_archive_or_an_empty_folder_says_why(qtbot, tmp_path, workspaces):
    bad = tmp_path / "坏.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    w = open_batch(qtbot, workspaces, [bad, empty])
    message = w.notice.text()
    assert w.notice.isVisible()
    assert "无法打开压缩包“坏.zip”" in message and "“空文件夹”中没有年度报告文件" in message
    assert w.proxy.rowCount() == 0 and not w.act_export.isEnabled()


def test_stopping_a_batch_in_processes_ends_them_at_once(qtbot, tmp_path, workspaces):
    import multiprocessing

    import gui.batch_worker
    folder = tmp_path / "很多"
    folder.mkdir()
    for i in range(400):
        shutil.copyfile(SEED_FILES[i % 5], folder / f"r{i:03d}.txt")
    w = BatchWindow(workspaces)
    qtbot.addWidget(w)
    w.show()
    w.open_sources([folder])
    qtbot.waitUntil(lambda: len(w.batch.summaries) > 0, timeout=30000)
    assert gui.batch_worker.PROCESS_MIN <= 400
    t = time.perf_counter()
    with qtbot.waitSignal(w.checked, timeout=10000) as blocker:
        w.act_cancel.trigger()
    assert blocker.args == [True] and time.perf_counter() - t < 5
    assert len(w.batch.summaries) < 400
    qtbot.waitUntil(lambda: not multiprocessing.active_children(), timeout=10000)


def test_a_closed_batch_and_its_review_windows_let_go_of_their_data(qtbot, tmp_path, workspaces):
    import gc
    import weakref

    from PySide6.QtCore import QCoreApplication, QEvent
    folder = make_folder(tmp_path)
    w = workspaces.open_batch([folder])
    qtbot.waitUntil(lambda: len(w.batch.summaries) == 6 and w.worker is None, timeout=30000)
    summary = weakref.ref(next(iter(w.batch.summaries.values())))
    review = w.open_report(str(folder.resolve() / S003.name))
    qtbot.waitUntil(lambda: review.report is not None, timeout=10000)
    report = weakref.ref(review.report)
    review.close()
    w.close()
    del w, review
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    gc.collect()
    assert summary() is None and report() is None
