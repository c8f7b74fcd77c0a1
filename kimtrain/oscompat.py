"""What differs on the trainer's Windows laptop, in one place.

Windows behaves differently from Linux in ways that matter to a workshop, and most
of them cannot be seen on the machine kimtrain is developed on:

* a file that another process holds open (antivirus, the server's sweep, Excel, a
  PDF viewer) cannot be replaced, renamed or deleted for a moment: ``os.replace``
  and ``rename`` raise ``PermissionError`` (WinError 5 or 32).
  :func:`replace_with_retry` and :func:`rename_with_retry` try again with a short
  back-off instead of losing a participant's tap;
* read-only files (nbgrader makes some) cannot be deleted: :func:`remove_tree`
  clears the flag and tries again;
* a click in the classic console (QuickEdit) pauses the whole server until a key is
  pressed: :func:`disable_quickedit`;
* nbgrader's exchange does not exist (:func:`exchange_available`);
* Tornado and pyzmq want the selector event loop (:func:`use_selector_event_loop`);
* ``fcntl`` (an advisory lock between processes on one file) does not exist:
  :func:`exclusive` locks where it can and is a no-op on Windows, where one server
  process writes;
* the ``Scripts\\`` folder of the environment (``alembic.exe``) is not always on PATH
  (:func:`scripts_dirs`).

Each function is a no-op or the plain operation on other systems, and takes
``platform`` so tests can simulate Windows here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "PLATFORM",
    "RETRY_DELAYS",
    "disable_quickedit",
    "exchange_available",
    "is_windows",
    "remove_tree",
    "remove_tree_quietly",
    "rename_with_retry",
    "replace_with_retry",
    "scripts_dirs",
    "use_selector_event_loop",
]

# Back-off between attempts when Windows reports a file as in use: about 3 s in all,
# longer than an antivirus scan or the server's sweep holds a small file.
RETRY_DELAYS = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5)


# The system kimtrain behaves for; tests set it to "win32" to simulate Windows without
# changing sys.platform for every other library in the process.
PLATFORM = sys.platform


def is_windows(platform: str | None = None) -> bool:
    return (platform or PLATFORM) == "win32"


def exchange_available(platform: str | None = None) -> bool:
    """nbgrader's exchange (release/fetch/submit/collect) exists only on POSIX systems."""
    return not is_windows(platform)


def _retry(operation: Callable[[], Any], sleep: Callable[[float], None] | None) -> Any:
    sleep = sleep or time.sleep
    for delay in RETRY_DELAYS:
        try:
            return operation()
        except PermissionError:
            sleep(delay)
    return operation()  # the last attempt raises what it raises


def replace_with_retry(src: str | os.PathLike[str], dst: str | os.PathLike[str], *,
                       sleep: Callable[[float], None] | None = None) -> None:
    """``os.replace`` that waits out another process holding ``dst`` (Windows)."""
    _retry(lambda: os.replace(src, dst), sleep)


def rename_with_retry(src: Path, dst: Path, *,
                      sleep: Callable[[float], None] | None = None) -> None:
    """``Path.rename`` that waits out a file held open inside a folder (Windows)."""
    _retry(lambda: src.rename(dst), sleep)


def _make_writable_and_retry(function: Callable[..., Any], path: str, _info: Any) -> None:
    """shutil.rmtree's error handler: Windows refuses to delete read-only files."""
    with contextlib.suppress(OSError):
        os.chmod(path, stat.S_IWRITE | stat.S_IREAD | (stat.S_IEXEC if os.path.isdir(path)
                                                       else 0))
    function(path)


def remove_tree(path: str | os.PathLike[str]) -> None:
    """Delete a folder, read-only files included."""
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_make_writable_and_retry)
    else:  # pragma: no cover - Python 3.11
        shutil.rmtree(path, onerror=_make_writable_and_retry)


def remove_tree_quietly(path: str | os.PathLike[str]) -> None:
    """Delete a folder if possible; a leftover is harmless (a hidden ``.old`` copy)."""
    with contextlib.suppress(OSError):
        remove_tree(path)


def scripts_dirs() -> list[str]:
    """Where this environment's command-line programs (``alembic``) live: the folder of
    the Python executable and the environment's ``Scripts``/``bin`` folder (they differ
    in a conda base environment and in some installer layouts on Windows)."""
    found = []
    for candidate in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable),
                      os.path.join(os.path.dirname(sys.executable), "Scripts")):
        if candidate and os.path.isdir(candidate) and candidate not in found:
            found.append(candidate)
    return found


# Windows console modes (SetConsoleMode): QuickEdit lets a click select text, which
# suspends every write to the console, and the server with it, until a key is pressed.
ENABLE_QUICK_EDIT_MODE = 0x0040
ENABLE_EXTENDED_FLAGS = 0x0080
STD_INPUT_HANDLE = -10


def quickedit_off(mode: int) -> int:
    """The console input mode with QuickEdit switched off."""
    return (mode & ~ENABLE_QUICK_EDIT_MODE) | ENABLE_EXTENDED_FLAGS


def disable_quickedit(platform: str | None = None, kernel32: Any = None) -> bool:
    """Switch QuickEdit off in this process's console; ``True`` when it was changed."""
    if not is_windows(platform):
        return False
    import ctypes

    if kernel32 is None:
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.GetStdHandle(STD_INPUT_HANDLE)
    mode = ctypes.c_uint32()
    if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
        return False  # not a console (redirected, or Windows Terminal without one)
    if not mode.value & ENABLE_QUICK_EDIT_MODE:
        return False
    return bool(kernel32.SetConsoleMode(handle, quickedit_off(mode.value)))


def use_selector_event_loop(platform: str | None = None, policy_module: Any = None) -> bool:
    """On Windows, run the server on the selector event loop that Tornado and pyzmq are
    written for (Voilà and Jupyter Server make the same switch, but only from the exact
    default policy). ``True`` when the policy was set."""
    if not is_windows(platform):
        return False
    import asyncio

    module = policy_module or asyncio
    selector = getattr(module, "WindowsSelectorEventLoopPolicy", None)
    if selector is None:
        return False
    with contextlib.suppress(Exception):
        if isinstance(module.get_event_loop_policy(), selector):
            return False
    module.set_event_loop_policy(selector())
    return True


@contextlib.contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """One process at a time inside the block, by an exclusive ``flock`` on
    ``lock_file`` (created if missing); a no-op where ``fcntl`` does not exist."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    with open(lock_file, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
