"""Plain-text reports in every encoding Chinese offices produce extract identically (no mojibake)."""
from __future__ import annotations

import codecs

import pytest

from core.loader import load
from core.textio import decode
from core.values import to_json

ENCODINGS = {
    "utf8": lambda t: t.encode("utf-8"),
    "utf8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf16le-bom": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf16be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "gb18030": lambda t: t.encode("gb18030"),
    "gbk": lambda t: t.encode("gbk"),
}


def _gbk_safe(text: str) -> str:
    """GBK lacks a few characters GB18030 has; the seeds must be representable for the GBK case."""
    return text.replace("\xa0", " ").encode("gbk", errors="replace").decode("gbk")


@pytest.mark.parametrize("enc", list(ENCODINGS))
def test_seed_in_each_encoding_extracts_identically(seed, tmp_path, enc):
    text, _ = decode(seed.read_bytes())
    if enc == "gbk":
        text = _gbk_safe(text)
    base = tmp_path / "base.txt"
    base.write_bytes(text.encode("utf-8"))
    path = tmp_path / f"report.{enc}.txt"
    path.write_bytes(ENCODINGS[enc](text))
    want = load(base)
    got = load(path)
    assert got.source_text == want.source_text.lstrip("\ufeff") or got.source_text == want.source_text
    assert "\ufffd" not in got.source_text
    assert {k: to_json(c.value) for k, c in got.cells.items()} == {k: to_json(c.value) for k, c in want.cells.items()}
    assert [c.span for c in got.cells.values()] == [c.span for c in want.cells.values()]
    assert (got.year, got.agency, got.edition.key) == (want.year, want.agency, want.edition.key)
    from tests.conftest import expected_for
    exp = expected_for(seed)
    assert {k: to_json(got.cells[k].value) for k in exp["cells"]} == exp["cells"]
