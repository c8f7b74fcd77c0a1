"""End to end through nbgrader's real lifecycle: generate, release, fetch, submit,
collect, autograde — with answers given through the widgets' own code path."""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
import pytest

from kimtrain.answers import FileAnswerStore
from kimtrain.assessment.blueprint import load_blueprint
from kimtrain.assessment.build import build_assessment
from kimtrain.assessment.manifest import load_manifest
from kimtrain.course.gradebook import cell_scores, participant_scores
from kimtrain.grading import read_results
from kimtrain.widgets import record_answer

from .cohort import right, wrong
from .conftest import TEST_BLUEPRINT

pytestmark = pytest.mark.slow

NAME = "pretest"


# multiple choice scores right/keys - wrong/distractors (issue 11: choosing everything
# never pays): [A, B, E] on key [A, B, D] of five options is 2 * (2/3 - 1/2)
PARTIAL = {"AMAN-NIK-01": (["A", "B"], 2 * 2 / 3), "MEDIA-BANSOS-01": (["A", "B", "E"], 1 / 3),
           "AMAN-WA-01": (["C"], 1.0)}


def _run_in_kernel(folder: Path, code: str, km=None):
    """Run ``code`` in a real kernel whose working directory is ``folder``."""
    from jupyter_client.manager import start_new_kernel

    if km is None:
        km, kc = start_new_kernel(cwd=str(folder))
    else:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
    reply = kc.execute_interactive(code, timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    kc.stop_channels()
    return km


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One course, five participants with known answer patterns, graded by nbgrader."""
    from kimtrain.course import create_course
    from kimtrain.course.nbgrader_api import Nbgrader

    root = tmp_path_factory.mktemp("lifecycle")
    course = create_course(root / "kursus", course_id="uji")
    blueprint = load_blueprint(TEST_BLUEPRINT)
    build_assessment(blueprint, course.root)
    nbgrader = Nbgrader(course)
    nbgrader.generate(NAME)
    nbgrader.release(NAME)
    items = {item.id: item for item in blueprint.items}

    patterns = {
        "KIM-A01": {i: right(item) for i, item in items.items()},
        "KIM-A02": {i: wrong(item) for i, item in items.items()},
        "KIM-A03": {i: PARTIAL[i][0] if i in PARTIAL else right(item)
                    for i, item in items.items()},
        "KIM-A04": {},
    }
    for participant, answers in patterns.items():
        home = root / "peserta" / participant
        folder = nbgrader.fetch(NAME, participant, home)
        manifest = load_manifest(folder, NAME)
        store = FileAnswerStore(folder)
        for public in manifest["items"]:
            if public["id"] in answers:
                record_answer(store, NAME, participant, public, answers[public["id"]])
        nbgrader.submit(NAME, participant, home)

    # KIM-A05 answers in a real kernel, which is restarted, and then changes the answer.
    home = root / "peserta" / "KIM-A05"
    folder = nbgrader.fetch(NAME, "KIM-A05", home)
    km = _run_in_kernel(folder, "\n".join([
        "from kimtrain.widgets import Assessment",
        "u = Assessment('pretest')",
        "u.identify('kim-a05')",
        "u.soal('AMAN-APK-01'); u.widgets['AMAN-APK-01'].set_state({'value': 'A'})",
        "u.soal('HF-BANSOS-01'); u.widgets['HF-BANSOS-01'].set_state({'value': False})",
    ]))
    km.restart_kernel(now=True)
    # a re-run of the real notebook after the restart shows the saved answers
    nb = nbformat.read(folder / f"{NAME}.ipynb", as_version=4)
    from nbclient import NotebookClient

    NotebookClient(nb, resources={"metadata": {"path": str(folder)}},
                   store_widget_state=True, timeout=60).execute()
    states = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = {s["state"]["item"]["id"]: s["state"].get("value") for s in states.values()
             if "item" in s["state"]}
    _run_in_kernel(folder, "\n".join([
        "from kimtrain.widgets import Assessment",
        "u = Assessment('pretest')",
        "assert u.participant == 'KIM-A05'",
        "u.soal('AMAN-APK-01')",
        "w = u.widgets['AMAN-APK-01']",
        "assert w.value == 'A', w.value",
        "w.set_state({'value': 'B'})",
    ]), km)
    km.shutdown_kernel(now=True)
    nbgrader.submit(NAME, "KIM-A05", home)

    nbgrader.collect(NAME)
    for participant in [*patterns, "KIM-A05"]:
        nbgrader.autograde(NAME, participant)
    scores: dict[str, dict[str, object]] = {}
    for cell in cell_scores(course, NAME):
        scores.setdefault(cell.participant, {})[cell.item] = cell
    return {"course": course, "items": items, "scores": scores, "shown_after_restart": shown}


def test_release_folder_holds_no_key(graded):
    course, items = graded["course"], graded["items"]
    release = course.folder("release", NAME)
    text = "\n".join(p.read_text(encoding="utf-8") for p in release.rglob("*") if p.is_file())
    assert "grade_item" not in text and "HIDDEN TESTS" not in text and '"key"' not in text
    for item in items.values():
        if item.explanation:
            assert item.explanation[:60] not in text
        for accepted in item.accept:
            assert f'"{accepted}"' not in text and f"'{accepted}'" not in text
    source = (course.folder("source", NAME) / f"{NAME}.ipynb").read_text(encoding="utf-8")
    assert "grade_item" in source  # the key lives in the source (and the gradebook) only


def test_all_right_earns_every_point_and_written_waits_for_a_person(graded):
    for item_id, item in graded["items"].items():
        cell = graded["scores"]["KIM-A01"][item_id]
        if item.type == "written":
            assert cell.needs_manual and cell.score is None
        else:
            assert cell.score == item.points, item_id


def test_all_wrong_earns_nothing(graded):
    for item_id, item in graded["items"].items():
        cell = graded["scores"]["KIM-A02"][item_id]
        assert cell.needs_manual if item.type == "written" else cell.score == 0.0, item_id


def test_partial_multiple_choice(graded):
    for item_id, (_, expected) in PARTIAL.items():
        assert graded["scores"]["KIM-A03"][item_id].score == pytest.approx(expected, abs=1e-3)


def test_blank_earns_zero_everywhere_and_needs_no_manual_grading(graded):
    cells = graded["scores"]["KIM-A04"]
    assert set(cells) == set(graded["items"])
    assert all(cell.score == 0.0 and not cell.needs_manual for cell in cells.values())


def test_answer_changed_after_a_kernel_restart_is_the_one_graded(graded):
    assert graded["shown_after_restart"]["AMAN-APK-01"] == "A"
    assert graded["shown_after_restart"]["HF-BANSOS-01"] is False
    cells = graded["scores"]["KIM-A05"]
    assert cells["AMAN-APK-01"].score == 1.0  # B is the key; A was the first answer
    assert cells["HF-BANSOS-01"].score == 1.0
    assert cells["AMAN-OTP-01"].score == 0.0


def test_choices_are_recorded_for_item_analysis(graded):
    results = {(r.participant, r.item): r for r in read_results(graded["course"].root, NAME)}
    assert results[("KIM-A03", "MEDIA-BANSOS-01")].response == ["A", "B", "E"]
    assert results[("KIM-A03", "MEDIA-BANSOS-01")].status == "partial"
    assert results[("KIM-A02", "AMAN-APK-01")].response == "A"
    assert results[("KIM-A04", "AMAN-APK-01")].status == "blank"
    assert results[("KIM-A05", "AMAN-APK-01")].response == "B"


def test_written_answer_reaches_the_grader(graded):
    course = graded["course"]
    nb = json.loads((course.folder("autograded", "KIM-A01", NAME) / f"{NAME}.ipynb")
                    .read_text(encoding="utf-8"))
    grade_id = "jawaban_KIM-KLARIFIKASI-01"
    cell = next(c for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
    # written as inert Markdown (punctuation as character references): text, never markup
    assert "cekbansos.kemensos.go.id" in html.unescape("".join(cell["source"]))


def test_totals_roll_up_per_domain(graded):
    rows = {r.participant: r for r in participant_scores(graded["course"], NAME)}
    assert rows["KIM-A01"].percent == 100 and rows["KIM-A01"].pending == 1
    assert rows["KIM-A02"].score == 0
    assert rows["KIM-A01"].domain_percent("aman") == 100
    assert rows["KIM-A04"].domain_percent("media") == 0
