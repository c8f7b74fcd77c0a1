"""Shared fixtures: the project's own banks, fresh courses, and a neutral language."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kimtrain.context import VARIABLES
from kimtrain.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
ASSESSMENTS = ROOT / "assessments"
STARTER_BANK = ASSESSMENTS / "bank" / "starter.yaml"
# A fixed form over the starter bank, so the project's own blueprints can evolve freely.
TEST_BLUEPRINT = Path(__file__).resolve().parent / "data" / "pretest.yaml"


@pytest.fixture(autouse=True)
def _indonesian(monkeypatch: pytest.MonkeyPatch):
    """Every test starts in the default language with no participant set."""
    for var in VARIABLES:  # kimtrain.context: every variable a session is told by
        monkeypatch.delenv(var, raising=False)
    set_language(None)
    yield
    set_language(None)


@pytest.fixture
def starter_items():
    from kimtrain.bank import load_banks

    return {item.id: item for item in load_banks([STARTER_BANK])}


@pytest.fixture
def course(tmp_path: Path):
    from kimtrain.course import create_course

    return create_course(tmp_path / "kursus", course_id="uji")


def pytest_configure(config):
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (tests/browser.py)."""
    from .browser import chromium

    with chromium() as b:
        yield b
