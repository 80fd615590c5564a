"""Broken, hostile and non-report files: a clear Chinese message naming the reason, never a traceback."""
from __future__ import annotations

import io
import zipfile

import pytest

from core.loader import LoadError, load
from core.readers import base
from tests.readers.conftest import doc_for
from tests.readers.fixtures import build_docx, encrypted_ooxml
from tests.readers.helpers import cli_check


def _seed_doc():
    from tests.conftest import SEED_FILES
    return doc_for(SEED_FILES[1])


def _refused(path, *words):
    with pytest.raises(LoadError) as e:
        load(path)
    msg = str(e.value)
    assert path.name in msg
    for w in words:
        assert w in msg, msg
    [line] = cli_check(path)
    assert line == {"file": str(path), "ok": False, "error": msg}
    return msg


def test_truncated_docx(tmp_path):
    data = build_docx(_seed_doc(), tmp_path / "full.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    _refused(path, "已损坏", "ZIP")


def test_docx_with_a_damaged_member(tmp_path):
    """A zip whose document.xml is not XML at all."""
    path = tmp_path / "bad.docx"
    src = build_docx(_seed_doc(), tmp_path / "full.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = b"<w:document garbage" if item.filename == "word/document.xml" else zin.read(item)
            zout.writestr(item, data)
    _refused(path, "已损坏")


def test_encrypted_docx(tmp_path):
    path = tmp_path / "locked.docx"
    path.write_bytes(encrypted_ooxml())
    _refused(path, "已加密", "密码")
    # the same file saved with an old extension goes to the converter, which says the same
    doc = tmp_path / "locked.doc"
    doc.write_bytes(encrypted_ooxml())
    _refused(doc, "已加密")


def test_xlsx_named_docx(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    path = tmp_path / "table.docx"
    wb.save(path)
    _refused(path, "Excel")


def test_zip_bomb_ratio(tmp_path):
    src = build_docx(_seed_doc(), tmp_path / "full.docx").read_bytes()
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        with zout.open("word/media/image1.png", "w") as f:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(64):
                f.write(chunk)
    assert path.stat().st_size < 1024 * 1024
    _refused(path, "压缩炸弹")


def test_zip_bomb_total_size(tmp_path, monkeypatch):
    """Members that each look sane but add up past the bound (bound lowered for the test)."""
    path = build_docx(_seed_doc(), tmp_path / "full.docx")
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(base, "MAX_UNZIPPED", total - 1)
    with pytest.raises(LoadError, match="解压后过大"):
        load(path)


def _docx_with_document_xml(tmp_path, name, xml: bytes):
    src = build_docx(_seed_doc(), tmp_path / "full.docx").read_bytes()
    path = tmp_path / name
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, xml if item.filename == "word/document.xml" else zin.read(item))
    return path


SECRET = "TOP-SECRET-MARKER-42"


def test_xxe_docx_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           '<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>').encode()
    path = _docx_with_document_xml(tmp_path, "xxe.docx", xml)
    msg = _refused(path, "DTD")
    assert SECRET not in msg


def test_python_docx_parser_does_not_resolve_entities(tmp_path):
    """Even past our DTD screen, python-docx's lxml parser leaves external entities unresolved and
    does not expand nested entities (billion laughs)."""
    from docx.oxml.parser import oxml_parser
    from lxml import etree
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    xml = (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}"><!ENTITY a "aaaaaaaaaa">'
           '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
           '<r><t>&x;</t><u>&c;</u></r>').encode()
    root = etree.fromstring(xml, oxml_parser)
    text = etree.tostring(root, encoding="unicode")
    assert SECRET not in text
    assert "a" * 100 not in text
    assert oxml_parser.resolve_entities is False if hasattr(oxml_parser, "resolve_entities") else True


def test_dtd_hidden_after_padding_is_refused(tmp_path):
    xml = ('<?xml version="1.0"?><!--' + "x" * 20000 + '--><!DOCTYPE w:document [<!ENTITY x "y">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
    path = _docx_with_document_xml(tmp_path, "pad.docx", xml.encode())
    _refused(path, "DTD")


def test_docx_named_file_that_is_text(tmp_path):
    path = tmp_path / "x.docx"
    path.write_text("二、主动公开政府信息情况", encoding="utf-8")
    _refused(path, "不是有效的 Word 文档")


def test_old_doc_named_docx(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    _refused(path, ".doc")


def test_reader_errors_are_load_errors_not_tracebacks(tmp_path):
    """Random bytes under every reader's suffix."""
    import os
    for suffix in (".docx", ".pdf", ".html", ".doc", ".wps", ".rtf"):
        path = tmp_path / ("junk" + suffix)
        path.write_bytes(os.urandom(3000))
        with pytest.raises(LoadError):
            load(path)


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf"])
def test_damaged_bytes_never_escape_as_a_generic_error(tmp_path, fmt):
    """Random byte damage: either read, or refused with the reader's own reason (never the
    loader's catch-all '格式无法识别' with a Python exception name)."""
    import random
    from tests.readers.fixtures import build_html, build_pdf
    doc = _seed_doc()
    data = {"docx": lambda: build_docx(doc, tmp_path / "s.docx").read_bytes(),
            "html": lambda: build_html(doc, "gbk"),
            "pdf": lambda: build_pdf(doc)}[fmt]()
    rnd = random.Random(7)
    path = tmp_path / ("fuzz." + fmt)
    for _ in range(25):
        damaged = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        path.write_bytes(bytes(damaged))
        try:
            load(path)
        except LoadError as e:
            assert "格式无法识别" not in str(e), str(e)


def test_html_with_a_few_damaged_bytes_is_still_read(tmp_path):
    from tests.readers.fixtures import build_html
    from tests.readers.helpers import assert_matches_expected
    doc = _seed_doc()
    data = bytearray(build_html(doc, "gbk"))
    i = data.index("一、总体情况".encode("gbk"))
    data[i + 1] = 0xFF          # break one character in the prose
    path = tmp_path / "r.html"
    path.write_bytes(bytes(data))
    report = load(path)
    assert "无法解码" in report.source_format and any("编码有误" in n for n in report.notes)
    report.notes = []
    assert_matches_expected(report, doc.expected)


def test_deeply_nested_html_is_read(tmp_path):
    from tests.readers.fixtures import build_html
    from tests.readers.helpers import assert_matches_expected
    doc = _seed_doc()
    page = build_html(doc, "utf-8").decode("utf-8")
    page = page.replace('<div class="content">', '<div class="content">' + "<div><span>" * 5000, 1)
    path = tmp_path / "deep.html"
    path.write_text(page, encoding="utf-8")
    assert_matches_expected(load(path), doc.expected)


def test_hostile_spans_are_bounded(tmp_path):
    """gridSpan / colspan values in the millions do not build huge grids."""
    from bs4 import BeautifulSoup
    from core.readers import html_reader
    g = html_reader.table_grid(BeautifulSoup('<table><tr><td colspan="9999999" rowspan="9999999">x</td></tr>'
                                             '<tr><td>1</td></tr></table>', "lxml").table)
    assert g.n_cols <= 201 and g.n_rows == 2
    import docx
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "x"
    from docx.oxml.ns import qn
    from docx.oxml import OxmlElement
    tcpr = t.cell(0, 0)._tc.get_or_add_tcPr()
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), "50000000")
    tcpr.append(span)
    path = tmp_path / "span.docx"
    d.save(str(path))
    from core.readers import docx_reader
    grid = next(b for b in docx_reader.document_blocks(path, path.read_bytes()) if hasattr(b, "cells"))
    assert grid.n_cols <= 202
