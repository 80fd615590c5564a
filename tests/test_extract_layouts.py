"""The extractor on layouts real reports use beyond the seeds, and on arbitrary text."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.editions import EDITION_2019, EDITION_2021
from core.extract import ExtractionError, extract
from core.rules import Checker
from core.values import NA
from tests.synth import LAYOUTS, consistent_values, render

EDITIONS = [EDITION_2019, EDITION_2021, EDITION_2019.with_subtotal(), EDITION_2021.with_subtotal()]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("edition", EDITIONS, ids=lambda e: e.key + ("s" if e.has_subtotal else ""))
def test_every_layout_reads_exactly(edition, layout):
    values = consistent_values(edition, 11)
    report = extract(render(edition, values, layout))
    assert report.edition.key == edition.key
    assert report.edition.has_subtotal == edition.has_subtotal
    assert {k: report.value(k) for k in values} == values
    assert report.uncertain_keys() == []
    assert Checker(report).problems() == []


def _table3_row(label: str, nums: list[str]) -> str:
    return "\n".join(["\t" + label] + ["\t" + n for n in nums]) + "\n\n"


def test_edition_detected_from_headers_not_year():
    # A 2022 report still using the 2019 tables: read as 2019 and flagged by ED-YEAR.
    values = consistent_values(EDITION_2019, 2)
    report = extract(render(EDITION_2019, values, "tabs", year=2022))
    assert report.edition.key == "2019" and report.year == 2022
    assert any(f.rule.id == "ED-YEAR" for f in Checker(report).errors())


def test_full_width_digits_units_signs_and_marks():
    values = consistent_values(EDITION_2019, 4)
    text = render(EDITION_2019, values, "tabs")
    text = text.replace(f"\t行政许可\n\t{values['active.licensing.prev_items']}\n\t{values['active.licensing.change']}",
                        "\t行政许可\n\t１２\n\t+1036", 1)
    text = text.replace(f"\t政府集中采购\n\t{values['active.procurement.items']}\n\t{values['active.procurement.amount']}",
                        "\t政府集中采购\n\t3\n\t100万", 1)
    text = text.replace(f"\t行政处罚\n\t{values['active.punishment.prev_items']}", "\t行政处罚\n\t/", 1)
    r = extract(text)
    assert r.value("active.licensing.prev_items") == 12
    assert r.value("active.licensing.change") == 1036
    assert r.value("active.procurement.amount") == 1000000
    assert r.cells["active.procurement.amount"].reading.raw == "100万"
    assert r.value("active.punishment.prev_items") is NA


def test_amount_in_wan_yuan_keeps_decimals_and_converts_yuan():
    values = consistent_values(EDITION_2021, 4)
    text = render(EDITION_2021, values, "tabs")
    a = extract(text.replace(f"\t行政事业性收费\n\t{values['active.fees.amount']}", "\t行政事业性收费\n\t2387.47225"))
    assert a.value("active.fees.amount") == Decimal("2387.47225")
    b = extract(text.replace(f"\t行政事业性收费\n\t{values['active.fees.amount']}", "\t行政事业性收费\n\t251000元"))
    assert b.value("active.fees.amount") == Decimal("25.1")
    assert "万元" in (b.cells["active.fees.amount"].reading.note or "")


def test_labels_split_by_spaces_and_lines():
    values = consistent_values(EDITION_2021, 8)
    text = render(EDITION_2021, values, "inline")
    text = text.replace("一、本年新收政府信息公开申请数量", "一、本年新收 政府信息 公开申请数量")
    text = text.replace("（一）予以公开", "（一） 予以 公开")
    r = extract(text)
    assert {k: r.value(k) for k in values} == values


def test_missing_value_in_one_value_per_line_is_uncertain_not_guessed():
    values = consistent_values(EDITION_2019, 6)
    values["apply.partial.research"] = None  # a blank the layout cannot mark
    text = render(EDITION_2019, values, "lines")
    r = extract(text)
    row = [f"apply.partial.{c}" for c in ("natural", "commercial", "research", "social", "legal", "other", "total")]
    assert all(r.cells[k].uncertain for k in row)
    # read by position it could be anything; the column rules may place the blank (推算), but the
    # row's own total, broken by the missing value, is still reported: flagged, never repaired
    assert "位置可能错位" in r.cells[row[0]].uncertain or "推算" in r.cells[row[0]].uncertain
    assert "T3-ROWSUM:partial" in {f.rule.id for f in Checker(r).errors()}


def test_run_together_digits_are_split_only_when_the_row_sum_decides():
    values = consistent_values(EDITION_2019, 1)
    text = render(EDITION_2019, values, "inline")
    row = [values[f"apply.new.{c}"] for c in ("natural", "commercial", "research", "social", "legal", "other", "total")]
    spaced = " ".join(map(str, row))
    glued = " ".join(map(str, row[:5])) + " " + f"{row[5]}{row[6]}"
    r = extract(text.replace("一、本年新收政府信息公开申请数量 " + spaced, "一、本年新收政府信息公开申请数量 " + glued))
    got = [r.value(f"apply.new.{c}") for c in ("natural", "commercial", "research", "social", "legal", "other", "total")]
    assert got == row or all(r.cells[f"apply.new.{c}"].uncertain for c in ("natural", "total"))
    assert all(r.cells[f"apply.new.{c}"].uncertain for c in ("other", "total"))


def test_truncated_in_table_three_gives_partial_result():
    values = consistent_values(EDITION_2021, 3)
    text = render(EDITION_2021, values, "tabs")
    cut = text[: text.index("（四）无法提供")]
    r = extract(cut)
    assert r.value("apply.new.natural") == values["apply.new.natural"]
    assert r.cells["apply.carried_forward.total"].uncertain
    assert any("截断" in n or "未找到" in n for n in r.notes)


def test_extra_blank_rows_and_blank_headers_are_ignored():
    values = consistent_values(EDITION_2019, 2)
    text = render(EDITION_2019, values, "tabs")
    text = text.replace("\t本年新公开数量\n", "\t\n", 1)
    text = text.replace("\t规章\n", "\t\n\t\n\t\n\t\n\n\t规章\n", 1)
    text = text.replace("\t结果维持\n\t结果纠正\n\t其他结果\n\t尚未审结\n\t总计\n\n\n",
                        "\t结果维持\n\t结果纠正\n\t其他结果\n\t尚未审结\n\t总计\n\n" + "\t\n" * 15 + "\n", 1)
    r = extract(text)
    assert {k: r.value(k) for k in values} == values


def test_not_a_report_is_refused():
    with pytest.raises(ExtractionError):
        extract("这是一份会议通知。\n请各单位于周五前报送材料。\n")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\t\n 0123456789./-一二三（）、规章自然人总计本年新收行政复议第二十条信息内容其他万元")),
               max_size=400))
def test_extract_never_raises_on_arbitrary_text(text):
    try:
        report = extract(text)
    except ExtractionError:
        return
    Checker(report).problems()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_extract_never_raises_on_any_unicode(text):
    try:
        extract(text)
    except ExtractionError:
        pass


def test_garbled_row_label_is_placed_by_position_and_flagged():
    values = consistent_values(EDITION_2019, 12)
    text = render(EDITION_2019, values, "tabs").replace("4.保护第三方合法权益", "4.保扩笫三万合去杈益")
    r = extract(text)
    keys = [f"apply.denied_4.{c}" for c in ("natural", "commercial", "total")]
    assert [r.value(k) for k in keys] == [values[k] for k in keys]
    assert all("按位置推定" in r.cells[k].uncertain for k in keys)
    assert not r.cells["apply.denied_3.natural"].uncertain


def test_ocr_letters_for_digits_are_read_but_flagged():
    values = consistent_values(EDITION_2021, 12)
    values["review.reconsideration.upheld"] = 10
    values["review.reconsideration.total"] = sum(values[f"review.reconsideration.{c}"]
                                                 for c in ("upheld", "corrected", "other", "pending"))
    text = render(EDITION_2021, values, "tabs")
    head = text.index("\t10\n", text.index("复议后起诉"))
    r = extract(text[:head] + "\t1O\n" + text[head + 4:])
    cell = r.cells["review.reconsideration.upheld"]
    assert cell.value == 10 and "疑似文字识别" in cell.uncertain


def test_row_split_by_a_page_break_is_flagged():
    values = consistent_values(EDITION_2019, 21)
    text = render(EDITION_2019, values, "pipes")
    row = [values[f"apply.denied_3.{c}"] for c in ("natural", "commercial", "research", "social", "legal", "other", "total")]
    whole = "| 3.危及“三安全一稳定” | " + " | ".join(map(str, row)) + " |"
    assert whole in text
    split = ("| 3.危及“三 | " + " | ".join(map(str, row)) + " |\n——第2页——\n| 安全一稳定” |" + " |" * 7)
    r = extract(text.replace(whole, split))
    cell = r.cells["apply.denied_3.natural"]
    assert cell.uncertain and "断开" in cell.uncertain
    assert not r.cells["apply.denied_4.natural"].uncertain
