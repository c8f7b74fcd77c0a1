"""A throwaway PostgreSQL cluster for the tests and the benchmarks: Debian's ``postgresql`` package
(``/usr/lib/postgresql/<version>/bin``), ``initdb`` into a temporary folder, the server
on a Unix socket in that folder only (no TCP port), peer authentication.

PostgreSQL refuses to run as root (CI runs as root): there the cluster belongs to the
``postgres`` system user (``runuser``), and a superuser role named after the user
running the tests is created, so the tests connect by peer authentication exactly as
a Diskominfo server's trainer account would.

No pytest here (``benchmarks/grade_speed.py --db postgres`` starts one too): without
the binaries :func:`start_cluster` raises :class:`NoPostgres`; the tests' fixture
(``tests/pgserver.py``) turns that into a skip locally and a failure under ``CI=1``.
"""

from __future__ import annotations

import getpass
import glob
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class NoPostgres(RuntimeError):
    """PostgreSQL's server programs are not installed."""


def bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(re.sub(r"\D", "", Path(p).parts[-3]) or 0))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PgCluster:
    bindir: Path
    data: Path
    socket: Path
    owner: str | None  # the OS user the server runs as (None: this user)

    def _run(self, *args: str, as_owner: bool = False) -> str:
        command = list(args)
        if as_owner and self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        # from a folder the server's owner can enter (the checkout may be root's only)
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              cwd=self.data.parent)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(str(self.bindir / "psql"), "-X", "-q", "-A", "-t", "-h",
                         str(self.socket), "-d", database, "-c", sql)

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL (peer authentication, no password)."""
        self.psql(f'DROP DATABASE IF EXISTS "{name}"')
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql:///{name}?host={self.socket}"

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                  "stop", as_owner=True)

    def remove(self) -> None:
        """Stop the server (if it runs) and delete the cluster's folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.data.parent, ignore_errors=True)

    def server_cpu(self) -> float:
        """CPU seconds the server has used so far: the postmaster, the backends and
        helpers it has reaped, and those still running (from ``/proc``; Linux only)."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        tick = os.sysconf("SC_CLK_TCK")

        def fields(proc: str) -> list[str]:
            text = Path(f"/proc/{proc}/stat").read_text()
            return text[text.rindex(")") + 2:].split()  # after "pid (name) "

        own = fields(str(pid))  # utime, stime, cutime, cstime are fields 14-17 (11-14 here)
        ticks = sum(int(x) for x in own[11:15])
        for proc in os.listdir("/proc"):
            if not proc.isdigit() or proc == str(pid):
                continue
            try:
                child = fields(proc)
            except (OSError, ValueError):  # gone meanwhile
                continue
            if child[1] == str(pid):  # ppid
                ticks += int(child[11]) + int(child[12])
        return ticks / tick


def start_cluster() -> PgCluster:
    """A new cluster in a temporary folder, its server running (see the module docstring);
    the caller calls :meth:`PgCluster.remove`."""
    found = bindir()
    if found is None:
        raise NoPostgres("PostgreSQL binaries not found (apt-get install postgresql)")
    me = getpass.getuser()
    owner = "postgres" if os.geteuid() == 0 else None
    top = Path(tempfile.mkdtemp(prefix="kimtrain-pg-"))
    top.chmod(0o755)
    data, socket = top / "data", top / "sock"
    socket.mkdir()
    socket.chmod(0o777)
    if owner:
        shutil.chown(top, owner)
        shutil.chown(socket, owner)
    cluster = PgCluster(found, data, socket, owner)
    try:
        cluster._run(str(found / "initdb"), "-D", str(data), "-U", owner or me, "-E", "UTF8",
                     "--locale=C.UTF-8", "--auth-local=peer", "--auth-host=reject", "-N",
                     as_owner=True)
        options = (f"-c listen_addresses='' -c unix_socket_directories='{socket}' "
                   "-c fsync=off -c full_page_writes=off -c synchronous_commit=off "
                   "-c max_connections=40 -c shared_buffers=32MB")
        cluster._run(str(found / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                     str(top / "server.log"), "-w", "-t", "60", "start", as_owner=True)
        if owner:  # a role for the user running the tests, reached by peer authentication
            cluster._run(str(found / "psql"), "-X", "-q", "-h", str(socket), "-d", "postgres",
                         "-c", f'CREATE ROLE "{me}" SUPERUSER LOGIN', as_owner=True)
    except BaseException:  # no half-made cluster left running or on disk
        cluster.remove()
        raise
    return cluster
