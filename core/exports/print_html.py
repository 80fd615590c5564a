"""The three tables as one HTML document for printing from the window (打印预览).

Drawn from ``core.layout`` like the grid and the workbook: the same merged headers and labels,
the current values (blank stays blank, "/" is "/", 0 is 0). Header rows are a ``<thead>`` so a
table that runs on to another page repeats them; each table starts on a new page. Cells the
auditor changed and cells still breaking a rule carry the same fills as the exported workbook, so
the printout and the file agree. No Qt here: the window hands the HTML to ``QTextDocument``.
"""
from __future__ import annotations

from html import escape

from core.exports.common import clean_text, report_title
from core.layout import TableLayout, layouts
from core.model import Report
from core.rules import Checker, Status
from core.values import format_value

FILL_EDITED = "#FFF2CC"     # as core.exports.xlsx: changed by the auditor
FILL_ERROR = "#FFC7CE"      # still breaks a rule
FILL_HEADER = "#F2F2F2"

# Relative column widths, as in the exported workbook: label columns first, then value columns.
_LABEL_WEIGHTS = {"active": [30], "apply": [6, 13, 38], "review": []}
_VALUE_WEIGHT = {"active": 20, "apply": 10, "review": 9.5}


def column_percents(lay: TableLayout) -> list[int]:
    """Each column's share of the page width, so long labels are not squeezed into a narrow column."""
    weights = list(_LABEL_WEIGHTS.get(lay.table.key, []))[: lay.n_cols]
    weights += [_VALUE_WEIGHT.get(lay.table.key, 10)] * (lay.n_cols - len(weights))
    total = sum(weights)
    return [max(1, int(100 * w / total)) for w in weights]     # rounded down: never above 100 %


def _error_cells(checker: Checker) -> set[str]:
    return {k for f in checker.problems() if f.status is Status.ERROR for k in f.rule.cells}


def _cell(text: str, rowspan: int = 1, colspan: int = 1, tag: str = "td", style: str = "",
          width: int | None = None) -> str:
    attrs = "".join(f' {a}="{v}"' for a, v in (("rowspan", rowspan), ("colspan", colspan)) if v > 1)
    if width is not None and colspan == 1:
        attrs += f' width="{width}%"'
    if style:
        attrs += f' style="{style}"'
    return f"<{tag}{attrs}>{escape(clean_text(text)) if text else '&nbsp;'}</{tag}>"


def table_html(report: Report, lay: TableLayout, errors: set[str], first: bool) -> str:
    """One table: a title, then the grid with its header rows in <thead>."""
    covered: set[tuple[int, int]] = set()
    percents = column_percents(lay)
    starts = {(s.row, s.col): s for s in lay.spans}
    rows: list[str] = []
    for r in range(lay.n_rows):
        cells = []
        for c in range(lay.n_cols):
            if (r, c) in covered:
                continue
            span = starts.get((r, c))
            key = lay.key_at.get((r, c))
            if span is not None:
                for rr in range(r, r + span.rowspan):
                    covered.update((rr, cc) for cc in range(c, c + span.colspan))
                style = f"background-color:{FILL_HEADER}; font-weight:bold; text-align:center" if span.header else (
                    "text-align:center" if span.rowspan > 1 else "")
                cells.append(_cell(span.text, span.rowspan, span.colspan, "th" if span.header else "td", style,
                                   percents[c]))
            elif key is not None:
                width = lay.value_colspan.get(key, 1)
                covered.update((r, cc) for cc in range(c, c + width))
                cell = report.cells.get(key)
                fill = FILL_ERROR if key in errors else FILL_EDITED if cell is not None and cell.edited else ""
                style = "text-align:center" + (f"; background-color:{fill}" if fill else "")
                cells.append(_cell(format_value(cell.value if cell else None), 1, width, "td", style, percents[c]))
            else:
                cells.append(_cell("", width=percents[c]))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head, body = rows[:lay.header_rows], rows[lay.header_rows:]
    brk = "" if first else "page-break-before: always; "
    title = f"{lay.table.number}、{lay.table.title}"
    return (f'<h3 style="{brk}text-align:center">{escape(title)}</h3>'
            f'<table border="1" cellspacing="0" cellpadding="3" width="100%" style="border-collapse:collapse">'
            + (f"<thead>{''.join(head)}</thead>" if head else "")
            + f"<tbody>{''.join(body)}</tbody></table>")


def tables_html(report: Report, checker: Checker | None = None) -> str:
    """The whole printout: report title, then each official table on its own page(s)."""
    checker = checker or Checker(report)
    errors = _error_cells(checker)
    who = escape(clean_text(report_title(report)))
    parts = [table_html(report, lay, errors, first=(i == 0)) for i, lay in enumerate(layouts(report.edition))]
    return (f"<html><head><meta charset='utf-8'><title>{who}</title></head><body>"
            f'<p style="font-size:small">{who}（{escape(report.edition.name)}）</p>' + "".join(parts)
            + '<p style="font-size:small">说明：空白格表示原文未填写，“/”表示不适用；黄色底纹为审核人修改过的格，'
              "红色底纹为仍不满足勾稽关系的格。</p></body></html>")
