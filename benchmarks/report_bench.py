"""Benchmark: the full coordinator report on 5,000 participants × 2 forms × 40 items.

Synthesises a course (tests/synth.py: real course folder, real source notebooks and
manifests, nbgrader's gradebook schema with 400,000 grades, one graded notebook per
participant and form with the result outputs ``grade_item`` leaves), then runs
``kimtrain report --pre pretest --post posttest`` as a separate process — all outputs:
HTML, XLSX, CSV, PNG — and prints its wall time and peak memory (max RSS):

* cold: the first report, reading all 10,000 graded notebooks;
* warm: the next report, with the results index in place;
* one process: the same, with the second process a big report uses switched off, as on
  Windows (which cannot fork);
* with ``--db``: the chosen options and the roster stored in kimtrain's tables in the
  gradebook (``kimtrain db sync``, what ``kimtrain grade`` writes as it grades), then
  the report again with ``autograded/`` moved away, so it can read only the database
  (cold: no results index either).

For scale, it also times the two read paths for one form's scores (kimtrain's SQL
read against nbgrader's ORM, ``kimtrain.course.gradebook.cell_scores``) and, with
``--peer``, nbgrader's own ``nbgrader export`` (totals only) on the same gradebook.

    .venv/bin/python benchmarks/report_bench.py [--participants 5000] [--items 40] [--peer]
        [--db]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 10.0  # issue 14: a cold report at 5,000 × 2 × 40
DB_GOAL_SECONDS = 10.0  # issue 13: a cold report reading only the database


def run_child(args: list[str], cwd: Path | None = None) -> tuple[float, float, str, float]:
    """Wall seconds, peak RSS (MiB), output and CPU seconds (user + system) of a child."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}\n{output}")
    return wall, usage.ru_maxrss / 1024, output, usage.ru_utime + usage.ru_stime


# the same report with the second process switched off (Windows cannot fork)
_ONE_PROCESS = """
import sys
from kimtrain.cli import main
from kimtrain.reports import report, writer
report.BACKGROUND_ROSTER = writer.BACKGROUND_CELLS = 10**12
raise SystemExit(main(sys.argv[1:]))
"""

_DATA = """
import sys, time
from kimtrain.course import open_course
from kimtrain.reports.data import _cell_frame, load_roster
course = open_course(sys.argv[1])
start, cpu = time.perf_counter(), time.process_time()
n = 0
for name in ("pretest", "posttest"):
    _cell_frame(course, name)
    if sys.argv[2] == "db":
        from kimtrain.course.tables import read_responses
        n += len(read_responses(course, name))
    else:
        from kimtrain.grading.results import result_rows
        n += len(result_rows(course.root, name))
load_roster(course)
print(n, time.perf_counter() - start, time.process_time() - cpu)
"""


def data_times(work: Path, course_root: Path) -> None:
    """What a report reads for both forms (scores, chosen options, roster): from the
    10,000 graded notebooks (no results index) against from the database only."""
    if not (course_root / ".kimtrain" / "db-synced").exists():
        wall, _, _, _ = run_child([sys.executable, "-m", "kimtrain", "db", "sync", "pretest",
                                   "posttest", "--course", str(course_root)])
        (course_root / ".kimtrain").mkdir(exist_ok=True)
        (course_root / ".kimtrain" / "db-synced").write_text("1")
        print(f"kimtrain db sync (responses and roster into the gradebook, once; grading "
              f"writes them as it goes): {wall:.1f} s")
    print()
    print(f"{'report data, both forms':34} {'responses':>10} {'wall s':>7} {'CPU s':>6} "
          f"{'load':>5}")
    for label, source in (("graded notebooks, no index (cold)", "notebooks"),
                          ("database only (cold process)", "db")):
        for index in (course_root / ".kimtrain").glob("hasil-*.json"):
            index.unlink()
        hidden = work / "autograded-hidden"
        if source == "db":  # nothing to read but the database
            shutil.move(course_root / "autograded", hidden)
        load = os.getloadavg()[0]
        try:
            out = run_child([sys.executable, "-c", _DATA, str(course_root), source])[2]
        finally:
            if hidden.exists():
                shutil.move(hidden, course_root / "autograded")
        n, wall, cpu = out.split()[-3:]
        print(f"{label:34} {int(n):10,d} {float(wall):7.2f} {float(cpu):6.2f} {load:5.1f}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--dir", help="work folder (default: a temporary one, removed after)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a course already synthesised in --dir")
    parser.add_argument("--peer", action="store_true",
                        help="also time `nbgrader export` (about 20 minutes at 5,000 x 2)")
    parser.add_argument("--db", action="store_true",
                        help="also the report reading only the database (kimtrain's tables)")
    parser.add_argument("--data-only", action="store_true",
                        help="with --db: only what the report reads (both forms), notebooks "
                             "against the database, not the whole report")
    parser.add_argument("--orm", action="store_true",
                        help="also time nbgrader's ORM read of one form (slow)")
    args = parser.parse_args()

    from tests.synth import synth_course

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="kimtrain-bench-"))
    course_root = work / "kursus"
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; python "
          f"{sys.version.split()[0]}")
    if not (args.reuse and course_root.exists()):
        if course_root.exists():
            shutil.rmtree(course_root)
        start = time.perf_counter()
        synth_course(course_root, participants=args.participants, items=args.items,
                     only_pre=args.participants // 50, only_post=args.participants // 100,
                     group_size=25, seed=2026)
        print(f"synthesised in {time.perf_counter() - start:.1f} s")
    notebooks = list((course_root / "autograded").rglob("*.ipynb"))
    size = sum(f.stat().st_size for f in notebooks)
    print(f"course: {args.participants} participants × 2 forms × {args.items} items; "
          f"{len(notebooks):,} graded notebooks, {size / 2**20:,.0f} MiB")
    for index in (course_root / ".kimtrain").glob("hasil-*.json"):
        index.unlink()  # the first run below reads every notebook

    command = [sys.executable, "-m", "kimtrain", "report", "--course", str(course_root),
               "--pre", "pretest", "--post", "posttest"]
    if args.db:
        data_times(work, course_root)
        if args.data_only:
            return
    rows = []
    for label in ("cold (no results index)", "warm (results index)", "warm again",
                  "one process (as Windows)"):
        out = work / f"laporan-{label.split()[0]}"
        load = os.getloadavg()[0]
        run = command if not label.startswith("one") else [
            sys.executable, "-c", _ONE_PROCESS, *command[3:]]
        wall, rss, _, cpu = run_child([*run, "--out", str(out)])
        files = [p for p in out.rglob("*") if p.is_file()]
        rows.append((label, wall, rss, len(files), sum(f.stat().st_size for f in files), cpu,
                     load))
    if args.db:
        hidden = work / "autograded-hidden"
        shutil.move(course_root / "autograded", hidden)
        for index in (course_root / ".kimtrain").glob("hasil-*.json"):
            index.unlink()
        try:
            for label in ("database only, cold", "database only, again"):
                out = work / f"laporan-db-{label.split()[-1]}"
                load = os.getloadavg()[0]
                wall, rss, _, cpu = run_child([*command, "--out", str(out)])
                files = [p for p in out.rglob("*") if p.is_file()]
                rows.append((label, wall, rss, len(files),
                             sum(f.stat().st_size for f in files), cpu, load))
        finally:
            shutil.move(hidden, course_root / "autograded")
    print()
    print(f"{'kimtrain report (all outputs)':30} {'wall s':>7} {'CPU s':>6} {'load':>5} "
          f"{'peak MiB':>9} {'files':>6} {'MiB':>5}")
    for label, wall, rss, count, total, cpu, load in rows:
        print(f"{label:30} {wall:7.2f} {cpu:6.2f} {load:5.1f} {rss:9.0f} {count:6d} "
              f"{total / 2**20:5.1f}")
    print("(CPU s = user + system time of the report process; load = 1-minute load average "
          "of the machine, shared with other work, when the run started)")
    verdict = ", ".join(f"{label} {'met' if wall < GOAL_SECONDS else 'MISSED'}"
                        for label, wall, *_ in rows if not label.startswith("one"))
    print(f"goal: under {GOAL_SECONDS:.0f} s (database only: under {DB_GOAL_SECONDS:.0f} s) "
          f"-> {verdict}")

    code = ("import sys, time; from kimtrain.course import open_course; "
            "from kimtrain.reports.data import gradebook_cells; c = open_course(sys.argv[1]); "
            "t = time.perf_counter(); n = len(gradebook_cells(c, 'posttest')); "
            "print(n, time.perf_counter() - t)")
    sql_out = run_child([sys.executable, "-c", code, str(course_root)])[2].split()
    print()
    print(f"{'reading one form':36} {'rows':>8} {'s':>9} {'ratio':>6}")
    print(f"{'kimtrain SQL read':36} {int(sql_out[0]):8,d} {float(sql_out[1]):9.2f} {1:6.1f}")
    if args.orm:
        orm = code.replace("from kimtrain.reports.data import gradebook_cells",
                           "from kimtrain.course.gradebook import cell_scores").replace(
            "gradebook_cells(", "cell_scores(")
        orm_out = run_child([sys.executable, "-c", orm, str(course_root)])[2].split()
        print(f"{'nbgrader ORM (cell_scores)':36} {int(orm_out[0]):8,d} "
              f"{float(orm_out[1]):9.2f} {float(orm_out[1]) / float(sql_out[1]):6.1f}")
    if args.peer:
        nbgrader = Path(sys.executable).with_name("nbgrader")
        wall, rss, _, _ = run_child([str(nbgrader), "export", "--to",
                                     str(work / "grades.csv")], cwd=course_root)
        print()
        print(f"peer: `nbgrader export` (totals only, no item statistics): {wall:.2f} s, "
              f"{rss:.0f} MiB peak; kimtrain's warm report takes {rows[1][1] / wall:.2f}× "
              "its time")
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
