"""The trainer's Windows laptop (issue 16), simulated here on Linux.

Each test reproduces a Windows behaviour that broke kimtrain (text-mode writes,
backslash pool keys, files held open by another process, read-only files, adapter
lists with a hotspot and virtual switches, no nbgrader exchange, a cp1252 console)
and checks kimtrain's answer to it. What cannot be simulated is listed in the
trainer's guide as a checklist for a real office laptop.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest
from traitlets.config import Configurable

from kimtrain import oscompat
from kimtrain.answers.store import FileAnswerStore, read_sheet
from kimtrain.serve.network import Interface, lan_addresses, server_urls

# -- a C runtime that writes in text mode unless told O_BINARY ------------------------------
O_BINARY = 0x8000_0000  # not a flag Linux knows: the fake strips it before the real open


@pytest.fixture
def text_mode_crt(monkeypatch):
    """os.open/os.write as on Windows: a descriptor opened without O_BINARY turns every
    0x0A byte written into 0D 0A."""
    real_open, real_write, real_close = os.open, os.write, os.close
    text_fds: set[int] = set()

    def fake_open(path, flags, mode=0o777, *, dir_fd=None):
        binary = bool(flags & O_BINARY)
        fd = real_open(path, flags & ~O_BINARY, mode, dir_fd=dir_fd)
        if not binary:
            text_fds.add(fd)
        return fd

    def fake_write(fd, data):
        if fd in text_fds:
            real_write(fd, bytes(data).replace(b"\n", b"\r\n"))
            return len(data)
        return real_write(fd, data)

    def fake_close(fd):
        text_fds.discard(fd)
        return real_close(fd)

    monkeypatch.setattr(os, "O_BINARY", O_BINARY, raising=False)
    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "write", fake_write)
    monkeypatch.setattr(os, "close", fake_close)
    return text_fds


def test_the_simulated_runtime_really_corrupts_text_mode_writes(text_mode_crt, tmp_path):
    fd = os.open(tmp_path / "x", os.O_WRONLY | os.O_CREAT)
    os.write(fd, b"a\nb")
    os.close(fd)
    assert (tmp_path / "x").read_bytes() == b"a\r\nb"


def test_course_key_is_written_byte_for_byte_on_windows(text_mode_crt, monkeypatch, course):
    from kimtrain.reports import privacy

    key = bytes(range(32))  # holds 0x0A, like one key in eight
    monkeypatch.setattr(privacy.secrets, "token_bytes", lambda n: key)
    first = privacy.course_key(course)
    assert first == key
    assert (course.root / privacy.KEY_FILE).read_bytes() == key
    again = privacy.course_key(course)
    assert privacy.Pseudonyms(again)("KIM-001") == privacy.Pseudonyms(first)("KIM-001")
    assert privacy.verification_code(again, "kim", "posttest", "KIM-001") == \
        privacy.verification_code(first, "kim", "posttest", "KIM-001")


# -- the address in the QR code ------------------------------------------------------------
WINDOWS_ADAPTERS = [
    Interface("Ethernet", "10.20.30.40", up=False),  # unplugged office cable
    Interface("vEthernet (WSL)", "172.29.160.1"),
    Interface("vEthernet (Default Switch)", "172.17.112.1"),
    Interface("Wi-Fi", "192.168.1.23"),
    Interface("VirtualBox Host-Only Network", "192.168.56.1"),
    Interface("Local Area Connection* 10", "192.168.137.1"),  # Mobile hotspot
    Interface("Loopback Pseudo-Interface 1", "127.0.0.1"),
    Interface("Wi-Fi 2", "169.254.10.2"),  # no DHCP answer
]


def test_the_windows_hotspot_comes_first_and_down_or_virtual_adapters_last():
    assert lan_addresses(WINDOWS_ADAPTERS) == [
        "192.168.137.1", "192.168.1.23", "172.17.112.1", "172.29.160.1", "192.168.56.1"]


def test_a_room_router_beats_virtual_switches_and_addresses_sort_as_numbers():
    adapters = [Interface("vEthernet (WSL)", "172.20.0.1"),
                Interface("Wi-Fi", "192.168.100.9"),
                Interface("Ethernet 2", "192.168.20.5")]
    # numeric order: 192.168.20.5 before 192.168.100.9 (as text "100" < "20")
    assert lan_addresses(adapters) == ["192.168.20.5", "192.168.100.9", "172.20.0.1"]
    assert lan_addresses([Interface("Wi-Fi", "10.0.0.7", up=False)]) == []


def test_server_urls_use_the_ranked_addresses(monkeypatch):
    from kimtrain.serve import network

    monkeypatch.setattr(network, "_interface_addresses", lambda: WINDOWS_ADAPTERS)
    assert server_urls("0.0.0.0", 8866)[0] == "http://192.168.137.1:8866/"


# -- Voilà's kernel pools --------------------------------------------------------------------
def test_pools_config_names_both_spellings():
    from kimtrain.serve.pools import pools_config

    config = pools_config(["pretest/pretest.ipynb"], 4, sep="\\")
    assert config["pretest\\pretest.ipynb"] == {"pool_size": 4}
    assert config["pretest/pretest.ipynb"] == {"pool_size": 4}
    assert config["default"] == {"pool_size": 0}


class _VoilaApp(Configurable):
    base_url, server_url, port = "/", "/", 8866


def test_warm_kernels_filled_under_windows_paths_are_found_by_url_path(monkeypatch):
    """Voilà's own preheating manager on our base class: a pool filled under
    ``pretest\\pretest.ipynb`` (as Voilà spells it on Windows) is found under the URL
    path the page handler asks for."""
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    from kimtrain.serve import pools
    from kimtrain.serve.app import server_config

    monkeypatch.setattr(pools.os, "sep", "\\")
    config = server_config("127.0.0.1", 8866, warm=2, warm_paths=["pretest/pretest.ipynb"])
    assert config.VoilaConfiguration.multi_kernel_manager_class is pools.PoolKeyKernelManager
    cls = voila_kernel_manager_factory(pools.PoolKeyKernelManager, True, 0)
    manager = cls.__new__(cls)
    manager._pools = {}
    manager.kernel_pools_config = config.VoilaKernelManager.kernel_pools_config
    manager.fill_delay = 0
    manager.parent = _VoilaApp()
    started = []

    async def fake_initialize(notebook_name, kernel_id, **kwargs):
        started.append(notebook_name)
        return {"kernel_id": f"k{len(started)}"}

    manager._initialize = fake_initialize

    async def scenario():
        manager.fill_if_needed(delay=0, notebook_name="pretest\\pretest.ipynb")
        await asyncio.sleep(0)
        return manager.get_pool_size("pretest/pretest.ipynb")

    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(scenario()) == 2
        loop.run_until_complete(asyncio.sleep(0.01))
    finally:
        loop.close()
    assert started == ["pretest\\pretest.ipynb"] * 2


# -- files held open by another process -------------------------------------------------------
def _sharing_violation(*args):
    return PermissionError(13, "The process cannot access the file because it is being "
                               "used by another process", *args)


def test_a_tap_survives_a_sheet_held_open_for_a_moment(tmp_path, monkeypatch):
    store = FileAnswerStore(tmp_path)
    store.save_answer("pretest", "KIM-001", "Q1", "A")
    real_replace = os.replace
    refusals = []

    def busy_replace(src, dst):
        if len(refusals) < 3:  # the sweep reads the sheet right now
            refusals.append(dst)
            raise _sharing_violation(str(src), None, str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", busy_replace)
    monkeypatch.setattr(oscompat.time, "sleep", lambda s: None)
    store.save_answer("pretest", "KIM-001", "Q2", "B")
    assert len(refusals) == 3
    sheet = read_sheet(store.path("pretest", "KIM-001"))
    assert sheet.value("Q1") == "A" and sheet.value("Q2") == "B"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_sheet_held_open_for_long_keeps_the_saved_answers(tmp_path, monkeypatch):
    store = FileAnswerStore(tmp_path)
    store.save_answer("pretest", "KIM-001", "Q1", "A")

    def always_busy(src, dst):
        raise _sharing_violation(str(src), None, str(dst))

    monkeypatch.setattr(os, "replace", always_busy)
    monkeypatch.setattr(oscompat.time, "sleep", lambda s: None)
    with pytest.raises(PermissionError):
        store.save_answer("pretest", "KIM-001", "Q2", "B")
    monkeypatch.undo()
    sheet = read_sheet(store.path("pretest", "KIM-001"))
    assert sheet.value("Q1") == "A"  # the old sheet is whole, no temporary file left
    assert not list(tmp_path.glob(".*.tmp"))


def test_reading_a_sheet_while_windows_refuses_it_for_a_moment(tmp_path, monkeypatch):
    from kimtrain.answers import store as store_module

    store = FileAnswerStore(tmp_path)
    store.save_answer("pretest", "KIM-001", "Q1", "A")
    real_read = Path.read_text
    refused = []

    def busy_read(self, *args, **kwargs):
        if self.name.startswith("jawaban__") and not refused:
            refused.append(self)
            raise _sharing_violation(str(self))
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", busy_read)
    monkeypatch.setattr(store_module.time, "sleep", lambda s: None)
    assert store.load("pretest", "KIM-001").value("Q1") == "A"
    assert refused


def test_two_tabs_lock_each_other_out_on_windows(tmp_path, monkeypatch):
    """Without fcntl (Windows) the store takes msvcrt's byte-range lock on a lock file."""
    calls = []
    fake = types.SimpleNamespace(LK_LOCK=1, LK_UNLCK=0,
                                 locking=lambda fd, mode, n: calls.append((mode, n)))
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # import fcntl -> ImportError
    store = FileAnswerStore(tmp_path)
    store.save_answer("pretest", "KIM-001", "Q1", "A")
    assert calls == [(1, 1), (0, 1)]
    assert (tmp_path / ".jawaban.lock").exists()
    assert store.load("pretest", "KIM-001").value("Q1") == "A"


def test_a_hand_in_waits_for_a_folder_held_open(tmp_path, monkeypatch):
    from kimtrain.serve.submission import place_submission

    served = tmp_path / "serve" / "pretest"
    served.mkdir(parents=True)
    (served / "pretest.ipynb").write_text("{}", encoding="utf-8")
    store = FileAnswerStore(served)
    store.save_answer("pretest", "KIM-001", "Q1", "A")
    store.mark_submitted("pretest", "KIM-001")
    course = tmp_path / "kursus"
    place_submission(course, served, "pretest", "KIM-001")  # first hand-in
    store.save_answer("pretest", "KIM-001", "Q1", "B")
    store.mark_submitted("pretest", "KIM-001")
    real_rename = Path.rename
    refusals = []

    def busy_rename(self, target):
        if self.name == "pretest" and len(refusals) < 2:  # formgrader has a file open
            refusals.append(self)
            raise _sharing_violation(str(self), None, str(target))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", busy_rename)
    monkeypatch.setattr(oscompat.time, "sleep", lambda s: None)
    target = place_submission(course, served, "pretest", "KIM-001")
    assert len(refusals) == 2
    assert read_sheet(target / "jawaban__pretest__KIM-001.json").value("Q1") == "B"


# -- read-only files ------------------------------------------------------------------------------
@pytest.fixture
def windows_unlink(monkeypatch):
    """os.unlink as on Windows: a read-only file cannot be deleted."""
    real_unlink = os.unlink

    def unlink(path, *, dir_fd=None):
        mode = os.stat(path, dir_fd=dir_fd, follow_symlinks=False).st_mode
        if not mode & stat.S_IWRITE:
            raise PermissionError(errno.EACCES, "Access is denied", str(path))
        return real_unlink(path, dir_fd=dir_fd)

    monkeypatch.setattr(os, "unlink", unlink)
    monkeypatch.setattr(os, "remove", unlink)


def _read_only_tree(root: Path) -> None:
    (root / "release" / "pretest").mkdir(parents=True)
    locked = root / "release" / "pretest" / "pretest.ipynb"
    locked.write_text("{}", encoding="utf-8")
    locked.chmod(0o444)


def test_remove_tree_deletes_read_only_files(tmp_path, windows_unlink):
    import shutil

    _read_only_tree(tmp_path / "a")
    with pytest.raises(PermissionError):  # what the demo used to do
        shutil.rmtree(tmp_path / "a")
    _read_only_tree(tmp_path / "b")
    oscompat.remove_tree(tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_demo_clears_its_old_output_with_read_only_files(tmp_path, windows_unlink):
    from kimtrain.demo import MARKER, _prepare_out

    out = tmp_path / "hasil"
    _read_only_tree(out)
    (out / MARKER).write_text("kimtrain demo\n", encoding="utf-8")
    _prepare_out(out)
    assert out.is_dir() and not any(out.iterdir())


# -- alembic, QuickEdit, the event loop, --jobs ---------------------------------------------------
def test_nbgrader_finds_alembic_in_the_environments_scripts_folder(tmp_path, monkeypatch):
    """A conda base or installer layout: python.exe in the root, alembic.exe in Scripts."""
    from kimtrain.course import nbgrader_api

    root, scripts = tmp_path / "env", tmp_path / "env" / "Scripts"
    scripts.mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", str(root / "python.exe"))
    monkeypatch.setattr(oscompat.sysconfig, "get_path", lambda name: str(scripts))
    monkeypatch.setenv("PATH", "/usr/bin")
    nbgrader_api._scripts_on_path()
    assert os.environ["PATH"].split(os.pathsep)[:2] == [str(scripts), str(root)]


class FakeKernel32:
    def __init__(self, mode: int, console: bool = True) -> None:
        self.mode, self.console, self.set_to = mode, console, None

    def GetStdHandle(self, which):
        return 7

    def GetConsoleMode(self, handle, pointer):
        pointer._obj.value = self.mode
        return int(self.console)

    def SetConsoleMode(self, handle, mode):
        self.set_to = mode
        return 1


def test_quickedit_is_switched_off_in_a_windows_console():
    kernel32 = FakeKernel32(0x01F7)  # Windows' default: QuickEdit and Insert on
    assert oscompat.disable_quickedit("win32", kernel32) is True
    assert kernel32.set_to == (0x01F7 & ~0x40) | 0x80
    assert oscompat.disable_quickedit("win32", FakeKernel32(0x1F7, console=False)) is False
    assert oscompat.disable_quickedit("win32", FakeKernel32(0x1B7)) is False  # already off
    assert oscompat.disable_quickedit("linux") is False


def test_windows_gets_the_selector_event_loop_policy():
    chosen = []

    class Selector:
        pass

    class Proactor:
        pass

    fake = types.SimpleNamespace(WindowsSelectorEventLoopPolicy=Selector,
                                 get_event_loop_policy=lambda: Proactor(),
                                 set_event_loop_policy=chosen.append)
    assert oscompat.use_selector_event_loop("win32", fake) is True
    assert isinstance(chosen[0], Selector)
    assert oscompat.use_selector_event_loop("linux", fake) is False


def test_serve_on_windows_guards_the_console_and_uses_tcp(monkeypatch):
    from kimtrain.commands import serve

    called = []
    monkeypatch.setattr(serve, "disable_quickedit", lambda p: called.append("quickedit"))
    monkeypatch.setattr(serve, "use_selector_event_loop", lambda p: called.append("loop"))
    assert serve.windows_guards("ipc", "win32") == "tcp"
    assert called == ["quickedit", "loop"]
    assert serve.windows_guards("ipc", "linux") == "ipc"


def test_grading_with_several_jobs_runs_in_one_process_on_windows(course, monkeypatch):
    import multiprocessing

    from kimtrain.course import grade, nbgrader_api

    def no_fork(method=None):
        raise ValueError("cannot find context for 'fork'")

    class OneProcess:
        def __init__(self, course, config=None):
            self.graded = []

        def autograde(self, assessment, participant, force=True):
            return f"graded {participant}"

    monkeypatch.setattr(oscompat, "PLATFORM", "win32")
    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    monkeypatch.setattr(nbgrader_api, "Nbgrader", OneProcess)
    assert grade.default_jobs() == 1 and grade.usable_jobs(4) == 1
    results = list(grade._run(course, "pretest", ["KIM-001", "KIM-002"], False, 4))
    assert [r[1] for r in results] == ["graded KIM-001", "graded KIM-002"]


# -- what the trainer reads -----------------------------------------------------------------------
def test_output_redirected_on_a_cp1252_console_does_not_crash(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "KIMTRAIN_LANG": "id"}
    plain = subprocess.run([sys.executable, "-c", "print('→')"], capture_output=True,
                           env=env)
    assert plain.returncode != 0  # what an unguarded print does there
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "kimtrain", "doctor", "--port", str(port),
                               "--course", str(tmp_path)], capture_output=True, env=env,
                              timeout=120)
    out = done.stdout.decode("cp1252")
    assert done.returncode == 1, done.stderr.decode("cp1252", "replace")
    assert "UnicodeEncodeError" not in done.stderr.decode("cp1252", "replace")
    assert f"Port {port} sudah dipakai" in out and "       ? " in out


def test_an_output_file_open_in_excel_gives_a_message_not_a_traceback(tmp_path, monkeypatch,
                                                                      capsys):
    from kimtrain.cli import main
    from kimtrain.reports.certificates import CODES_FILE

    from .synth import synth_course

    synth = synth_course(tmp_path / "kursus", participants=6, items=4, notebooks=False)
    out = tmp_path / "sertifikat"
    out.mkdir()
    (out / CODES_FILE).write_text("lama\n", encoding="utf-8")
    real_replace = os.replace

    def excel_holds(src, dst):
        if Path(dst).name == CODES_FILE:
            raise _sharing_violation(str(src), None, str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", excel_holds)
    monkeypatch.setattr(oscompat.time, "sleep", lambda s: None)
    code = main(["certificates", "--course", str(synth.course.root), "--out", str(out),
                 "--cut", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert CODES_FILE in err and "Tutup file itu" in err and "Traceback" not in err
    assert (out / CODES_FILE).read_text(encoding="utf-8") == "lama\n"
    assert not list(out.glob(".*.tmp"))



def test_a_report_open_in_excel_gives_a_message_naming_it(tmp_path, monkeypatch, capsys):
    from kimtrain.cli import main

    from .synth import synth_course

    synth = synth_course(tmp_path / "kursus", participants=12, items=4, notebooks=False)
    out = tmp_path / "laporan"
    real_replace = os.replace

    def excel_holds(src, dst):
        if Path(dst).name == "laporan.xlsx":
            raise _sharing_violation(str(src), None, str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", excel_holds)
    code = main(["report", "--course", str(synth.course.root), "--pre", "pretest",
                 "--post", "posttest", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert str(out / "laporan.xlsx") in err and "Excel" in err and "Traceback" not in err


def test_the_gradebook_backup_opens_a_path_with_a_drive_or_a_hash(tmp_path):
    """The backup opens the gradebook through a file: URI; a folder such as
    "Pelatihan #2" (or C:\\Users\\... on Windows) must not cut the path short."""
    import sqlite3

    from kimtrain.course import create_course
    from kimtrain.course.backup import backup_gradebook, sqlite_path

    course = create_course(tmp_path / "Pelatihan #2 Sampit", course_id="uji")
    gradebook = sqlite_path(course.db_url)
    with sqlite3.connect(gradebook) as db:
        db.execute("create table nilai (peserta text)")
        db.execute("insert into nilai values ('KIM-001')")
    copy = backup_gradebook(course)
    with sqlite3.connect(copy) as db:
        assert db.execute("select peserta from nilai").fetchall() == [("KIM-001",)]

# -- no nbgrader exchange (sys.platform == "win32") ---------------------------------------------
@pytest.fixture
def windows(monkeypatch):
    """kimtrain believes it runs on Windows, and nbgrader's exchange steps fail the way
    nbgrader's do there (sys.platform itself stays, for the other libraries' sake)."""
    from kimtrain.course.nbgrader_api import Nbgrader

    def no_exchange(self, *args, **kwargs):
        raise AssertionError("the exchange is not available on Windows")

    monkeypatch.setattr(oscompat, "PLATFORM", "win32")
    for step in ("release", "collect", "fetch", "submit"):
        monkeypatch.setattr(Nbgrader, step, no_exchange)


@pytest.mark.slow
def test_release_and_collect_work_without_the_exchange_on_windows(tmp_path, windows, capsys):
    from kimtrain.cli import main
    from kimtrain.course.roster import save_roster
    from kimtrain.demo import demo_roster
    from kimtrain.serve.workshop import prepare_workshop

    from .cohort import NAME, built_course

    course, _ = built_course(tmp_path / "kursus", generate=False)
    save_roster(course, demo_roster(2))
    assert main(["release", NAME, "--course", str(course.root)]) == 0
    out = capsys.readouterr().out
    assert "kimtrain serve" in out and "exchange" in out
    assert (course.folder("release", NAME) / f"{NAME}.ipynb").is_file()
    assert not list(course.exchange.rglob("*.ipynb"))  # nothing went through an exchange
    # a phone's "Kirim" whose hand-in the server could not place (the kernel died)
    workshop = prepare_workshop(course, [NAME])
    store = FileAnswerStore(workshop.assessments[0].folder)
    store.save_answer(NAME, "KIM-002", "X1", "A")
    store.mark_submitted(NAME, "KIM-002")
    assert main(["collect", NAME, "--course", str(course.root)]) == 0
    assert "1 peserta" in capsys.readouterr().out
    assert (course.folder("submitted", "KIM-002", NAME) / "timestamp.txt").is_file()


@pytest.mark.slow
def test_the_demo_runs_without_the_exchange_on_windows(tmp_path, windows):
    from kimtrain.demo import run_demo

    result = run_demo(tmp_path / "demo", participants=3)
    assert [s.participant for s in result.scores] == ["KIM-001", "KIM-002", "KIM-003"]
    assert result.scores[0].percent == 100
    assert not list(result.course.exchange.rglob("*"))
    for pid in ("KIM-001", "KIM-002", "KIM-003"):
        assert (result.course.folder("submitted", pid, "pretest") / "timestamp.txt").is_file()


# -- the installer ---------------------------------------------------------------------------------
INSTALLER = Path(__file__).resolve().parent.parent / "installer" / "windows"


def test_every_kimtrain_command_the_installer_runs_is_one_the_cli_accepts():
    """The shortcuts and steps of pasang.ps1 call real sub-commands with real options."""
    import re
    import shlex

    from kimtrain.cli import build_parser

    script = (INSTALLER / "pasang.ps1").read_text(encoding="utf-8")
    assert script.isascii()  # Windows PowerShell 5.1 reads a script without BOM as ANSI
    calls = []
    for line in script.replace('`"', '"').splitlines():
        match = re.search(r'\$kimtrain"? ([a-z]+.*)', line)
        if match and not line.lstrip().startswith("#"):
            calls.append(match.group(1).split('"" ')[0])  # end of cmd /k's argument
    used = []
    for call in calls:
        argv = shlex.split(call.replace("$", "X"))
        build_parser().parse_args(argv)  # SystemExit on an unknown command or option
        used.append(argv[0])
    assert {"init", "lab", "serve", "doctor"} <= set(used), calls
    for name in ("Buka modul (lab)", "Mulai ruang pelatihan (serve)", "Folder kursus"):
        assert f'Shortcut "{name}"' in script
    for flag in ("--no-index", "--find-links", "--managed-python", "UV_OFFLINE",
                 "UV_PYTHON_CACHE_DIR"):
        assert flag in script
    # uv tool install will not fetch Python offline: uv python install (which reads the
    # bundle's archive from UV_PYTHON_CACHE_DIR) must come first
    assert script.index("& $uv python install") < script.index("& $uv tool install")
    assert "ExecutionPolicy Bypass" in (INSTALLER / "pasang.cmd").read_text(encoding="utf-8")
