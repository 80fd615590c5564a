"""Bad input gets a clear Chinese message naming the file and the reason; the run goes on."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.loader import LoadError, load
from core.textio import decode
from tests.conftest import ROOT, SEED_FILES, expected_for
from core.values import to_json

SEED = SEED_FILES[2]


def run_check(*paths, json_out=True):
    args = [sys.executable, "app.py", "check", *map(str, paths)] + (["--json"] if json_out else [])
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "文件为空"),
    ("binary.txt", bytes(range(256)) * 40, "二进制"),
    ("notice.txt", "关于召开会议的通知\n请各单位准时参加。\n".encode("utf-8"), "不像是一份年度报告"),
    ("garbage.txt", b"\x89PNG\r\n\x1a\n" + b"\x00\xff" * 500, "PNG 图片"),
    ("utf16junk.txt", b"\x00\xff" * 500, "二进制"),
])
def test_bad_files_give_reasons(tmp_path, name, content, reason):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(LoadError) as e:
        load(p)
    assert name in str(e.value) and reason in str(e.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LoadError, match="文件不存在"):
        load(tmp_path / "nope.txt")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_chinese_encodings_read_without_mojibake(tmp_path, encoding):
    text = SEED.read_text(encoding="utf-8")
    p = tmp_path / f"seed_{encoding}.txt"
    data = text.encode(encoding, errors="replace")  # GBK lacks a few symbols of the prose
    p.write_bytes(data)
    report = load(p)
    exp = expected_for(SEED)
    assert {k: to_json(report.value(k)) for k in exp["cells"]} == exp["cells"]
    assert report.agency == "呼兰区"


def test_decode_prefers_gb18030_for_gbk_bytes():
    text, enc = decode("松北区行政审批局2020年政府信息公开工作年度报告".encode("gbk"))
    assert text.startswith("松北区") and enc == "gb18030"


def test_cli_goes_on_after_bad_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 10)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(SEED.read_text(encoding="utf-8").encode("gb18030"))
    proc = run_check(empty, garbage, gbk, tmp_path / "missing.txt")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [ln["ok"] for ln in lines] == [False, False, True, False]
    assert "文件为空" in lines[0]["error"] and "empty.txt" in lines[0]["error"]
    assert "garbage.bin" in lines[1]["error"]
    assert "文件不存在" in lines[3]["error"]


def test_cli_text_mode_bad_file_message(tmp_path):
    p = tmp_path / "空文件.txt"
    p.write_bytes(b"")
    proc = run_check(p, json_out=False)
    assert proc.returncode == 2 and "无法打开“空文件.txt”：文件为空" in proc.stdout


def test_cli_folder_input(tmp_path):
    for src in SEED_FILES[:2]:
        (tmp_path / src.name).write_bytes(src.read_bytes())
    proc = run_check(tmp_path)
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 2


def test_truncated_report_in_table_three(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    p = tmp_path / "cut.txt"
    p.write_text(text[: text.index("3.补正后申请内容仍不明确")], encoding="utf-8")
    proc = run_check(p)
    [line] = [json.loads(x) for x in proc.stdout.splitlines()]
    assert line["ok"] is True
    assert "apply.carried_forward.natural" in line["uncertain"]
    assert any("截断" in n for n in line["notes"])
    assert line["cells"]["apply.new.natural"] == 13


def test_source_file_is_never_modified(tmp_path):
    p = tmp_path / "seed.txt"
    data = SEED.read_bytes()
    p.write_bytes(data)
    load(p)
    run_check(p)
    assert p.read_bytes() == data


def test_text_load_reports_progress_and_can_be_cancelled(tmp_path):
    from core.loader import Cancelled

    p = tmp_path / "seed.txt"
    p.write_bytes(SEED.read_bytes())
    steps = []
    load(p, progress=lambda done, total: steps.append((done, total)))
    assert steps[0] == (0, 3) and steps[-1] == (3, 3)

    def cancel(done, total):
        if done == 1:
            raise RuntimeError("用户取消")
    with pytest.raises(Cancelled):
        load(p, progress=cancel)
