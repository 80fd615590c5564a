"""From what the recogniser saw in a cell to the cell's text and the doubt that goes with it.

A value cell is read twice: once in the page's own text lines, once alone on its crop. The
reading is certain only when both agree, the recogniser is confident, no letter had to be turned
into a digit, the ink in the cell matches what was read (a mark where nothing was read is a
doubt, and so is a reading where there is no ink), and no seal lies across the cell. Every other
case keeps its value but says why it needs a look; nothing is silently repaired.

The thresholds were calibrated on degraded scans made in the tests (bench/calibrate_ocr.py):
every misreading seen there falls below ``MIN_CONFIDENCE`` or is caught by one of the checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MIN_CONFIDENCE = 0.90          # below: uncertain (see bench/calibrate_ocr.py)
SEAL_SHARE = 0.04              # share of a cell's area under red ink that makes it "covered"

# letters OCR gives for digits, and what they stand for in a number cell
_LOOKALIKES = {"O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "l": "1", "I": "1", "|": "1",
               "i": "1", "!": "1", "丨": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
               "g": "9", "q": "9", "b": "6", "G": "6", "T": "7"}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，／－", "0123456789.,/-")
_NA_TEXTS = {"/", "-", "—", "——", "–", "\\", "一", "无", "不适用", "×", "x", "X"}
_NA_CANON = {"一": "—", "x": "×", "X": "×"}
_DIGITISH = re.compile(r"^[0-9OoDQ〇lIi|!丨SsBZzgqbGT.,]+$")


@dataclass(frozen=True)
class CellText:
    """A value cell's text as the report will read it, and the doubt about it (None: certain)."""

    text: str
    doubt: str | None = None


def as_value_text(raw: str) -> CellText | None:
    """The OCR text of a cell as a value text, or None when it is a label (not a number or mark).

    Look-alike letters inside a run of digits become digits, with the repair named in the doubt;
    a stray dot or comma is dropped and named likewise.
    """
    t = raw.translate(_FULLWIDTH).replace(" ", "").strip()
    if not t:
        return CellText("")
    if t in _NA_TEXTS:
        canon = _NA_CANON.get(t, t)
        doubt = f"识别结果“{raw}”按“不适用”标记读取，请核对" if t in _NA_CANON else None
        return CellText(canon, doubt)
    sign = ""
    if t[0] in "+-" and len(t) > 1:
        sign, t = ("-" if t[0] == "-" else ""), t[1:]
    if not _DIGITISH.match(t):
        return None
    if not any(c.isdigit() for c in t) and len(t) > 1:
        return None
    fixed = "".join(_LOOKALIKES.get(c, c) for c in t)
    doubts = []
    if fixed != t:
        doubts.append(f"识别结果“{raw}”中的字母已按形近数字纠正为“{sign}{fixed}”")
    core = fixed.strip(".,")
    if core != fixed:
        doubts.append(f"识别结果“{raw}”首尾有多余的点或逗号，已去掉")
    if "," in core:
        doubts.append(f"识别结果“{raw}”含逗号，请核对")
        core = core.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", core) else core.replace(",", ".")
    if "." in core:
        if core.count(".") > 1:
            return CellText(sign + core, f"识别结果“{raw}”含多个点，无法读成数字，请核对")
        doubts.append(f"识别结果“{raw}”含小数点，请核对是否为污点")
    if not core or not any(c.isdigit() for c in core):
        return None
    stripped = core
    return CellText(sign + stripped, "；".join(dict.fromkeys(doubts)) or None)


def cell_doubt(page_text: str, crop_text: str | None, confidence: float, has_ink: bool,
               sealed: bool) -> list[str]:
    """The reasons a value cell's reading is not certain (empty: certain)."""
    why: list[str] = []
    if sealed:
        why.append("公章覆盖此格")
    if not page_text and has_ink:
        why.append("格内有笔迹，但未识别出内容")
    if page_text and not has_ink:
        why.append(f"识别出“{page_text}”，但格内几乎没有笔迹")
    if page_text and confidence < MIN_CONFIDENCE:
        why.append(f"识别置信度低（{confidence:.2f}）")
    if crop_text is not None and crop_text != page_text:
        why.append(f"两次识别结果不一致（整页“{page_text or '空白'}”，单格“{crop_text or '空白'}”）")
    return why
