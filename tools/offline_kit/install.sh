#!/bin/sh
# 离线安装 @APP@ @VERSION@（@PLATFORM@，Python @PYTHON@）：不联网，只用本文件夹 wheels/ 里的包。
#
#   sh install.sh [安装目录]                 默认 ~/.local/share/gov-report-review
#   PYTHON=/usr/bin/python3.11 sh install.sh  指定要用的 Python
#
# 装在安装目录的 venv/ 里（不动系统的 Python），再在应用菜单里加一项“年报校对”。
# 再次运行即升级（用新的安装包）或修复。
set -eu

KIT=$(cd "$(dirname "$0")" && pwd)
DEST=${1:-${HOME}/.local/share/gov-report-review}
WANT=@PYTHON@

if [ -z "${PYTHON:-}" ]; then
  for cand in "python$WANT" python3 python; do
    if command -v "$cand" >/dev/null 2>&1; then PYTHON=$(command -v "$cand"); break; fi
  done
fi
if [ -z "${PYTHON:-}" ]; then
  echo "未找到 Python。本安装包需要 Python $WANT（可用 PYTHON=/路径/python$WANT sh install.sh 指定）。" >&2
  exit 1
fi
if ! "$PYTHON" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$WANT'.split('.'))))"; then
  echo "$PYTHON 的版本是 $("$PYTHON" -c 'import platform; print(platform.python_version())')，" \
       "而本安装包的 wheel 只适用于 Python $WANT。请用 PYTHON=/路径/python$WANT 指定，或换用对应版本的安装包。" >&2
  exit 1
fi

# Nothing from the network, whatever pip configuration this machine has.
export PIP_NO_INDEX=1 PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

echo "安装到 $DEST（Python：$PYTHON）"
mkdir -p "$DEST"
# --without-pip: works where the distribution leaves out ensurepip; pip comes from the kit's wheel
"$PYTHON" -m venv --without-pip "$DEST/venv"
"$DEST/venv/bin/python" "$KIT/wheels/@PIP_WHEEL@/pip" install --no-index --find-links "$KIT/wheels" \
    --upgrade @APP@ pip
"$DEST/venv/bin/gov-report-review" --help >/dev/null

APPS=${XDG_DATA_HOME:-${HOME}/.local/share}/applications
if mkdir -p "$APPS" 2>/dev/null; then
  cat > "$APPS/gov-report-review.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=年报校对
Comment=政府信息公开工作年度报告 校对工具
Exec="$DEST/venv/bin/gov-report-review-gui" %f
Terminal=false
Categories=Office;
DESKTOP
fi

echo "安装完成。"
echo "  打开窗口：  $DEST/venv/bin/gov-report-review-gui [报告文件]（应用菜单：年报校对）"
echo "  命令行核对：$DEST/venv/bin/gov-report-review check 报告文件或文件夹"
