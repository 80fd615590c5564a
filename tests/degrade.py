"""Damage that portal copies, crawls and foreign OCR do to report text, for tests and benchmarks.

Each function takes the text and a ``random.Random`` (for the random kinds of damage) and
returns the damaged text. Degraded data is generated from the seeds, never hand-fitted.
"""
from __future__ import annotations

import random
import re

from core.editions import EDITIONS


def no_line_breaks(text: str, rnd: random.Random) -> str:
    """All line breaks gone (a page copied as one line)."""
    return text.replace("\r", "").replace("\n", "")


def no_whitespace(text: str, rnd: random.Random) -> str:
    """All whitespace gone: the numbers of adjacent cells run together."""
    return re.sub(r"[\s\u3000\u00a0]+", "", text)


def dropped_separators(text: str, rnd: random.Random) -> str:
    """Every whitespace run inside the tables dropped with probability one half."""
    start = text.find("第二十条")
    return text[:start] + re.sub(r"[ \t\n\u3000]+", lambda m: "" if rnd.random() < 0.5 else m.group(0),
                                 text[start:])


def _label_texts() -> list[str]:
    """Row and column labels of both editions, longest first."""
    labels = {r.label.split("（区分")[0] for ed in EDITIONS.values() for t in ed.tables for r in t.rows}
    labels |= {"本年度办理结果", "社会公益组织", "法律服务机构", "本年新制作数量", "本年制发件数", "上年结转政府信息公开申请数量"}
    return sorted((x for x in labels if len(x) >= 4), key=lambda x: (-len(x), x))


def labels_split(sep: str):
    """Every label broken in two at a random place by `sep` ("本年度办 理结果")."""
    def damage(text: str, rnd: random.Random) -> str:
        for label in _label_texts():
            cut = rnd.randint(2, len(label) - 1)
            text = text.replace(label, label[:cut] + sep + label[cut:])
        return text
    damage.__name__ = "labels_split_by_" + ("space" if sep == " " else "line_break")
    return damage


def browser_copy(piped: str) -> str:
    """A table copied from a web page: a row per line, tabs between its cells (blank cells
    empty), from text in the synthetic "pipes" layout (``tests.synth``)."""
    return "\n".join("\t".join(ln[2:-2].split(" | ")) if ln.startswith("| ") else ln
                     for ln in piped.splitlines()) + "\n"


def crawl_copy(piped: str) -> str:
    """A crawler's text of a web page's tables: each cell on a line of its own, a blank cell an
    empty line, from text in the synthetic "pipes" layout (``tests.synth``)."""
    lines: list[str] = []
    for ln in piped.splitlines():
        lines.extend(ln[2:-2].split(" | ") if ln.startswith("| ") else [ln])
    return "\n".join(lines) + "\n"


NARRATIVE = ("本机关全年主动公开规章2件、规范性文件15件，公开行政许可信息1200条、行政处罚信息35条、行政强制信息3条。"
             "本年新收政府信息公开申请13件，上年结转2件，予以公开8件，部分公开1件，不予公开2件，"
             "结转下年度继续办理1件。全年未发生行政复议和行政诉讼案件。")


def with_narrative(text: str, rnd: random.Random) -> str:
    """The tables' row names also in the narrative, before table 二 and after table 四, as
    overview sections say them ("本年新收政府信息公开申请13件")."""
    i = text.find("二、主动公开")
    text = text[:i] + NARRATIVE + "\n" + text[i:]
    j = text.rfind("五、")
    return text[:j] + NARRATIVE + "\n" + text[j:]


VARIANTS = [no_line_breaks, no_whitespace, dropped_separators, labels_split(" "), labels_split("\n")]
