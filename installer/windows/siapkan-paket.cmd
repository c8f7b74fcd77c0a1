@echo off
rem kimtrain: siapkan paket pemasangan (sekali, di kantor, dengan internet).
rem Letakkan kimtrain-*.whl di folder ini, lalu klik dua kali file ini.
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0siapkan-paket.ps1" %*
echo.
pause
