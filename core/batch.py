"""A submission round: many reports checked one by one, kept as small summaries.

``summarise`` opens one report (its saved review applied), checks it and keeps only what the batch
list, the cross-report rules and the batch export need: counts, the findings as plain rows, the
cell values, the review state. The report's text and model are dropped right away, so a batch of
thousands of reports stays small. ``Batch`` holds the summaries and adds the cross-report
findings (``core.cross``) over all of them.

Review states (from the review files beside the reports):
未校对 — no review file; 校对中 — a review file with errors still unresolved (neither corrected nor
given a verdict), or unsaved work in the recovery file; 已完成 — a saved review and no unresolved error.
"""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from core.cross import Facts, consecutive_pairs, facts_of, pair_findings
from core.loader import REPORT_SUFFIXES, LoadError, load, report_files
from core.model import Report
from core.neighbours import stamp_of
from core.review import ReviewError, ReviewSession, finding_key, review_path, sha256_of
from core.rules import Checker, Finding, Status
from core.values import Value

NOT_STARTED, IN_PROGRESS, DONE = "未校对", "校对中", "已完成"
REVIEW_STATES = (NOT_STARTED, IN_PROGRESS, DONE)


@dataclass(frozen=True)
class FindingRow:
    """One finding as plain data: what the batch list, its details and the export show."""

    rule: str
    severity: str
    title: str
    message: str
    cells: tuple[str, ...] = ()
    span: tuple[int, int] | None = None
    other_file: str | None = None
    other_cells: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        """The rule without its cell or column: "T3-BAL:natural" → "T3-BAL"."""
        return self.rule.split(":", 1)[0]

    @classmethod
    def of(cls, f: Finding) -> "FindingRow":
        return cls(f.rule.id, f.severity or "warning", f.rule.title, f.message, tuple(f.rule.cells), f.span,
                   f.other_file, tuple(f.other_cells))


@dataclass
class ReportSummary:
    path: str
    ok: bool = True
    error: str = ""                               # Chinese reason when the file could not be read
    agency: str | None = None
    year: int | None = None
    edition: str = ""
    format: str = ""
    errors: int = 0
    warnings: int = 0
    uncertain: int = 0
    edited: int = 0
    unresolved: int = 0                           # errors without a correction or verdict
    findings: list[FindingRow] = field(default_factory=list)
    cross: list[FindingRow] = field(default_factory=list)
    cells: dict[str, Value] = field(default_factory=dict)
    facts: Facts | None = None
    review_state: str = NOT_STARTED
    reviewer: str = ""
    saved_at: str = ""                            # when the review file was last saved
    notes: tuple[str, ...] = ()
    stamp: tuple[int, int, int] | None = None     # the file and its review as read (core.neighbours)
    subtotal: bool = False                        # table 三 printed with the 法人…小计 column

    @property
    def name(self) -> str:
        return Path(self.path).name

    def all_findings(self) -> list[FindingRow]:
        return self.findings + self.cross


# ------------------------------------------------------------------ one report

def _format_name(path: Path, source_format: str) -> str:
    if source_format.startswith("text"):
        return "TXT"
    return (path.suffix.lstrip(".") or source_format).upper()


def _saved_info(review_file: Path) -> tuple[str, str]:
    """(reviewer, saved at) straight from the review file's JSON."""
    try:
        obj = json.loads(review_file.read_text(encoding="utf-8"))
        return str(obj.get("reviewer", "") or ""), str(obj.get("saved_at", "") or "")
    except (OSError, ValueError, AttributeError):
        return "", ""


def find_review(source: Path, fallback: Path | None = None) -> tuple[Path | None, Path | None]:
    """(saved review file, recovery file) of a report, beside it or in the per-user fallback folder."""
    beside = review_path(source)
    auto = beside.with_name(beside.name.removesuffix(".json") + ".autosave.json")
    saved = beside if beside.exists() else None
    recovery = auto if auto.exists() else None
    if fallback is not None and saved is None and recovery is None and fallback.is_dir():
        sha = sha256_of(source)
        other = fallback / f"{source.name}.{sha[:12]}.review.json"
        other_auto = other.with_name(other.name.removesuffix(".json") + ".autosave.json")
        saved = other if other.exists() else None
        recovery = other_auto if other_auto.exists() else None
    return saved, recovery


@dataclass
class Reviewed:
    """A report as the auditor left it: loaded, its saved review applied, and where that review is."""

    report: Report
    session: ReviewSession | None
    saved: Path | None                 # the saved review file, if any
    recovery: Path | None              # unsaved work waiting in the recovery file, if any
    notes: list[str]


def open_reviewed(path: str | os.PathLike[str], fallback: Path | None = None, use_review: bool = True,
                  progress: Callable[[int, int], None] | None = None) -> Reviewed:
    """Load a report and apply its saved review. Raises LoadError (Cancelled when `progress` stops it)."""
    p = Path(path)
    report = load(p, progress=progress)
    notes = list(report.notes)
    saved, recovery = find_review(p, fallback)
    session: ReviewSession | None = None
    if saved is not None and use_review:
        try:
            session = ReviewSession.load(saved)
            if session.source_sha256 == sha256_of(p):
                session.apply(report)
            else:
                notes.append(f"校对记录“{saved.name}”对应的原文已改变，未应用")
                session = None
        except ReviewError as e:
            notes.append(f"校对记录无法使用：{e}")
    return Reviewed(report, session, saved, recovery, notes)


def summarise(path: str | os.PathLike[str], fallback: Path | None = None, use_review: bool = True) -> ReportSummary:
    """Open, apply the saved review, check, and keep the summary. Never raises for a bad file."""
    p = Path(path)
    stamp = stamp_of(p)
    try:
        r = open_reviewed(p, fallback, use_review)
    except LoadError as e:
        return ReportSummary(str(p), ok=False, error=e.reason, format=p.suffix.lstrip(".").upper())
    except Exception as e:          # a reader bug must not stop a batch of hundreds
        return ReportSummary(str(p), ok=False, error=f"读取出错（{type(e).__name__}: {e}）",
                             format=p.suffix.lstrip(".").upper())
    report, session, saved, recovery = r.report, r.session, r.saved, r.recovery
    checker = Checker(report)
    problems = checker.problems()
    errors = sum(1 for f in problems if f.status is Status.ERROR)
    verdicts = session.verdicts if session is not None else {}
    unresolved = sum(1 for f in problems if f.status is Status.ERROR
                     and finding_key(f.rule.id, f.rule.cells) not in verdicts)
    reviewer, saved_at = _saved_info(saved) if saved is not None else ("", "")
    if saved is None and recovery is None:
        state = NOT_STARTED
    elif recovery is not None or unresolved:
        state = IN_PROGRESS
    else:
        state = DONE
    if recovery is not None and not reviewer:
        reviewer = _saved_info(recovery)[0]
    return ReportSummary(
        str(p), True, "", report.agency, report.year, report.edition.key, _format_name(p, report.source_format),
        errors, len(problems) - errors, len(report.uncertain_keys()), len(report.edited_keys()), unresolved,
        [FindingRow.of(f) for f in problems], [], {k: c.value for k, c in report.cells.items()},
        facts_of(report, p), state, reviewer, saved_at, tuple(r.notes), stamp, report.edition.has_subtotal)


def summarise_many(paths: list[str], fallback: Path | None = None) -> list[ReportSummary]:
    """``summarise`` for a chunk of reports: the unit of work a batch sends to a worker process."""
    return [summarise(p, fallback) for p in paths]


# ------------------------------------------------------------------ the batch

@dataclass
class RuleCount:
    family: str
    title: str
    errors: int = 0
    warnings: int = 0
    reports: int = 0


class Batch:
    """The reports of one submission round, in listing order, with their summaries as they arrive."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = [Path(p) for p in paths]
        self.summaries: dict[str, ReportSummary] = {}
        self._compared: dict[tuple[str, str], tuple[Facts, Facts, list[FindingRow]]] = {}

    def add(self, summary: ReportSummary) -> None:
        self.summaries[summary.path] = summary

    def ordered(self) -> list[ReportSummary]:
        return [self.summaries[str(p)] for p in self.paths if str(p) in self.summaries]

    def apply_cross(self) -> set[str]:
        """Recompute the cross-report findings of every report; returns the paths whose findings changed.

        Called after every bundle of new summaries, so a pair already compared is not compared
        again while neither of its two reports changed (a re-read report has new ``Facts``).
        """
        pairs = consecutive_pairs([s.facts for s in self.summaries.values() if s.facts is not None])
        compared: dict[tuple[str, str], tuple[Facts, Facts, list[FindingRow]]] = {}
        found: dict[str, list[FindingRow]] = {}
        for prev, this in pairs:
            hit = self._compared.get((prev.path, this.path))
            if hit is not None and hit[0] is prev and hit[1] is this:
                rows = hit[2]
            else:
                rows = [FindingRow.of(f) for f in pair_findings(prev, this)]
            compared[(prev.path, this.path)] = (prev, this, rows)
            if rows:
                found[this.path] = rows
        self._compared = compared
        changed = set()
        for s in self.summaries.values():
            rows = found.get(s.path, [])
            if rows is not s.cross and rows != s.cross:
                s.cross = rows
                changed.add(s.path)
        return changed

    def rule_counts(self) -> list[RuleCount]:
        """How often each rule (family) is broken across the batch, most frequent first."""
        counts: dict[str, RuleCount] = {}
        reports: dict[str, set[str]] = defaultdict(set)
        for s in self.ordered():
            for f in s.all_findings():
                c = counts.setdefault(f.family, RuleCount(f.family, _family_title(f)))
                if f.severity == "error":
                    c.errors += 1
                else:
                    c.warnings += 1
                reports[f.family].add(s.path)
        for fam, c in counts.items():
            c.reports = len(reports[fam])
        return sorted(counts.values(), key=lambda c: (-(c.errors + c.warnings), c.family))

    def state_counts(self) -> Counter:
        return Counter(s.review_state for s in self.ordered() if s.ok)


_FAMILY_TITLES = {
    "T3-BAL": "表三 收支平衡（一＋二＝三（七）＋四）", "T3-ROWSUM": "表三 行合计（总计＝各类申请人之和）",
    "T3-SUBTOTAL": "表三 法人小计", "T3-RESULT": "表三 办理结果合计", "T4-SUM": "表四 总计",
    "INT": "数值类型（非负整数/金额）", "T2-19-PUB": "表二 对外公开总数量≥本年新公开",
    "T2-19-ITEMS": "表二 上一年项目数量＋增减≥0", "ED-YEAR": "报告年度与表格版本",
    "TXT-NUM": "正文数字与表格不符", "SEC": "六个部分齐全且有序", "PERIOD": "统计期限",
    "DATE": "报告日期（年度结束后、法定期限前）", "FEE-TXT": "信息处理费说明", "TITLE-YEAR": "标题年度与表格年度",
    "X-CARRY": "跨年度：上年结转＝上年度结转下年度", "X-ITEMS": "跨年度：上一年项目数量",
    "X-FORCE": "跨年度：现行有效件数",
}


def _family_title(f: FindingRow) -> str:
    return _FAMILY_TITLES.get(f.family, f.title)


# ------------------------------------------------------------------ listing, archives

def list_reports(paths: list[str | os.PathLike[str]], recursive: bool = True) -> list[Path]:
    """The report files of folders (with their subfolders), in a stable order."""
    return report_files([str(p) for p in paths], recursive)


class ArchiveError(Exception):
    """A .zip that cannot be opened as a batch; the message is Chinese."""


MAX_ARCHIVE_BYTES = 2 * 1024 ** 3


def _member_name(info: zipfile.ZipInfo) -> str:
    """Archives made on Chinese Windows store GBK names without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def extract_zip(archive: str | os.PathLike[str], dest_root: Path) -> Path:
    """Unpack the reports of a .zip into a folder of their own under `dest_root` and return it.

    The folder is named after the archive and its hash, so opening the same archive again finds
    the review files saved last time. Paths leaving the folder and non-report members are skipped.
    """
    src = Path(archive)
    try:
        digest = hashlib.sha256(src.read_bytes()).hexdigest()[:12]
        zf = zipfile.ZipFile(src)
    except (OSError, zipfile.BadZipFile) as e:
        raise ArchiveError(f"无法打开压缩包“{src.name}”：{e}") from e
    target = dest_root / f"{src.stem}-{digest}"
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_ARCHIVE_BYTES:
            raise ArchiveError(f"压缩包“{src.name}”解压后超过 2 GB，请先解压到文件夹再打开")
        for info in infos:
            name = _member_name(info)
            parts = [x for x in name.replace("\\", "/").split("/") if x not in ("", ".", "..")]
            if not parts or Path(parts[-1]).suffix.lower() not in REPORT_SUFFIXES or parts[0] == "__MACOSX":
                continue
            out = target.joinpath(*parts)
            if out.exists() and out.stat().st_size == info.file_size:
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                out.write_bytes(zf.read(info))
            except (OSError, zipfile.BadZipFile, RuntimeError) as e:
                raise ArchiveError(f"压缩包“{src.name}”中的“{name}”无法解压：{e}") from e
    if not target.exists():
        raise ArchiveError(f"压缩包“{src.name}”中没有年度报告文件")
    return target


def now_text() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M")
