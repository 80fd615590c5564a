@echo off
chcp 65001 >nul
rem 离线安装 @APP@ @VERSION@（@PLATFORM@，Python @PYTHON@）：不联网，只用本文件夹 wheels\ 里的包。
rem   install.bat [安装目录]      默认 %LOCALAPPDATA%\gov-report-review
rem   set PYTHON=C:\路径\python.exe 后再运行，可指定要用的 Python
rem 装在安装目录的 venv\ 里，并在桌面放一个“年报校对”快捷方式。再次运行即升级或修复。
setlocal
set "KIT=%~dp0"
set "DEST=%~1"
if "%DEST%"=="" set "DEST=%LOCALAPPDATA%\gov-report-review"
set "WANT=@PYTHON@"

if defined PYTHON goto :check
py -%WANT% -c "import sys" >nul 2>nul
if not errorlevel 1 set "PYTHON=py -%WANT%"
if defined PYTHON goto :check
where python >nul 2>nul
if not errorlevel 1 set "PYTHON=python"
if defined PYTHON goto :check
echo 未找到 Python。本安装包需要 Python %WANT%（64 位），请先安装它再运行本脚本。
goto :fail

:check
%PYTHON% -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '%WANT%'.split('.'))))"
if errorlevel 1 goto :wrongpython

rem Nothing from the network, whatever pip configuration this machine has.
set PIP_NO_INDEX=1
set PIP_CONFIG_FILE=nul
set PIP_DISABLE_PIP_VERSION_CHECK=1
set PIP_NO_INPUT=1

echo 安装到 %DEST%
%PYTHON% -m venv --without-pip "%DEST%\venv"
if errorlevel 1 goto :fail
"%DEST%\venv\Scripts\python.exe" "%KIT%wheels\@PIP_WHEEL@\pip" install --no-index --find-links "%KIT%wheels" --upgrade @APP@ pip
if errorlevel 1 goto :fail
"%DEST%\venv\Scripts\gov-report-review.exe" --help >nul
if errorlevel 1 goto :fail

powershell -NoProfile -ExecutionPolicy Bypass -File "%KIT%shortcut.ps1" -Target "%DEST%\venv\Scripts\gov-report-review-gui.exe" >nul 2>nul
echo 安装完成。
echo   打开窗口：  桌面“年报校对”，或 %DEST%\venv\Scripts\gov-report-review-gui.exe
echo   命令行核对："%DEST%\venv\Scripts\gov-report-review.exe" check 报告文件或文件夹
endlocal
exit /b 0

:wrongpython
echo 找到的 Python 不是 %WANT% 版，而本安装包的 wheel 只适用于 Python %WANT%。
echo 请安装 Python %WANT%（64 位），或先 set PYTHON=C:\路径\python.exe 指定，或换用对应版本的安装包。
:fail
echo 安装未完成。
endlocal
exit /b 1
