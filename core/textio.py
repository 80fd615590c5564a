"""Turning the bytes of a text file into text: any Chinese encoding, never mojibake.

Order of trust: a byte-order mark; strict UTF-8 (most files); then charset-normalizer, whose
guess must decode the whole file strictly. GBK and GB2312 guesses are read as GB18030, their
superset, so rare characters survive. Binary files are refused rather than decoded into noise.
"""
from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHINESE_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "hz": "gb18030", "cp936": "gb18030"}


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can trust; the message is Chinese."""


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte is NUL for ASCII-heavy text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read in."""
    if not data:
        raise DecodeError("文件为空")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise DecodeError(f"文件以 {enc} 标记开头，但内容无法按该编码读取（第{e.start}字节）") from e
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8000]:
        # UTF-16 without a BOM has NULs too; anything else with NULs is binary.
        for enc in filter(None, (_looks_utf16(data[:4000]), "utf-16-le", "utf-16-be")):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _plausible(text):
                return text, enc
        raise DecodeError("这是二进制文件，不是文本")
    for enc in ("gb18030",):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text, enc
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        enc = _CHINESE_SUPERSETS.get(best.encoding.lower().replace("_", ""), best.encoding)
        try:
            text = data.decode(enc)
            if _mostly_text(text):
                return text, enc
        except (UnicodeDecodeError, LookupError):
            pass
    raise DecodeError("无法识别文件的文字编码（不是 UTF-8、UTF-16 或 GB18030/GBK 文本）")


def _plausible(text: str) -> bool:
    """Text made of Chinese, ASCII and their punctuation, as a report is."""
    sample = text[:20000]
    if not sample:
        return False
    good = sum(1 for ch in sample if ch.isascii() and (ch.isprintable() or ch in "\t\r\n")
               or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or "\uffe0" <= ch <= "\uffe6"
               or "\u2000" <= ch <= "\u206f")
    return good >= len(sample) * 0.9


def _mostly_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return bad <= len(text) * 0.01 and _plausible(text)
