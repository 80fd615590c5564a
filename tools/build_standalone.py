"""Build the standalone app (no Python needed on the office PC) with PyInstaller.

    python tools/build_standalone.py [--dist DIR] [--work DIR]

Builds for the platform it runs on (run it on Windows for Windows, on Linux for Linux; for 统信
UOS / 麒麟 Kylin build on the oldest Linux you must support, since the bundle needs a glibc at
least as new as the build machine's). Writes ``DIST/gov-report-review/`` and prints its size and
the build time. Needs the build extra: ``python -m pip install -e ".[build]"``.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tools" / "standalone" / "gov-report-review.spec"
NAME = "gov-report-review"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path) -> Path:
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(SPEC)], check=True, cwd=ROOT)
    return dist / NAME


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="用 PyInstaller 生成独立运行版（一个文件夹，无需安装 Python）")
    ap.add_argument("--dist", type=Path, default=ROOT / "dist", help="输出位置（默认 dist/）")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="中间文件位置")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    folder = build(args.dist, args.work)
    exe = ".exe" if sys.platform.startswith("win") else ""
    print(f"独立运行版：{folder}\n  大小 {folder_size(folder) / 2**20:.0f} MB，用时 {time.perf_counter() - started:.0f} s\n"
          f"  窗口：{folder / (NAME + '-gui' + exe)}\n  命令行：{folder / (NAME + exe)} check 报告文件")
    return 0


if __name__ == "__main__":
    sys.exit(main())
