"""Time nbgrader's autograde (one batch, kernels) against ``kimtrain grade`` on copies of
the same course: N participants, a 40-item single-choice assessment; then ``kimtrain
grade`` alone on larger cohorts.

    python benchmarks/grade_speed.py [--participants 40] [--items 40]
                                     [--scale 500,2000,5000] [--no-profile]
                                     [--db sqlite,postgres] [--profile-scale N]

Both are timed end to end as commands (``nbgrader autograde NAME`` and ``kimtrain grade
NAME``, each a fresh Python process), with wall time, CPU time (the command and the
worker processes it waited for: the fairer figure on a shared machine) and peak memory
(the largest single process). The per-cell scores of the two gradebooks must agree, or
the script exits 1. Then ``kimtrain grade`` runs once more in process, in one worker,
under cProfile (where its time goes), and at each ``--scale`` size on a fresh course:
wall, CPU, per participant and peak memory (flat in N when the grading streams).

``--db sqlite,postgres`` runs each ``--scale`` size on both gradebooks in the same run,
side by side: the PostgreSQL course is made as a trainer makes one (``kimtrain init
--db-url postgresql:///kim_...?host=SOCKET``, docs/postgresql.md), its database on a
throwaway cluster (tests/pgcluster.py: ``initdb`` in a temporary folder, Unix socket,
peer authentication; stopped and removed at the end, also on error). The kimtrain
command's CPU does not include the server's, which is in other processes: that is
printed on its own ("server CPU s", the postmaster and its backends from ``/proc``).
``--profile-scale N`` profiles ``kimtrain grade`` in process on a fresh course of N
participants on each ``--db`` (cProfile, as for the comparison).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's tests/ (tests/pgcluster.py)

NAME = "cepat"


def bank(items: int) -> str:
    lines = ["bank: bench", "title: Benchmark", "version: 1", "items:"]
    for n in range(1, items + 1):
        lines += [f"  - id: B-{n:02d}", "    type: single", "    domain: aman",
                  "    competency: A1", "    points: 1",
                  f"    stem: Soal nomor {n} - pilihan mana yang benar?",
                  "    options:", "      A: Pilihan A", "      B: Pilihan B",
                  "      C: Pilihan C", "      D: Pilihan D", f"    key: {'ABCD'[n % 4]}",
                  "    explanation: Pembahasan singkat."]
    return "\n".join(lines) + "\n"


def make_course(root: Path, participants: int, items: int, db_url: str | None = None) -> Any:
    """A course of ``participants`` hand-ins; its gradebook SQLite in the folder, or the
    database at ``db_url`` (as ``kimtrain init --db-url`` makes it)."""
    from kimtrain.answers import FileAnswerStore
    from kimtrain.answers.store import Answer, AnswerSheet, atomic_write
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.assessment.manifest import load_manifest
    from kimtrain.cli import main as kimtrain
    from kimtrain.course import create_course, open_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.widgets import record_answer

    if db_url is None:
        course = create_course(root, course_id="bench")
    else:  # the documented way (docs/postgresql.md)
        with contextlib.redirect_stdout(io.StringIO()):  # the trainer's next steps
            done = kimtrain(["init", str(root), "--course-id", "bench", "--db-url", db_url])
        if done != 0:
            raise SystemExit(f"kimtrain init --db-url {db_url} failed")
        course = open_course(root)
    (course.bank_dir / "bench.yaml").write_text(bank(items), encoding="utf-8")
    course.blueprint(NAME).write_text(
        f"name: {NAME}\ntitle: Benchmark\ninstructions: Jawab semua.\n"
        "banks: [../bank/bench.yaml]\nitems: all\n", encoding="utf-8")
    build_assessment(load_blueprint(course.blueprint(NAME)), course.root)
    Nbgrader(course).generate(NAME)
    rng = random.Random(7)
    first: AnswerSheet | None = None
    for n in range(participants):
        pid = f"KIM-{n + 1:0{max(3, len(str(participants)))}d}"
        folder = course.submitted_dir(pid, NAME)
        shutil.copytree(course.release_dir(NAME), folder)
        store = FileAnswerStore(folder)
        if first is None:  # the first through the widgets' own recording
            for item in load_manifest(folder, NAME)["items"]:
                if rng.random() < 0.95:
                    record_answer(store, NAME, pid, item, rng.choice("ABCD"))
            first = store.mark_submitted(NAME, pid)
        else:  # the others: the same kind of sheet, written at once
            sheet = AnswerSheet(NAME, pid, created_at=first.created_at,
                                updated_at=first.updated_at, submitted_at=first.submitted_at)
            for item_id, answer in first.answers.items():
                if rng.random() < 0.95:
                    sheet.answers[item_id] = Answer(rng.choice("ABCD"), answer.saved_at)
            atomic_write(store.path(NAME, pid),
                         json.dumps(sheet.to_dict(), indent=1).encode("utf-8"))
        (folder / "timestamp.txt").write_text("2026-05-01 09:00:00.000000 UTC",
                                              encoding="utf-8")
    return course


def run(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one command, its children included."""
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable),
                                                 os.environ.get("PATH", "")]))
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            out.seek(0)
            print(out.read().decode(errors="replace")[-4000:], file=sys.stderr)
            raise SystemExit(f"failed: {' '.join(command)}")
    # wait4's usage covers the command and the children it waited for (its workers)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # Linux: KiB


def profile(course_root: Path, top: int = 15, label: str = "") -> None:
    """``kimtrain grade`` in this process, one worker, under cProfile."""
    import cProfile
    import io
    import pstats

    from kimtrain.course import open_course
    from kimtrain.course.grade import grade_cohort

    course = open_course(course_root)
    profiler = cProfile.Profile()
    profiler.enable()
    seconds = grade_cohort(course, NAME, jobs=1).seconds
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(f"\nProfile of kimtrain grade{label} (in process, 1 worker, under cProfile: "
          f"{seconds:.2f} s)")
    for line in text.getvalue().splitlines():
        if line.strip() and not line.startswith(("   Ordered by", "   List reduced")):
            print("  " + line[:150])


def scores(course) -> list[tuple]:
    from kimtrain.course.gradebook import cell_scores

    return sorted((c.participant, c.item, c.score, c.max_points)
                  for c in cell_scores(course, NAME))


def grade_rows(course: Any) -> int:
    """Graded rows (``grade.auto_score`` set) in the course's gradebook, either database."""
    from sqlalchemy import text

    from kimtrain.course.database import engine

    readonly = engine(course.db_url, readonly=True)
    try:
        with readonly.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM grade "
                                         "WHERE auto_score IS NOT NULL")).scalar_one())
    finally:
        readonly.dispose()


def compare(tmp_path: Path, n: int, items: int, *, profiled: bool) -> bool:
    """nbgrader autograde against kimtrain grade on copies of one course, as commands."""
    from kimtrain.course import open_course

    print(f"Building a course: {n} participants x {items} items…", flush=True)
    base = make_course(tmp_path / "a", n, items)
    for copy in ("b", "d"):
        shutil.copytree(base.root, tmp_path / copy)
    nb = run([sys.executable, "-m", "nbgrader", "autograde", NAME], base.root)
    kt = run([sys.executable, "-m", "kimtrain", "grade", NAME, "--quiet"], tmp_path / "b")
    a, b = (scores(open_course(tmp_path / x)) for x in "ab")
    agree = a == b and len(a) == n * items
    print(f"\nparticipants x items          {n} x {items}   (both as commands, fresh "
          f"processes; CPU includes child processes; load {os.getloadavg()[0]:.1f})")
    print("                                 wall s    CPU s   peak MiB")
    print(f"nbgrader autograde (1 batch)  {nb[0]:9.2f} {nb[1]:8.2f} {nb[2]:9.0f}")
    print(f"kimtrain grade                {kt[0]:9.2f} {kt[1]:8.2f} {kt[2]:9.0f}")
    print(f"ratio nbgrader/kimtrain       {nb[0] / kt[0]:8.1f}x {nb[1] / kt[1]:7.1f}x")
    print(f"per-cell scores agree         {'yes' if agree else 'NO'} ({len(a)} cells)",
          flush=True)
    if profiled:
        profile(tmp_path / "d")
    return agree


class Databases:
    """The gradebooks the ``--scale`` runs use: ``sqlite`` (a file in the course folder)
    and ``postgres`` (a database per course on one throwaway cluster)."""

    def __init__(self, names: list[str]) -> None:
        unknown = set(names) - {"sqlite", "postgres"}
        if unknown or not names:
            raise SystemExit(f"--db: sqlite and/or postgres, not {sorted(unknown) or names}")
        self.names = names
        self.cluster: Any = None
        if "postgres" in names:
            from tests.pgcluster import NoPostgres, start_cluster

            try:
                self.cluster = start_cluster()
            except NoPostgres as exc:
                raise SystemExit(str(exc)) from None

    def url(self, db: str, key: str) -> str | None:
        return self.cluster.create_database(f"kim_{key}") if db == "postgres" else None

    def drop(self, db: str, key: str) -> None:
        if db == "postgres":
            self.cluster.psql(f'DROP DATABASE IF EXISTS "kim_{key}"')

    def server_cpu(self, db: str) -> Callable[[], float] | None:
        return self.cluster.server_cpu if db == "postgres" else None

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.remove()


def at_scale(tmp_path: Path, size: int, items: int, db: str, dbs: Databases) -> bool:
    """``kimtrain grade`` as a command on a fresh course of ``size``; prints one row."""
    key = f"{db}_{size}"
    root = tmp_path / key
    course = make_course(root, size, items, dbs.url(db, key))
    server = dbs.server_cpu(db)
    load = os.getloadavg()[0]
    before = server() if server else 0.0
    wall, cpu, peak = run([sys.executable, "-m", "kimtrain", "grade", NAME, "--quiet"], root)
    if server:
        time.sleep(0.5)  # the postmaster reaps the command's backends
    server_s = f"{server() - before:8.2f}" if server else f"{'-':>8}"
    ok = grade_rows(course) == size * items
    print(f"{db:9} {size:6d} {wall:8.2f} {cpu:8.2f} {server_s} {1000 * wall / size:8.2f} "
          f"{peak:9.0f}   {'yes' if ok else 'NO':7} {load:5.1f}", flush=True)
    shutil.rmtree(root)
    dbs.drop(db, key)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--scale", default="500,2000,5000",
                        help="cohort sizes for kimtrain grade alone (empty: none)")
    parser.add_argument("--db", default="sqlite",
                        help="gradebooks for the --scale runs: sqlite, postgres or "
                             "sqlite,postgres (side by side)")
    parser.add_argument("--profile-scale", type=int, default=0, metavar="N",
                        help="profile kimtrain grade in process on N participants, per --db")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--scale-only", action="store_true",
                        help="only the --scale sizes, without the nbgrader comparison")
    args = parser.parse_args()

    n, items = args.participants, args.items
    agree = True
    dbs = Databases([x.strip() for x in args.db.split(",") if x.strip()])
    try:
        with tempfile.TemporaryDirectory(prefix="kimtrain-bench-") as tmp:
            tmp_path = Path(tmp)
            if not args.scale_only:
                agree = compare(tmp_path, n, items, profiled=not args.no_profile)
            sizes = [int(x) for x in args.scale.split(",") if x.strip()]
            if sizes:
                print(f"\nkimtrain grade at scale ({items} items; command, fresh gradebook; "
                      "CPU s: the command and its children; server CPU s: PostgreSQL's "
                      "processes)")
                print("database       N   wall s    CPU s srv CPU s  ms/part  peak MiB"
                      "   rows ok  load")
            for size in sizes:
                for db in dbs.names:
                    agree = at_scale(tmp_path, size, items, db, dbs) and agree
            if args.profile_scale:
                for db in dbs.names:
                    key = f"profile_{db}"
                    make_course(tmp_path / key, args.profile_scale, items, dbs.url(db, key))
                    profile(tmp_path / key, label=f" on {db}, {args.profile_scale} participants")
                    shutil.rmtree(tmp_path / key)
                    dbs.drop(db, key)
    finally:
        dbs.close()
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
