"""Old Word (.doc), WPS (.wps) and RTF files: converted to .docx by LibreOffice, then read as DOCX.

LibreOffice runs headless in a temporary folder with its own throw-away user profile (so it
neither clashes with a LibreOffice the auditor has open nor leaves anything behind), with a time
limit. Without LibreOffice the message says what to install or how to save the file as .docx.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from core.loader import LoadError
from core.model import Report
from core.readers import docx_reader
from core.readers.base import Progress, is_ole2, ole2_is_encrypted_ooxml, report_progress

TIMEOUT = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _kind(path: Path, data: bytes) -> str:
    if data.lstrip()[:5] == b"{\\rtf":
        return "RTF"
    suffix = path.suffix.lower()
    return {".wps": "WPS", ".rtf": "RTF"}.get(suffix, "Word 97-2003（.doc）")


def read(path: Path, data: bytes, progress: Progress = None) -> Report:
    if ole2_is_encrypted_ooxml(data):
        raise LoadError(path, "文件已加密（设置了打开密码），请先在 Word/WPS 中取消密码、另存为 .docx 后再导入")
    if data.startswith(b"PK\x03\x04"):  # a .docx under an old name
        return docx_reader.read(path, data, progress)
    kind = _kind(path, data)
    is_rtf = data.lstrip()[:5] == b"{\\rtf"
    if not (is_ole2(data) or is_rtf):
        # portals often serve a web page or plain text under a .doc name ("另存为网页" exports)
        head = data[:4096].lower()
        if b"<html" in head or b"<!doctype html" in head or b"<table" in head or b"mime-version" in head:
            from core.readers import html_reader
            return html_reader.read(path, data, progress)
        from core.loader import read_text_report
        try:
            report = read_text_report(path, data)
        except LoadError:
            raise LoadError(path, f"不是有效的 {kind} 文件（文件头不符），可能已损坏或扩展名有误") from None
        report.source_format += f"，扩展名为{path.suffix}"
        return report
    exe = soffice()
    if exe is None:
        raise LoadError(path, f"读取 {kind} 文件需要 LibreOffice（未找到 soffice 程序）。请安装 LibreOffice，"
                              "或在 Word/WPS 中把文件另存为 .docx 后再导入")
    report_progress(progress, 0, 4, path)
    with tempfile.TemporaryDirectory(prefix="report-convert-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / ("input" + (path.suffix.lower() or ".doc"))
        src.write_bytes(data)
        outdir = tmpdir / "out"
        outdir.mkdir()
        cmd = [exe, f"-env:UserInstallation={(tmpdir / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", "--nologo", "--convert-to", "docx", "--outdir", str(outdir), str(src)]
        errlog = tmpdir / "stderr.txt"
        with open(errlog, "wb") as errf:
            try:
                proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf, stdin=subprocess.DEVNULL,
                                        start_new_session=True, cwd=tmp)
            except OSError as e:
                raise LoadError(path, f"无法启动 LibreOffice（{e}）") from e
            deadline = time.monotonic() + TIMEOUT
            try:
                while True:
                    try:
                        proc.wait(timeout=0.25)
                        break
                    except subprocess.TimeoutExpired:
                        if time.monotonic() > deadline:
                            raise LoadError(path, f"LibreOffice 转换超时（超过 {TIMEOUT} 秒），文件可能过大、已损坏或设有密码") \
                                from None
                        report_progress(progress, 1, 4, path)   # lets the GUI cancel a long conversion
            except BaseException:
                _kill(proc)
                raise
        err = errlog.read_bytes()
        report_progress(progress, 2, 4, path)
        out = outdir / "input.docx"
        if not out.exists():
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise LoadError(path, f"LibreOffice 无法转换此 {kind} 文件（可能已损坏或设有密码）"
                                  + (f"：{detail[0]}" if detail else ""))
        converted = out.read_bytes()
    report = docx_reader.read(path, converted, source_format=f"{path.suffix.lower().lstrip('.') or 'doc'}"
                                                             "（经 LibreOffice 转换）")
    report_progress(progress, 4, 4, path)
    return report


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.wait()
