"""Opening a report file of any supported format into the report model.

One entry point for the CLI and the GUI. Each format has a reader module in ``core.readers``
exposing ``read(path, data) -> Report``; plain text goes straight to the text extractor. Every
failure becomes a ``LoadError`` whose Chinese message names the file and the reason: callers show
it and carry on, nothing here ever lets a traceback reach the auditor.
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path

from core.extract import ExtractionError, extract
from core.model import Report
from core.textio import DecodeError, decode

MAX_BYTES = 200 * 1024 * 1024

# suffix -> reader module in core.readers
READERS = {
    ".docx": "docx_reader", ".docm": "docx_reader",
    ".doc": "office_convert", ".wps": "office_convert", ".rtf": "office_convert",
    ".html": "html_reader", ".htm": "html_reader", ".shtml": "html_reader", ".mhtml": "html_reader",
    ".mht": "html_reader",
    ".pdf": "pdf_reader",
    ".xlsx": "xlsx_reader",
    ".png": "scan_reader", ".jpg": "scan_reader", ".jpeg": "scan_reader", ".tif": "scan_reader",
    ".tiff": "scan_reader", ".bmp": "scan_reader",
}
TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv", ".md", ""}
REPORT_SUFFIXES = set(READERS) | TEXT_SUFFIXES - {""}


class LoadError(Exception):
    """A file that cannot be opened as a report. ``str(err)`` is the full Chinese message."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"无法打开“{Path(path).name}”：{reason}")


class Cancelled(LoadError):
    """The auditor cancelled the load (a progress callback raised). Catch it before LoadError.

    It is a LoadError so that every caller that handles load failures handles it too.
    """

    def __init__(self, path: str | os.PathLike[str] = "", reason: str = "已取消读取") -> None:
        super().__init__(path or "文件", reason)


def _sniff(data: bytes) -> str | None:
    """Format by content, for files whose suffix lies or is missing."""
    from core.scan.images import image_kind
    if image_kind(data):
        return "scan_reader"
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf_reader"
    if head.startswith(b"PK\x03\x04"):
        return "docx_reader"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "office_convert"
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<table" in data[:200000].lower() and b"<td" in data[:200000].lower():
        return "html_reader"
    return None


_MAGIC = ((b"GIF8", "GIF 图片"), (b"BM", None), (b"\x7fELF", "程序文件"), (b"MZ", None), (b"Rar!", "RAR 压缩包"),
          (b"7z\xbc\xaf", "7z 压缩包"), (b"\x1f\x8b", "gzip 压缩包"))


def _binary_kind(data: bytes) -> str | None:
    """Name common non-document files, so the message says what the auditor actually opened."""
    for magic, name in _MAGIC:
        if name and data.startswith(magic):
            return name
    return None


def report_progress(progress: Callable[[int, int], None] | None, done: int, total: int,
                    path: str | os.PathLike[str] = "") -> None:
    """Call the progress callback; it may raise to stop the load.

    Whatever it raises comes out as ``Cancelled`` (the original exception chained as its cause),
    which ``load`` lets through unchanged: a cancel is never reported as a damaged file.
    """
    if progress is None:
        return
    try:
        progress(done, total)
    except Cancelled:
        raise
    except Exception as e:
        raise Cancelled(path) from e


def read_text_report(path: str | os.PathLike[str], data: bytes,
                     progress: Callable[[int, int], None] | None = None) -> Report:
    report_progress(progress, 0, 3, path)
    try:
        text, encoding = decode(data)
    except DecodeError as e:
        raise LoadError(path, str(e)) from e
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    report_progress(progress, 1, 3, path)
    try:
        report = extract(text, str(path))
    except ExtractionError as e:
        raise LoadError(path, str(e)) from e
    report.source_format = f"text ({encoding})"
    report_progress(progress, 3, 3, path)
    return report


def load(path: str | os.PathLike[str], progress: Callable[[int, int], None] | None = None) -> Report:
    """Open one report file. Raises LoadError with a Chinese message on any failure."""
    p = Path(path)
    try:
        if not p.exists():
            raise LoadError(p, "文件不存在")
        if p.is_dir():
            raise LoadError(p, "这是文件夹，不是文件")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise LoadError(p, f"文件过大（{size // (1024 * 1024)} MB），超过 {MAX_BYTES // (1024 * 1024)} MB 上限")
        data = p.read_bytes()
    except PermissionError as e:
        raise LoadError(p, "没有读取权限") from e
    except OSError as e:
        raise LoadError(p, f"读取失败（{e.strerror or e}）") from e
    if not data:
        raise LoadError(p, "文件为空")
    module = READERS.get(p.suffix.lower()) or _sniff(data)
    kind = _binary_kind(data)
    if kind and module != "scan_reader":
        raise LoadError(p, f"这是{kind}，不是报告文本，也不是 Word/HTML/PDF 文档或扫描图片")
    if module is None:
        return read_text_report(p, data, progress)
    try:
        reader = importlib.import_module(f"core.readers.{module}")
    except ImportError as e:
        raise LoadError(p, f"暂不支持此格式（{p.suffix or module}）：{e}") from e
    try:
        if progress is not None and "progress" in reader.read.__code__.co_varnames:
            return reader.read(p, data, progress=progress)
        return reader.read(p, data)
    except LoadError:
        raise
    except ExtractionError as e:
        raise LoadError(p, str(e)) from e
    except Exception as e:  # a reader bug or a file no library can read: never a traceback
        raise LoadError(p, f"文件已损坏或格式无法识别（{type(e).__name__}: {e}）") from e


def report_files(paths: list[str], recursive: bool = False) -> list[Path]:
    """Expand folders into their report files, in a stable order; plain files stay as given."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = p.rglob("*") if recursive else p.iterdir()
            out += sorted(f for f in found if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES
                          and not f.name.endswith(".review.json"))
        else:
            out.append(p)
    return out
