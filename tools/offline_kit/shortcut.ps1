# A desktop shortcut "年报校对" to the installed window (called by install.bat; kept in a UTF-8 file
# with BOM so that Windows PowerShell reads the Chinese name correctly).
param([Parameter(Mandatory = $true)][string]$Target)
$shell = New-Object -ComObject WScript.Shell
$link = $shell.CreateShortcut((Join-Path ([Environment]::GetFolderPath('Desktop')) '年报校对.lnk'))
$link.TargetPath = $Target
$link.WorkingDirectory = [Environment]::GetFolderPath('MyDocuments')
$link.Description = '政府信息公开工作年度报告 校对工具'
$link.Save()
