"""The grids: models pass the model tester, typing/paste/undo reach the core and the colours."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from core.values import NA
from gui.cell_state import CellState
from gui.commands import SetCellsCommand
from gui.table_model import EDITED_ROLE, KEY_ROLE, SPAN_ROLE, STATE_ROLE

CULPRIT = "apply.handled_total.natural"


def state(w, key: str) -> CellState:
    model = w.models[key.split(".")[0]]
    return CellState(model.index_of(key).data(STATE_ROLE))


def test_models_pass_the_model_tester(qtmodeltester, seed, seed_copy, open_window):
    w = open_window(seed_copy(seed))
    assert set(w.models) == {"active", "apply", "review"}
    for model in w.models.values():
        qtmodeltester.check(model)
    qtmodeltester.check(w.findings.model)


def test_grid_follows_official_layout(seed_copy, open_window):
    w = open_window(seed_copy())
    view, model = w.views["apply"], w.models["apply"]
    lay = model.layout
    # every merged label/header of the form is a span of the view, with the official text
    for s in lay.spans:
        assert view.rowSpan(s.row, s.col) == s.rowspan and view.columnSpan(s.row, s.col) == s.colspan
        assert model.index(s.row, s.col).data() == s.text
        assert not model.flags(model.index(s.row, s.col)) & Qt.ItemFlag.ItemIsEditable
    ix = model.index_of("apply.new.natural")
    assert ix.data(KEY_ROLE) == "apply.new.natural"
    assert ix.data(SPAN_ROLE) == w.report.cells["apply.new.natural"].span
    assert model.flags(ix) & Qt.ItemFlag.ItemIsEditable


def test_blank_zero_and_na_look_different(seed_copy, open_window):
    w = open_window(seed_copy())
    m = w.models["apply"]
    keys = ["apply.new.commercial", "apply.partial.natural"]
    assert w.report.value(keys[0]) == 0 and w.report.value(keys[1]) is None
    w.undo_stack.push(SetCellsCommand(w.doc, {keys[1]: NA}, "标为不适用"))
    zero, na = m.index_of(keys[0]), m.index_of(keys[1])
    blank = m.index_of("apply.partial.commercial")
    assert (zero.data(), na.data(), blank.data()) == ("0", "/", "")
    assert blank.data(Qt.ItemDataRole.BackgroundRole).style() == Qt.BrushStyle.TexturePattern   # hatched
    assert zero.data(Qt.ItemDataRole.BackgroundRole) is None
    assert na.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#8a8a8a"


def type_into(qtbot, w, key: str, text: str) -> None:
    view = w.views[key.split(".")[0]]
    w.tabs.setCurrentWidget(view)
    w.activateWindow()                     # a progress dialog may have held the focus
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=3000)
    view.select_keys([key])
    qtbot.keyClicks(view, text[0])         # AnyKeyPressed opens the real editor with this key
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    assert editor.text() == text
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState, timeout=3000)


def test_typing_commits_rechecks_and_moves_down(qtbot, seed_copy, open_window):
    w = open_window(seed_copy())
    assert state(w, CULPRIT) is CellState.ERROR_TOTAL
    assert state(w, "apply.granted.natural") is CellState.ERROR_INPUT
    repainted = []
    w.models["apply"].dataChanged.connect(lambda a, b: repainted.append(a.data(KEY_ROLE)))
    type_into(qtbot, w, CULPRIT, "2")
    assert w.report.value(CULPRIT) == 2 and w.report.cells[CULPRIT].edited
    assert state(w, CULPRIT) is CellState.NORMAL
    assert state(w, "apply.granted.natural") is CellState.NORMAL
    assert w.models["apply"].index_of(CULPRIT).data(EDITED_ROLE)
    assert w.checker.errors() == []
    assert CULPRIT in repainted and "apply.granted.natural" in repainted
    assert "apply.denied_1.commercial" not in repainted            # untouched cells are not repainted
    assert w.views["apply"].currentIndex().data(KEY_ROLE) == "apply.carried_forward.natural"
    assert w.isWindowModified()
    tip = w.models["apply"].index_of(CULPRIT).data(Qt.ItemDataRole.ToolTipRole)
    assert "原文读数：空白" in tip


def test_undo_redo(qtbot, seed_copy, open_window):
    w = open_window(seed_copy())
    type_into(qtbot, w, CULPRIT, "2")
    type_into(qtbot, w, "apply.new.natural", "7")
    assert w.report.value("apply.new.natural") == 7
    w.act_undo.trigger()
    assert w.report.value("apply.new.natural") == 2 and not w.report.cells["apply.new.natural"].edited
    w.act_undo.trigger()
    assert w.report.value(CULPRIT) is None and not w.report.cells[CULPRIT].edited
    assert state(w, CULPRIT) is CellState.ERROR_TOTAL
    w.act_redo.trigger()
    assert w.report.value(CULPRIT) == 2 and state(w, CULPRIT) is CellState.NORMAL


def test_rejected_values_are_not_stored(qtbot, seed_copy, open_window):
    w = open_window(seed_copy())
    before = w.undo_stack.count()
    type_into(qtbot, w, "apply.new.natural", "12.5")
    assert w.report.value("apply.new.natural") == 2
    assert "不是整数" in w.statusBar().currentMessage()
    type_into(qtbot, w, "apply.new.natural", "abc")
    assert w.report.value("apply.new.natural") == 2
    assert "不是数字" in w.statusBar().currentMessage()
    assert not w.models["apply"].setData(w.models["apply"].index_of("apply.new.natural"), "-3")
    assert w.report.value("apply.new.natural") == 2
    assert w.undo_stack.count() == before


def test_delete_and_slash_keys(qtbot, seed_copy, open_window):
    w = open_window(seed_copy())
    view = w.views["apply"]
    w.tabs.setCurrentWidget(view)
    view.setFocus()
    view.select_keys(["apply.new.natural", "apply.new.commercial"])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert w.report.value("apply.new.natural") is None and w.report.value("apply.new.commercial") is None
    qtbot.keyClicks(view, "/")
    assert w.report.value("apply.new.natural") is NA
    w.act_undo.trigger()
    w.act_undo.trigger()
    assert w.report.value("apply.new.natural") == 2 and w.report.value("apply.new.commercial") == 0


def test_paste_tsv_block_is_one_undo_step(qtbot, seed_copy, open_window):
    w = open_window(seed_copy())
    view = w.views["apply"]
    w.tabs.setCurrentWidget(view)
    view.select_keys(["apply.partial.natural"])
    QApplication.clipboard().setText("1\t2\t\r\n3\t/\t4\r\n")
    count = w.undo_stack.count()
    w.act_paste.trigger()
    v = w.report.value
    assert [v("apply.partial.natural"), v("apply.partial.commercial"), v("apply.partial.research")] == [1, 2, None]
    assert [v("apply.denied_1.natural"), v("apply.denied_1.commercial"), v("apply.denied_1.research")] == [3, NA, 4]
    assert w.undo_stack.count() == count + 1
    w.act_undo.trigger()
    assert v("apply.partial.natural") is None and v("apply.denied_1.research") is None


def test_paste_with_a_bad_value_changes_nothing(qtbot, seed_copy, open_window):
    w = open_window(seed_copy())
    view = w.views["apply"]
    view.select_keys(["apply.partial.natural"])
    count = w.undo_stack.count()
    assert not view.paste_text("1\t2\nx\t4")
    assert w.report.value("apply.partial.natural") is None
    assert w.undo_stack.count() == count
    assert "粘贴未执行" in w.statusBar().currentMessage()


def test_copy_selection_as_tsv(seed_copy, open_window):
    w = open_window(seed_copy())
    view = w.views["apply"]
    view.select_keys(["apply.new.natural", "apply.new.commercial", "apply.carried_over.natural",
                      "apply.carried_over.commercial"])
    assert view.copy_selection() == "2\t0\n0\t0"
    assert QApplication.clipboard().text() == "2\t0\n0\t0"


def test_suggested_fix_clears_every_error_on_seed_003(seed_copy, open_window):
    w = open_window(seed_copy())
    assert len(w.checker.errors()) == 3
    assert w.act_suggest.isEnabled()
    w.act_suggest.trigger()
    assert w.report.value(CULPRIT) == 2
    assert w.checker.errors() == []
    assert "0 处错误" in w.summary.text()
    w.act_undo.trigger()
    assert len(w.checker.errors()) == 3


def test_tooltip_explains_rule_numbers_and_blank_inputs(seed_copy, open_window):
    w = open_window(seed_copy())
    tip = w.models["apply"].index_of(CULPRIT).data(Qt.ItemDataRole.ToolTipRole)
    assert "表三·（七）总计·自然人" in tip and "当前值：空白" in tip
    assert "（七）总计 应等于 （一）至（六）各项办理结果之和" in tip
    assert "报告值 空白 · 计算值 2 · 相差 -2" in tip
    assert "空白格：" in tip
    row_tip = w.findings.model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "相差" in row_tip


def test_uncertain_reading_has_its_own_colour_and_reason(seed_copy, open_window):
    from dataclasses import replace
    w = open_window(seed_copy())
    key = "apply.new.commercial"
    cell = w.report.cells[key]
    cell.reading = replace(cell.reading, uncertain="数字连写，按位置推断")
    ix = w.models["apply"].index_of(key)
    assert CellState(ix.data(STATE_ROLE)) is CellState.UNCERTAIN
    assert "存疑：数字连写，按位置推断" in ix.data(Qt.ItemDataRole.ToolTipRole)
    assert "0 格待核对" in w.summary.text()        # summary refreshes on the next change
    w.views["apply"].select_keys([key])
    w.views["apply"].paste_text("0")               # same value: no change, still uncertain
    assert w.undo_stack.count() == 0
    w.views["apply"].paste_text("1")
    assert CellState(ix.data(STATE_ROLE)) is not CellState.UNCERTAIN   # the auditor settled it
