"""``sources`` in ``check --json``: where every value came from (contract.md)."""
from __future__ import annotations

from core.loader import load
from core.model import HOW_OCR, Reading
from core.values import NA


def test_every_value_has_a_source_and_blanks_have_none(seed):
    report = load(seed)
    sources = report.sources()
    for key, cell in report.cells.items():
        if cell.value is None:
            assert key not in sources
        else:
            src = sources[key]
            assert src["how"] == "read"
            s, e = src["span"]
            assert report.source_text[s:e].strip() == cell.reading.raw


def test_typed_value_says_typed_and_keeps_its_place(seed):
    report = load(seed)
    key = next(k for k, c in report.cells.items() if c.value is not None)
    report.cells[key].set(NA)
    src = report.sources()[key]
    assert src["how"] == "typed"
    assert src["span"] == list(report.cells[key].span)


def test_ocr_reading_source_carries_page_box_text_and_confidence():
    r = Reading(13, "13", (5, 7), None, how=HOW_OCR, page=3, bbox=(412.0, 233.54, 448.0, 251.0),
                confidence=0.99312, ocr_text="l3", alternatives=(18,))
    assert r.source() == {"how": "ocr", "span": [5, 7], "page": 3, "bbox": [412.0, 233.5, 448.0, 251.0],
                          "text": "l3", "confidence": 0.993, "alternatives": [18]}
