"""The checks the project is configured for actually run: ruff (lint) over the package,
the tests and the benchmarks, and mypy (strict, configured in pyproject.toml) over the
package. They run as tests so that the README's one test command — and `.ci/run`, which
runs exactly that command — include them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "kimtrain", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    # the configuration ([tool.mypy] in pyproject.toml) names the package and strictness
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout


def test_package_says_it_is_typed() -> None:
    assert (ROOT / "kimtrain" / "py.typed").is_file()
