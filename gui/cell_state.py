"""What colour a cell gets, decided from the checker's findings (no Qt, no logic of its own).

Like a spreadsheet's calculation trace: the total whose rule is broken is red, the cells that add
up to it are blue; a doubtful reading is orange, a value the balance rules placed (推算) violet;
the auditor's edits are marked separately so that an edited total that now balances shows as
plain edited.
"""
from __future__ import annotations

from enum import IntEnum

from core.rules import Checker, Finding, RuleType, Status


class CellState(IntEnum):
    NORMAL = 0
    WARNING = 1          # part of a soft rule that does not hold (e.g. 总数量 < 新公开数量)
    INFERRED = 2         # placed by the balance rules (推算), one value allowed: to be confirmed
    UNCERTAIN = 3        # the extractor is not sure of the reading
    ERROR_INPUT = 4      # adds up to a total whose balance rule is broken
    ERROR_TOTAL = 5      # the reported side (total) of a broken balance rule


def broken_findings(checker: Checker, key: str) -> list[Finding]:
    """Errors and real warnings touching a cell ("holds with blanks as 0" is left to the panel)."""
    out = []
    for rule in checker.by_cell.get(key, ()):
        f = checker.findings.get(rule.id)
        if f is None:
            continue
        if f.status is Status.ERROR or (f.status is Status.WARNING and rule.type is not RuleType.EQUAL):
            out.append(f)
    return out


def cell_state(checker: Checker, key: str) -> CellState:
    state = CellState.NORMAL
    for f in broken_findings(checker, key):
        if f.status is Status.ERROR:
            s = CellState.ERROR_TOTAL if key in f.rule.reported else CellState.ERROR_INPUT
        else:
            s = CellState.WARNING
        state = max(state, s)
    cell = checker.report.cells[key]
    if state < CellState.INFERRED and cell.uncertain:
        state = CellState.INFERRED if cell.pinned else CellState.UNCERTAIN
    return state
