"""``kimtrain doctor``: is this laptop ready for a workshop?

Each check returns a :class:`Check` (plain data): its status (``ok``, ``warn`` or
``fail``), what was found and, when it is not ``ok``, what to do about it, as
message keys of the i18n catalogs. Everything the checks read from the machine
(memory, disk, network adapters, the port, versions, the operating system) comes
through a :class:`Probe`, so tests replace it with fakes.

Phone capacity is that of the practice modules, where each phone has its own kernel (a
test on the light page, ``/ujian/<name>``, is served by the server process itself and
costs about 0.1 MiB per participant, ``benchmarks/serve_load.py``). It uses the memory
a served participant costs, measured with
``benchmarks/serve_load.py`` on Linux (4 and 8 simultaneous participants on a
40-item test, PSS): about 47 MiB per participant and 120 MiB for the server itself.
Windows shares fewer pages between processes, so both are taken 1.5 times
(:data:`PER_PHONE_MIB`, :data:`SERVER_MIB`), plus the warm kernels ``kimtrain serve``
starts ahead (:data:`WARM_KERNELS`).
"""

from __future__ import annotations

import errno
import shutil
import socket
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from kimtrain.oscompat import exchange_available, is_windows, scripts_dirs

__all__ = ["Check", "Probe", "phones_for_memory", "run_checks"]

OK, WARN, FAIL = "ok", "warn", "fail"
MIB = 1024 * 1024
PER_PHONE_MIB = 70  # 47 MiB measured per participant (PSS, Linux) × 1.5
SERVER_MIB = 180  # 120 MiB measured for the server at 8 participants × 1.5
WARM_KERNELS = 4  # kimtrain serve --warm default, per served test
ROOM = 30  # the phones one laptop is meant to serve
MIN_PHONES = 10
MIN_DISK_MIB = 1024
PACKAGES = ("kimtrain", "nbgrader", "voila", "jupyterlab", "ipywidgets", "anywidget",
            "fpdf2", "segno", "psutil")


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    status: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    fix: str | None = None  # message key of what to do, when status is not ok

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _memory_available() -> int:
    import psutil

    return int(psutil.virtual_memory().available)


def _memory_total() -> int:
    import psutil

    return int(psutil.virtual_memory().total)


def _disk_free(path: Path) -> int:
    return shutil.disk_usage(path).free


def _bind(host: str, port: int) -> socket.socket:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if not is_windows():  # on Windows SO_REUSEADDR would let two servers share a port
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
        probe.listen(1)
    except OSError:
        probe.close()
        raise
    return probe


def _connect(address: str, port: int) -> None:
    with socket.create_connection((address, port), timeout=2):
        pass


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _which(name: str) -> str | None:
    import os

    path = os.pathsep.join([*scripts_dirs(), os.environ.get("PATH", "")])
    return shutil.which(name, path=path)


@dataclass
class Probe:
    """What the checks read from the machine; tests pass fakes."""

    platform: str = sys.platform
    python: tuple[int, int, int] = tuple(sys.version_info[:3])  # type: ignore[assignment]
    memory_available: Callable[[], int] = _memory_available
    memory_total: Callable[[], int] = _memory_total
    disk_free: Callable[[Path], int] = _disk_free
    addresses: Callable[[], list[str]] | None = None
    bind: Callable[[str, int], socket.socket] = _bind
    connect: Callable[[str, int], None] = _connect
    version: Callable[[str], str | None] = _version
    which: Callable[[str], str | None] = _which

    def lan_addresses(self) -> list[str]:
        if self.addresses is not None:
            return self.addresses()
        from kimtrain.serve.network import lan_addresses

        return lan_addresses()


def phones_for_memory(available: int) -> int:
    """How many phones the memory now free can serve (see the module docstring)."""
    spare = available / MIB - SERVER_MIB - WARM_KERNELS * PER_PHONE_MIB
    return max(0, int(spare // PER_PHONE_MIB))


def check_python(probe: Probe) -> Check:
    version = ".".join(map(str, probe.python))
    if probe.python[:2] < (3, 11):
        return Check("python", FAIL, "doctor.python.old", {"version": version},
                     "doctor.fix.reinstall")
    return Check("python", OK, "doctor.python.ok", {"version": version})


def check_packages(probe: Probe) -> Check:
    found = {name: probe.version(name) for name in PACKAGES}
    missing = [name for name, v in found.items() if v is None]
    listed = ", ".join(f"{name} {v}" for name, v in found.items() if v)
    if missing:
        return Check("packages", FAIL, "doctor.packages.missing",
                     {"missing": ", ".join(missing), "found": listed}, "doctor.fix.reinstall")
    return Check("packages", OK, "doctor.packages.ok", {"found": listed})


def check_alembic(probe: Probe) -> Check:
    path = probe.which("alembic")
    if path is None:
        return Check("alembic", FAIL, "doctor.alembic.missing", {}, "doctor.fix.reinstall")
    return Check("alembic", OK, "doctor.alembic.ok", {"path": path})


def check_memory(probe: Probe) -> Check:
    available = probe.memory_available()
    total = probe.memory_total()
    phones = phones_for_memory(available)
    params = {"free": f"{available / MIB / 1024:.1f}", "total": f"{total / MIB / 1024:.1f}",
              "phones": phones}
    if phones < MIN_PHONES:
        return Check("memory", FAIL, "doctor.memory.low", params, "doctor.fix.memory")
    if phones < ROOM:
        return Check("memory", WARN, "doctor.memory.some", params, "doctor.fix.memory")
    return Check("memory", OK, "doctor.memory.ok", params)


def check_disk(probe: Probe, folder: Path) -> Check:
    free = probe.disk_free(folder)
    params = {"free": f"{free / MIB / 1024:.1f}", "path": str(folder)}
    if free < MIN_DISK_MIB * MIB:
        return Check("disk", FAIL, "doctor.disk.low", params, "doctor.fix.disk")
    return Check("disk", OK, "doctor.disk.ok", params)


def check_network(probe: Probe, port: int) -> list[Check]:
    """The address phones will use (the QR code's), and whether the port is free here."""
    from kimtrain.serve.network import WINDOWS_HOTSPOT

    addresses = probe.lan_addresses()
    if not addresses:
        return [Check("address", FAIL, "doctor.address.none", {}, "doctor.fix.network")]
    first = addresses[0]
    url = f"http://{first}:{port}/"
    others = ", ".join(addresses[1:]) or "–"
    if first == str(WINDOWS_HOTSPOT):
        checks = [Check("address", WARN, "doctor.address.hotspot", {"url": url,
                                                                    "others": others},
                        "doctor.fix.hotspot")]
    else:
        checks = [Check("address", OK, "doctor.address.ok", {"url": url, "others": others})]
    try:
        listener = probe.bind("0.0.0.0", port)
    except OSError as exc:
        key = "doctor.port.in_use" if exc.errno in (errno.EADDRINUSE, 10048) \
            else "doctor.port.failed"
        checks.append(Check("port", FAIL, key, {"port": port,
                                                "reason": exc.strerror or str(exc)},
                            "doctor.fix.port"))
        return checks
    try:
        probe.connect(first, port)
    except OSError as exc:
        checks.append(Check("port", FAIL, "doctor.port.unreachable",
                            {"port": port, "url": url, "reason": exc.strerror or str(exc)},
                            "doctor.fix.firewall"))
    else:
        checks.append(Check("port", OK, "doctor.port.ok", {"port": port, "url": url}))
    finally:
        listener.close()
    return checks


def check_firewall(probe: Probe, port: int) -> Check:
    if not is_windows(probe.platform):
        return Check("firewall", OK, "doctor.firewall.not_windows", {})
    return Check("firewall", WARN, "doctor.firewall.windows", {"port": port},
                 "doctor.fix.firewall")


def check_exchange(probe: Probe) -> Check:
    if exchange_available(probe.platform):
        return Check("exchange", OK, "doctor.exchange.ok", {})
    return Check("exchange", OK, "doctor.exchange.windows", {})


def check_browser(probe: Probe) -> Check:
    """Nothing kimtrain does needs Chromium or any browser download: PDFs come from
    fpdf2, the QR code from segno, and phones bring their own browser."""
    return Check("browser", OK, "doctor.browser.ok", {"fpdf2": probe.version("fpdf2") or "–"})


def check_course(course_root: Path) -> list[Check]:
    """The course folder: configuration, roster, released tests, the report key."""
    from kimtrain.course.layout import CONFIG_FILE, open_course
    from kimtrain.errors import KimtrainError

    if not (course_root / CONFIG_FILE).is_file():
        return [Check("course", OK, "doctor.course.none", {"path": str(course_root)})]
    try:
        course = open_course(course_root)
    except KimtrainError as exc:
        return [Check("course", FAIL, "doctor.course.broken",
                      {"path": str(course_root), "reason": str(exc)}, "doctor.fix.course")]
    checks = [Check("course", OK, "doctor.course.ok", {"path": str(course.root),
                                                       "course_id": course.course_id})]
    from kimtrain.course.roster import load_roster

    try:
        roster = load_roster(course)
    except KimtrainError as exc:
        checks.append(Check("roster", FAIL, "doctor.roster.broken", {"reason": str(exc)},
                            "doctor.fix.roster"))
    else:
        if roster:
            checks.append(Check("roster", OK, "doctor.roster.ok", {"count": len(roster)}))
        else:
            checks.append(Check("roster", WARN, "doctor.roster.empty", {},
                                "doctor.fix.roster"))
    released = sorted(p.parent.name for p in course.root.glob("release/*/*.ipynb")
                      if p.stem == p.parent.name)
    if released:
        checks.append(Check("released", OK, "doctor.released.ok",
                            {"names": ", ".join(released)}))
    else:
        checks.append(Check("released", WARN, "doctor.released.none", {},
                            "doctor.fix.release"))
    key = course.root / ".kimtrain" / "kunci"
    if key.exists() and len(key.read_bytes()) < 32:
        checks.append(Check("key", FAIL, "doctor.key.short", {"path": str(key)},
                            "doctor.fix.key"))
    return checks


def run_checks(course_root: str | Path = ".", port: int = 8866,
               probe: Probe | None = None) -> list[Check]:
    """Every check, in the order they are printed."""
    probe = probe or Probe()
    root = Path(course_root).resolve()
    checks = [check_python(probe), check_packages(probe), check_alembic(probe),
              check_memory(probe), check_disk(probe, root if root.exists() else Path.cwd())]
    checks += check_network(probe, port)
    checks += [check_firewall(probe, port), check_exchange(probe), check_browser(probe)]
    checks += check_course(root)
    return checks
