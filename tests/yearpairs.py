"""Synthetic consecutive-year reports generated from the seeds, for the cross-report rules.

``make_year`` rewrites a seed's text: chosen cells get new values (written at the spans the
extractor read them from), every year in the text moves to the wanted year, and the agency can
be renamed. The result is a real report text that goes through the whole reader again.
"""
from __future__ import annotations

import re
from pathlib import Path

from core.extract import extract
from core.values import format_value
from tests.conftest import SEEDS

S001 = SEEDS / "001_0c9827e6b67986f5.txt"     # 2020, 2019 edition, 区行政审批局
S002 = SEEDS / "002_768f1a9c5528641a.txt"     # 2021, 2021 edition, 呼兰区
S003 = SEEDS / "003_5ff8cf655acdf111.txt"     # 2020, 2019 edition, 松北区船口街道
S004 = SEEDS / "004_6fea46c080299f63.txt"     # 2021, 2021 edition, 阿城区工业信息科技局


def seed_text(seed: Path) -> str:
    return seed.read_text(encoding="utf-8").replace("\r\n", "\n")


def seed_value(seed: Path, key: str):
    return extract(seed_text(seed)).value(key)


def make_year(seed: Path, year: int, values: dict[str, int] | None = None, agency: str | None = None) -> str:
    text = seed_text(seed)
    report = extract(text)
    edits = []
    for key, value in (values or {}).items():
        reading = report.cells[key].reading
        assert reading is not None and reading.span is not None, key
        edits.append((reading.span, format_value(value)))
    for (start, end), new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    old_year = report.year
    shift = year - old_year

    def move(m: re.Match) -> str:     # the report year and the next (the date it was signed) move together
        y = int(m.group(0))
        return str(y + shift) if y in (old_year, old_year + 1) else m.group(0)
    text = re.sub(r"(?<![〔\d])(?:19|20)\d{2}(?![〕\d])", move, text)
    if agency is not None:
        text = text.replace(report.agency, agency)
    return text


def balanced_carry(seed: Path, column: str, carried_forward: int) -> dict[str, int]:
    """Set 四、结转下年度[column] (and its total), moving 一、本年新收 so that T3-BAL still holds."""
    r = extract(seed_text(seed))
    out = {}
    for col in (column, "total"):
        delta = carried_forward - (r.value(f"apply.carried_forward.{column}") or 0)
        out[f"apply.carried_forward.{col}"] = (r.value(f"apply.carried_forward.{col}") or 0) + delta
        out[f"apply.new.{col}"] = (r.value(f"apply.new.{col}") or 0) + delta
    return out


def balanced_carry_over(seed: Path, column: str, carried_over: int) -> dict[str, int]:
    """Set 二、上年结转[column] (and its total), moving 四、结转下年度 with it so that T3-BAL still holds."""
    r = extract(seed_text(seed))
    out = {}
    for col in (column, "total"):
        delta = carried_over - (r.value(f"apply.carried_over.{column}") or 0)
        out[f"apply.carried_over.{col}"] = (r.value(f"apply.carried_over.{col}") or 0) + delta
        out[f"apply.carried_forward.{col}"] = (r.value(f"apply.carried_forward.{col}") or 0) + delta
    return out
