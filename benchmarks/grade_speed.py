"""Time nbgrader's autograde (one batch, kernels) against ``kimtrain grade`` on copies of
the same course: N participants, a 40-item single-choice assessment; then ``kimtrain
grade`` alone on larger cohorts.

    python benchmarks/grade_speed.py [--participants 40] [--items 40]
                                     [--scale 500,2000,5000] [--no-profile]

Both are timed end to end as commands (``nbgrader autograde NAME`` and ``kimtrain grade
NAME``, each a fresh Python process), with wall time, CPU time (the command and the
worker processes it waited for: the fairer figure on a shared machine) and peak memory
(the largest single process). The per-cell scores of the two gradebooks must agree, or
the script exits 1. Then ``kimtrain grade`` runs once more in process, in one worker,
under cProfile (where its time goes), and at each ``--scale`` size on a fresh course:
wall, CPU, per participant and peak memory (flat in N when the grading streams).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def make_course(root: Path, participants: int, items: int):
    from kimtrain.answers import FileAnswerStore
    from kimtrain.answers.store import Answer, AnswerSheet, atomic_write
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.assessment.manifest import load_manifest
    from kimtrain.course import create_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.widgets import record_answer

    course = create_course(root, course_id="bench")
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


def profile(course_root: Path, top: int = 15) -> None:
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
    print(f"\nProfile of kimtrain grade (in process, 1 worker, under cProfile: {seconds:.2f} s)")
    for line in text.getvalue().splitlines():
        if line.strip() and not line.startswith(("   Ordered by", "   List reduced")):
            print("  " + line[:150])


def scores(course) -> list[tuple]:
    from kimtrain.course.gradebook import cell_scores

    return sorted((c.participant, c.item, c.score, c.max_points)
                  for c in cell_scores(course, NAME))


def grade_rows(course) -> int:
    import sqlite3

    db = course.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM grade WHERE auto_score IS NOT NULL"
                                ).fetchone()[0])


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--scale", default="500,2000,5000",
                        help="cohort sizes for kimtrain grade alone (empty: none)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--scale-only", action="store_true",
                        help="only the --scale sizes, without the nbgrader comparison")
    args = parser.parse_args()

    n, items = args.participants, args.items
    agree = True
    with tempfile.TemporaryDirectory(prefix="kimtrain-bench-") as tmp:
        tmp_path = Path(tmp)
        if not args.scale_only:
            agree = compare(tmp_path, n, items, profiled=not args.no_profile)
        sizes = [int(x) for x in args.scale.split(",") if x.strip()]
        if sizes:
            print("\nkimtrain grade at scale (command, SQLite, fresh gradebook)")
            print("participants   wall s    CPU s   ms/participant (wall)   peak MiB   rows ok"
                  "   load")
        for size in sizes:
            root = tmp_path / f"n{size}"
            course = make_course(root, size, items)
            load = os.getloadavg()[0]
            wall, cpu, peak = run([sys.executable, "-m", "kimtrain", "grade", NAME, "--quiet"],
                                  root)
            ok = grade_rows(course) == size * items
            agree = agree and ok
            print(f"{size:12d} {wall:8.2f} {cpu:8.2f} {1000 * wall / size:16.2f} "
                  f"{peak:17.0f}   {'yes' if ok else 'NO':7} {load:6.1f}", flush=True)
            shutil.rmtree(root)
        return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
