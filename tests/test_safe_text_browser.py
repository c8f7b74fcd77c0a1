"""Participant text is text on every page a trainer opens, in a real Chromium.

A participant hands in a written answer full of markup (``<script>``, ``<img onerror>``,
a Markdown ``javascript:`` link) and the roster holds a name with markup. After a real
``kimtrain grade`` the test opens nbgrader formgrader's own manual-grading view of that
submission (a Jupyter server with nbgrader's extension), the participant's feedback
page and the trainer's ``/pelatih`` page of ``kimtrain serve``. On each, no script runs
(no dialog, the page's flag stays unset) and the text shows exactly as typed.
Screenshots: test-artifacts/safe-text-*.png.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import pytest

from kimtrain.course.roster import load_roster, save_roster
from kimtrain.serve.submission import place_submission

from .browser import LAPTOP, PHONE, Network, screenshot
from .cohort import answer_sheet
from .serving import LabProcess, ServerProcess, isolated_env, workshop_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ASSESSMENT = "pretest"
WRITTEN = "KIM-KLARIFIKASI-01"
WHO = "KIM-001"
ANSWER = ('Jawaban <script>window.__kt_xss = "script"; alert(1)</script> selesai.\n'
          '<img src=x onerror="window.__kt_xss = \'img\'; alert(2)">\n'
          "[klik di sini](javascript:window.__kt_xss='link') dan ![gambar](x)\n"
          "    *bukan* **tebal** & &amp; # judul")
NAME = ('Siti <img src=x onerror="window.__kt_xss=\'name\'; alert(3)">'
        "<script>window.__kt_xss='name-script'</script>")
WALL = '<img src=x onerror="window.__kt_xss = \'wall\'; alert(4)"> raw markup behind the wall'


def _run(*args: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "kimtrain", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env=isolated_env(cwd / "env"))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course where KIM-001 (a name with markup) handed in a written answer with markup
    through the server's hand-in, graded by ``kimtrain grade``, with feedback written."""
    base = tmp_path_factory.mktemp("safe")
    course = workshop_course(base / "kursus")
    roster = load_roster(course)
    roster[0] = dataclasses.replace(roster[0], nama=NAME)
    save_roster(course, roster)
    served = base / "served"
    shutil.copytree(course.folder("release", ASSESSMENT), served)
    answer_sheet(served, WHO, {WRITTEN: ANSWER, "AMAN-APK-01": "A"})
    place_submission(course.root, served, ASSESSMENT, WHO)
    _run("grade", ASSESSMENT, "--course", str(course.root), "--quiet", cwd=base)
    # --reveal: the item list, with the written answer, is on the page only after release
    _run("feedback", ASSESSMENT, "--reveal", "--course", str(course.root), cwd=base)
    return course


def _watched(browser: Any, size: dict[str, Any]) -> tuple[Any, Any, list[str]]:
    """A page whose dialogs are recorded (and dismissed) and whose requests stay local."""
    log = Network()
    context = log.watch(browser.new_context(**size))
    context.set_default_timeout(90_000)
    page = context.new_page()
    dialogs: list[str] = []

    def dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    return page, log, dialogs


def _assert_inert(page: Any, dialogs: list[str]) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)  # an <img onerror> fires after the failed load
    assert dialogs == []
    assert page.evaluate("() => window.__kt_xss === undefined")
    assert page.locator('a[href^="javascript"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert not page.evaluate(
        "() => [...document.scripts].some(s => s.textContent.includes('__kt_xss'))")


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_formgrader_shows_a_written_answer_with_markup_as_text(graded, browser):
    from nbgrader.api import Gradebook

    course = graded
    autograded = course.folder("autograded", WHO, ASSESSMENT, f"{ASSESSMENT}.ipynb")
    nb = nbformat.read(autograded, as_version=4)
    # the course's nbconvert configuration is the second wall: raw markup planted in
    # another Markdown cell of the graded notebook must not run either
    nb.cells.append(nbformat.v4.new_markdown_cell(WALL))
    nbformat.write(nb, autograded)
    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission_notebook(ASSESSMENT, ASSESSMENT, WHO).id
    base = Path(tempfile.mkdtemp(prefix="ktf-", dir="/tmp"))
    server = LabProcess(course.root, base, cwd=course.root)  # formgrader: run from the course
    try:
        page, _log, dialogs = _watched(browser, LAPTOP)
        page.goto(f"{server.url}formgrader/submissions/{submission}/?token={server.token}")
        cell = page.locator(".nbgrader_cell", has_text="selesai")
        cell.wait_for()
        _assert_inert(page, dialogs)
        shown = _lines(cell.locator(".rendered_html").inner_text())
        assert shown == _lines(ANSWER), shown
        assert "raw markup behind the wall" in page.locator("body").inner_text()
        screenshot(page, "safe-text-formgrader")
        page.context.close()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_the_feedback_page_shows_answer_and_name_as_text(graded, browser):
    course = graded
    html = course.folder("feedback", WHO, ASSESSMENT, f"{ASSESSMENT}.html").read_text(
        encoding="utf-8")
    page, _log, dialogs = _watched(browser, PHONE)
    page.set_content(html)
    _assert_inert(page, dialogs)
    body = page.locator("body").inner_text()
    assert NAME in body
    assert " ".join(ANSWER.split()) in " ".join(body.split())
    screenshot(page, "safe-text-feedback")
    page.context.close()


def test_the_trainer_page_shows_a_roster_name_with_markup_as_text(graded, browser):
    process = ServerProcess(graded.root)
    try:
        page, log, dialogs = _watched(browser, LAPTOP)
        page.goto(process.url + "pelatih")
        row = page.locator(f'tr[data-participant="{WHO}"]').first
        row.wait_for()
        _assert_inert(page, dialogs)
        assert NAME in row.inner_text()
        screenshot(page, "safe-text-pelatih")
        page.context.close()
        log.assert_local()
    finally:
        process.stop()
