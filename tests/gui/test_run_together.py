"""Text that lost its layout in the window: pasting a report, 推算值 and their confirmation,
picking one of a row's candidate splits — all with real key presses and clicks."""
from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.review import review_path
from core.rules import split_choice_for
from core.values import to_json
from gui.cell_state import CellState
from gui.table_model import STATE_ROLE
from tests.conftest import SEED_FILES, expected_for
from tests.degrade import no_whitespace

SEED_002 = next(p for p in SEED_FILES if p.name.startswith("002"))


def run_together(tmp_path: Path) -> Path:
    """Seed 002 with all whitespace gone, as a file."""
    path = tmp_path / "run_together.txt"
    path.write_text(no_whitespace(SEED_002.read_text(encoding="utf-8"), random.Random(0)), encoding="utf-8")
    return path


def state(w, key: str) -> CellState:
    return CellState(w.models[key.split(".")[0]].index_of(key).data(STATE_ROLE))


def tooltip(w, key: str) -> str:
    return w.models[key.split(".")[0]].index_of(key).data(Qt.ItemDataRole.ToolTipRole)


def test_ctrl_shift_v_opens_pasted_text_with_its_review_in_the_user_data_folder(qtbot, tmp_path, open_window,
                                                                               seed_copy):
    w = open_window(seed_copy())
    text = no_whitespace(SEED_002.read_text(encoding="utf-8"), random.Random(0))
    QApplication.clipboard().setText(text)
    with qtbot.waitSignal(w.report_opened, timeout=10000):
        qtbot.keyClick(w, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    pasted = tmp_path / "userdata" / "pasted"
    assert w.source_path.parent == pasted.resolve()
    assert w.source_path.read_text(encoding="utf-8") == text
    assert w.report.edition.key == "2021"
    assert [w.report.value(f"apply.new.{c}") for c in ("natural", "commercial", "total")] == [13, 0, 13]
    assert w.doc.review_file == review_path(w.source_path)
    qtbot.keyClick(w.views["apply"], Qt.Key.Key_Delete)        # any change, then Ctrl+S
    qtbot.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert review_path(w.source_path).exists()
    assert list(pasted.glob("*.review.json")) == [review_path(w.source_path)]


def test_a_page_copied_with_its_markup_only_opens_as_html(qtbot, tmp_path, open_window, seed_copy):
    from PySide6.QtCore import QMimeData
    from tests.readers.fixtures import SeedDoc, build_html
    w = open_window(seed_copy())
    doc = SeedDoc(SEED_002)
    mime = QMimeData()
    mime.setHtml(build_html(doc, "utf-8").decode("utf-8"))
    QApplication.clipboard().setMimeData(mime)
    with qtbot.waitSignal(w.report_opened, timeout=10000):
        qtbot.keyClick(w, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.source_path.suffix == ".html" and w.source_path.parent == (tmp_path / "userdata" / "pasted").resolve()
    assert {k: to_json(w.report.value(k)) for k in doc.expected["cells"]} == doc.expected["cells"]


def test_pasting_nothing_or_no_report_keeps_the_current_report(qtbot, tmp_path, open_window, seed_copy):
    path = seed_copy()
    w = open_window(path)
    QApplication.clipboard().setText("   ")
    qtbot.keyClick(w, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "剪贴板中没有文本" in w.statusBar().currentMessage()
    QApplication.clipboard().setText("今天天气很好，没有表格。")
    with qtbot.waitSignal(w.load_failed, timeout=10000):
        qtbot.keyClick(w, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.source_path == path.resolve()
    assert "无法打开" in w.banner.text()
    assert list((tmp_path / "userdata" / "pasted").glob("*")) == []      # no file kept of it


def test_inferred_cells_have_their_colour_candidates_and_one_step_confirmation(qtbot, tmp_path, open_window):
    w = open_window(run_together(tmp_path))
    key = "apply.new.natural"
    assert w.report.value(key) == 13 and w.report.cells[key].reading.how == "inferred"
    assert state(w, key) is CellState.INFERRED
    tip = tooltip(w, key)
    assert "推算" in tip and "13|0|0|0|0|0|13" in tip
    pinned = w.report.pinned_keys("apply")
    assert len(pinned) > 150 and key in pinned
    view = w.views["apply"]
    w.tabs.setCurrentWidget(view)
    view.setFocus()
    values = {k: w.report.value(k) for k in pinned}
    qtbot.keyClick(view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.report.pinned_keys("apply") == []
    assert {k: w.report.value(k) for k in pinned} == values        # confirmed as they were
    assert all(w.report.cells[k].edited and not w.report.cells[k].uncertain for k in pinned)
    assert state(w, key) is CellState.NORMAL
    assert "已由校对人确认" in tooltip(w, key)
    assert w.report.pinned_keys("review")                          # other tables untouched
    exp = expected_for(SEED_002)["cells"]
    assert all(w.report.value(k) == exp[k] for k in pinned)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)   # one undo step
    assert set(w.report.pinned_keys("apply")) == set(pinned)
    assert state(w, key) is CellState.INFERRED


def test_a_click_picks_one_of_the_candidate_splits(qtbot, tmp_path, open_window):
    w = open_window(run_together(tmp_path))
    choice = next(c for c in w.report.splits if c.table == "review")
    truth = (1, 1, 0, 0, 2, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0)
    assert truth in choice.candidates
    open_key = "review.litigation_direct.upheld"
    assert w.report.value(open_key) is None and state(w, open_key) is CellState.UNCERTAIN
    assert "此格可能为" in tooltip(w, open_key)
    rows = [f.rule.id for f in w.findings.model.rows]
    target = rows.index("SPLIT:review.review")
    assert not w.findings.table.currentIndex().isValid()
    for _ in range(target + 1):                                   # F8 walks the findings
        qtbot.keyClick(w, Qt.Key.Key_F8)
    f = w.findings.current()
    assert f.rule.id == "SPLIT:review.review" and split_choice_for(w.report, f) == choice
    box = w.findings.split_list
    assert box.isVisible() and box.count() == len(choice.candidates)
    index = choice.candidates.index(truth)
    item = box.item(index)
    box.scrollToItem(item)
    qtbot.mouseClick(box.viewport(), Qt.MouseButton.LeftButton, pos=box.visualItemRect(item).center())
    assert tuple(w.report.value(k) for k in choice.keys) == truth
    assert not any(w.report.cells[k].uncertain for k in choice.keys)
    assert "SPLIT:review.review" not in [f.rule.id for f in w.checker.problems()]
    assert state(w, open_key) is CellState.NORMAL
    qtbot.keyClick(w.views["review"], Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.report.value(open_key) is None and w.report.cells[open_key].uncertain
    assert "SPLIT:review.review" in [f.rule.id for f in w.checker.problems()]


def test_enter_picks_the_highlighted_split(qtbot, tmp_path, open_window):
    w = open_window(run_together(tmp_path))
    choice = next(c for c in w.report.splits if c.table == "active")
    w.findings.select_row([f.rule.id for f in w.findings.model.rows].index(f"SPLIT:active.{choice.row}"))
    box = w.findings.split_list
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert tuple(w.report.value(k) for k in choice.keys) == choice.candidates[1]
    assert all(w.report.cells[k].edited for k in choice.keys)
