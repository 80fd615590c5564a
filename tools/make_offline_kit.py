"""Build an offline install kit: the app and every dependency as wheels for one target platform.

    python tools/make_offline_kit.py --platform win_amd64 --python-version 3.11
    python tools/make_offline_kit.py --platform manylinux_2_28_x86_64 --python-version 3.11
    python tools/make_offline_kit.py                     # this machine's platform and Python

Office PCs often have no internet access. This runs on a machine that has it (any OS: the wheels
are chosen for the *target*), and writes a folder to copy over on a USB stick:

    wheels/        the app's wheel, every dependency's wheel, and pip's own wheel
    install.sh     Linux (统信 UOS, 麒麟 Kylin, …): makes a venv, installs with --no-index
    install.bat    Windows: the same
    kit.json       target, Python version, every wheel with its size and SHA-256
    说明.txt        what to do on the office PC, in Chinese

Why not plain ``pip download``: pip evaluates environment markers against the machine it runs on,
not the target, so building a Windows kit on Linux would leave out e.g. ``colorama; platform_system
== "Windows"`` (needed by tqdm and colorlog there) and the install would fail on the office PC.
After pip's download this script walks the requirements itself with the target's marker
environment, fetches what is missing, drops what the target never needs, and refuses to finish
while any requirement is unmet. Only wheels are used (``--only-binary=:all:``): an office PC has
no compiler.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform as host_platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.tags import platform_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
APP = "gov-report-review"
EXTRA_ROOTS = ["pip"]          # pip's wheel: the install scripts run pip from it (no ensurepip needed)

# manylinux_2_N tags a manylinux_2_M target also accepts (N <= M), with the legacy aliases
_LEGACY_MANYLINUX = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
_MANYLINUX = re.compile(r"^manylinux_(\d+)_(\d+)_(\w+)$")


# ------------------------------------------------------------------ the target

@dataclass(frozen=True)
class Target:
    platforms: tuple[str, ...]     # wheel platform tags the target accepts, best first
    python: str                    # "3.11"
    label: str                     # for the folder name and kit.json

    @property
    def abi(self) -> str:
        return "cp" + self.python.replace(".", "")

    def marker_env(self) -> dict[str, str]:
        """The environment markers of the target, for requirements such as ``; sys_platform == "win32"``."""
        first = self.platforms[0]
        if first.startswith("win"):
            machine = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}.get(first, "AMD64")
            env = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": machine}
        elif first.startswith("macosx"):
            env = {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                   "platform_machine": first.rsplit("_", 1)[-1]}
        else:
            machine = first.split("_", 3)[-1] if _MANYLINUX.match(first) else first.split("_", 1)[-1]
            env = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": machine}
        env.update(python_version=self.python, python_full_version=self.python + ".0",
                   implementation_name="cpython", platform_python_implementation="CPython",
                   implementation_version=self.python + ".0", platform_release="", platform_version="", extra="")
        return env


def expand_platform(tag: str) -> tuple[str, ...]:
    """Every wheel platform tag a target accepts: ``manylinux_2_28_x86_64`` also takes 2_27 … 2_17
    (= manylinux2014) and older, as pip itself would on that machine."""
    m = _MANYLINUX.match(tag)
    legacy = re.match(r"^(manylinux2014|manylinux2010|manylinux1)_(\w+)$", tag)
    if legacy:
        glibc = {v: k for k, v in _LEGACY_MANYLINUX.items()}[legacy.group(1)]
        m = _MANYLINUX.match(f"manylinux_2_{glibc}_{legacy.group(2)}")
    if not m:
        return (tag,)
    major, minor, arch = int(m.group(1)), int(m.group(2)), m.group(3)
    lowest = 5 if arch in ("x86_64", "i686") else 17        # manylinux1 / manylinux2014 were the first
    out = []
    for n in range(minor, lowest - 1, -1):
        out.append(f"manylinux_{major}_{n}_{arch}")
        if n in _LEGACY_MANYLINUX:
            out.append(f"{_LEGACY_MANYLINUX[n]}_{arch}")
    return tuple(out)


def make_target(platform: str | None, python: str | None) -> Target:
    py = python or f"{sys.version_info.major}.{sys.version_info.minor}"
    if not re.fullmatch(r"3\.\d+", py):
        raise SystemExit(f"--python-version 应形如 3.11，而不是 {py!r}")
    if platform in (None, "", "native"):
        tags = tuple(t for t in platform_tags() if not t.startswith("linux_"))
        return Target(tags, py, f"{tags[0]}")
    return Target(expand_platform(platform), py, platform)


# ------------------------------------------------------------------ wheels in the kit

@dataclass
class Wheel:
    path: Path
    name: str                      # canonical
    version: Version
    requires: list[Requirement]
    requires_python: str | None


def read_wheel(path: Path) -> Wheel:
    name, version, _build, _tags = parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        meta = HeaderParser().parsestr(zf.read(meta_name).decode("utf-8"))
    return Wheel(path, canonicalize_name(name), version,
                 [Requirement(r) for r in meta.get_all("Requires-Dist") or []], meta.get("Requires-Python"))


def applies(req: Requirement, env: dict[str, str], extras: frozenset[str] = frozenset()) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""}))


def closure(roots: list[Requirement], wheels: list[Wheel], target: Target) -> tuple[list[Wheel], list[Requirement]]:
    """The wheels the target installs for ``roots`` and the requirements no wheel here meets."""
    env = target.marker_env()
    by_name: dict[str, list[Wheel]] = {}
    for w in wheels:
        by_name.setdefault(w.name, []).append(w)
    for ws in by_name.values():
        ws.sort(key=lambda w: w.version, reverse=True)
    chosen: dict[str, Wheel] = {}
    missing: dict[str, Requirement] = {}
    todo: list[tuple[Requirement, frozenset[str]]] = [(r, frozenset()) for r in roots]
    seen: set[tuple[str, str, frozenset[str]]] = set()
    while todo:
        req, parent_extras = todo.pop()
        if not applies(req, env, parent_extras):
            continue
        name = canonicalize_name(req.name)
        key = (name, str(req.specifier), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        have = chosen.get(name)
        candidates = [have] if have else by_name.get(name, [])
        match = next((w for w in candidates if req.specifier.contains(w.version, prereleases=True)), None)
        if match is None:
            missing[f"{name} {req.specifier}"] = Requirement(f"{name}{req.specifier}")
            continue
        chosen[name] = match
        extras = frozenset(req.extras)
        todo.extend((r, extras) for r in match.requires)
    return sorted(chosen.values(), key=lambda w: w.name), list(missing.values())


# ------------------------------------------------------------------ building

def pip(*args: str, quiet: bool = True) -> None:
    cmd = [sys.executable, "-m", "pip", *args] + (["-q"] if quiet else [])
    print("  $ pip " + " ".join(args), flush=True)
    subprocess.run(cmd, check=True)


def download_args(target: Target) -> list[str]:
    out = ["--only-binary=:all:", "--python-version", target.python, "--implementation", "cp", "--abi", target.abi]
    for p in target.platforms:
        out += ["--platform", p]
    return out


# Left out of the copy the wheel is built from: setuptools' build/ folder would carry modules
# deleted since an earlier build into the wheel.
_NOT_SOURCE = shutil.ignore_patterns("build", "dist", ".git", "*.egg-info", "__pycache__", "*.pyc", ".venv",
                                     ".pytest_cache", ".hypothesis", "tests", "bench", "tools")


def build_app_wheel(dest: Path) -> Path:
    """The app's own wheel, built from a clean copy of this source tree."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT, src, ignore=_NOT_SOURCE)
        pip("wheel", "--no-deps", "-w", tmp, str(src))
        built = next(Path(tmp).glob("gov_report_review-*.whl"))
        return Path(shutil.copy2(built, dest / built.name))


def gather(target: Target, wheels_dir: Path) -> list[Wheel]:
    """Download until the target's requirements are closed; return the wheels it will install."""
    app = read_wheel(build_app_wheel(wheels_dir))
    roots = [Requirement(f"{APP}=={app.version}")] + [Requirement(r) for r in EXTRA_ROOTS]
    pip("download", *download_args(target), "-d", str(wheels_dir), str(app.path), *EXTRA_ROOTS)
    for _ in range(10):
        all_wheels = [read_wheel(p) for p in sorted(wheels_dir.glob("*.whl"))]
        needed, missing = closure(roots, all_wheels, target)
        if not missing:
            break
        print("  目标平台另需：" + "、".join(str(r) for r in missing), flush=True)
        pip("download", *download_args(target), "--no-deps", "-d", str(wheels_dir), *map(str, missing))
    else:
        raise SystemExit("依赖无法闭合：" + "、".join(str(r) for r in missing))
    keep = {w.path for w in needed}
    for p in wheels_dir.glob("*"):
        if p not in keep:
            print(f"  目标平台不需要，移除：{p.name}", flush=True)
            p.unlink()
    return needed


def write_manifest(kit: Path, target: Target, wheels: list[Wheel]) -> dict:
    app = next(w for w in wheels if w.name == APP)
    pip_wheel = next(w for w in wheels if w.name == "pip")
    manifest = {
        "app": APP, "version": str(app.version),
        "platform": target.label, "platform_tags": list(target.platforms), "python": target.python,
        "built": time.strftime("%Y-%m-%d %H:%M:%S"), "built_on": f"{host_platform.system()} {host_platform.machine()}",
        "pip_wheel": pip_wheel.path.name,
        "wheels": [{"file": w.path.name, "name": w.name, "version": str(w.version), "bytes": w.path.stat().st_size,
                    "sha256": hashlib.sha256(w.path.read_bytes()).hexdigest()} for w in wheels],
    }
    manifest["total_bytes"] = sum(w["bytes"] for w in manifest["wheels"])
    (kit / "kit.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def write_scripts(kit: Path, target: Target, manifest: dict) -> None:
    """install.sh / install.bat / shortcut.ps1 / 说明.txt from the templates in tools/offline_kit/, filled in.

    Line ends and encodings as each reader wants them: LF for sh; CRLF for cmd, PowerShell and
    Notepad; a BOM for Windows PowerShell 5 and Notepad (never for cmd, which would choke on it).
    """
    here = Path(__file__).resolve().parent / "offline_kit"
    values = {"@PYTHON@": target.python, "@PIP_WHEEL@": manifest["pip_wheel"], "@APP@": APP,
              "@VERSION@": manifest["version"], "@PLATFORM@": target.label}
    for name, newline, encoding in (("install.sh", "\n", "utf-8"), ("install.bat", "\r\n", "utf-8"),
                                    ("shortcut.ps1", "\r\n", "utf-8-sig"), ("说明.txt", "\r\n", "utf-8-sig")):
        text = (here / name).read_text(encoding="utf-8")
        for k, v in values.items():
            text = text.replace(k, v)
        with open(kit / name, "w", encoding=encoding, newline=newline) as f:
            f.write(text)
    (kit / "install.sh").chmod(0o755)


def make_kit(target: Target, out: Path) -> dict:
    if out.exists():
        shutil.rmtree(out)
    (out / "wheels").mkdir(parents=True)
    wheels = gather(target, out / "wheels")
    manifest = write_manifest(out, target, wheels)
    write_scripts(out, target, manifest)
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成离线安装包：应用及全部依赖的 wheel，附 install.sh / install.bat")
    ap.add_argument("--platform", default="native",
                    help="目标平台：win_amd64、manylinux_2_28_x86_64（统信/麒麟 x86）、manylinux_2_28_aarch64（麒麟 ARM）"
                         "或 native（本机，默认）")
    ap.add_argument("--python-version", default=None, help="目标电脑上的 Python 版本，如 3.11（默认本机版本）")
    ap.add_argument("--out", type=Path, default=None, help="输出文件夹（默认 dist/offline-kit-<平台>-py<版本>）")
    args = ap.parse_args(argv)
    target = make_target(args.platform, args.python_version)
    out = args.out or ROOT / "dist" / f"offline-kit-{target.label}-py{target.python}"
    started = time.perf_counter()
    manifest = make_kit(target, out)
    print(f"离线安装包：{out}\n  {len(manifest['wheels'])} 个 wheel，共 {manifest['total_bytes'] / 2**20:.1f} MB，"
          f"用时 {time.perf_counter() - started:.0f} s；目标 {target.label} / Python {target.python}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
