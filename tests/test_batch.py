"""Batch summaries: counts, review states from the review files, archives, the batch sheets."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl

from core.batch import DONE, IN_PROGRESS, NOT_STARTED, Batch, extract_zip, list_reports, summarise
from core.cli import main
from core.loader import load
from core.review import SOURCE_ERROR, ReviewSession, finding_key, review_path
from core.rules import Checker
from tests.conftest import SEED_FILES, SEEDS
from tests.yearpairs import S001, balanced_carry, make_year

S003 = SEEDS / "003_5ff8cf655acdf111.txt"


def copy(seed: Path, folder: Path, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(seed, folder / (name or seed.name)))


def save_review(src: Path, edits: dict, reviewer: str = "李四", verdict_all_errors: bool = False) -> None:
    report = load(src)
    s = ReviewSession.for_source(src, reviewer)
    for key, value in edits.items():
        before = report.value(key)
        report.cells[key].set(value)
        s.record(report, key, before)
    if verdict_all_errors:
        for f in Checker(report).errors():
            s.set_verdict(finding_key(f.rule.id, f.rule.cells), SOURCE_ERROR, "原文如此")
    s.save(review_path(src))


def test_summary_counts_are_the_checkers(tmp_path):
    for seed in SEED_FILES:
        s = summarise(seed)
        checker = Checker(load(seed))
        errors = len(checker.errors())
        assert (s.errors, s.warnings, s.uncertain) == (errors, len(checker.problems()) - errors,
                                                      len(checker.report.uncertain_keys()))
        assert s.review_state == NOT_STARTED and s.format == "TXT" and s.ok
    s3 = summarise(S003)
    assert s3.agency == "松北区船口街道" and s3.year == 2020 and s3.edition == "2019"
    assert {"T3-BAL:natural", "DATE"} <= {f.rule for f in s3.findings}
    assert s3.cells["apply.new.total"] == 2


def test_review_states_follow_the_review_files(tmp_path):
    src = copy(S003, tmp_path)
    save_review(src, {"apply.granted.legal": 0})                 # an edit, errors still open
    s = summarise(src)
    assert s.review_state == IN_PROGRESS and s.reviewer == "李四" and s.saved_at and s.edited == 1
    save_review(src, {"apply.handled_total.natural": 2})         # the culprit fixed: no error left
    s = summarise(src)
    assert (s.review_state, s.errors, s.unresolved) == (DONE, 0, 0)
    auto = review_path(src).with_name(review_path(src).name.replace(".json", ".autosave.json"))
    shutil.copyfile(review_path(src), auto)                      # unsaved work waiting
    assert summarise(src).review_state == IN_PROGRESS
    auto.unlink()
    save_review(src, {}, verdict_all_errors=True)                # errors given a verdict count as resolved
    s = summarise(src)
    assert s.errors == 3 and s.unresolved == 0 and s.review_state == DONE


def test_unreadable_file_gives_a_reason(tmp_path):
    bad = tmp_path / "坏.txt"
    bad.write_bytes(b"")
    s = summarise(bad)
    assert not s.ok and "文件为空" in s.error


def test_batch_cross_and_rule_counts(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(make_year(S001, 2019, balanced_carry(S001, "natural", 3)), encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(make_year(S001, 2020), encoding="utf-8")
    c = copy(S003, tmp_path)
    batch = Batch(list_reports([tmp_path]))
    for p in batch.paths:
        batch.add(summarise(p))
    assert batch.apply_cross() == {str(b)}
    assert [f.rule for f in batch.summaries[str(b)].cross if f.family == "X-CARRY"] == ["X-CARRY:natural",
                                                                                     "X-CARRY:total"]
    assert batch.summaries[str(b)].cross[0].other_file == str(a)
    counts = {c.family: c for c in batch.rule_counts()}
    assert counts["X-CARRY"].warnings == 2 and counts["X-CARRY"].reports == 1
    assert counts["T3-BAL"].errors == 1 and counts["DATE"].reports == 1
    assert batch.apply_cross() == set()                           # nothing changed the second time
    assert batch.state_counts()[NOT_STARTED] == 3 and str(c) in batch.summaries


def test_zip_with_gbk_names_and_unsafe_paths(tmp_path):
    archive = tmp_path / "第一批.zip"
    gbk = "松北区/船口街道.txt".encode("gb18030")          # how zips made on Chinese Windows store names
    placeholder = b"".join(b"/" if ch == 0x2F else b"X" for ch in gbk)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(placeholder.decode("ascii"), S003.read_bytes())
        zf.writestr("../../escape.txt", S003.read_bytes())
        zf.writestr("说明.gif", b"GIF89a")             # not a report format
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk))   # no UTF-8 flag, GBK bytes
    folder = extract_zip(archive, tmp_path / "out")
    files = list_reports([folder])
    assert [p.relative_to(folder).as_posix() for p in files] == ["escape.txt", "松北区/船口街道.txt"]
    assert not (tmp_path / "escape.txt").exists()
    assert summarise(files[1]).agency == "松北区船口街道"
    assert extract_zip(archive, tmp_path / "out") == folder       # the same archive: the same folder


def test_summary_workbook_has_the_batch_sheets(tmp_path):
    folder = tmp_path / "r"
    for seed in SEED_FILES:
        copy(seed, folder)
    (folder / "a_2019.txt").write_text(make_year(S001, 2019, balanced_carry(S001, "natural", 3)), encoding="utf-8")
    save_review(folder / S003.name, {"apply.handled_total.natural": 2}, reviewer="赵六")
    out = tmp_path / "汇总.xlsx"
    assert main(["export", str(folder), "--summary", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "问题清单", "规则统计", "校对状态"]
    findings = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    date = next(r for r in findings if r[3] == "DATE")
    assert date[0] == S003.name and date[4] == "提示" and "2020年1月31日" in date[5]
    carry = next(r for r in findings if r[3] == "X-CARRY:natural")
    assert carry[0] == S001.name and carry[8] == "a_2019.txt" and carry[9] == "apply.carried_forward.natural"
    sec = next(r for r in findings if r[3] == "SEC")
    assert sec[0].startswith("000") and sec[7]
    rules = {r[0]: r for r in wb["规则统计"].iter_rows(min_row=2, values_only=True)}
    assert rules["X-CARRY"][3] == 2 and rules["DATE"][4] == 1 and rules["T3-BAL"][2] == 0   # 003 corrected
    states = {r[0]: r for r in wb["校对状态"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert states[S003.name][3:5] == (DONE, "赵六")
    assert states["a_2019.txt"][3] == NOT_STARTED
