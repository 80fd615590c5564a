"""Cell values: blank, not-applicable and numbers stay three different things.

A blank cell is ``None``. A cell holding an explicit not-applicable mark is ``NA`` (the mark the
report used is kept in the raw text). Numbers are ``int`` or ``Decimal`` (never float, so that
2387.47225 万元 survives a round trip exactly).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from typing import Union

from core.editions import Kind


class _NotApplicable:
    """Singleton for "/" (not applicable). Falsy in no context: compare with ``is NA``."""

    _instance: "_NotApplicable | None" = None

    def __new__(cls) -> "_NotApplicable":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __reduce__(self) -> str:
        return "NA"


NA = _NotApplicable()
Number = Union[int, Decimal]
Value = Union[None, _NotApplicable, int, Decimal]

NA_MARKS = frozenset({"/", "／", "-", "－", "—", "——", "–", "―", "无", "不适用", "\\", "＼", "×"})

# Full-width digits and signs as OCR and Word produce them.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，＋－−﹣", "0123456789.,+---")
_SPACES = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
_NUMBER = re.compile(
    r"^(?P<sign>[+-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?P<unit>万元|万|元|件|个|项|条|次|人次|宗)?$"
)
_SEPARATED = re.compile(r"\d[\s\u3000\u00a0]+[+\-]?\d")
UNIT_FACTORS = {"元": Decimal(1), "万": Decimal(10000), "万元": Decimal(10000)}


@dataclass(frozen=True)
class Parsed:
    """A cell text read as a value, with what was noticed on the way."""

    value: Value
    unit: str | None = None          # the unit written in the cell, if any
    note: str | None = None          # a remark on the reading (e.g. a unit conversion)
    doubt: str | None = None         # why the reading is not certain (e.g. OCR look-alikes)


def normalise(text: str) -> str:
    """Digits and signs to ASCII, all spaces removed: the form a value is matched in."""
    return _SPACES.sub("", text.translate(_FULLWIDTH))


@lru_cache(maxsize=8192)
def parse_value(text: str, kind: Kind | None = None, unit: str | None = None) -> Parsed | None:
    """Read one cell's text. Returns None when the text is not a cell value at all (a label).

    Cached: report cells repeat the same few texts ("", "0", "1") hundreds of times.
    """
    if _SEPARATED.search(text.strip().translate(_FULLWIDTH)):
        return None  # "0 3 0": several cells, not one number
    t = normalise(text)
    if not t:
        return Parsed(None)
    if t in NA_MARKS:
        return Parsed(NA)
    m = _NUMBER.match(t)
    if not m:
        return _ocr_lookalike(t)
    digits = m["int"].replace(",", "")
    try:
        number = Decimal(digits + ("." + m["frac"] if m["frac"] else ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return None
    if m["sign"] == "-":
        number = -number
    written_unit = m["unit"]
    note = None
    if written_unit in UNIT_FACTORS:
        target = unit or "元"
        number = number * UNIT_FACTORS[written_unit] / UNIT_FACTORS[target]
        if written_unit != target:
            note = f"原文“{text.strip()}”已按{target}换算"
    return Parsed(as_number(number), written_unit, note)


_OCR_DIGITS = str.maketrans("OoIl", "0011")


def _ocr_lookalike(t: str) -> Parsed | None:
    """"1O" or "l2": letters OCR reads for digits. Read them, but never as certain."""
    if len(t) > 8 or not re.fullmatch(r"[0-9OoIl]*[0-9][0-9OoIl]*|[Oo]", t):
        return None
    fixed = t.translate(_OCR_DIGITS)
    return Parsed(int(fixed), None, None, f"原文为“{t}”，疑似文字识别把字母当作数字，按 {int(fixed)} 读取")


def as_number(d: Decimal) -> Number:
    """Whole numbers as int, others as a normalised Decimal."""
    if d == d.to_integral_value():
        return int(d)
    return d.normalize()


def is_number(v: Value) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


def format_value(v: Value) -> str:
    """How a value is shown in the grid and the text summary."""
    if v is None:
        return ""
    if v is NA:
        return "/"
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def to_json(v: Value) -> object:
    if v is NA:
        return "/"
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def from_json(obj: object) -> Value:
    if obj is None:
        return None
    if obj == "/":
        return NA
    if isinstance(obj, bool):
        raise ValueError(f"不是数值：{obj!r}")
    if isinstance(obj, int):
        return obj
    if isinstance(obj, (float, str)):
        return as_number(Decimal(str(obj)))
    raise ValueError(f"不是数值：{obj!r}")


class ValueRejected(ValueError):
    """A typed value that the cell cannot hold; the message is Chinese and shown to the auditor."""


def parse_typed(text: str, kind: Kind, unit: str | None = None) -> Value:
    """Read what an auditor typed or pasted into a cell; refuse what the cell cannot hold."""
    parsed = parse_value(text, kind, unit)
    if parsed is None:
        raise ValueRejected(f"“{text.strip()}”不是数字；可输入数字、“/”（不适用）或留空")
    v = parsed.value
    if is_number(v):
        if kind in (Kind.COUNT, Kind.SIGNED) and isinstance(v, Decimal):
            raise ValueRejected(f"“{text.strip()}”不是整数：此格是件数，只能填整数")
        if kind in (Kind.COUNT, Kind.AMOUNT) and v < 0:
            raise ValueRejected(f"“{text.strip()}”是负数：此格不能为负")
    return v
