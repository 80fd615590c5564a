"""A Qt table model over one table of the core report, laid out like the official form.

The grid positions, merged headers and labels come from ``core.layout``; the values, their
states and tooltips are read from the core model on every ``data()`` call (nothing is copied).
An accepted edit becomes a ``SetCellsCommand`` on the undo stack; a rejected one is refused with
the core's Chinese message and never stored.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QUndoStack

from core.layout import TableLayout, table_layout
from core.model import HOW_INFERRED, Report
from core.review import VERDICT_LABELS
from core.rules import Finding
from core.values import NA, ValueRejected, format_value, parse_typed
from gui.cell_state import CellState, broken_findings, cell_state
from gui.commands import SetCellsCommand
from gui.session import ReviewDocument

_R = Qt.ItemDataRole
DISPLAY, EDIT, TOOLTIP = int(_R.DisplayRole.value), int(_R.EditRole.value), int(_R.ToolTipRole.value)
BACKGROUND, FOREGROUND = int(_R.BackgroundRole.value), int(_R.ForegroundRole.value)
FONT, ALIGN = int(_R.FontRole.value), int(_R.TextAlignmentRole.value)
KEY_ROLE = int(_R.UserRole.value) + 1        # the cell key, or None for labels
SPAN_ROLE = int(_R.UserRole.value) + 2       # (start, end) in Report.source_text, or None
STATE_ROLE = int(_R.UserRole.value) + 3      # CellState
EDITED_ROLE = int(_R.UserRole.value) + 4     # bool: the auditor changed this cell
_VALUE_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
_LABEL_FLAGS = Qt.ItemFlag.ItemIsEnabled
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_ALIGN_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_ALIGN_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter.value)

STATE_COLOURS = {
    CellState.ERROR_TOTAL: QColor("#f4b6b0"),
    CellState.ERROR_INPUT: QColor("#c9ddf7"),
    CellState.UNCERTAIN: QColor("#ffdca8"),
    CellState.INFERRED: QColor("#e2d5f5"),
    CellState.WARNING: QColor("#fff3b0"),
}
HEADER_BG = QColor("#e3e8ef")
LABEL_BG = QColor("#f3f5f8")
BLANK_HATCH = QColor("#b8b8b8")
NA_FG = QColor("#8a8a8a")
EDITED_FG = QColor("#1746c0")

_NA_BRUSH, _EDITED_BRUSH = QBrush(NA_FG), QBrush(EDITED_FG)
_FILLS = {c.name(): QBrush(c) for c in STATE_COLOURS.values()}


def hatch(fill: QColor | None, line: QColor) -> QBrush:
    """Diagonal hatch over a fill: "blank" that still shows its state colour (a QImage texture)."""
    img = QImage(8, 8, QImage.Format.Format_ARGB32)
    img.fill(fill if fill is not None else QColor("white"))
    for i in range(8):
        img.setPixelColor(7 - i, i, line)
    return QBrush(img)


_HATCHES = {c.name(): hatch(c, c.darker(150)) for c in STATE_COLOURS.values()}
_HATCHES[""] = hatch(None, BLANK_HATCH)

AnyIndex = QModelIndex | QPersistentModelIndex


def fmt_number(n: object) -> str:
    return "空白" if n is None else format_value(n)  # type: ignore[arg-type]


def finding_lines(f: Finding, label_of) -> list[str]:
    """Rule, reported, computed, difference and blank inputs, as the tooltip and panel say them."""
    lines = [f.rule.title]
    if f.computed is not None:
        lines.append(f"报告值 {fmt_number(f.reported)} · 计算值 {fmt_number(f.computed)} · "
                     f"相差 {fmt_number(f.difference)}")
    elif f.message:
        lines.append(f.message)
    if f.blank_cells:
        lines.append("空白格：" + "、".join(label_of(k) for k in f.blank_cells[:6])
                     + (f" 等{len(f.blank_cells)}格" if len(f.blank_cells) > 6 else ""))
    return lines


def inferred_lines(report: Report, key: str) -> list[str]:
    """Tooltip lines of a value the balance rules placed: the splits its row allows."""
    cell = report.cells[key]
    choice = next((c for c in report.splits if key in c.keys), None)
    if cell.pinned and choice is None:
        return ["<span style='color:#5b3a99'>推算：原文数字连写，只有这一种拆分符合勾稽关系；"
                "核对无误后可用“确认推算值”（Ctrl+Shift+I）把本表的推算值一次确认</span>"]
    lines = []
    if choice is not None:
        j = choice.keys.index(key)
        shown = []
        for i, cand in enumerate(choice.candidates[:8]):
            parts = [format_value(v) or "空" for v in cand]
            parts[j] = f"<b>[{parts[j]}]</b>"
            shown.append(f"{i + 1}）" + "|".join(parts))
        more = f"<br>……共{len(choice.candidates)}种" if len(choice.candidates) > 8 else ""
        lines.append("本行可能的拆分（[ ]为此格）：<br>" + "<br>".join(shown) + more)
    if not cell.pinned:
        lines.append("此格可能为：" + "、".join(format_value(v) or "空白" for v in cell.reading.alternatives)  # type: ignore[union-attr]
                     + "；在问题清单中选定一种拆分")
    else:
        lines.append("各种拆分中此格都是这个值（推算）")
    return [f"<span style='color:#5b3a99'>{line}</span>" for line in lines]


class ReportTableModel(QAbstractTableModel):
    rejected = Signal(str)          # a typed value the cell refused (Chinese)

    def __init__(self, doc: ReviewDocument, table_key: str, undo_stack: QUndoStack) -> None:
        super().__init__()
        self.doc = doc
        self.table_key = table_key
        self.undo_stack = undo_stack
        self.layout: TableLayout = table_layout(doc.report.edition, table_key)
        self._bold = QFont()
        self._bold.setBold(True)
        self._labels = self._label_table()
        doc.cells_changed.connect(self._on_cells_changed)

    # ------------------------------------------------------------------ shape

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.layout.n_rows

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.layout.n_cols

    def key_at(self, index: AnyIndex) -> str | None:
        return self.layout.key_at.get((index.row(), index.column())) if index.isValid() else None

    def index_of(self, key: str) -> QModelIndex:
        pos = self.layout.pos_of.get(key)
        return self.index(*pos) if pos else QModelIndex()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _VALUE_FLAGS if (index.row(), index.column()) in self.layout.key_at else _LABEL_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        return str(section + 1) if role == DISPLAY else None

    # ------------------------------------------------------------------ data
    # data() runs for every role of every painted cell, so roles are compared as plain ints and
    # label cells are answered from a table built once.

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        pos = (index.row(), index.column())
        key = self.layout.key_at.get(pos)
        if key is None:
            label = self._labels.get(pos)
            return label.get(role) if label else None
        cell = self.doc.report.cells[key]
        if role == DISPLAY or role == EDIT:
            return format_value(cell.value)
        if role == BACKGROUND:
            colour = STATE_COLOURS.get(cell_state(self.doc.checker, key))
            if cell.value is None:       # blank: hatched, in the state colour when it has one
                return _HATCHES[colour.name() if colour else ""]
            return _FILLS[colour.name()] if colour else None
        if role == FOREGROUND:
            if cell.value is NA:
                return _NA_BRUSH
            return _EDITED_BRUSH if cell.edited else None
        if role == FONT:
            return self._bold if cell.edited else None
        if role == ALIGN:
            return _ALIGN_CENTER if cell.value is NA else _ALIGN_RIGHT
        if role == TOOLTIP:
            return self._tooltip(key)
        if role == KEY_ROLE:
            return key
        if role == SPAN_ROLE:
            return cell.span
        if role == STATE_ROLE:
            return int(cell_state(self.doc.checker, key))
        if role == EDITED_ROLE:
            return cell.edited
        return None

    def _label_table(self) -> dict[tuple[int, int], dict[int, Any]]:
        """Role → value for every label/header position (covered positions included)."""
        out: dict[tuple[int, int], dict[int, Any]] = {}
        header_bg, label_bg = QBrush(HEADER_BG), QBrush(LABEL_BG)
        for s in self.layout.spans:
            centre = s.header or s.rowspan > 1
            roles: dict[int, Any] = {
                DISPLAY: s.text,
                BACKGROUND: header_bg if s.header else label_bg,
                ALIGN: _ALIGN_CENTER if centre else _ALIGN_LEFT,
            }
            if len(s.text) > 12:
                roles[TOOLTIP] = s.text
            if s.header:
                roles[FONT] = self._bold
            for r in range(s.row, s.row + s.rowspan):
                for c in range(s.col, s.col + s.colspan):
                    out[(r, c)] = roles if (r, c) == (s.row, s.col) else {
                        k: v for k, v in roles.items() if k not in (DISPLAY, TOOLTIP)}
        return out

    def _tooltip(self, key: str) -> str:
        report = self.doc.report
        cell = report.cells[key]
        d = report.edition.cell_defs[key]
        shown = format_value(cell.value) or "空白"
        lines = [f"<b>{d.label}</b>" + (f"（单位：{d.unit}）" if d.unit else ""), f"当前值：{shown}"]
        confirmed = (cell.edited and cell.reading is not None and cell.reading.how == HOW_INFERRED
                     and type(cell.value) is type(cell.read_value) and cell.value == cell.read_value)
        if confirmed:
            lines.append("推算值，已由校对人确认")
        elif cell.edited:
            raw = cell.reading.raw if cell.reading else ""
            lines.append(f"已由校对人修改；原文读数：{format_value(cell.read_value) or '空白'}"
                         + (f"（原文“{raw}”）" if raw else "（原文中未找到）"))
        elif cell.reading is not None and cell.reading.raw and cell.reading.raw != shown:
            lines.append(f"原文：“{cell.reading.raw}”")
        if cell.uncertain:
            lines.append(f"<span style='color:#b35900'>存疑：{cell.uncertain}</span>")
        if cell.inferred:
            lines += inferred_lines(report, key)
        if cell.reading is not None and cell.reading.note:
            lines.append(cell.reading.note)
        for f in broken_findings(self.doc.checker, key):
            colour = "#c0392b" if f.status.value == "error" else "#8a6d00"
            body = "<br>".join(finding_lines(f, lambda k: report.edition.cell_defs[k].label))
            verdict = self.doc.verdict_of(f)
            if verdict is not None:
                body += f"<br>校对结论：{VERDICT_LABELS.get(verdict.verdict, verdict.verdict)}" + (
                    f"（{verdict.comment}）" if verdict.comment else "")
            lines.append(f"<span style='color:{colour}'>{body}</span>")
        return "<br>".join(lines)

    # ------------------------------------------------------------------ editing

    def setData(self, index: AnyIndex, value: Any, role: int = EDIT) -> bool:
        key = self.key_at(index)
        if key is None or role != EDIT:
            return False
        d = self.doc.report.edition.cell_defs[key]
        try:
            parsed = parse_typed(str(value if value is not None else ""), d.kind, d.unit)
        except ValueRejected as e:
            self.rejected.emit(f"{d.label}：{e}")
            return False
        cell = self.doc.report.cells[key]
        if type(parsed) is type(cell.value) and parsed == cell.value and not cell.uncertain:
            return True                      # nothing changes: no undo step (a doubtful cell typed
                                             # as read is confirmed, which is a change)
        self.undo_stack.push(SetCellsCommand(self.doc, {key: parsed}, f"修改 {d.label}"))
        return True

    def _on_cells_changed(self, keys: list[str], findings: list[Finding]) -> None:
        """Repaint the changed cells and every cell of a rule whose outcome changed — nothing else."""
        touched = set(keys)
        for f in findings:
            touched.update(f.rule.cells)
        for key in touched:
            pos = self.layout.pos_of.get(key)
            if pos:
                ix = self.index(*pos)
                self.dataChanged.emit(ix, ix)
