"""Text that lost its layout: degraded variants of every seed, generated here, and random tables.

The variants are made from the seed texts by the same damage portal copies and crawls do: all
line breaks gone, all whitespace gone, separators dropped at random, labels broken by spaces or
line breaks. Whatever the damage, a wrong value is never left unmarked (a silent error), and on
the fully run-together text every cell the balance rules pin to one value is filled and right.
"""
from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.editions import EDITION_2019, EDITION_2021, EDITIONS
from core.extract import extract
from core.model import HOW_INFERRED, HOW_READ, Report
from core.rules import Checker, Status
from core.values import NA, from_json, to_json
from tests.conftest import SEED_FILES, expected_for
from tests.degrade import VARIANTS, browser_copy, crawl_copy, no_line_breaks, no_whitespace, with_narrative
from tests.synth import consistent_values, render


def silent_errors(report: Report, cells: dict[str, object]) -> dict[str, tuple]:
    """Cells read wrongly that are neither uncertain nor part of an error finding."""
    flagged = {c for f in Checker(report).errors() for c in f.rule.cells}
    out = {}
    for key, want in cells.items():
        got = to_json(report.value(key))
        if got != want and not report.cells[key].uncertain and key not in flagged:
            out[key] = (got, want)
    return out


@pytest.mark.parametrize("damage", VARIANTS, ids=lambda d: d.__name__)
@pytest.mark.parametrize("seed_file", SEED_FILES, ids=[p.stem[:3] for p in SEED_FILES])
@pytest.mark.parametrize("rnd_seed", [1, 2])
@pytest.mark.parametrize("narrative", [False, True], ids=["", "narrative"])
def test_degraded_seed_has_no_silent_errors(seed_file, damage, rnd_seed, narrative):
    exp = expected_for(seed_file)
    text = seed_file.read_text(encoding="utf-8")
    if narrative:
        text = with_narrative(text, random.Random(rnd_seed))
    report = extract(damage(text, random.Random(rnd_seed)))
    assert report.edition.key == exp["edition"]
    assert silent_errors(report, exp["cells"]) == {}


TAB_SEEDS = [p for p in SEED_FILES if p.read_text(encoding="utf-8").count("\t") >= 100]   # Word's export


@pytest.mark.parametrize("seed_file", TAB_SEEDS, ids=[p.stem[:3] for p in TAB_SEEDS])
def test_tab_layout_without_line_breaks_reads_every_cell(seed_file):
    """Word's text export with its line breaks lost: the tabs still delimit every cell."""
    exp = expected_for(seed_file)
    report = extract(no_line_breaks(seed_file.read_text(encoding="utf-8"), random.Random(0)))
    assert {k: to_json(report.value(k)) for k in exp["cells"]} == exp["cells"]
    assert report.uncertain_keys() == []


def open_cells(report: Report) -> dict[str, set]:
    """Cells the rules leave open: the candidate splits of their row disagree on them."""
    out = {}
    for choice in report.splits:
        for j, key in enumerate(choice.keys):
            values = {to_json(c[j]) for c in choice.candidates}
            if len(values) > 1:
                out[key] = values
    return out


@pytest.mark.parametrize("seed_file", SEED_FILES, ids=[p.stem[:3] for p in SEED_FILES])
@pytest.mark.parametrize("narrative", [False, True], ids=["", "narrative"])
def test_fully_run_together_seed_fills_every_pinned_cell_right(seed_file, narrative):
    """Every cell is either pinned by the rules (filled, right, inferred and uncertain unless the
    text delimits it), or open: blank, uncertain, its true value among the candidates listed."""
    exp = expected_for(seed_file)
    text = seed_file.read_text(encoding="utf-8")
    if narrative:
        text = with_narrative(text, random.Random(0))
    report = extract(no_whitespace(text, random.Random(0)))
    assert report.edition.key == exp["edition"]
    left_open = open_cells(report)
    for key, want in exp["cells"].items():
        cell = report.cells[key]
        assert cell.reading is not None, key
        if key in left_open:
            assert cell.value is None and cell.uncertain, key
            assert want in left_open[key], key
            continue
        assert to_json(cell.value) == want, key
        if cell.reading.how == HOW_INFERRED:
            assert key in report.uncertain_keys(), key
    if not exp["violated_cells"]:
        assert "表三连写数字无法拆分" not in "".join(report.notes)
    sources = report.sources()
    inferred = [k for k, s in sources.items() if s["how"] == "inferred"]
    assert inferred and set(inferred) <= set(report.uncertain_keys())


def test_run_together_rows_of_seed_002_are_split_by_the_rules():
    seed = next(p for p in SEED_FILES if p.name.startswith("002"))
    report = extract(no_whitespace(seed.read_text(encoding="utf-8"), random.Random(0)))
    row = [report.value(f"apply.new.{c}") for c in ("natural", "commercial", "research", "social", "legal",
                                                     "other", "total")]
    assert row == [13, 0, 0, 0, 0, 0, 13]
    cell = report.cells["apply.new.natural"]
    assert cell.reading.how == HOW_INFERRED and "推算" in cell.uncertain
    assert report.sources()["apply.new.natural"] == {"how": "inferred", "span": list(cell.span)}
    assert report.source_text[cell.span[0]:cell.span[1]] == "13"
    # table 四's fifteen digits "110022000200000": blanks vanished, so several splits balance
    choice = next(c for c in report.splits if c.table == "review")
    assert (1, 1, 0, 0, 2, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0) in choice.candidates
    assert choice.candidates[0] == (1, 1, 0, 0, 2, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0)   # fewest blanks first
    finding = next(f for f in Checker(report).problems() if f.rule.id == "SPLIT:review.review")
    assert finding.status is Status.WARNING and "1|1|0|0|2|2|0|0|0|2|0|0|0|0|0" in finding.message


def test_inconsistent_run_together_report_is_flagged_not_repaired():
    values = consistent_values(EDITION_2021, 5)
    values["apply.handled_total.natural"] += 1          # the report itself does not balance
    values["apply.handled_total.total"] += 1
    text = no_whitespace(render(EDITION_2021, values, "inline"), random.Random(0))
    report = extract(text)
    errors = {f.rule.id for f in Checker(report).errors()}
    assert "T3-RESULT:natural" in errors or "T3-BAL:natural" in errors
    assert any("无法拆分得使全部勾稽关系成立" in n for n in report.notes)
    for k in ("apply.handled_total.natural", "apply.handled_total.total"):
        assert report.cells[k].uncertain


def test_signed_numbers_run_together_in_table_two():
    values = consistent_values(EDITION_2019, 3)
    text = render(EDITION_2019, values, "inline")
    fees = f"行政事业性收费 {values['active.fees.prev_items']} {values['active.fees.change']}"
    assert fees in text
    r = extract(text.replace(fees, "行政事业性收费 2648-18538"))
    assert (r.value("active.fees.prev_items"), r.value("active.fees.change")) == (2648, -18538)
    lic = (f"行政许可 {values['active.licensing.prev_items']} {values['active.licensing.change']} "
           f"{values['active.licensing.decisions']}")
    r = extract(no_whitespace(text.replace(lic, "行政许可 2648-18538"), random.Random(0)))
    cells = [r.cells[f"active.licensing.{c}"] for c in ("prev_items", "change", "decisions")]
    assert cells[0].value == 2648 and cells[0].uncertain
    assert all(c.uncertain and c.reading.candidates for c in cells)
    assert (2648, -1853, 8) in cells[1].reading.candidates and (2648, -18, 538) in cells[1].reading.candidates


def test_decimals_thousands_full_width_and_spaced_digits():
    values = consistent_values(EDITION_2021, 7)
    values["apply.new.natural"] += 1000
    values["apply.new.total"] += 1000
    values["apply.carried_forward.natural"] += 1000
    values["apply.carried_forward.total"] += 1000
    text = render(EDITION_2021, values, "inline")
    text = text.replace(f"行政事业性收费 {values['active.fees.amount']}", "行政事业性收费 2387.47225")
    new = [values[f"apply.new.{c}"] for c in ("natural", "commercial", "research", "social", "legal", "other", "total")]
    row = "一、本年新收政府信息公开申请数量 " + " ".join(map(str, new))
    assert row in text
    spaced = " ".join([f"{new[0] // 1000} {new[0] % 1000:03d}"] + [str(x) for x in new[1:6]]
                      + [f"{new[6]:,}"])
    text = text.replace(row, "一、本年新收政府信息公开申请数量 " + spaced)
    full = str(values["apply.carried_over.total"]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    co = [values[f"apply.carried_over.{c}"] for c in ("natural", "commercial", "research", "social", "legal", "other", "total")]
    text = text.replace("二、上年结转政府信息公开申请数量 " + " ".join(map(str, co)),
                        "二、上年结转政府信息公开申请数量 " + " ".join(map(str, co[:6])) + " " + full)
    r = extract(text)
    from decimal import Decimal
    assert r.value("active.fees.amount") == Decimal("2387.47225")
    assert r.value("apply.new.total") == new[6] and r.value("apply.carried_over.total") == co[6]
    assert r.value("apply.new.natural") == new[0]
    assert r.cells["apply.new.natural"].uncertain          # "1 036": read as one number, but marked
    flat = extract(no_whitespace(text, random.Random(0)))
    assert flat.value("active.fees.amount") == Decimal("2387.47225")


def test_ocr_letters_in_run_together_digits_are_marked():
    values = consistent_values(EDITION_2021, 9)
    values["review.reconsideration.upheld"] = 10
    values["review.reconsideration.total"] = sum(values[f"review.reconsideration.{c}"]
                                                 for c in ("upheld", "corrected", "other", "pending"))
    text = no_whitespace(render(EDITION_2021, values, "inline"), random.Random(0))
    tail = text[text.index("复议后起诉结果维持"):]
    digits = re.search(r"\d+", tail[20:]).group(0)
    damaged = digits.replace("10", "1O", 1)
    text = text.replace(digits, damaged)
    r = extract(text)
    cell = r.cells["review.reconsideration.upheld"]
    assert cell.uncertain
    assert cell.value in (None, 10)


def test_one_long_line_without_header_still_finds_edition():
    values = consistent_values(EDITION_2019, 4)
    text = render(EDITION_2019, values, "inline", year=2021)        # wrong-year report, 2019 tables
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith(("信息内容", "自然人", "商业企业",
                                                                         "结果维持", "行政复议 行政诉讼")))
    r = extract(no_whitespace(text, random.Random(0)))
    assert r.edition.key == "2019" and "表格标签" in r.edition_basis
    assert any(f.rule.id == "ED-YEAR" for f in Checker(r).errors())


def test_table_three_found_in_one_line_with_header_run_into_a_sentence():
    values = consistent_values(EDITION_2021, 6)
    text = render(EDITION_2021, values, "inline")
    text = text.replace("三、收到和处理政府信息公开申请情况\n", "三、收到和处理政府信息公开申请情况本年度共收到申请如下表")
    r = extract(text.replace("\n", " "))
    assert {k: r.value(k) for k in values} == values


def _blank_some(values: dict, rnd_draw) -> dict:
    out = dict(values)
    for k, v in values.items():
        if v == 0 and rnd_draw():
            out[k] = None
    return out


def _drop_separators(text: str, share: float, rnd: random.Random) -> str:
    """Each whitespace run after the title dropped with probability `share` (1: all run together)."""
    start = text.find("二、主动公开")
    return text[:start] + re.sub(r"[ \t\n]+", lambda m: "" if rnd.random() < share else m.group(0), text[start:])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000),
       edition=st.sampled_from(["2019", "2021", "2021+小计"]),
       blanks=st.booleans(), share=st.sampled_from([1.0, 1.0, 0.8, 0.5, 0.2]),
       layout=st.sampled_from(["inline", "inline", "tabs", "browser", "crawl"]),
       na_mark=st.sampled_from([None, "/", "无", "—", "不适用"]))
def test_random_consistent_tables_read_back_run_together_never_wrong_unmarked(seed, edition, blanks, share, layout,
                                                                            na_mark):
    """Random balanced tables, their separators dropped: a value not marked is right; a value the
    rules pin is right; an open row lists the true split among its candidates. Some tables have
    blank cells, some 不适用 marks ("/", "无", "—", "不适用") in place of zeros."""
    edition = EDITION_2021.with_subtotal() if edition == "2021+小计" else EDITIONS[edition]
    values: dict = consistent_values(edition, seed)
    rnd = random.Random(seed)
    if blanks:
        values = _blank_some(values, lambda: rnd.random() < 0.3)
    if na_mark:
        values = {k: NA if v == 0 and rnd.random() < 0.3 else v for k, v in values.items()}
    copy = {"browser": browser_copy, "crawl": crawl_copy}.get(layout)
    text = copy(render(edition, values, "pipes")) if copy else render(edition, values, layout)
    if na_mark:
        text = re.sub(r"(?<=[\s|])/(?=[\s|])", na_mark, text)
    report = extract(_drop_separators(text, share, rnd))
    assert report.edition.key == edition.key and report.edition.has_subtotal == edition.has_subtotal
    for key, want in values.items():
        cell = report.cells[key]
        got = cell.value
        right = (got is want) if want is None else (type(got) is type(want) and got == want)
        if not cell.uncertain or cell.pinned:
            assert right, (key, got, want)
        if cell.reading is not None and cell.reading.candidates:
            choice = next(c for c in report.splits if key in c.keys)
            truth = tuple(values[k] for k in choice.keys)
            assert truth in choice.candidates, key
    for f in Checker(report).errors():          # the tables balance: a broken rule has a marked cell
        assert any(report.cells[k].uncertain for k in f.rule.cells), f.message


@pytest.mark.parametrize("seed", range(6))
def test_table_copied_from_a_web_page_reads_every_cell_with_blanks(seed):
    """A browser's copy of the tables (tabs between cells, empty blank cells, a row per line)."""
    edition = (EDITION_2019, EDITION_2021)[seed % 2]
    rnd = random.Random(seed)
    values = _blank_some(consistent_values(edition, seed), lambda: rnd.random() < 0.4)
    report = extract(browser_copy(render(edition, values, "pipes")))
    assert {k: report.value(k) for k in values} == values
    assert report.uncertain_keys() == []


def crawled_text(doc) -> str:
    """A seed's report as a crawler's text of its web page: each table cell on a line of its own,
    a blank cell an empty line (``get_text("\\n")`` of the official form's HTML)."""
    from tests.readers.fixtures import INTRO, OUTRO, TABLE_HEADINGS, _grid_cells
    lines = list(doc.title) + list(INTRO)
    for lay in doc.layouts():
        lines.append(TABLE_HEADINGS[lay.table.key])
        lines += [text.replace("\n", "") for *_pos, text, _header in _grid_cells(lay, doc.cell_text)]
    return "\n".join(lines + list(OUTRO)) + "\n"


@pytest.mark.parametrize("seed_file", SEED_FILES, ids=[p.stem[:3] for p in SEED_FILES])
def test_crawled_page_text_reads_every_cell_with_blank_lines_as_blank_cells(seed_file):
    from tests.readers.fixtures import SeedDoc
    doc = SeedDoc(seed_file)
    report = extract(crawled_text(doc))
    assert {k: to_json(report.value(k)) for k in doc.expected["cells"]} == doc.expected["cells"]
    assert report.uncertain_keys() == []


def test_read_cells_stay_read():
    """Delimited values (tabs kept) are read, not inferred: the solver only fills what it must."""
    values = consistent_values(EDITION_2019, 14)
    r = extract(render(EDITION_2019, values, "tabs").replace("\n", ""))
    assert {k: r.value(k) for k in values} == values
    assert all(s["how"] == HOW_READ for s in r.sources().values())
    assert NA is from_json("/")
