"""The report against its own text (template.md §6): TXT-NUM, SEC, PERIOD, DATE, FEE-TXT, TITLE-YEAR.

The source text never changes while a report is open, so it is scanned once (``scan``): the
numbers the narrative quotes with the cells they speak of, the six section headings, the stated
statistics period, the report's date, the fee sentence. Only the comparison of quoted numbers with
the cells depends on what the auditor types; ``TextRules`` re-evaluates that when one of those
cells changes. Every finding is a warning and carries the span of the text it is about.

The patterns are deliberately narrow (a number must be followed by its unit, 件/条/起…, right after
the phrase that says what it counts): a text rule that cries wolf on real reports is worse than
none. Where a phrase is ambiguous (依申请公开…X条 may count the applications received or those
handled) every plausible cell is accepted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from core.model import Report
from core.rules import Finding, Rule, RuleType, Status
from core.values import NA, Number, format_value, is_number

# ------------------------------------------------------------------ quoted numbers (TXT-NUM)

_GAP = r"[^。；;，,：:\d\n|（）()]"          # characters allowed between a phrase and its number
_UNIT = r"\s*(?:件|条|个|宗|起|份|次|人次|项)"
_N = r"(?P<n>\d{1,7})"

NEW, OVER, FWD = "apply.new.total", "apply.carried_over.total", "apply.carried_forward.total"
GRANTED, PARTIAL, HANDLED = "apply.granted.total", "apply.partial.total", "apply.handled_total.total"
RECON = "review.reconsideration.total"
LITIG = ("review.litigation_direct.total", "review.litigation_after.total")


@dataclass(frozen=True)
class QuotePattern:
    what: str                              # Chinese: what the number counts
    regex: re.Pattern[str]
    sums: tuple[tuple[str, ...], ...]      # cell sums the number may equal; the first names the rule
    editions: tuple[str, ...] = ("2019", "2021")


def _p(what: str, pattern: str, *sums: tuple[str, ...], editions: tuple[str, ...] = ("2019", "2021")) -> QuotePattern:
    return QuotePattern(what, re.compile(pattern), tuple(sums), editions)


QUOTE_PATTERNS: tuple[QuotePattern, ...] = (
    _p("本年新收政府信息公开申请",
       rf"(?:新收|收到|受理|接收|接到){_GAP}{{0,8}}?申请(?:数量)?(?:共计|总计|合计|共|计)?(?:为|达)?{_N}{_UNIT}",
       (NEW,), (NEW, OVER)),
    _p("依申请公开政府信息",
       rf"依申请公开(?:的)?(?:政府)?信息(?:共有|共计|共|计|有)?{_N}{_UNIT}",
       (NEW,), (NEW, OVER), (HANDLED,)),
    _p("上年结转申请", rf"上年(?:度)?结转{_GAP}{{0,10}}?(?:共|为)?{_N}{_UNIT}", (OVER,)),
    _p("结转下年度继续办理", rf"结转(?:至|到|入)?下一?年度?{_GAP}{{0,8}}?(?:共|为)?{_N}{_UNIT}", (FWD,)),
    _p("结转下年度继续办理", rf"{_N}{_UNIT}(?:申请)?结转(?:至|到|入)?下一?年度", (FWD,)),
    _p("予以公开", rf"(?<!不)予以公开(?:的)?(?:共|为)?{_N}{_UNIT}", (GRANTED,)),
    _p("部分公开", rf"部分公开(?:的)?(?:共|为)?{_N}{_UNIT}", (PARTIAL,)),
    _p("办结申请", rf"(?:办结|办理完毕|答复完毕){_GAP}{{0,8}}?(?:共|共计)?{_N}{_UNIT}", (HANDLED,)),
    _p("行政复议", rf"行政复议(?:案件|申请)?(?:共计|共|为|各)?{_N}{_UNIT}", (RECON,)),
    _p("行政复议", rf"{_N}{_UNIT}行政复议", (RECON,)),
    _p("行政诉讼", rf"行政诉讼(?:案件)?(?:共计|共|为)?{_N}{_UNIT}", LITIG),
    _p("行政诉讼", rf"{_N}{_UNIT}行政诉讼", LITIG),
    _p("制发规范性文件", rf"(?:制定|制发|出台|印发)了?(?:行政)?规范性文件(?:共计|共)?{_N}\s*(?:件|个|份|部)",
       ("active.normative.made",), editions=("2019",)),
    _p("制发行政规范性文件", rf"(?:制定|制发|出台|印发)了?(?:行政)?规范性文件(?:共计|共)?{_N}\s*(?:件|个|份|部)",
       ("active.normative.issued",), editions=("2021",)),
    _p("行政许可决定", rf"行政许可(?:决定|案件)?(?:共计|共)?{_N}\s*件", ("active.licensing.decisions",)),
    _p("行政处罚决定", rf"行政处罚(?:决定|案件)?(?:共计|共)?{_N}\s*件", ("active.punishment.decisions",)),
)

# "没有发生…行政复议…" / "未收到政府信息公开申请": a quoted zero.
_NONE = re.compile(r"(?:没有|未|无)(?:发生|出现|收到|产生|接到|被申请|被提起)[^。；;，,\n]{0,30}")
_NONE_TARGETS = (("行政复议", "行政复议", (RECON,)), ("行政诉讼", "行政诉讼", LITIG),
                 ("申请", "本年新收政府信息公开申请", (NEW,)))


@dataclass(frozen=True)
class Quote:
    """A number the narrative states, where it stands, and the cells it should equal."""

    what: str
    value: int
    span: tuple[int, int]
    sums: tuple[tuple[str, ...], ...]


def find_quotes(text: str, edition: str) -> list[Quote]:
    out: list[Quote] = []
    taken: set[tuple[int, int]] = set()
    for p in QUOTE_PATTERNS:
        if edition not in p.editions:
            continue
        for m in p.regex.finditer(text):
            span = m.span("n")
            if span in taken or _in_table_line(text, m.start()):
                continue
            taken.add(span)
            out.append(Quote(p.what, int(m["n"]), span, p.sums))
    for m in _NONE.finditer(text):
        seg = m.group(0)
        for word, what, cells in _NONE_TARGETS:
            if word in seg and not re.search(r"\d", seg) and "不" not in seg[:3]:
                if word == "申请" and ("复议" in seg or "诉讼" in seg or "公开申请" not in seg):
                    continue
                out.append(Quote(what, 0, m.span(), (cells,)))
    return sorted(out, key=lambda q: q.span)


def _in_table_line(text: str, pos: int) -> bool:
    """A quote inside a flattened table row ("| … |") is a label, not narrative."""
    start = text.rfind("\n", 0, pos) + 1
    return text[start:start + 2].lstrip().startswith("|")


# ------------------------------------------------------------------ sections (SEC)

SECTION_NAMES = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                 "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
_SECTION_WORDS = (
    re.compile(r"总体情况|概述|概况|基本情况"),
    re.compile(r"主动公开"),
    re.compile(r"收到和处理|依申请公开|公开申请情况"),
    re.compile(r"行政复议|行政诉讼"),
    re.compile(r"存在的?主要问题|存在(的)?问题|问题及改进|改进情况|改进措施"),
    re.compile(r"其他需要报告|其他需要说明|需要说明的其他|其他事项"),
)
_CN = "一二三四五六七八九十"
_HEADING = re.compile(rf"^[ \t\u3000]*(?:\[bookmark:[^\]\n]*\])?[ \t\u3000]*(?:(?:第(?P<part>[{_CN}]+)部分|(?P<num>[{_CN}]{{1,2}}|\d{{1,2}}))[ \t\u3000]*[、.．，,]?[ \t\u3000]*)?"
                      r"(?P<body>\S[^\n]*?)[ \t\u3000]*$", re.M)


@dataclass(frozen=True)
class Heading:
    section: int            # 1..6
    number: int | None      # the number the heading carries, if any
    span: tuple[int, int]
    text: str


def _number(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    return _CN.index(s[-1]) + 1 + (10 if len(s) == 2 else 0)


def find_headings(text: str) -> list[Heading]:
    """The first heading of each of the six sections, in text order."""
    found: dict[int, Heading] = {}
    for m in _HEADING.finditer(text):
        body = m["body"]
        line = m.group(0).strip()
        if line.startswith("[bookmark:"):
            line = re.sub(r"^\[bookmark:[^\]]*\]\s*", "", line)
        if len(line) > 40 or "。" in line or "：" in line[-2:] or line.startswith(("（", "(")):
            continue
        num = _number(m["part"] or m["num"])
        numbered = m["part"] is not None or m["num"] is not None
        if numbered and m["num"] and m["num"].isdigit() and not re.match(r"\s*\d{1,2}\s*[、.．]", m.group(0)):
            continue                      # "2020年…": a year, not a number
        for i, words in enumerate(_SECTION_WORDS, start=1):
            if i in found or not words.search(body):
                continue
            if not numbered and not _bare_heading(body, i):
                continue
            start = m.start() + m.group(0).index(line)
            found[i] = Heading(i, num, (start, start + len(line)), line)
            break
    return sorted(found.values(), key=lambda h: h.span)


def _bare_heading(body: str, section: int) -> bool:
    """An unnumbered line counts as a heading only when it is one of the usual heading phrases."""
    b = re.sub(r"\s", "", body)
    return len(b) <= 24 and (b.endswith(("情况", "事项", "措施")) or b in ("概述", "总体情况"))


def section_problems(text: str) -> tuple[list[str], tuple[int, int] | None]:
    """Chinese descriptions of missing, misplaced or misnumbered sections, and the span to show."""
    heads = find_headings(text)
    if len(heads) < 2:      # no recognisable structure at all: nothing to compare
        return [], None
    problems: list[str] = []
    span: tuple[int, int] | None = None
    have = {h.section: h for h in heads}
    for i in range(1, 7):
        if i in have:
            continue
        nxt = next((have[j] for j in range(i + 1, 7) if j in have), None)
        prev = next((have[j] for j in range(i - 1, 0, -1) if j in have), None)
        where = f"，应在“{nxt.text}”之前" if nxt else (f"，应在“{prev.text}”之后" if prev else "")
        problems.append(f"缺少第{_CN[i - 1]}部分“{SECTION_NAMES[i - 1]}”{where}")
        span = span or (nxt or prev).span  # type: ignore[union-attr]
    order = [h.section for h in heads]
    for a, b in zip(heads, heads[1:]):
        if b.section < a.section:
            problems.append(f"“{b.text}”（第{_CN[b.section - 1]}部分）出现在“{a.text}”之后，顺序不对")
            span = span or b.span
    for h in heads:
        if h.number is not None and h.number != h.section and order == sorted(order):
            problems.append(f"“{h.text}”的序号与其内容（第{_CN[h.section - 1]}部分）不符")
            span = span or h.span
    return problems, span


# ------------------------------------------------------------------ dates (PERIOD, DATE)

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "О": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_DATE = re.compile(r"(?:(?P<y>\d{4})[ \t]*年[ \t]*)?(?P<m>\d{1,2})[ \t]*月[ \t]*(?P<d>\d{1,2})[ \t]*日")
_BAD_DATE = re.compile(r"(?P<y>20\d{2})(?P<m>\d{1,2})月(?P<d>\d{1,2})日")      # 年 missing: "20231月1日"
_PERIOD = re.compile(r"统计(?:期限|期间|时限|时间段|时段|区间|时间|周期|范围)")
_CN_DATE = re.compile(r"(?P<y>[〇○零О一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月"
                      r"(?P<d>[一二三四五六七八九十]{1,3})日")
_ISO_DATE = re.compile(r"(?P<y>20\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
_PUBLISHED = re.compile(r"(?:发布|成文|印发|公开)(?:日期|时间)[:：]?\s*")


def _cn_int(s: str) -> int:
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_DIGITS[a] if a else 1) * 10 + (_CN_DIGITS[b] if b else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in s))


def _make_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@dataclass(frozen=True)
class StatedDate:
    text: str
    span: tuple[int, int]
    year: int | None
    month: int
    day: int

    @property
    def value(self) -> date | None:
        return _make_date(self.year, self.month, self.day) if self.year else None


def period_problem(text: str, year: int | None) -> tuple[str, tuple[int, int]] | None:
    """The statistics period stated in the text, if it is not 1月1日–12月31日 of the report year."""
    m = _PERIOD.search(text)
    if m is None:
        return None
    window_end = min(len(text), m.end() + 60)
    stop = re.search(r"[。；;\n]", text[m.end():window_end])
    window_end = m.end() + stop.start() if stop else window_end
    seg = text[m.end():window_end]
    bad = _BAD_DATE.search(seg)
    if bad:
        s = (m.end() + bad.start(), m.end() + bad.end())
        return f"统计期限中的日期“{bad.group(0)}”格式不对（缺“年”字）", s
    dates = [StatedDate(d.group(0), (m.end() + d.start(), m.end() + d.end()), int(d["y"]) if d["y"] else None,
                        int(d["m"]), int(d["d"])) for d in _DATE.finditer(seg)]
    if not dates:
        return None
    span = (dates[0].span[0], dates[-1].span[1])
    for d in dates:
        if _make_date(d.year or 2000, d.month, d.day) is None:
            return f"统计期限中的日期“{d.text}”不存在", d.span
    if len(dates) < 2:
        return f"统计期限只写了一个日期“{dates[0].text}”，应为{year or '报告年度'}年1月1日至12月31日", span
    start, end = dates[0], dates[-1]
    want = year
    ok = ((start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31)
          and (want is None or all(d.year in (None, want) for d in (start, end))))
    if ok:
        return None
    stated = text[span[0]:span[1]]
    return f"统计期限为“{stated}”，应为{want or '报告年度'}年1月1日至{want or '报告年度'}年12月31日", span


def report_date(text: str) -> StatedDate | None:
    """The report's date: the 落款 (a line holding only a date, near the end) or a 发布日期 line."""
    lines = list(re.finditer(r"[^\n]*", text))
    tail = [m for m in lines if m.group(0).strip()][-12:]
    for m in reversed(tail):
        line = m.group(0).strip()
        if len(line) > 20:
            continue
        off = m.start() + m.group(0).index(line)
        for rx, conv in ((_DATE, int), (_CN_DATE, None), (_ISO_DATE, int)):
            d = rx.fullmatch(line)
            if d is None or not d["y"]:
                continue
            if conv is None:
                y, mo, da = _cn_int(d["y"]), _cn_int(d["m"]), _cn_int(d["d"])
            else:
                y, mo, da = int(d["y"]), int(d["m"]), int(d["d"])
            return StatedDate(line, (off, off + len(line)), y, mo, da)
    for p in _PUBLISHED.finditer(text):
        rest = text[p.end():p.end() + 20]
        for rx in (_DATE, _ISO_DATE):
            d = rx.match(rest)
            if d and d["y"]:
                return StatedDate(d.group(0), (p.end(), p.end() + d.end()), int(d["y"]), int(d["m"]), int(d["d"]))
    return None


def is_government(agency: str | None) -> bool:
    """A government's own report (本级政府), published by 3月31日; departments by 1月31日 (条例 第四十九条)."""
    if not agency:
        return True           # unknown: the later deadline, so that no false alarm is raised
    a = re.sub(r"\s", "", agency)
    if re.search(r"(办公室|办公厅|政府办)$", a):
        return False
    return bool(re.search(r"(人民政府|政府)$", a) or re.fullmatch(r".{1,14}?(省|市|县|区|旗|自治州|州|盟|自治县|自治区)", a))


def date_problem(text: str, year: int | None, agency: str | None) -> tuple[str, tuple[int, int]] | None:
    d = report_date(text)
    if d is None or year is None:
        return None
    when = d.value
    if when is None:
        return f"报告日期“{d.text}”不存在", d.span
    if when <= date(year, 12, 31):
        return (f"报告日期“{d.text}”早于或等于{year}年度结束（{year}年12月31日），"
                f"{year}年度报告应在{year + 1}年发布"), d.span
    gov = is_government(agency)
    deadline = date(year + 1, 3, 31) if gov else date(year + 1, 1, 31)
    if when > deadline:
        who = "本级人民政府的年度报告" if gov else "政府部门（及街道等）的年度报告"
        return (f"报告日期“{d.text}”晚于法定期限：{who}应在{deadline.year}年{deadline.month}月{deadline.day}日前"
                f"公布（《条例》第四十九条）"), d.span
    return None


# ------------------------------------------------------------------ fee sentence, title year

_FEE = re.compile(r"信息处理费|处理费|收费通知")


def fee_problem(text: str, heads: list[Heading]) -> tuple[str, tuple[int, int] | None] | None:
    six = next((h for h in heads if h.section == 6), None)
    if six is not None and _FEE.search(text, six.span[0]):
        return None
    if six is None and _FEE.search(text):
        return None
    where = six.span if six else None
    return "第六部分“其他需要报告的事项”未说明信息处理费的收取情况（2021年版格式要求）", where


_CAPTIONS = re.compile(r"主动公开政府信息情况|收到和处理政府信息公开申请情况|行政复议、?和?行政诉讼情况")


def title_year_problem(text: str, year: int | None) -> tuple[str, tuple[int, int]] | None:
    """The title's year against the year the tables' captions state."""
    if year is None:
        return None
    t = re.search(r"(?:19|20)\d{2}(?=\s*年)", text[:600])
    if t is None or int(t.group(0)) != year:
        return None
    for m in re.finditer(r"[^\n]*", text[t.end():]):
        line = m.group(0).strip()
        if not line or len(line) > 50 or "。" in line or not _CAPTIONS.search(line):
            continue
        y = re.search(r"((?:19|20)\d{2})\s*年", line)
        if y and int(y.group(1)) != year:
            return (f"标题年度为{year}年，但表格标题“{line}”写的是{y.group(1)}年",
                    (t.start(), t.end()))
    return None


# ------------------------------------------------------------------ the rule set

def _rule(rule_id: str, title: str, cells: tuple[str, ...] = ()) -> Rule:
    return Rule(rule_id, RuleType.EQUAL, "warning", cells, (), title)


SEC = _rule("SEC", "报告应包含六个部分，并按一至六的顺序排列")
PERIOD = _rule("PERIOD", "统计期限应为报告年度1月1日至12月31日")
DATE = _rule("DATE", "报告日期应在报告年度结束之后、法定公布期限之前")
FEE_TXT = _rule("FEE-TXT", "第六部分应说明信息处理费收取情况")
TITLE_YEAR = _rule("TITLE-YEAR", "标题年度应与表格年度一致")


@dataclass
class TextScan:
    """What the source text says, found once per report."""

    quotes: list[Quote]
    static: list[Finding]                     # SEC, PERIOD, DATE, FEE-TXT, TITLE-YEAR
    cells: frozenset[str] = field(default_factory=frozenset)


def scan(report: Report) -> TextScan:
    text = report.source_text or ""
    static: list[Finding] = []
    problems, span = section_problems(text)
    if problems:
        static.append(Finding(SEC, Status.WARNING, message="；".join(problems), span=span))
    if (p := period_problem(text, report.year)) is not None:
        static.append(Finding(PERIOD, Status.WARNING, message=p[0], span=p[1]))
    if (p := date_problem(text, report.year, report.agency)) is not None:
        static.append(Finding(DATE, Status.WARNING, message=p[0], span=p[1]))
    if (report.edition.key == "2021" or (report.year or 0) >= 2021) and text:
        if (fp := fee_problem(text, find_headings(text))) is not None:
            static.append(Finding(FEE_TXT, Status.WARNING, message=fp[0], span=fp[1]))
    if (p := title_year_problem(text, report.year)) is not None:
        static.append(Finding(TITLE_YEAR, Status.WARNING, message=p[0], span=p[1]))
    quotes = [q for q in find_quotes(text, report.edition.key)
              if all(c in report.cells for s in q.sums for c in s)]
    cells = frozenset(c for q in quotes for s in q.sums for c in s)
    return TextScan(quotes, static, cells)


def _sum(report: Report, cells: tuple[str, ...]) -> tuple[Number | None, bool]:
    """Sum of the cells (blank and "/" as 0), and whether every one of them is blank."""
    vals = [report.value(c) for c in cells]
    total: Number = 0
    for v in vals:
        if is_number(v):
            total += v  # type: ignore[operator]
    return total, all(v is None or v is NA for v in vals)


def quote_findings(report: Report, quotes: list[Quote]) -> list[Finding]:
    """One TXT-NUM finding per cell the text contradicts (the first contradicting quote)."""
    out: dict[str, Finding] = {}
    for q in quotes:
        primary = q.sums[0]
        rid = "TXT-NUM:" + "+".join(primary)
        if rid in out:
            continue
        sums = [_sum(report, s) for s in q.sums]
        if any(total == q.value for total, _blank in sums):
            continue
        total, blank = sums[0]
        if blank and q.value == 0:
            continue               # "没有…" against blank cells: blank is how many reports write 0
        labels = "＋".join(report.edition.cell_defs[c].label for c in primary)
        table = "空白" if blank else format_value(total)  # type: ignore[arg-type]
        rule = Rule(rid, RuleType.EQUAL, "warning", primary, (), f"正文所述“{q.what}”应与表中数字一致")
        quoted = report.source_text[q.span[0]:q.span[1]]
        said = "“" + quoted + "”" if not quoted.isdigit() else f"{q.value}"
        out[rid] = Finding(rule, Status.WARNING, q.value, None if blank else total, (),
                           f"正文写{q.what}为 {said}，表中 {labels} 为 {table}", span=q.span)
    return list(out.values())


class TextRules:
    """The text rule set of one report, for ``core.rules.Checker``."""

    def __init__(self, report: Report) -> None:
        self.scan = scan(report)
        self.cells = self.scan.cells

    def findings(self, report: Report) -> list[Finding]:
        return list(self.scan.static) + quote_findings(report, self.scan.quotes)
