"""What both exports share: safe writing, Chinese error messages, counts, names and text hygiene.

No Qt here. Every export writes its bytes to a temporary file beside the target and renames it
over the target (``core.review.write_atomic``), so a failure never leaves a half-written file nor
destroys an existing one. Every failure to write becomes an ``ExportError`` whose message is
Chinese and says what the auditor can do about it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.model import Report
from core.review import ReviewSession, VERDICT_LABELS, finding_key, sha256_of, write_atomic
from core.rules import Checker, Finding, Status
from core.values import NA, Value, format_value

APP_NAME = "政府信息公开工作年度报告 校对工具"


class ExportError(Exception):
    """An export that could not be written; ``str(err)`` is the full Chinese message."""


@dataclass
class ExportResult:
    path: Path
    errors_left: int           # errors without an auditor's verdict, at export time
    warnings: int
    format: str                # 'xlsx' / 'docx' / 'docx-inplace' / 'summary'


# ------------------------------------------------------------------ writing

def write_output(path: str | os.PathLike[str], data: bytes, source: str | os.PathLike[str] | None = None) -> Path:
    """Write an export atomically; raise ExportError (Chinese) on any failure, changing nothing."""
    p = Path(path)
    name = p.name
    if source is not None:
        try:
            if Path(source).resolve() == p.resolve():
                raise ExportError(f"不能导出到“{name}”：这是原始报告文件本身，原文件不会被覆盖。请另选文件名。")
        except OSError:
            pass
    if p.is_dir():
        raise ExportError(f"不能导出到“{name}”：这是一个文件夹，请输入文件名。")
    if not p.parent.exists():
        raise ExportError(f"不能导出到“{name}”：文件夹“{p.parent}”不存在。")
    try:
        write_atomic(p, data)
    except PermissionError as e:
        raise ExportError(
            f"无法写入“{name}”：该文件可能正在被其他程序（如 Excel、WPS、Word）打开，"
            f"或没有写入该文件夹的权限。请关闭该文件后重试，或另选保存位置。原有文件未被改动。") from e
    except OSError as e:
        reason = e.strerror or str(e)
        raise ExportError(f"无法写入“{name}”（{reason}）。请检查磁盘空间和保存位置后重试。原有文件未被改动。") from e
    return p


# ------------------------------------------------------------------ counts

def unresolved_errors(checker: Checker, session: ReviewSession | None = None) -> list[Finding]:
    """Errors the auditor has not given a verdict on: what the export confirmation counts."""
    out = []
    for f in checker.errors():
        if session is not None and finding_key(f.rule.id, f.rule.cells) in session.verdicts:
            continue
        out.append(f)
    return out


def counts(checker: Checker) -> tuple[int, int, int]:
    """(errors, warnings, uncertain cells) of a report as it stands."""
    probs = checker.problems()
    errors = sum(1 for f in probs if f.status is Status.ERROR)
    return errors, len(probs) - errors, len(checker.report.uncertain_keys())


def verdict_of(f: Finding, session: ReviewSession | None):
    if session is None:
        return None
    return session.verdicts.get(finding_key(f.rule.id, f.rule.cells))


def verdict_label(v) -> str:
    return VERDICT_LABELS.get(v.verdict, v.verdict) if v is not None else ""


# ------------------------------------------------------------------ names and texts

def report_title(report: Report) -> str:
    """"<agency><year>年政府信息公开工作年度报告"."""
    year = f"{report.year}年" if report.year else ""
    return f"{report.agency or ''}{year}政府信息公开工作年度报告"


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def suggested_name(report: Report, suffix: str) -> str:
    """"<agency><year>年报_校对.xlsx": a file name proposed in the save dialog."""
    stem = f"{report.agency or ''}{report.year or ''}年报_校对"
    if stem == "年报_校对" and report.source_path:
        stem = Path(report.source_path).stem + "_校对"
    stem = _UNSAFE_NAME.sub("_", stem).strip(" .") or "年报_校对"
    return stem + suffix


def source_info(report: Report) -> tuple[str, str]:
    """(source file name, its SHA-256) — the hash is computed now, from the file on disk."""
    if not report.source_path:
        return "", ""
    p = Path(report.source_path)
    try:
        digest = sha256_of(p)
    except OSError:
        digest = "（导出时无法读取原文件）"
    return p.name, digest


def read_method(report: Report) -> str:
    """How the values were obtained, for the reader of an export: OCR'd pages are named."""
    ocr = [p.number for p in report.pages if p.ocr]
    if not ocr:
        return "从文件的文字内容读取"
    pages = "、".join(str(n) for n in ocr)
    whole = "扫描件" if len(ocr) == len(report.pages) else f"第{pages}页为扫描页"
    return (f"{whole}，第{pages}页经文字识别（OCR）读取；识别不确定的格已标为待核对，"
            "批注中有识别结果和置信度")


def now_text() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")


def value_text(v: Value) -> str:
    """A value as shown in a document cell: blank stays empty, "/" stays "/"."""
    return format_value(v)


def shown(v: Value) -> str:
    """A value in a message or list: blank is named, not left empty."""
    return "空白" if v is None else ("/" if v is NA else format_value(v))


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(s: str) -> str:
    """Remove characters XML (and so xlsx/docx) cannot hold."""
    return _ILLEGAL_XML.sub("", s)
