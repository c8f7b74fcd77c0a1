"""Time nbgrader's autograde (one batch, kernels) against ``kimtrain grade`` (kernel-free)
on copies of the same course: N participants, a 40-item single-choice assessment.

    python benchmarks/grade_speed.py [--participants 40] [--items 40] [--no-profile]

Both are timed end to end as commands (``nbgrader autograde NAME`` and ``kimtrain
grade NAME``, each a fresh Python process, so both pay for importing nbgrader), with
each command's peak memory (max RSS); the in-process grading time of ``kimtrain
grade`` is printed too. The per-cell scores of the gradebooks must agree, or the
script exits 1. Then ``kimtrain grade`` runs once more in process, in one worker
under cProfile, and the top entries show where its time goes.
"""

from __future__ import annotations

import argparse
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
    for n in range(participants):
        pid = f"KIM-{n + 1:03d}"
        folder = course.submitted_dir(pid, NAME)
        shutil.copytree(course.release_dir(NAME), folder)
        store = FileAnswerStore(folder)
        for item in load_manifest(folder, NAME)["items"]:
            if rng.random() < 0.95:
                record_answer(store, NAME, pid, item, rng.choice("ABCD"))
        store.mark_submitted(NAME, pid)
        (folder / "timestamp.txt").write_text("2026-05-01 09:00:00.000000 UTC",
                                              encoding="utf-8")
    return course


def run(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one command."""
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable),
                                                 os.environ.get("PATH", "")]))
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        if child.returncode != 0:
            out.seek(0)
            print(out.read().decode(errors="replace")[-4000:], file=sys.stderr)
            raise SystemExit(f"failed: {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024  # Linux: KiB


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
    seconds = grade_cohort(course, NAME, jobs=1, force=True).seconds
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    from kimtrain.course import open_course
    from kimtrain.course.grade import grade_cohort

    with tempfile.TemporaryDirectory(prefix="kimtrain-bench-") as tmp:
        tmp_path = Path(tmp)
        print(f"Building a course: {args.participants} participants x {args.items} items…")
        base = make_course(tmp_path / "a", args.participants, args.items)
        for copy in ("b", "c", "d"):
            shutil.copytree(base.root, tmp_path / copy)
        nbgrader_s, nbgrader_mb = run([sys.executable, "-m", "nbgrader", "autograde", NAME],
                                      base.root)
        kimtrain_s, kimtrain_mb = run([sys.executable, "-m", "kimtrain", "grade", NAME,
                                       "--quiet"], tmp_path / "b")
        in_process = grade_cohort(open_course(tmp_path / "c"), NAME).seconds
        a, b, c = (scores(open_course(tmp_path / x)) for x in "abc")
        agree = a == b == c and len(a) == args.participants * args.items
        print(f"participants x items          {args.participants} x {args.items}")
        print(f"nbgrader autograde (1 batch)  {nbgrader_s:8.2f} s   peak {nbgrader_mb:6.0f} MiB")
        print(f"kimtrain grade (command)      {kimtrain_s:8.2f} s   peak {kimtrain_mb:6.0f} MiB"
              f"   ratio {nbgrader_s / kimtrain_s:6.1f}x   (peak: largest single process)")
        print(f"kimtrain grade (in process)   {in_process:8.2f} s"
              f"                  ratio {nbgrader_s / in_process:6.1f}x")
        print(f"per-cell scores agree         {'yes' if agree else 'NO'} ({len(a)} cells)")
        if not args.no_profile:
            profile(tmp_path / "d")
        return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
