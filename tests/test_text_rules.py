"""The report against its own text: doctored seed narratives, each caught with the right span."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.extract import extract
from core.rules import Checker
from core.text_rules import is_government, report_date
from tests.conftest import ROOT, SEEDS

S000 = SEEDS / "000_783804de577ec37f.txt"
S002 = SEEDS / "002_768f1a9c5528641a.txt"
S003 = SEEDS / "003_5ff8cf655acdf111.txt"
S004 = SEEDS / "004_6fea46c080299f63.txt"


def text_of(path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def doctor(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def text_findings(text: str) -> dict[str, object]:
    checker = Checker(extract(text))
    return {f.rule.id: f for f in checker.problems()
            if f.rule.id.split(":")[0] in ("TXT-NUM", "SEC", "PERIOD", "DATE", "FEE-TXT", "TITLE-YEAR")}


def test_untouched_seeds_give_only_their_true_findings():
    """Seed 000 has no section 六; seed 003 is dated 2020年1月31日 for its 2020 report. Nothing else."""
    got = {p.name[:3]: sorted(text_findings(text_of(p))) for p in sorted(SEEDS.glob("*.txt"))}
    assert got == {"000": ["SEC"], "001": [], "002": [], "003": ["DATE"], "004": []}


def test_seed_003_date_is_before_the_year_ends():
    text = text_of(S003)
    f = text_findings(text)["DATE"]
    assert text[f.span[0]:f.span[1]] == "2020年1月31日"
    assert "早于" in f.message


def test_seed_000_missing_section_six_points_at_section_five():
    text = text_of(S000)
    f = text_findings(text)["SEC"]
    assert "缺少第六部分" in f.message
    assert text[f.span[0]:f.span[1]] == "五、存在的主要问题及改进情况"


def test_changed_quoted_figure_is_caught_at_the_number():
    text = doctor(text_of(S002), "依申请公开政府信息共有13条", "依申请公开政府信息共有15条")
    f = text_findings(text)["TXT-NUM:apply.new.total"]
    assert text[f.span[0]:f.span[1]] == "15"
    assert (f.reported, f.computed) == (15, 13)
    assert f.rule.cells == ("apply.new.total",)


@pytest.mark.parametrize("quote, cell, table", [
    ("本年共收到政府信息公开申请7件", "apply.new.total", 13),
    ("上年结转申请3件", "apply.carried_over.total", 0),
    ("结转下年度继续办理1件", "apply.carried_forward.total", 0),
    ("被申请行政复议5件", "review.reconsideration.total", 2),
    ("提起行政诉讼9件", "review.litigation_direct.total+review.litigation_after.total", 2),
])
def test_each_kind_of_quoted_figure(quote, cell, table):
    text = doctor(text_of(S002), "一年来全区依申请公开政府信息共有13条", "一年来" + quote)
    f = text_findings(text)[f"TXT-NUM:{cell}"]
    number = "".join(ch for ch in quote if ch.isdigit())
    assert text[f.span[0]:f.span[1]] == number
    assert f.computed == table


def test_quoted_figures_that_agree_give_nothing():
    text = doctor(text_of(S002), "一年来全区依申请公开政府信息共有13条",
                  "一年来共收到政府信息公开申请13件，上年结转0件，被申请行政复议2件，提起行政诉讼2件")
    assert text_findings(text) == {}


def test_a_typed_correction_clears_the_text_finding_live():
    text = doctor(text_of(S002), "依申请公开政府信息共有13条", "依申请公开政府信息共有15条")
    report = extract(text)
    checker = Checker(report)
    assert "TXT-NUM:apply.new.total" in {f.rule.id for f in checker.problems()}
    report.cells["apply.new.total"].set(15)
    changed = checker.recheck("apply.new.total")
    assert "TXT-NUM:apply.new.total" in {f.rule.id for f in changed}
    assert "TXT-NUM:apply.new.total" not in {f.rule.id for f in checker.problems()}


def test_removed_section_is_caught():
    text = text_of(S004)
    start = text.index("    五、存在的主要问题及改进情况")
    end = text.index("    六、其他需要报告的事项")
    doctored = text[:start] + text[end:]
    f = text_findings(doctored)["SEC"]
    assert "缺少第五部分" in f.message
    assert doctored[f.span[0]:f.span[1]] == "六、其他需要报告的事项"


def test_sections_out_of_order_are_caught():
    text = text_of(S004)
    five = text[text.index("    五、存在的主要问题及改进情况"):text.index("    六、其他需要报告的事项")]
    doctored = text.replace(five, "")
    doctored = doctored.replace("    二、主动公开政府信息情况", five + "    二、主动公开政府信息情况")
    f = text_findings(doctored)["SEC"]
    assert "顺序" in f.message
    assert doctored[f.span[0]:f.span[1]].startswith("二、主动公开政府信息情况")


def test_wrong_period_is_caught_with_its_dates():
    text = doctor(text_of(S004), "统计期限自2021年1月1日至2021年12月31日截止", "统计期限自2021年1月1日至2021年11月30日截止")
    f = text_findings(text)["PERIOD"]
    assert text[f.span[0]:f.span[1]] == "2021年1月1日至2021年11月30日"


def test_period_of_another_year_and_malformed_period():
    text = doctor(text_of(S003), "统计期限自2020年1月1日至2020年12月31日", "统计期限自2019年1月1日至2019年12月31日")
    assert text[slice(*text_findings(text)["PERIOD"].span)] == "2019年1月1日至2019年12月31日"
    text = doctor(text_of(S003), "统计期限自2020年1月1日至2020年12月31日", "统计期限自20201月1日至202012月31日")
    f = text_findings(text)["PERIOD"]
    assert text[f.span[0]:f.span[1]] == "20201月1日"
    assert "缺“年”" in f.message


def test_late_date_of_a_department_is_caught():
    text = doctor(text_of(S000), "2021年1月28日", "2021年2月28日")
    f = text_findings(text)["DATE"]
    assert text[f.span[0]:f.span[1]] == "2021年2月28日"
    assert "1月31日" in f.message


def test_a_government_has_until_march():
    text = text_of(S002) + "\n                呼兰区人民政府\n              2022年3月20日\n"
    assert "DATE" not in text_findings(text)
    late = text_of(S002) + "\n                呼兰区人民政府\n              2022年4月2日\n"
    f = text_findings(late)["DATE"]
    assert "3月31日" in f.message
    assert late[f.span[0]:f.span[1]] == "2022年4月2日"


def test_dates_in_chinese_numerals_and_iso_form():
    assert report_date("正文\n二〇二一年一月二十八日\n").value.isoformat() == "2021-01-28"
    assert report_date("正文\n2021-01-28\n").value.isoformat() == "2021-01-28"
    assert report_date("发布日期：2021-01-20\n正文很长很长很长很长很长很长很长很长很长很长很长。\n").value.isoformat() == "2021-01-20"


def test_agency_kinds_for_the_deadline():
    assert is_government("呼兰区") and is_government("哈尔滨市人民政府") and is_government("某某县政府")
    assert not is_government("哈尔滨市人民政府办公室")
    assert not is_government("松北区行政审批局") and not is_government("松北区船口街道")


def test_missing_fee_sentence_in_a_2021_report():
    text = doctor(text_of(S004), "依据《政府信息公开信息处理费管理办法》，2021年发出收费通知0件，实际收取金额0元。",
                  "无。")
    f = text_findings(text)["FEE-TXT"]
    assert text[f.span[0]:f.span[1]] == "六、其他需要报告的事项"


def test_title_year_against_the_table_caption():
    text = doctor(text_of(S001 := SEEDS / "001_0c9827e6b67986f5.txt"), "二、主动公开政府信息情况\n",
                  "二、主动公开政府信息情况\n2019年主动公开政府信息情况\n")
    f = text_findings(text)["TITLE-YEAR"]
    assert text[f.span[0]:f.span[1]] == "2020"
    assert "2019" in f.message


def test_check_json_carries_the_span():
    proc = subprocess.run([sys.executable, "app.py", "check", str(S003), "--json"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    obj = json.loads(proc.stdout.splitlines()[0])
    date = next(v for v in obj["violations"] if v["rule"] == "DATE")
    assert date["severity"] == "warning"
    text = text_of(S003)
    assert text[date["span"][0]:date["span"][1]] == "2020年1月31日"
    assert all("span" not in v for v in obj["violations"] if v["rule"].startswith("T3-"))
