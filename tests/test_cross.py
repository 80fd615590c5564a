"""Cross-report rules on synthetic consecutive-year reports generated from the seeds."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cross import CrossRules, agency_key, cross_findings, facts_of
from core.extract import extract
from core.loader import load
from core.rules import Checker
from tests.conftest import ROOT
from tests.yearpairs import (S001, S002, S003, S004, balanced_carry, balanced_carry_over, make_year,
                             seed_value)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def cross_of(*paths: Path) -> dict[str, list]:
    return cross_findings([facts_of(load(p), p) for p in paths])


def test_consecutive_years_that_agree_give_nothing(tmp_path):
    """2019 made from seed 001 with 结转下年度 = seed 001's 上年结转 and items that carry on."""
    items = {}
    for row in ("licensing", "other_services", "punishment", "enforcement", "fees"):
        now = seed_value(S001, f"active.{row}.prev_items")
        change = seed_value(S001, f"active.{row}.change")
        if isinstance(now, int) and isinstance(change, int):
            items[f"active.{row}.prev_items"] = now - change
    early = write(tmp_path, "2019.txt", make_year(S001, 2019, items))
    late = write(tmp_path, "2020.txt", make_year(S001, 2020))
    assert load(early).year == 2019 and load(late).year == 2020
    assert cross_of(early, late) == {}


def test_carry_mismatch_is_named_with_both_files_and_cells(tmp_path):
    early = write(tmp_path, "a.txt", make_year(S001, 2019, balanced_carry(S001, "natural", 3)))
    late = write(tmp_path, "b.txt", make_year(S001, 2020))
    assert Checker(load(early)).errors() == []          # the generated report balances
    found = cross_of(early, late)
    assert list(found) == [str(late)]
    by_id = {f.rule.id: f for f in found[str(late)]}
    assert set(by_id) >= {"X-CARRY:natural", "X-CARRY:total"}
    f = by_id["X-CARRY:natural"]
    assert f.rule.cells == ("apply.carried_over.natural",)
    assert f.other_file == str(early) and f.other_cells == ("apply.carried_forward.natural",)
    assert (f.reported, f.computed) == (0, 3)
    assert "a.txt" in f.message and f.severity == "warning"


def test_items_mismatch_2019_edition(tmp_path):
    values = {"active.licensing.prev_items": 100}          # 100 + (−16) ≠ 110
    early = write(tmp_path, "2019.txt", make_year(S001, 2019, values))
    late = write(tmp_path, "2020.txt", make_year(S001, 2020))
    ids = {f.rule.id for f in cross_of(early, late).get(str(late), [])}
    assert "X-ITEMS:licensing" in ids


def test_carry_across_the_edition_change(tmp_path):
    """2020 (2019 edition, seed 003) → 2021 (2021 edition, seed 004 renamed to 003's agency)."""
    early = write(tmp_path, "2020.txt", make_year(S003, 2020))
    same = write(tmp_path, "2021.txt", make_year(S004, 2021, agency="哈尔滨市松北区船口街道办事处"))
    assert agency_key(load(same).agency) == agency_key(load(early).agency)
    assert cross_of(early, same) == {}
    bad = write(tmp_path / "bad", "2021.txt", make_year(S004, 2021, balanced_carry_over(S004, "natural", 2),
                                                      agency="松北区船口街道"))
    found = cross_of(early, bad)[str(bad)]
    assert {f.rule.id for f in found} == {"X-CARRY:natural", "X-CARRY:total"}


def test_force_2021_edition(tmp_path):
    in_force = seed_value(S002, "active.normative.in_force")
    issued = seed_value(S002, "active.normative.issued")
    repealed = seed_value(S002, "active.normative.repealed")
    good = {"active.normative.in_force": in_force + issued - repealed}
    early = write(tmp_path, "2021.txt", make_year(S002, 2021))
    late = write(tmp_path, "2022.txt", make_year(S002, 2022, good))
    assert "X-FORCE:normative" not in {f.rule.id for f in cross_of(early, late).get(str(late), [])}
    late_bad = write(tmp_path / "b", "2022.txt", make_year(S002, 2022))
    f = next(f for f in cross_of(early, late_bad)[str(late_bad)] if f.rule.id == "X-FORCE:normative")
    assert (f.reported, f.computed) == (in_force, in_force + issued - repealed)


def test_years_not_consecutive_or_ambiguous_are_not_compared(tmp_path):
    a = write(tmp_path, "2018.txt", make_year(S001, 2018, balanced_carry(S001, "natural", 3)))
    b = write(tmp_path, "2020.txt", make_year(S001, 2020))
    assert cross_of(a, b) == {}
    c1 = write(tmp_path, "2019a.txt", make_year(S001, 2019, balanced_carry(S001, "natural", 3)))
    c2 = write(tmp_path, "2019b.txt", make_year(S001, 2019, balanced_carry(S001, "natural", 4)))
    assert cross_of(c1, c2, b) == {}


def test_live_recheck_against_the_previous_year():
    early = extract(make_year(S001, 2019, balanced_carry(S001, "natural", 3)))
    late = extract(make_year(S001, 2020))
    checker = Checker(late)
    checker.add_rules(CrossRules(facts_of(early, "2019.txt"), "2020.txt"))
    assert "X-CARRY:natural" in {f.rule.id for f in checker.problems()}
    late.cells["apply.carried_over.natural"].set(3)
    changed = checker.recheck("apply.carried_over.natural")
    assert "X-CARRY:natural" in {f.rule.id for f in changed}
    assert "X-CARRY:natural" not in {f.rule.id for f in checker.problems()}


def test_the_earlier_report_sees_the_mismatch_on_its_own_cells():
    """Opening last year's report: the finding is on its 结转下年度 and names next year's 上年结转."""
    early = extract(make_year(S001, 2019, balanced_carry(S001, "natural", 3)))
    late = extract(make_year(S001, 2020))
    checker = Checker(early)
    checker.add_rules(CrossRules(None, "2019.txt", following=facts_of(late, "2020.txt")))
    f = next(f for f in checker.problems() if f.rule.id == "X-CARRY:natural")
    assert f.rule.cells == ("apply.carried_forward.natural",)
    assert f.other_file == "2020.txt" and f.other_cells == ("apply.carried_over.natural",)
    assert (f.reported, f.computed) == (0, 3) and "2020年度报告“2020.txt”为 0" in f.message
    early.cells["apply.carried_forward.natural"].set(0)      # corrected here: the finding goes
    assert "X-CARRY:natural" in {x.rule.id for x in checker.recheck("apply.carried_forward.natural")}
    assert "X-CARRY:natural" not in {x.rule.id for x in checker.problems()}


def test_neighbours_found_in_the_folder_with_their_reviews(tmp_path):
    from core.neighbours import find_neighbours
    from tests.test_batch import save_review
    early = write(tmp_path, "甲.txt", make_year(S001, 2019, balanced_carry(S001, "natural", 3)))
    here = write(tmp_path, "乙.txt", make_year(S001, 2020))
    later = write(tmp_path, "丙.txt", make_year(S001, 2021))
    write(tmp_path, "别的机关.txt", make_year(S003, 2019))
    (tmp_path / "扫描件.png").write_bytes(b"\x89PNG\r\n\x1a\n")          # never read: scans are skipped
    (tmp_path / "坏.txt").write_bytes(b"")
    r = load(here)
    prev, nxt = find_neighbours(here, r.agency, r.year)
    assert prev is not None and prev.path == str(early) and nxt is not None and nxt.path == str(later)
    assert prev.value("apply.carried_forward.natural") == 3
    save_review(early, {"apply.carried_forward.natural": 0, "apply.new.natural": seed_value(S001, "apply.new.natural")})
    prev, _ = find_neighbours(here, r.agency, r.year)      # the review changed: read again, corrected
    assert prev.value("apply.carried_forward.natural") == 0
    assert find_neighbours(here, "另一个局", r.year) == (None, None)


@pytest.mark.parametrize("a, b", [("哈尔滨市呼兰区人民政府", "呼兰区"), ("呼兰区政府", "呼兰区人民政府"),
                                  ("某某市人民政府办公室", "某某市政府办"), ("松北区船口街道办事处", "松北区 船口街道"),
                                  ("哈尔滨市阿城区工业信息科技局", "阿城区工业信息科技局")])
def test_agency_names_that_match(a, b):
    assert agency_key(a) == agency_key(b)


@pytest.mark.parametrize("a, b", [("某某市人民政府", "某某市人民政府办公室"), ("哈尔滨市公安局", "公安局"),
                                  ("松北区行政审批局", "呼兰区行政审批局")])
def test_agency_names_that_differ(a, b):
    assert agency_key(a) != agency_key(b)


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "app.py", "check", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_check_cross_json_names_both_files_and_cells(tmp_path):
    early = write(tmp_path, "a_2019.txt", make_year(S001, 2019, balanced_carry(S001, "natural", 3)))
    late = write(tmp_path, "b_2020.txt", make_year(S001, 2020))
    proc = run_check(str(tmp_path), "--json", "--cross")
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [Path(o["file"]).name for o in lines] == ["a_2019.txt", "b_2020.txt"]
    carry = [v for v in lines[1]["violations"] if v["rule"].startswith("X-CARRY")]
    assert {v["rule"] for v in carry} == {"X-CARRY:natural", "X-CARRY:total"}
    nat = next(v for v in carry if v["rule"] == "X-CARRY:natural")
    assert nat["other_file"] == str(early) and nat["other_cells"] == ["apply.carried_forward.natural"]
    assert nat["cells"] == ["apply.carried_over.natural"] and nat["severity"] == "warning"
    assert not [v for v in lines[0]["violations"] if v["rule"].startswith("X-")]
    plain = run_check(str(tmp_path), "--json")
    assert "X-CARRY" not in plain.stdout                       # only with --cross
    text = run_check(str(tmp_path), "--cross")
    assert "[X-CARRY:natural]" in text.stdout and "a_2019.txt" in text.stdout and str(late) in text.stdout
    assert proc.returncode == plain.returncode


def test_untouched_seeds_have_no_cross_findings(tmp_path):
    """The five seeds are five agencies (or one agency's single year): nothing to compare, nothing found."""
    from tests.conftest import SEED_FILES
    assert cross_of(*SEED_FILES) == {}
    proc = run_check(*map(str, SEED_FILES), "--json", "--cross")
    assert not [v for line in proc.stdout.splitlines() for v in json.loads(line)["violations"]
                if v["rule"].startswith("X-")]
