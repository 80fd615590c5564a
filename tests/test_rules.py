"""Balance rules per edition: blanks, localisation, incremental re-checks (with hypothesis)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.editions import EDITION_2019, EDITION_2021
from core.model import Report
from core.rules import Checker, Status, evaluate
from core.values import NA
from tests.synth import consistent_values

ALL_EDITIONS = [EDITION_2019, EDITION_2021, EDITION_2019.with_subtotal(), EDITION_2021.with_subtotal()]


def report_with(edition, values) -> Report:
    r = Report.empty(edition, year=2021 if edition.key == "2021" else 2020)
    for k, v in values.items():
        r.cells[k].set(v)
    return r


@pytest.mark.parametrize("edition", ALL_EDITIONS, ids=lambda e: e.key + ("s" if e.has_subtotal else ""))
def test_consistent_report_is_clean(edition):
    c = Checker(report_with(edition, consistent_values(edition, 3)))
    assert c.problems() == []
    assert c.suggestions() == []


def test_rule_counts_follow_the_definition():
    c19 = Checker(Report.empty(EDITION_2019, year=2020))
    ids = set(c19.findings)
    assert {f"T3-BAL:{c}" for c in ("natural", "commercial", "research", "social", "legal", "other", "total")} <= ids
    assert sum(i.startswith("T3-ROWSUM:") for i in ids) == 23
    assert sum(i.startswith("T3-ROWSUM:") for i in Checker(Report.empty(EDITION_2021, year=2021)).findings) == 25
    assert sum(i.startswith("T4-SUM:") for i in ids) == 3
    assert sum(i.startswith("T3-SUBTOTAL:") for i in Checker(Report.empty(EDITION_2019.with_subtotal())).findings) == 23
    assert "T2-19-PUB:rules" in ids and "T2-19-PUB:rules" not in Checker(Report.empty(EDITION_2021)).findings


def test_blank_inputs_are_said_not_taken_for_zero():
    r = report_with(EDITION_2019, {"review.reconsideration.total": 3, "review.reconsideration.upheld": 3})
    c = Checker(r)
    f = c.findings["T4-SUM:reconsideration"]
    assert f.status is Status.WARNING and "空白" in f.message
    assert set(f.blank_cells) == {"review.reconsideration.corrected", "review.reconsideration.other",
                                  "review.reconsideration.pending"}
    assert c.findings["T4-SUM:litigation_direct"].status is Status.BLANK
    r.cells["review.reconsideration.other"].set(1)
    c.recheck("review.reconsideration.other")
    f = c.findings["T4-SUM:reconsideration"]
    assert f.status is Status.ERROR and f.reported == 3 and f.computed == 4 and f.difference == -1


def test_not_applicable_is_kept_apart_from_blank_and_zero():
    r = report_with(EDITION_2019, {"review.reconsideration.total": 0, "review.reconsideration.upheld": NA,
                                   "review.reconsideration.corrected": 0, "review.reconsideration.other": 0,
                                   "review.reconsideration.pending": 0})
    f = Checker(r).findings["T4-SUM:reconsideration"]
    assert f.status is Status.WARNING and f.blank_cells == ("review.reconsideration.upheld",)
    assert r.value("review.reconsideration.upheld") is NA


def test_integer_and_sign_rules():
    r = report_with(EDITION_2019, {"apply.new.natural": Decimal("1.5"), "active.licensing.change": -16,
                                   "active.licensing.prev_items": 10, "apply.granted.legal": -2,
                                   "active.procurement.amount": Decimal("12.5")})
    c = Checker(r)
    assert c.findings["INT:apply.new.natural"].status is Status.ERROR
    assert c.findings["INT:active.licensing.change"].status is Status.OK
    assert c.findings["INT:apply.granted.legal"].status is Status.ERROR
    assert c.findings["INT:active.procurement.amount"].status is Status.OK


def test_soft_2019_table_two_checks_are_warnings():
    r = report_with(EDITION_2019, {"active.rules.published": 5, "active.rules.total": 2,
                                   "active.fees.prev_items": 3, "active.fees.change": -5})
    c = Checker(r)
    assert c.findings["T2-19-PUB:rules"].status is Status.WARNING
    assert c.findings["T2-19-ITEMS:fees"].status is Status.WARNING
    assert c.errors() == [] or all(not f.rule.id.startswith("T2-") for f in c.errors())


def test_edition_must_match_year():
    r = Report.empty(EDITION_2019, year=2022)
    c = Checker(r)
    [f] = [f for f in c.errors() if f.rule.id == "ED-YEAR"]
    assert "2022" in f.message and "2021年版" in f.message


def test_recheck_touches_only_rules_of_the_cell():
    r = report_with(EDITION_2021, consistent_values(EDITION_2021, 5))
    c = Checker(r)
    touched = {rule.id for rule in c.by_cell["apply.granted.natural"]}
    assert touched == {"T3-ROWSUM:granted", "T3-RESULT:natural", "INT:apply.granted.natural"}
    r.cells["apply.granted.natural"].set(r.value("apply.granted.natural") + 1)
    changed = {f.rule.id for f in c.recheck("apply.granted.natural")}
    assert changed == {"T3-ROWSUM:granted", "T3-RESULT:natural"}


apply_keys = [k for k in EDITION_2019.cell_keys() if k.startswith("apply.")]


@settings(max_examples=300, deadline=None)
@given(edition=st.sampled_from(ALL_EDITIONS), seed=st.integers(0, 10_000), data=st.data())
def test_any_single_change_in_table_three_is_detected_and_localised(edition, seed, data):
    values = consistent_values(edition, seed)
    keys = [k for k in edition.cell_keys() if k.startswith("apply.")]
    key = data.draw(st.sampled_from(keys))
    new = data.draw(st.integers(0, 500).filter(lambda v: v != values[key]))
    r = report_with(edition, values)
    c = Checker(r)
    r.cells[key].set(new)
    c.recheck(key)
    assert c.errors(), "a changed cell must break a rule"
    assert key in {k for f in c.errors() for k in f.rule.cells}
    [s] = c.suggestions()
    assert (s.cell, s.value) == (key, values[key])
    # incremental state equals a full re-check
    assert {i: f.status for i, f in c.findings.items()} == {i: f.status for i, f in Checker(r).findings.items()}


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10_000), data=st.data())
def test_any_single_change_in_table_four_is_detected(seed, data):
    values = consistent_values(EDITION_2021, seed)
    key = data.draw(st.sampled_from([k for k in values if k.startswith("review.")]))
    new = data.draw(st.integers(0, 200).filter(lambda v: v != values[key]))
    r = report_with(EDITION_2021, values)
    c = Checker(r)
    r.cells[key].set(new)
    c.recheck(key)
    [f] = c.errors()
    assert f.rule.id.startswith("T4-SUM:") and key in f.rule.cells
    assert c.suggestions() == []  # one broken sum could be any of its five cells: no guess


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10_000), data=st.data())
def test_blanking_a_nonzero_cell_is_an_error(seed, data):
    values = consistent_values(EDITION_2019, seed)
    key = data.draw(st.sampled_from([k for k in values if k.startswith("apply.") and values[k] != 0]))
    r = report_with(EDITION_2019, values)
    c = Checker(r)
    r.cells[key].set(None)
    c.recheck(key)
    assert any(key in f.rule.cells for f in c.errors())


def test_each_rule_evaluates_alone():
    r = report_with(EDITION_2019, consistent_values(EDITION_2019, 9))
    c = Checker(r)
    for rule in c.rules:
        assert evaluate(rule, r).status in (Status.OK, Status.BLANK)
