@echo off
rem kimtrain: pasang di laptop Windows tanpa hak administrator dan tanpa internet.
rem Klik dua kali file ini di dalam folder paket (hasil siapkan-paket.cmd).
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0pasang.ps1" %*
echo.
pause
