"""The DOCX fixtures as an office suite renders them: PDF (rows broken across pages, as Word
allows by default) and HTML export. Needs LibreOffice; skipped without it."""
from __future__ import annotations

import subprocess

import pytest

from core.loader import load
from core.readers import office_convert
from tests.readers.conftest import doc_for
from tests.readers.fixtures import build_docx
from tests.readers.helpers import assert_matches_expected

pytestmark = pytest.mark.skipif(office_convert.soffice() is None, reason="LibreOffice not installed")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from tests.conftest import SEED_FILES
    d = tmp_path_factory.mktemp("lo")
    docs = [build_docx(doc_for(s), d / (s.stem + ".docx")) for s in SEED_FILES]
    profile = (d / "profile").as_uri()
    for fmt in ("pdf", "html"):
        subprocess.run([office_convert.soffice(), f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", fmt, "--outdir", str(d / fmt)] + [str(p) for p in docs],
                       check=True, capture_output=True, timeout=300)
    return d


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_office_rendered_files_read_exactly(rendered, seed, fmt):
    path = rendered / fmt / (seed.stem + "." + fmt)
    report = load(path)
    assert_matches_expected(report, doc_for(seed).expected)
    assert report.notes == []


def test_rows_broken_across_pages_are_joined(rendered):
    """In these renders some long 表三 labels break over a page end; the two halves are one row again."""
    import pdfplumber
    from core.readers import pdf_reader
    from core.readers.base import render
    from core.values import normalise
    from tests.conftest import SEED_FILES
    before = after = 0
    for seed in SEED_FILES:
        blocks = []
        with pdfplumber.open(rendered / "pdf" / (seed.stem + ".pdf")) as pdf:
            for i, page in enumerate(pdf.pages):
                if i:
                    blocks.append(pdf_reader.PageMark(i + 1))
                blocks += pdf_reader.page_blocks(page, i + 1)
        labels = [normalise(r.label) for r in doc_for(seed).edition.table("apply").rows]
        raw = normalise(render(blocks)[0])
        stitched = normalise(render(pdf_reader.stitch_split_rows(blocks))[0])
        before += sum(label in raw for label in labels)
        after += sum(label in stitched for label in labels)
        assert all(label in stitched for label in labels)
    assert after > before
