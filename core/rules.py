"""The balance rules (勾稽关系), derived from the edition definition, checked live.

Every rule is an equation or inequality over named cells, built from ``core.editions`` (template.md
§6). The ``Checker`` keeps one finding per rule and an index from cell to rules, so re-checking
after one cell changes evaluates only the rules that touch that cell. Blank cells are never
taken for 0 silently: a rule that holds only when blanks count as 0 is a warning ("空白按0计"),
a rule whose inputs are all blank says it was not checked.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from core.editions import LEGAL_COLUMNS, Edition, Kind
from core.model import Report, SplitChoice
from core.values import NA, Number, Value, format_value, is_number


class Status(Enum):
    OK = "ok"
    WARNING = "warning"        # holds only with blanks as 0, or a soft rule broken
    ERROR = "error"
    BLANK = "blank"            # every input blank: not checked


class RuleType(Enum):
    EQUAL = "equal"            # Σ reported == Σ computed
    AT_LEAST = "at_least"      # Σ reported >= Σ computed   (soft)
    CELL_KIND = "cell_kind"    # the single cell holds what its kind allows


@dataclass(frozen=True)
class Rule:
    id: str
    type: RuleType
    severity: str                      # severity when broken: 'error' or 'warning'
    reported: tuple[str, ...]          # the side the report states (a total, the outflow)
    computed: tuple[str, ...]          # the side that adds up to it
    title: str                         # Chinese, names the rule for the auditor

    @property
    def cells(self) -> tuple[str, ...]:
        return self.reported + self.computed


@dataclass
class Finding:
    rule: Rule
    status: Status
    reported: Number | None = None     # Σ reported side (None: all blank)
    computed: Number | None = None     # Σ computed side, blanks as 0
    blank_cells: tuple[str, ...] = ()  # inputs that were blank or "/"
    message: str = ""
    span: tuple[int, int] | None = None      # text rules: the characters in the source text it is about
    other_file: str | None = None            # cross-report rules: the other year's report…
    other_cells: tuple[str, ...] = ()        # …and its cells compared

    @property
    def difference(self) -> Number | None:
        """Reported minus computed, blanks as 0; None when the rule is not a sum."""
        if self.computed is None:
            return None
        return (self.reported or 0) - self.computed

    @property
    def severity(self) -> str | None:
        return {Status.ERROR: "error", Status.WARNING: "warning"}.get(self.status)


@dataclass(frozen=True)
class Suggestion:
    cell: str
    value: Number
    rules: tuple[str, ...]
    message: str


# ------------------------------------------------------------------ building the rules

def _k(table: str, row: str, col: str) -> str:
    return f"{table}.{row}.{col}"


def build_rules(edition: Edition) -> list[Rule]:
    rules: list[Rule] = []
    apply = edition.table("apply")
    block = apply.blocks[0]
    cols = [c.key for c in block.columns]
    labels = {c.key: c.label for c in block.columns}
    results = [r.key for r in block.rows if r.group]
    results.remove("handled_total")
    parts = [c for c in cols if c not in ("total", "subtotal")]
    for c in cols:
        rules.append(Rule(f"T3-BAL:{c}", RuleType.EQUAL, "error",
                          (_k("apply", "handled_total", c), _k("apply", "carried_forward", c)),
                          (_k("apply", "new", c), _k("apply", "carried_over", c)),
                          f"表三「{labels[c]}」列：三（七）总计＋四、结转下年度 应等于 一、本年新收＋二、上年结转"))
    for r in block.rows:
        short = r.label.split("（区分")[0]
        rules.append(Rule(f"T3-ROWSUM:{r.key}", RuleType.EQUAL, "error",
                          (_k("apply", r.key, "total"),), tuple(_k("apply", r.key, c) for c in parts),
                          f"表三「{short}」行：总计 应等于 各类申请人之和"))
        if "subtotal" in cols:
            rules.append(Rule(f"T3-SUBTOTAL:{r.key}", RuleType.EQUAL, "error",
                              (_k("apply", r.key, "subtotal"),),
                              tuple(_k("apply", r.key, c) for c in LEGAL_COLUMNS),
                              f"表三「{short}」行：法人或其他组织小计 应等于 五类法人之和"))
    for c in cols:
        rules.append(Rule(f"T3-RESULT:{c}", RuleType.EQUAL, "error",
                          (_k("apply", "handled_total", c),), tuple(_k("apply", r, c) for r in results),
                          f"表三「{labels[c]}」列：（七）总计 应等于 （一）至（六）各项办理结果之和"))
    review = edition.table("review").blocks[0]
    for r in review.rows:
        rules.append(Rule(f"T4-SUM:{r.key}", RuleType.EQUAL, "error",
                          (_k("review", r.key, "total"),),
                          tuple(_k("review", r.key, c.key) for c in review.columns if c.key != "total"),
                          f"表四「{r.label}」：总计 应等于 结果维持＋结果纠正＋其他结果＋尚未审结"))
    if edition.key == "2019":
        for row in ("rules", "normative"):
            label = edition.table("active").blocks[0].rows[0 if row == "rules" else 1].label
            rules.append(Rule(f"T2-19-PUB:{row}", RuleType.AT_LEAST, "warning",
                              (_k("active", row, "total"),), (_k("active", row, "published"),),
                              f"表二「{label}」：对外公开总数量 通常不小于 本年新公开数量"))
        for row in ("licensing", "other_services", "punishment", "enforcement", "fees"):
            label = edition.cell_defs[_k("active", row, "prev_items")].row.label
            rules.append(Rule(f"T2-19-ITEMS:{row}", RuleType.AT_LEAST, "warning",
                              (_k("active", row, "prev_items"), _k("active", row, "change")), (),
                              f"表二「{label}」：上一年项目数量＋本年增/减 不应为负"))
    for key, d in edition.cell_defs.items():
        what = {Kind.COUNT: "非负整数", Kind.SIGNED: "整数", Kind.AMOUNT: "非负金额"}[d.kind]
        rules.append(Rule(f"INT:{key}", RuleType.CELL_KIND, "error", (key,), (), f"{d.label} 应为{what}"))
    return rules


# ------------------------------------------------------------------ evaluating

def _sum(values: list[Value]) -> Number:
    total: Number = 0
    for v in values:
        if is_number(v):
            total += v  # type: ignore[operator]
    return total


def _fmt(n: Number | None) -> str:
    return "空白" if n is None else format_value(n)


def _may_hold(rule: Rule, report: Report, undecided: list[str], cap: int = 4096) -> bool:
    """Can the rule hold for some value of each undecided cell among those the rules allow?

    Each cell is taken on its own (its row's candidates tie them together, so this says yes
    more often than the exact answer): a "no" is certain, and the rule is then reported.
    """
    fixed = 0
    for k in rule.cells:
        if k not in undecided:
            v = report.cells[k].value
            fixed += (v if is_number(v) else 0) * (1 if k in rule.reported else -1)  # type: ignore[operator]
    sums = {fixed}
    for k in undecided:
        sign = 1 if k in rule.reported else -1
        options = {(v if is_number(v) else 0) * sign for v in report.cells[k].reading.alternatives}  # type: ignore[union-attr]
        sums = {a + b for a in sums for b in options}
        if len(sums) > cap:
            return True
    return any(x == 0 for x in sums) if rule.type is RuleType.EQUAL else any(x >= 0 for x in sums)


def evaluate(rule: Rule, report: Report) -> Finding:
    cells = report.cells
    if rule.type is RuleType.CELL_KIND:
        cell = cells[rule.reported[0]]
        v = cell.value
        if not is_number(v):
            return Finding(rule, Status.OK)
        kind = cell.definition.kind
        bad = (kind is not Kind.AMOUNT and isinstance(v, Decimal)) or (kind is not Kind.SIGNED and v < 0)
        if not bad:
            return Finding(rule, Status.OK)
        return Finding(rule, Status.ERROR, v, None, (), f"{rule.title}，报告值为 {format_value(v)}")
    vals = {k: cells[k].value for k in rule.cells}
    blanks = tuple(k for k, v in vals.items() if v is None or v is NA)
    if len(blanks) == len(vals):
        return Finding(rule, Status.BLANK, None, None, blanks, f"{rule.title}：输入全部空白，未检查")
    rep_vals = [vals[k] for k in rule.reported]
    reported = _sum(rep_vals) if any(is_number(v) for v in rep_vals) else None
    computed = _sum([vals[k] for k in rule.computed])
    r0 = reported or 0
    holds = r0 == computed if rule.type is RuleType.EQUAL else r0 >= computed
    blank_note = f"（其中{len(blanks)}格空白，按0计）" if blanks else ""
    undecided = [k for k in rule.cells if cells[k].inferred and not cells[k].pinned]
    if undecided and not holds and _may_hold(rule, report, undecided):
        # Run-together digits the rules left open: whether this rule holds depends on the split
        # the auditor picks (the SPLIT finding); it is checked once the split is chosen.
        return Finding(rule, Status.BLANK, reported, computed, blanks,
                       f"{rule.title}：含{len(undecided)}格待选定拆分，选定后检查")
    if holds:
        if blanks and rule.type is RuleType.EQUAL:
            return Finding(rule, Status.WARNING, reported, computed, blanks,
                           f"{rule.title}：仅在空白按0计时成立（{len(blanks)}格空白）")
        return Finding(rule, Status.OK, reported, computed, blanks)
    status = Status.ERROR if rule.severity == "error" else Status.WARNING
    if rule.type is RuleType.AT_LEAST:
        msg = f"{rule.title}：报告值 {_fmt(reported)}，比较值 {_fmt(computed)}{blank_note}"
    else:
        diff = r0 - computed
        msg = (f"{rule.title}：报告值 {_fmt(reported)}，计算值 {_fmt(computed)}，"
               f"相差 {format_value(diff)}{blank_note}")
    return Finding(rule, status, reported, computed, blanks, msg)


@dataclass
class Checker:
    """All findings of one report, kept current cell by cell."""

    report: Report
    rules: list[Rule] = field(default_factory=list)
    findings: dict[str, Finding] = field(default_factory=dict)
    by_cell: dict[str, list[Rule]] = field(default_factory=lambda: defaultdict(list))
    report_findings: list[Finding] = field(default_factory=list)
    extras: list = field(default_factory=list)   # rule sets beyond the tables (core.text_rules, core.cross)

    def __post_init__(self) -> None:
        if not self.extras:
            from core.text_rules import TextRules   # text rules are always on
            self.extras = [TextRules(self.report)]
        self.rebuild()

    def add_rules(self, rule_set) -> None:
        """Add a rule set (an object with ``cells`` and ``findings(report)``), e.g. the cross-report rules."""
        self.extras.append(rule_set)
        self.report_findings = self._report_findings()

    def _report_findings(self) -> list[Finding]:
        return _report_level(self.report) + [f for x in self.extras for f in x.findings(self.report)]

    def rebuild(self) -> None:
        """Check everything from scratch (after opening, or when the edition changed)."""
        self.rules = _rules_for(self.report.edition)
        self.by_cell = _index_for(self.report.edition, self.rules)
        self.findings = {r.id: evaluate(r, self.report) for r in self.rules}
        self.report_findings = self._report_findings()

    def recheck(self, key: str) -> list[Finding]:
        """Re-evaluate the rules touching one cell; return the findings whose outcome changed."""
        changed = []
        if any(key in c.keys for c in self.report.splits):
            before = {f.rule.id for f in self.report_findings}
            self.report_findings = _report_level(self.report)
            after = {f.rule.id: f for f in self.report_findings}
            changed += [f for i, f in after.items() if i not in before]
            changed += [Finding(_split_rule(c), Status.OK) for c in self.report.splits
                        if f"SPLIT:{c.table}.{c.row}" in before - set(after)]
        for rule in self.by_cell.get(key, ()):
            new = evaluate(rule, self.report)
            old = self.findings.get(rule.id)
            self.findings[rule.id] = new
            if old is None or (old.status, old.reported, old.computed, old.message) != (
                    new.status, new.reported, new.computed, new.message):
                changed.append(new)
        if any(key in x.cells for x in self.extras):
            old = {f.rule.id: f for f in self.report_findings}
            self.report_findings = self._report_findings()
            for f in self.report_findings:
                o = old.pop(f.rule.id, None)
                if o is None or (o.status, o.reported, o.computed, o.message) != (
                        f.status, f.reported, f.computed, f.message):
                    changed.append(f)
            changed += [Finding(o.rule, Status.OK) for o in old.values()]   # findings that went away
        return changed

    def problems(self) -> list[Finding]:
        """Errors and warnings, errors first, in rule order."""
        out = [f for f in self.report_findings if f.status in (Status.ERROR, Status.WARNING)]
        out += [f for f in self.findings.values() if f.status in (Status.ERROR, Status.WARNING)]
        return sorted(out, key=lambda f: f.status is not Status.ERROR)

    def errors(self) -> list[Finding]:
        return [f for f in self.problems() if f.status is Status.ERROR]

    def blank_rules(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.status is Status.BLANK]

    def suggestions(self) -> list[Suggestion]:
        return localise(self)


_RULE_CACHE: dict[tuple[str, bool], list[Rule]] = {}
_INDEX_CACHE: dict[tuple[str, bool], dict[str, list[Rule]]] = {}


def _rules_for(edition: Edition) -> list[Rule]:
    key = (edition.key, edition.has_subtotal)
    if key not in _RULE_CACHE:
        _RULE_CACHE[key] = build_rules(edition)
    return _RULE_CACHE[key]


def _index_for(edition: Edition, rules: list[Rule]) -> dict[str, list[Rule]]:
    key = (edition.key, edition.has_subtotal)
    if key not in _INDEX_CACHE:
        index: dict[str, list[Rule]] = defaultdict(list)
        for r in rules:
            for c in r.cells:
                index[c].append(r)
        _INDEX_CACHE[key] = dict(index)
    return _INDEX_CACHE[key]


ED_YEAR = Rule("ED-YEAR", RuleType.EQUAL, "error", (), (), "报告年度与表格版本")


def _report_level(report: Report) -> list[Finding]:
    """Rules about the report as a whole rather than cells (template.md §6 ED-YEAR)."""
    out = []
    if report.year is not None and 2019 <= report.year:
        want = "2021" if report.year >= 2021 else "2019"
        if report.edition.key != want:
            out.append(Finding(ED_YEAR, Status.ERROR, message=(
                f"{report.year}年度报告应使用{want}年版表格，但报告使用的是{report.edition.key}年版表格"
                f"（{report.edition_basis}）")))
    out += split_findings(report)
    return out


def _split_rule(choice: SplitChoice) -> Rule:
    table = {"active": "表二", "apply": "表三", "review": "表四"}.get(choice.table, choice.table)
    where = f"「{choice.label.split('（区分')[0]}」行" if choice.table != "review" else ""
    return Rule(f"SPLIT:{choice.table}.{choice.row}", RuleType.EQUAL, "warning", choice.keys, (),
                f"{table}{where}数字连写或空白格未标出，有{len(choice.candidates)}种可能的拆分，请选定一种")


def split_choice_for(report: Report, finding: Finding) -> SplitChoice | None:
    """The row of run-together digits a SPLIT finding is about (None for other findings)."""
    return next((c for c in report.splits if finding.rule.id == f"SPLIT:{c.table}.{c.row}"), None)


def split_findings(report: Report) -> list[Finding]:
    """Rows of run-together digits the rules could not pin down, until the auditor settles them."""
    out = []
    for choice in report.splits:
        if not any(report.cells[k].uncertain for k in choice.keys):
            continue
        shown = "；".join(f"{i + 1}）" + "|".join(format_value(v) or "空" for v in cand)
                         for i, cand in enumerate(choice.candidates[:8]))
        more = f"等{len(choice.candidates)}种" if len(choice.candidates) > 8 else ""
        out.append(Finding(_split_rule(choice), Status.WARNING, message=(
            f"原文“{choice.raw}”可拆分为：{shown}{more}（空 = 空白格）")))
    return out


# ------------------------------------------------------------------ culprit localisation

def _needed(rule: Rule, key: str, report: Report) -> Number:
    """The value of `key` that makes an EQUAL rule hold, the other inputs as they are."""
    rep = _sum([report.value(k) for k in rule.reported if k != key])
    com = _sum([report.value(k) for k in rule.computed if k != key])
    return com - rep if key in rule.reported else rep - com


def localise(checker: Checker) -> list[Suggestion]:
    """Cells that alone explain broken balance rules, with the value that makes them all hold.

    A cell qualifies when every equation it takes part in (broken or not, all-blank ones aside)
    holds with one and the same value for it, and that value is one the cell may hold. A
    suggestion is made only when at least two broken rules cross at the cell (a row rule and a
    column rule) and exactly one cell explains them: one broken sum on its own could be any of
    its cells, and we do not guess.
    """
    report = checker.report
    broken = [f.rule for f in checker.findings.values()
              if f.status is Status.ERROR and f.rule.type is RuleType.EQUAL]
    if not broken:
        return []
    candidates = {k for r in broken for k in r.cells}
    by_set: dict[frozenset[str], list[tuple[str, Number]]] = defaultdict(list)
    for key in candidates:
        hit = frozenset(r.id for r in broken if key in r.cells)
        needs = set()
        for rule in checker.by_cell.get(key, ()):
            if rule.type is not RuleType.EQUAL:
                continue
            if checker.findings[rule.id].status is Status.BLANK:
                continue
            needs.add(_needed(rule, key, report))
        if len(needs) != 1:
            continue
        value = needs.pop()
        kind = report.edition.cell_defs[key].kind
        if (kind is not Kind.SIGNED and value < 0) or (kind is not Kind.AMOUNT and value != int(value)):
            continue
        by_set[hit].append((key, value))
    out = []
    for hit, cands in by_set.items():
        if len(cands) != 1 or len(hit) < 2:
            continue
        key, value = cands[0]
        if report.value(key) == value:
            continue
        d = report.edition.cell_defs[key]
        now = format_value(report.value(key)) or "空白"
        out.append(Suggestion(key, value, tuple(sorted(hit)),
                              f"{d.label} 现为{now}，改为 {format_value(value)} 即可使"
                              f"{len(hit)}条勾稽关系全部成立"))
    out = [_with_alternatives(report, s) for s in out]
    out += _pinned_doubts(checker, {s.cell for s in out})
    return sorted(out, key=lambda s: -len(s.rules))


def _alternatives_text(reading, value: Number) -> str:
    alts = [a for a in reading.alternatives if a is not None] if reading is not None else []
    if not alts:
        return ""
    same = "，与识别的另一种可能一致" if value in alts else ""
    return f"（识别的其他可能：{'、'.join(format_value(a) for a in alts)}{same}）"


def _with_alternatives(report: Report, s: Suggestion) -> Suggestion:
    """A suggestion for a doubtful OCR cell also names what else the recogniser saw there."""
    cell = report.cells[s.cell]
    extra = _alternatives_text(cell.reading, s.value) if cell.uncertain else ""
    return Suggestion(s.cell, s.value, s.rules, s.message + extra) if extra else s


def _pinned_doubts(checker: Checker, taken: set[str]) -> list[Suggestion]:
    """Uncertain readings (OCR doubts, inferred splits) that the balance rules pin to another value.

    A doubtful cell needs no second broken rule to be suspected: it is suspect already. It is
    pinned when every equation it takes part in whose other inputs are all certain and not blank
    asks for one and the same value. The recogniser's own alternatives go into the message, so
    the auditor sees both the rules' value and what else the page might say.
    """
    report = checker.report
    out = []
    for key, cell in report.cells.items():
        if key in taken or cell.edited or cell.reading is None or not cell.reading.uncertain:
            continue
        needs, used = set(), []
        for rule in checker.by_cell.get(key, ()):
            if rule.type is not RuleType.EQUAL:
                continue
            others = [k for k in rule.cells if k != key]
            if any(report.cells[k].uncertain or report.value(k) is None or report.value(k) == NA for k in others):
                continue
            needs.add(_needed(rule, key, report))
            used.append(rule.id)
        if len(needs) != 1:
            continue
        value = needs.pop()
        kind = cell.definition.kind
        if value < 0 and kind is not Kind.SIGNED or (kind is not Kind.AMOUNT and value != int(value)):
            continue
        if report.value(key) == value:
            continue
        now = format_value(report.value(key)) or "空白"
        msg = f"{cell.definition.label} 读取不确定（现为{now}），按勾稽关系应为 {format_value(value)}"
        msg += _alternatives_text(cell.reading, value)
        out.append(Suggestion(key, value, tuple(sorted(used)), msg))
    return out

