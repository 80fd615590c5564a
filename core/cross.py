"""Cross-report rules (template.md §6): the same agency's reports for consecutive years.

* X-CARRY:<column> — this year's 二、上年结转 equals last year's 四、结转下年度继续办理 (holds across
  the 2020→2021 edition change: table 三's first and last rows are the same in both editions);
* X-ITEMS:<row> — 2019 edition: this year's 上一年项目数量 = last year's 上一年项目数量 + 本年增/减;
* X-FORCE:<row> — 2021 edition: this year's 现行有效件数 = last year's 现行有效件数 + 本年制发 − 本年废止
  (amendments can break it, so it is a warning like the others).

Findings are reported on the later year's report and name the earlier one (``other_file``,
``other_cells``). Reports are paired by a normalised agency name (``agency_key``) and year; a
year held by two reports of one agency is ambiguous and not compared. Only ``Facts`` — the few
cells these rules read — are kept per report, so a batch of thousands stays small and the rules
for the whole batch take milliseconds.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from core.editions import APPLICANT_COLUMNS
from core.model import Report
from core.rules import Finding, Rule, RuleType, Status
from core.values import NA, Number, Value, format_value, is_number

CARRY_COLUMNS = tuple(c.key for c in APPLICANT_COLUMNS)
ITEM_ROWS = ("licensing", "other_services", "punishment", "enforcement", "fees")
FORCE_ROWS = ("rules", "normative")
COLUMN_LABELS = {c.key: c.label for c in APPLICANT_COLUMNS}
ROW_LABELS = {"licensing": "行政许可", "other_services": "其他对外管理服务事项", "punishment": "行政处罚",
              "enforcement": "行政强制", "fees": "行政事业性收费", "rules": "规章", "normative": "规范性文件"}


def fact_keys() -> tuple[str, ...]:
    keys = [f"apply.{r}.{c}" for r in ("carried_over", "carried_forward") for c in CARRY_COLUMNS]
    keys += [f"active.{r}.{c}" for r in ITEM_ROWS for c in ("prev_items", "change")]
    keys += [f"active.{r}.{c}" for r in FORCE_ROWS for c in ("issued", "repealed", "in_force")]
    return tuple(keys)


FACT_KEYS = fact_keys()


# ------------------------------------------------------------------ agencies

_PROVINCE = re.compile(r"^.{2,8}?(?:省|自治区)")
_CITY = re.compile(r"^.{2,6}?市(?=.{0,6}?(?:区|县|旗|市))")


def agency_key(name: str | None) -> str | None:
    """One spelling per agency: whitespace, 人民政府/政府, 办公室/办, 办事处 and outer place names unified.

    "哈尔滨市呼兰区人民政府" / "呼兰区政府" / "呼兰区" → "呼兰区"; "某市人民政府办公室" / "某市政府办"
    → "某市政府办"; "船口街道办事处" → "船口街道". A city prefix is dropped only before a district or
    county name ("哈尔滨市阿城区…" → "阿城区…"), never before a department ("哈尔滨市公安局" stays).
    """
    if not name:
        return None
    a = re.sub(r"[\s\u3000·・“”\"'《》<>（）()]", "", name)
    a = re.sub(r"^(?:关于)", "", a)
    a = re.sub(r"(?:(?:19|20)\d{2}年度?)", "", a)
    a = re.sub(r"(?:的|年度|政府信息公开.*)$", "", a)
    a = a.replace("人民政府", "政府")
    a = re.sub(r"政府办公(?:室|厅)$|政府办$", "政府办", a)
    a = re.sub(r"办事处$", "", a)
    a = re.sub(r"(?<=[区县市旗镇乡州盟])政府$", "", a)
    a = _PROVINCE.sub("", a) if len(a) > 6 else a
    a = _CITY.sub("", a) if len(a) > 5 else a
    return a or None


# ------------------------------------------------------------------ facts

@dataclass(frozen=True)
class Facts:
    """What the cross-report rules need of one report."""

    path: str
    agency: str | None
    year: int | None
    edition: str
    values: dict[str, Value]
    key: str | None = field(init=False, compare=False)     # agency_key(agency), worked out once

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", agency_key(self.agency))

    def value(self, cell: str) -> Value:
        return self.values.get(cell)

    @property
    def name(self) -> str:
        return Path(self.path).name


def facts_of(report: Report, path: str | Path | None = None) -> Facts:
    path = str(path or report.source_path or "")
    return Facts(path, report.agency, report.year, report.edition.key,
                 {k: report.value(k) for k in FACT_KEYS if k in report.cells})


# ------------------------------------------------------------------ the rules

def _n(v: Value) -> Number:
    return v if is_number(v) else 0  # type: ignore[return-value]


def _blank(v: Value) -> bool:
    return v is None or v is NA


def _fmt(v: Value) -> str:
    return "空白" if _blank(v) else format_value(v)


def _finding(rule_id: str, title: str, this_cells: tuple[str, ...], this: Value, expected: Number,
             other: Facts, other_cells: tuple[str, ...], how: str, blanks: tuple[str, ...]) -> Finding:
    rule = Rule(rule_id, RuleType.EQUAL, "warning", this_cells, (), title)
    note = f"（其中{len(blanks)}格空白，按0计）" if blanks else ""
    msg = (f"{title}：本报告为 {_fmt(this)}，{other.year}年度报告“{other.name}”{how} {format_value(expected)}，"
           f"相差 {format_value(_n(this) - expected)}{note}")
    return Finding(rule, Status.WARNING, None if _blank(this) else this, expected, blanks, msg,
                   other_file=other.path, other_cells=other_cells)


def _compare(rule_id: str, title: str, this_cell: str, this: Facts, terms: list[tuple[str, Facts, int]],
             prev: Facts, how: str) -> Finding | None:
    """this_cell == Σ sign·term; all blank: not compared; holds only with blanks as 0: no finding."""
    v = this.value(this_cell)
    vals = [(k, f, s, f.value(k)) for k, f, s in terms]
    if _blank(v) and all(_blank(x) for *_r, x in vals):
        return None
    expected = sum(s * _n(x) for _k, _f, s, x in vals)
    if _n(v) == expected:
        return None
    blanks = tuple(k for k, _f, _s, x in vals if _blank(x)) + ((this_cell,) if _blank(v) else ())
    return _finding(rule_id, title, (this_cell,), v, expected, prev,
                    tuple(k for k, f, _s in terms if f is prev), how, blanks)


def pair_findings(prev: Facts, this: Facts) -> list[Finding]:
    """Findings on `this` (year N) against `prev` (year N−1) of the same agency."""
    out: list[Finding] = []
    for c in CARRY_COLUMNS:
        f = _compare(f"X-CARRY:{c}", f"表三「{COLUMN_LABELS[c]}」列：二、上年结转 应等于上年度报告的 四、结转下年度继续办理",
                     f"apply.carried_over.{c}", this, [(f"apply.carried_forward.{c}", prev, 1)], prev,
                     "的结转下年度为")
        if f:
            out.append(f)
    if this.edition == prev.edition == "2019":
        for r in ITEM_ROWS:
            f = _compare(f"X-ITEMS:{r}", f"表二「{ROW_LABELS[r]}」：上一年项目数量 应等于上年度报告的 上一年项目数量＋本年增/减",
                         f"active.{r}.prev_items", this,
                         [(f"active.{r}.prev_items", prev, 1), (f"active.{r}.change", prev, 1)], prev,
                         "的上一年项目数量＋本年增/减为")
            if f:
                out.append(f)
    if this.edition == prev.edition == "2021":
        for r in FORCE_ROWS:
            f = _compare(f"X-FORCE:{r}", f"表二「{ROW_LABELS[r]}」：现行有效件数 通常等于上年度现行有效件数＋本年制发－本年废止",
                         f"active.{r}.in_force", this,
                         [(f"active.{r}.in_force", prev, 1), (f"active.{r}.issued", this, 1),
                          (f"active.{r}.repealed", this, -1)], prev,
                         "的现行有效件数加本年制发、减本年废止为")
            if f:
                out.append(f)
    return out


def consecutive_pairs(all_facts: list[Facts]) -> list[tuple[Facts, Facts]]:
    """(year N−1, year N) report pairs of one agency; a year held by two reports of it pairs with nothing."""
    groups: dict[str, dict[int, list[Facts]]] = defaultdict(lambda: defaultdict(list))
    for f in all_facts:
        if f.key is not None and f.year is not None:
            groups[f.key][f.year].append(f)
    out = []
    for years in groups.values():
        for year, here in years.items():
            before = years.get(year - 1)
            if len(here) == 1 and before and len(before) == 1:
                out.append((before[0], here[0]))
    return out


def cross_findings(all_facts: list[Facts]) -> dict[str, list[Finding]]:
    """Every cross-report finding of a batch, by the path of the (later) report it is on."""
    out: dict[str, list[Finding]] = {}
    for prev, this in consecutive_pairs(all_facts):
        found = pair_findings(prev, this)
        if found:
            out[this.path] = found
    return out


def on_earlier(prev: Facts, later: Facts) -> list[Finding]:
    """The pair's findings as the earlier report sees them: on its own cells, naming the later report.

    When the auditor opens last year's report, a mismatch with this year's 上年结转 is as much about
    its 结转下年度 as about the later figure; the finding points at the earlier report's cells (so a
    click selects them) and names the later report and its cell.
    """
    out = []
    for f in pair_findings(prev, later):
        rule = Rule(f.rule.id, RuleType.EQUAL, "warning", f.other_cells, (), f.rule.title)
        note = f"（其中{len(f.blank_cells)}格空白，按0计）" if f.blank_cells else ""
        msg = (f"{f.rule.title}：{later.year}年度报告“{later.name}”为 {_fmt(f.reported)}，"
               f"按本报告应为 {format_value(f.computed)}，相差 {format_value(f.difference)}{note}")
        out.append(Finding(rule, Status.WARNING, f.reported, f.computed, f.blank_cells, msg,
                           other_file=later.path, other_cells=f.rule.cells))
    return out


def neighbours_of(facts: Facts, others: list[Facts]) -> tuple[Facts | None, Facts | None]:
    """The same agency's one report for the year before and the one for the year after (None if not exactly one)."""
    if facts.year is None or facts.key is None:
        return None, None
    found: tuple[Facts | None, ...] = ()
    for year in (facts.year - 1, facts.year + 1):
        cands = [o for o in others if o.year == year and o.key == facts.key and o.path != facts.path]
        found += (cands[0] if len(cands) == 1 else None,)
    return found[0], found[1]


class CrossRules:
    """The cross-report rules of one open report against its neighbour years, for ``Checker.add_rules``.

    `previous` gives the findings on this report (its 上年结转 … against last year's report);
    `following` gives next year's findings seen from this report (``on_earlier``). Both re-run
    when one of the few cells they read changes, so a correction shows at once.
    """

    cells = frozenset(FACT_KEYS)

    def __init__(self, previous: Facts | None, path: str | Path | None = None, following: Facts | None = None) -> None:
        self.previous = previous
        self.following = following
        self.path = path

    def findings(self, report: Report) -> list[Finding]:
        facts = facts_of(report, self.path)
        out = pair_findings(self.previous, facts) if self.previous is not None else []
        if self.following is not None:
            out += on_earlier(facts, self.following)
        return out
