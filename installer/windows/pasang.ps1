# kimtrain: install on a trainer's Windows laptop from a bundle made by siapkan-paket.cmd.
# No administrator rights and no internet needed: everything goes into the user's
# profile (uv's tool folder, %LOCALAPPDATA%, Documents\kimtrain) and the Start menu.
param(
    [string]$Python = "3.11",
    [string]$Folder = (Join-Path ([Environment]::GetFolderPath("MyDocuments")) "kimtrain")
)
$ErrorActionPreference = "Stop"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path

function Say($id, $en) { Write-Host "$id`n  ($en)" }

$bundleUv = Join-Path $here "uv\uv.exe"
$wheels = Join-Path $here "wheels"
if (-not (Test-Path $bundleUv) -or -not (Test-Path $wheels)) {
    Say "Folder ini bukan paket lengkap (uv\uv.exe dan wheels\ tidak ada). Jalankan siapkan-paket.cmd dulu." `
        "This folder is not a complete bundle (no uv\uv.exe or wheels\). Run siapkan-paket.cmd first."
    exit 1
}

# uv itself lives in the user's profile, so the shortcuts work without the USB stick.
$home_ = Join-Path $env:LOCALAPPDATA "kimtrain"
New-Item -ItemType Directory -Force -Path $home_ | Out-Null
$uv = Join-Path $home_ "uv.exe"
Copy-Item -Force $bundleUv $uv

# Offline: Python from the bundle's archive (uv python install reads it from
# UV_PYTHON_CACHE_DIR; uv tool install alone would refuse to fetch Python offline),
# then packages only from the bundle's wheels.
$env:UV_PYTHON_CACHE_DIR = Join-Path $here "python"
$env:UV_OFFLINE = "1"
Say "Memasang Python $Python..." "Installing Python $Python..."
& $uv python install $Python
if ($LASTEXITCODE -ne 0) {
    Say "Python tidak bisa dipasang dari paket (lihat pesan di atas)." `
        "Python could not be installed from the bundle (see the message above)."
    exit $LASTEXITCODE
}
Say "Memasang kimtrain (beberapa menit)..." "Installing kimtrain (a few minutes)..."
& $uv tool install --force --managed-python --python $Python --no-index --find-links $wheels kimtrain
if ($LASTEXITCODE -ne 0) {
    Say "Pemasangan gagal (lihat pesan di atas)." "Installation failed (see the message above)."
    exit $LASTEXITCODE
}
& $uv tool update-shell | Out-Null   # the tool folder on the user's PATH (no admin)
$bin = (& $uv tool dir --bin).Trim()
$kimtrain = Join-Path $bin "kimtrain.exe"

# The course folder and the modules' working folder, in Documents\kimtrain.
$course = Join-Path $Folder "kursus"
$modules = Join-Path $Folder "kurikulum-kim"
New-Item -ItemType Directory -Force -Path $Folder | Out-Null
if (-not (Test-Path (Join-Path $course "nbgrader_config.py"))) {
    & $kimtrain init $course
}

# Shortcuts: Start menu (folder "kimtrain") and desktop.
$shell = New-Object -ComObject WScript.Shell
$menu = Join-Path ([Environment]::GetFolderPath("Programs")) "kimtrain"
$desktop = [Environment]::GetFolderPath("Desktop")
New-Item -ItemType Directory -Force -Path $menu | Out-Null
function Shortcut($name, $target, $arguments, $workdir) {
    foreach ($place in @($menu, $desktop)) {
        $link = $shell.CreateShortcut((Join-Path $place "$name.lnk"))
        $link.TargetPath = $target
        $link.Arguments = $arguments
        $link.WorkingDirectory = $workdir
        $link.Save()
    }
}
# cmd /k keeps the window open: it shows the address, the QR code and any message.
Shortcut "Buka modul (lab)" $env:ComSpec "/k `"`"$kimtrain`" lab --dir `"$modules`"`"" $Folder
Shortcut "Mulai ruang pelatihan (serve)" $env:ComSpec "/k `"`"$kimtrain`" serve --course `"$course`"`"" $course
Shortcut "Periksa laptop (doctor)" $env:ComSpec "/k `"`"$kimtrain`" doctor --course `"$course`"`"" $course
Shortcut "Folder kursus" (Join-Path $env:WINDIR "explorer.exe") "`"$course`"" $course

Say "Selesai. Di menu Start dan desktop ada: Buka modul (lab), Mulai ruang pelatihan (serve), Periksa laptop (doctor), Folder kursus." `
    "Done. The Start menu and the desktop have: Buka modul (lab), Mulai ruang pelatihan (serve), Periksa laptop (doctor), Folder kursus."
& $kimtrain doctor --course $course
