"""The offline install kit (tools/make_offline_kit.py).

The fast tests cover what decides whether a kit built on one machine installs on another: the
platform tags a target accepts and the target's own environment markers (a Windows kit built on
Linux must still carry colorama). The slow test builds a kit for this machine, installs it with
the network cut off and runs the installed app.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.install.conftest import (SEED_003, assert_reads_seed_003, assert_same_ocr, check_json, network_cut,
                                  prove_offline, quiet_env, run_window_for)
from tests.conftest import ROOT
from tools import make_offline_kit as kit


def test_manylinux_target_accepts_older_glibc_tags_only():
    tags = kit.expand_platform("manylinux_2_28_x86_64")
    assert tags[0] == "manylinux_2_28_x86_64"
    assert {"manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"} <= set(tags)
    assert not any(t.startswith("manylinux_2_29") or "aarch64" in t for t in tags)
    assert kit.expand_platform("manylinux2014_aarch64") == ("manylinux_2_17_aarch64", "manylinux2014_aarch64")
    assert kit.expand_platform("win_amd64") == ("win_amd64",)


def test_target_markers_are_the_targets_not_this_machines():
    win = kit.make_target("win_amd64", "3.12").marker_env()
    assert (win["sys_platform"], win["platform_system"], win["os_name"], win["python_version"]) == \
        ("win32", "Windows", "nt", "3.12")
    uos = kit.make_target("manylinux_2_28_aarch64", "3.10").marker_env()
    assert (uos["sys_platform"], uos["platform_machine"], uos["python_version"]) == ("linux", "aarch64", "3.10")
    with pytest.raises(SystemExit):
        kit.make_target("win_amd64", "311")


def _wheel(folder: Path, name: str, version: str, *requires: str) -> Path:
    path = folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name.replace('-', '_')}-{version}.dist-info/METADATA", meta)
    return path


def test_closure_follows_the_targets_markers(tmp_path):
    _wheel(tmp_path, "app", "1.0", "tqdm", "pyside6-essentials<6.12,>=6.6; python_version < '3.12'",
           "pyside6-essentials>=6.6; python_version >= '3.12'", "docs-tool; extra == 'docs'")
    _wheel(tmp_path, "tqdm", "4.70.1", 'colorama; platform_system == "Windows"', 'requests; extra == "discord"')
    _wheel(tmp_path, "pyside6-essentials", "6.11.3", "shiboken6==6.11.3")
    _wheel(tmp_path, "pyside6-essentials", "6.12.0", "shiboken6==6.12.0")
    _wheel(tmp_path, "shiboken6", "6.11.3")
    wheels = [kit.read_wheel(p) for p in tmp_path.glob("*.whl")]
    roots = [Requirement("app==1.0")]

    def solve(platform: str, python: str):
        chosen, missing = kit.closure(roots, wheels, kit.make_target(platform, python))
        return {w.name: str(w.version) for w in chosen}, sorted(str(r) for r in missing)

    assert solve("manylinux_2_28_x86_64", "3.11") == (
        {"app": "1.0", "tqdm": "4.70.1", "pyside6-essentials": "6.11.3", "shiboken6": "6.11.3"}, [])
    # Windows needs colorama (tqdm's marker), which pip on Linux would never have fetched
    assert solve("win_amd64", "3.11")[1] == ["colorama"]
    # Python 3.12 takes the newest PySide6, whose shiboken is not here
    chosen, missing = solve("manylinux_2_28_x86_64", "3.12")
    assert chosen["pyside6-essentials"] == "6.12.0" and missing == ["shiboken6==6.12.0"]


def test_install_scripts_are_filled_in_with_each_readers_line_ends(tmp_path):
    target = kit.make_target("win_amd64", "3.11")
    kit.write_scripts(tmp_path, target, {"pip_wheel": "pip-26.3-py3-none-any.whl", "version": "0.1.0"})
    raw = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(raw) == {"install.sh", "install.bat", "shortcut.ps1", "说明.txt"}
    for name, data in raw.items():
        assert b"@" + b"PYTHON@" not in data and b"@PIP_WHEEL@" not in data, name
    assert b"\r\n" not in raw["install.sh"] and b"wheels/pip-26.3-py3-none-any.whl/pip" in raw["install.sh"]
    assert raw["install.bat"].count(b"\r\n") == raw["install.bat"].count(b"\n") and not raw["install.bat"].startswith(b"\xef\xbb\xbf")
    assert b"--no-index --find-links" in raw["install.bat"] and b"--no-index --find-links" in raw["install.sh"]
    assert raw["shortcut.ps1"].startswith(b"\xef\xbb\xbf") and raw["说明.txt"].startswith(b"\xef\xbb\xbf")
    assert "Python 3.11" in raw["说明.txt"].decode("utf-8-sig")
    assert subprocess.run(["sh", "-n", str(tmp_path / "install.sh")]).returncode == 0
    assert (tmp_path / "install.sh").stat().st_mode & 0o111


def test_install_script_refuses_another_python_version(tmp_path):
    target = kit.make_target("native", "3.9" if sys.version_info[:2] != (3, 9) else "3.10")
    kit.write_scripts(tmp_path, target, {"pip_wheel": "pip-26.3-py3-none-any.whl", "version": "0.1.0"})
    out = subprocess.run(["sh", str(tmp_path / "install.sh"), str(tmp_path / "dest")], capture_output=True, text=True,
                         env=quiet_env(tmp_path, PYTHON=sys.executable))
    assert out.returncode == 1 and f"只适用于 Python {target.python}" in out.stderr
    assert not (tmp_path / "dest").exists()


@pytest.mark.slow
def test_kit_installs_and_runs_with_the_network_cut_off(tmp_path, scan_003, scan_003_from_source):
    started = time.perf_counter()
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "make_offline_kit.py"), "--out", str(tmp_path / "kit")],
                         capture_output=True, text=True, timeout=3600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    built = time.perf_counter() - started
    manifest = json.loads((tmp_path / "kit" / "kit.json").read_text(encoding="utf-8"))
    names = {w["name"] for w in manifest["wheels"]}
    assert {"gov-report-review", "pyside6-essentials", "rapidocr", "onnxruntime", "opencv-python-headless",
            "pypdfium2", "pillow", "pip"} <= names
    assert sorted(p.name for p in (tmp_path / "kit" / "wheels").iterdir()) == sorted(w["file"] for w in manifest["wheels"])

    cut = network_cut()
    if not cut:
        pytest.skip("unshare -n is not allowed here: the network cannot be cut off for the install")
    prove_offline(cut)
    env = quiet_env(tmp_path)
    dest = tmp_path / "installed"
    started = time.perf_counter()
    out = subprocess.run([*cut, "sh", str(tmp_path / "kit" / "install.sh"), str(dest)], capture_output=True,
                         text=True, env=env, timeout=1800)
    installed_in = time.perf_counter() - started
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "安装完成" in out.stdout

    # every package in the venv came from the kit, at the kit's version
    py = dest / "venv" / "bin" / "python"
    listed = subprocess.run([str(py), "-m", "pip", "list", "--format=json"], capture_output=True, text=True,
                            env=env, check=True)
    from packaging.utils import canonicalize_name
    have = {canonicalize_name(p["name"]): p["version"] for p in json.loads(listed.stdout)}
    assert have == {w["name"]: w["version"] for w in manifest["wheels"]}
    desktop = Path(env["XDG_DATA_HOME"]) / "applications" / "gov-report-review.desktop"
    assert f'Exec="{dest}/venv/bin/gov-report-review-gui" %f' in desktop.read_text(encoding="utf-8")

    cli = [*cut, str(dest / "venv" / "bin" / "gov-report-review")]
    result, status = check_json(cli, SEED_003, env)
    assert_reads_seed_003(result)
    assert status == 1                      # seed 003 breaks balance rules
    assert_same_ocr(check_json(cli, scan_003, env)[0], scan_003_from_source)
    ready_ms = run_window_for([*cut, str(dest / "venv" / "bin" / "gov-report-review-gui")], SEED_003, env)
    print(f"\nkit: {manifest['total_bytes'] / 2**20:.0f} MB in {len(manifest['wheels'])} wheels, built in {built:.0f} s; "
          f"installed offline in {installed_in:.0f} s; window ready in {ready_ms} ms")
