from __future__ import annotations

import re
import subprocess
import sys

import pytest


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "kimtrain", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


@pytest.mark.slow
def test_demo_runs_the_whole_loop_and_prints_the_table(tmp_path):
    done = run("demo", "--out", "hasil", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = re.findall(r"^KIM-\d{3}\s+([\d,]+)/([\d,]+)\s+(\d+)", done.stdout,
                      re.MULTILINE)  # Indonesian points: 11,33/43
    assert len(rows) == 12
    percents = [int(p) for _, _, p in rows]
    assert percents[0] == 100  # the first simulated participant knows everything
    assert len(set(percents)) > 4  # a realistic spread, not one repeated score
    assert "Aman" in done.stdout and "Media" in done.stdout and "Menunggu" in done.stdout
    assert (tmp_path / "hasil" / "kursus" / "gradebook.db").exists()
    assert not done.stderr.strip(), done.stderr


def test_demo_refuses_a_folder_that_holds_other_work(tmp_path):
    (tmp_path / "hasil").mkdir()
    (tmp_path / "hasil" / "penting.txt").write_text("data lain", encoding="utf-8")
    refused = run("demo", "--out", "hasil", cwd=tmp_path)
    assert refused.returncode == 1
    assert "bukan hasil demo" in refused.stderr
    assert (tmp_path / "hasil" / "penting.txt").read_text(encoding="utf-8") == "data lain"
