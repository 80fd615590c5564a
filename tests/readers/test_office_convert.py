"""Old Word/WPS/RTF files through LibreOffice; a clear message when LibreOffice is missing."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from core.loader import LoadError, load
from core.readers import office_convert
from tests.readers.conftest import doc_for
from tests.readers.fixtures import build_docx
from tests.readers.helpers import assert_matches_expected, cli_check

needs_soffice = pytest.mark.skipif(office_convert.soffice() is None, reason="LibreOffice not installed")


def _seeds():
    from tests.conftest import SEED_FILES
    return SEED_FILES


def _convert(src, fmt, outdir):
    profile = (outdir / "profile").as_uri()
    subprocess.run([office_convert.soffice(), f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", fmt, "--outdir", str(outdir), str(src)], check=True, capture_output=True,
                   timeout=180)
    return outdir / (src.stem + "." + fmt.split(":")[0])


@needs_soffice
@pytest.mark.parametrize("fmt,suffix", [("doc", ".doc"), ("rtf", ".rtf"), ("doc", ".wps")])
def test_old_formats_convert_and_read_exactly(tmp_path, fmt, suffix):
    doc = doc_for(_seeds()[4] if suffix != ".doc" else _seeds()[0])
    src = build_docx(doc, tmp_path / "report.docx")
    converted = _convert(src, fmt, tmp_path)
    path = converted.with_suffix(suffix)
    converted.rename(path)
    report = load(path)
    assert "LibreOffice" in report.source_format
    assert report.source_path == str(path)
    assert_matches_expected(report, doc.expected)


def test_no_libreoffice_message(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    with pytest.raises(LoadError) as e:
        load(path)
    assert "LibreOffice" in str(e.value) and "另存为 .docx" in str(e.value)
    rtf = tmp_path / "report.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi hello}")
    with pytest.raises(LoadError, match="LibreOffice"):
        load(rtf)


def test_no_libreoffice_message_through_cli(tmp_path):
    """The CLI runs in its own process: hide soffice by emptying PATH."""
    import json
    import os
    import sys
    from tests.readers.helpers import ROOT
    path = tmp_path / "report.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    env = dict(os.environ, PATH=str(tmp_path))
    proc = subprocess.run([sys.executable, str(ROOT / "app.py"), "check", str(path), "--json"], env=env,
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    line = json.loads(proc.stdout)
    assert line["ok"] is False and "LibreOffice" in line["error"] and "WPS" in line["error"]
    assert proc.returncode == 2


def test_docx_bytes_under_doc_name_read_directly(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    doc = doc_for(_seeds()[2])
    path = tmp_path / "report.doc"
    path.write_bytes(build_docx(doc, tmp_path / "r.docx").read_bytes())
    assert_matches_expected(load(path), doc.expected)


@needs_soffice
def test_damaged_doc_gives_conversion_message(tmp_path):
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 5000)
    with pytest.raises(LoadError) as e:
        load(path)
    [line] = cli_check(path)
    assert line["ok"] is False and line["error"] == str(e.value)


def _a_doc(tmp_path):
    doc = doc_for(_seeds()[1])
    src = build_docx(doc, tmp_path / "report.docx")
    return _convert(src, "doc", tmp_path)


@needs_soffice
def test_conversion_can_be_cancelled_and_times_out(tmp_path, monkeypatch):
    from core.readers.base import Cancelled
    path = _a_doc(tmp_path)
    seen = []

    def cancel(done, total):
        seen.append(done)
        if done == 1:
            raise Cancelled(path)
    with pytest.raises(Cancelled):
        load(path, progress=cancel)
    assert seen[:2] == [0, 1]
    monkeypatch.setattr(office_convert, "TIMEOUT", 0)
    with pytest.raises(LoadError, match="转换超时"):
        load(path)


def test_web_page_and_text_saved_as_doc(tmp_path, monkeypatch):
    """A CMS 'Word' download that is really an HTML page, or plain text, under a .doc name."""
    from tests.readers.fixtures import build_html
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    doc = doc_for(_seeds()[3])
    path = tmp_path / "report.doc"
    path.write_bytes(build_html(doc, "gb2312"))
    report = load(path)
    assert report.source_format.startswith("html")
    assert_matches_expected(report, doc.expected)
    text = tmp_path / "report2.doc"
    text.write_bytes(_seeds()[3].read_bytes())
    report = load(text)
    assert report.source_format.startswith("text")
    assert_matches_expected(report, doc.expected)
