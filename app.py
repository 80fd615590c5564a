"""政府信息公开工作年度报告 校对工具 — entry point.

``python app.py [FILE]`` opens the review window (with a bundled sample report when no FILE is
given); ``python app.py check PATH... [--json]`` and ``python app.py export ...`` run the command
line without loading Qt.
"""
from __future__ import annotations

import sys

CLI_COMMANDS = {"check", "export", "-h", "--help"}


def main(argv: list[str]) -> int:
    if argv and argv[0] in CLI_COMMANDS:
        from core.cli import main as cli_main
        return cli_main(argv)
    try:
        from gui.main import run
    except ImportError as e:  # the GUI is optional for the command line
        print(f"无法启动图形界面：{e}\n用法：python app.py check PATH... [--json]", file=sys.stderr)
        return 2
    return run(argv)


def console() -> int:
    """The installed commands' entry point (``gov-report-review`` and ``gov-report-review-gui``)."""
    return main(sys.argv[1:])


if __name__ == "__main__":
    import multiprocessing
    multiprocessing.freeze_support()   # a batch's worker processes, in the standalone build, start here
    sys.exit(main(sys.argv[1:]))
