# kimtrain: prepare an installation bundle ONCE, at the office, with internet, on a
# Windows 10/11 laptop (64-bit). The folder it fills can then be copied (USB stick,
# shared drive) and installed on every trainer's laptop with pasang.cmd, offline.
#
#   paket\
#     kimtrain-<version>-py3-none-any.whl   put here before running (built by CI or
#                                            `python -m build --wheel` in the checkout)
#     uv\uv.exe                              uv, pinned ($UvVersion)
#     python\                                the CPython archive uv installs (pinned by uv)
#     wheels\                                kimtrain and every dependency, Windows wheels
#     pasang.cmd, pasang.ps1                 the installer
#
# Nothing is installed on this machine except inside this folder.
param(
    [string]$UvVersion = "0.13.9",
    [string]$Python = "3.11"
)
$ErrorActionPreference = "Stop"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path

function Say($id, $en) { Write-Host "$id`n  ($en)" }

$wheel = Get-ChildItem -Path $here -Filter "kimtrain-*.whl" | Sort-Object Name | Select-Object -Last 1
if (-not $wheel) {
    Say "Tidak ada file kimtrain-*.whl di $here. Salin wheel kimtrain ke folder ini dulu." `
        "No kimtrain-*.whl in $here. Copy kimtrain's wheel here first."
    exit 1
}

# 1. uv, pinned, with its official installer, into this folder only (PATH unchanged).
$uvDir = Join-Path $here "uv"
$uv = Join-Path $uvDir "uv.exe"
if (-not (Test-Path $uv)) {
    Say "Mengunduh uv $UvVersion..." "Downloading uv $UvVersion..."
    $env:UV_INSTALL_DIR = $uvDir
    $env:UV_NO_MODIFY_PATH = "1"
    Invoke-RestMethod "https://astral.sh/uv/$UvVersion/install.ps1" | Invoke-Expression
}

# 2. Python: uv keeps the downloaded archive in UV_PYTHON_CACHE_DIR; the installer
#    points uv at the same folder and installs from it without internet.
$env:UV_PYTHON_CACHE_DIR = Join-Path $here "python"
$scratch = Join-Path $env:TEMP "kimtrain-paket"
Say "Mengunduh Python $Python..." "Downloading Python $Python..."
& $uv python install $Python --install-dir (Join-Path $scratch "python")
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

# 3. Every dependency as a Windows wheel, resolved for that Python.
Say "Mengunduh paket Python (sekitar 170 MB)..." "Downloading Python packages (about 170 MB)..."
$venv = Join-Path $scratch "venv"
$env:UV_PYTHON_INSTALL_DIR = Join-Path $scratch "python"
& $uv venv $venv --managed-python --python $Python --seed --clear
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
& (Join-Path $venv "Scripts\python.exe") -m pip download --only-binary=:all: `
    --dest (Join-Path $here "wheels") $wheel.FullName
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Remove-Item -Recurse -Force $scratch

Say "Paket siap di $here. Salin seluruh folder ini ke laptop pelatih, lalu klik dua kali pasang.cmd." `
    "Bundle ready in $here. Copy this whole folder to a trainer's laptop and double-click pasang.cmd."
