"""PDFs with a text layer (tables drawn as ruled grids, split across pages) read exactly."""
from __future__ import annotations

import pytest

from core.loader import LoadError, load
from core.readers import pdf_reader
from core.readers.base import Cancelled
from tests.readers.conftest import doc_for
from tests.readers.fixtures import SeedDoc, build_pdf, image_only_pdf
from tests.readers.helpers import assert_matches_expected, cli_check

_PDF_CACHE: dict = {}


def pdf_bytes(doc: SeedDoc, **kw) -> bytes:
    key = (doc.seed, tuple(sorted(kw.items())))
    if key not in _PDF_CACHE:
        _PDF_CACHE[key] = build_pdf(doc, **kw)
    return _PDF_CACHE[key]


def test_pdf_reads_exactly(seed_doc: SeedDoc, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(seed_doc))
    report = load(path)
    assert report.source_format == "pdf"
    assert_matches_expected(report, seed_doc.expected)
    assert report.notes == []
    assert report.source_text.startswith(seed_doc.title[0])


def test_pdf_pages_marked_and_split_table_mapped(seed_doc: SeedDoc, tmp_path):
    """Table 三 runs over a page break: the page is marked, and the second part still gets its
    columns from the first part's header (structure covers every cell)."""
    from core.extract import extract
    from core.readers.base import render
    from core.readers.structure import structural_readings
    import io
    import pdfplumber
    data = pdf_bytes(seed_doc)
    blocks = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        n = len(pdf.pages)
        for i, page in enumerate(pdf.pages):
            if i:
                blocks.append(pdf_reader.PageMark(i + 1))
            blocks += pdf_reader.page_blocks(page, i + 1)
    text, grids = render(blocks)
    assert n >= 2 and "——第2页——" in text
    report = extract(text)
    assert len(structural_readings(report, grids)) == len(report.cells)


def test_pdf_progress_per_page_and_cancel(tmp_path):
    doc = doc_for(sorted(_seeds())[0])
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_bytes(doc, filler_pages=6))
    calls = []
    report = load(path, progress=lambda d, t: calls.append((d, t)))
    assert_matches_expected(report, doc.expected)
    total = calls[-1][1]
    assert total >= 7 and [d for d, _ in calls] == list(range(total + 1))

    def cancel(done, total):
        if done == 3:
            raise Cancelled(path)
    with pytest.raises(Cancelled, match="已取消"):
        load(path, progress=cancel)


def _seeds():
    from tests.conftest import SEED_FILES
    return SEED_FILES


def test_pdf_cid_font(tmp_path, monkeypatch):
    """reportlab's built-in STSong-Light (no font file) also gives a readable text layer."""
    import tests.readers.fixtures as fx
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    monkeypatch.setattr(fx, "_FONT", "STSong-Light")
    doc = doc_for(_seeds()[2])
    path = tmp_path / "cid.pdf"
    build_pdf(doc, path)
    assert_matches_expected(load(path), doc.expected)


def test_pdf_cli(tmp_path):
    doc = doc_for(_seeds()[3])
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf_bytes(doc))
    [line] = cli_check(path)
    assert line["ok"] is True and {k: line["cells"][k] for k in doc.expected["cells"]} == doc.expected["cells"]


# ------------------------------------------------------------------ bad PDFs

def test_pdf_scan_without_tables_says_ocr_found_nothing(tmp_path):
    """An image-only PDF is now read by OCR; a page with no table still gets a reason, not a crash."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    with pytest.raises(LoadError) as e:
        load(path)
    assert "scan.pdf" in str(e.value) and "文字识别（OCR）" in str(e.value) and "未找到" in str(e.value)
    [line] = cli_check(path)
    assert line["ok"] is False and "OCR" in line["error"]


def test_pdf_encrypted(tmp_path):
    doc = doc_for(_seeds()[1])
    path = tmp_path / "locked.pdf"
    path.write_bytes(pdf_bytes(doc, encrypt="secret"))
    with pytest.raises(LoadError, match="已加密"):
        load(path)
    [line] = cli_check(path)
    assert line["ok"] is False and "已加密" in line["error"]


def test_pdf_empty_truncated_and_fake(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match="文件为空"):
        load(empty)
    assert pdf_reader  # the reader itself refuses empty bytes too
    with pytest.raises(LoadError, match="不是 PDF"):
        pdf_reader.read(empty, b"")
    fake = tmp_path / "fake.pdf"
    fake.write_text("这不是PDF", encoding="utf-8")
    with pytest.raises(LoadError, match="不是 PDF 文件"):
        load(fake)
    data = pdf_bytes(doc_for(_seeds()[0]))
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(LoadError) as e:
        load(cut)
    assert "PDF" in str(e.value) or "统计表" in str(e.value)
    for p in (empty, fake, cut):
        [line] = cli_check(p)
        assert line["ok"] is False and line["error"]


def test_pdf_without_ruling_lines_never_silently_wrong(seed, tmp_path):
    """Tables drawn without lines have no cell structure: the text extractor reads the text lines;
    blank cells cannot be seen there, so some cells may be wrong, but never without a flag."""
    from core.values import to_json
    doc = doc_for(seed)
    path = tmp_path / "plain.pdf"
    path.write_bytes(pdf_bytes(doc, ruled=False))
    report = load(path)
    silent = [k for k, v in doc.expected["cells"].items()
              if to_json(report.cells[k].value) != v and not report.cells[k].uncertain]
    assert silent == []


def test_pdf_with_owner_password_only_is_read(tmp_path):
    """Copy-protected PDFs (permissions password, no open password) are common on portals: readable."""
    doc = doc_for(_seeds()[4])
    path = tmp_path / "protected.pdf"
    path.write_bytes(pdf_bytes(doc, encrypt=""))
    assert_matches_expected(load(path), doc.expected)


def test_pdf_split_table_with_repeated_header(seed, tmp_path):
    """Table 三 over a page break with its 3-row header repeated on the next page."""
    from core.extract import extract
    from core.readers.base import render
    from core.readers.structure import structural_readings
    import io
    import pdfplumber
    doc = doc_for(seed)
    data = pdf_bytes(doc, repeat_header=True)
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    report = load(path)
    assert_matches_expected(report, doc.expected)
    blocks = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i, page in enumerate(pdf.pages):
            blocks += pdf_reader.page_blocks(page, i + 1)
    text, grids = render(blocks)
    assert text.count("申请人情况") == 2
    assert len(structural_readings(extract(text), grids)) == len(report.cells)


def _grid(rows, edges):
    from core.readers.base import Grid, GridCell
    cells = [GridCell(t, r, c) for r, row in enumerate(rows) for c, t in enumerate(row)]
    return Grid(cells, col_edges=edges)


def test_stitch_joins_label_halves_and_moves_numbers():
    from core.readers.base import render
    edges = [10.0, 50.0, 90.0, 130.0]
    a = _grid([["3.属于国家秘密", "1", "2", "3"], ["4.保护第三方合法权", "", "", ""]], edges)
    b = _grid([["益", "4", "5", "9"], ["5.属于三类内部事务信息", "0", "0", "0"]], edges)
    blocks = pdf_reader.stitch_split_rows([a, pdf_reader.PageMark(2), b])
    text, _ = render(blocks)
    assert "| 4.保护第三方合法权益 | 4 | 5 | 9 |" in text
    assert "| 5.属于三类内部事务信息 | 0 | 0 | 0 |" in text and "| 益 |" not in text
    # a label cut inside its key phrase
    a = _grid([["1.申请人无正当理由逾期不", "1", "0", "1"]], edges)
    b = _grid([["补正、行政机关不再处理其政府信息公开申请", "", "", ""], ["3.其他", "0", "0", "0"]], edges)
    text, _ = render(pdf_reader.stitch_split_rows([a, pdf_reader.PageMark(2), b]))
    assert "| 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 1 | 0 | 1 |" in text


def test_stitch_leaves_whole_rows_alone():
    from core.readers.base import render
    edges = [10.0, 50.0, 90.0, 130.0]
    cases = [
        ([["行政处罚", "1", "2", "3"]], [["行政强制", "4", "5", "6"]]),          # two real rows
        ([["行政强制", "1", "2", "3"]], [["第二十条第（八）项", "", "", ""]]),   # next block's caption
        ([["4.保护第三方合法权益", "1", "2", "3"]], [["（注）", "4", "5", "6"]]),  # both halves hold numbers
    ]
    for top, bottom in cases:
        blocks = [_grid(top, edges), pdf_reader.PageMark(2), _grid(bottom, edges)]
        text, _ = render(pdf_reader.stitch_split_rows(blocks))
        assert text.count("\n") == 3, text


def test_long_pdf_is_read_page_by_page_in_bounded_memory(tmp_path):
    """~30 pages: every page reported, memory stays flat (pages are released as they are read)."""
    import tracemalloc
    doc = doc_for(_seeds()[2])
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf_bytes(doc, filler_pages=15))
    calls = []
    tracemalloc.start()
    try:
        report = load(path, progress=lambda d, t: calls.append(d))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_matches_expected(report, doc.expected)
    assert len(calls) >= 30
    assert peak < 120 * 1024 * 1024, peak
