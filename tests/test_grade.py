"""``kimtrain grade``: kernel-free grading inside nbgrader, per-participant isolation,
parity with nbgrader's standard execution, idempotent re-runs, feedback pages."""

from __future__ import annotations

import json
import shutil

import pytest

from kimtrain.course.grade import GRADED, NOT_GRADED, UNCHANGED, grade_cohort
from kimtrain.course.gradebook import cell_scores
from kimtrain.grading import read_results, score_item

from .cohort import (
    NAME,
    built_course,
    cell_index,
    notebook,
    right,
    save_notebook,
    submit_by_hand,
    tree_digest,
    wrong,
)

pytestmark = pytest.mark.slow

PARTIAL = {"AMAN-NIK-01": ["A", "B"], "MEDIA-BANSOS-01": ["A", "B", "E"], "HF-BANK-01": None}


def _answers(items):
    return {
        "KIM-G01": {i: right(item) for i, item in items.items()},
        "KIM-G02": {i: wrong(item) for i, item in items.items()},
        "KIM-G03": {i: PARTIAL.get(i, right(item)) for i, item in items.items()},
    }


def _break(course, items):
    """One participant per bad-submission class; returns participant -> expected flag."""
    base = {i: right(item) for i, item in items.items()}
    cases = {}

    def make(pid, kind, change):
        folder = submit_by_hand(course, pid, base)
        change(folder)
        cases[pid] = kind

    make("BAD-INVALID", "invalid_notebook",
         lambda f: (f / f"{NAME}.ipynb").write_text('{"cells": [', encoding="utf-8"))
    make("BAD-EMPTY", "empty_file", lambda f: (f / f"{NAME}.ipynb").write_bytes(b""))
    make("BAD-MISSING", "missing_notebook", lambda f: (f / f"{NAME}.ipynb").unlink())
    make("BAD-SHEET", "sheet_unreadable",
         lambda f: (f / "jawaban__pretest__BAD-SHEET.json").write_text("{", encoding="utf-8"))

    def edit(pid, kind, change):
        def apply(folder):
            nb = notebook(folder)
            change(nb)
            save_notebook(folder, nb)
        make(pid, kind, apply)

    edit("BAD-DELETED", "deleted_cells",
         lambda nb: nb["cells"].pop(cell_index(nb, "nilai_AMAN-APK-01")))
    edit("BAD-DUPLICATE", "duplicated_cells",
         lambda nb: nb["cells"].insert(5, json.loads(json.dumps(
             nb["cells"][cell_index(nb, "nilai_AMAN-OTP-01")]))))

    def locked(nb):
        nb["cells"][cell_index(nb, "soal_AMAN-APK-01")]["source"] = "print('hai')"
    edit("BAD-LOCKED", "edited_locked_cells", locked)

    def tamper(nb):
        cell = nb["cells"][cell_index(nb, "nilai_AMAN-APK-01")]
        cell["source"] = ("from kimtrain.grading.cell import grade_item\ngrade_item({'assessment':"
                          " 'pretest', 'id': 'AMAN-APK-01', 'type': 'single', 'points': 100,"
                          " 'key': 'A'})")
        cell["metadata"]["nbgrader"]["points"] = 100
    edit("BAD-TAMPER", "tampered_tests", tamper)

    def code_cell(source):
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": source, "id": "tambahan"}
    edit("BAD-LOOP", "timeout", lambda nb: nb["cells"].insert(3, code_cell("while True: pass")))
    edit("BAD-HUGE", "output_cut",
         lambda nb: nb["cells"].insert(3, code_cell("print('x' * 300_000)")))
    return cases


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("grade")
    course, items = built_course(root / "kursus")
    with open(course.config_file, "a", encoding="utf-8") as fh:
        fh.write("\nc.Execute.timeout = 3\n")  # the endless loop is stopped sooner
    answers = _answers(items)
    for pid, given in answers.items():
        submit_by_hand(course, pid, given)
    standard = root / "standard"
    shutil.copytree(course.root, standard)  # same cohort, before any grading
    cases = _break(course, items)
    submitted = tree_digest(course.folder("submitted"))
    first = grade_cohort(course, NAME, progress=lambda *a: ticks.append(a))
    second = grade_cohort(course, NAME)
    return {"course": course, "items": items, "answers": answers, "cases": cases,
            "first": first, "second": second, "submitted": submitted,
            "standard": standard, "ticks": ticks}


ticks: list = []


def test_good_participants_are_graded_without_a_kernel_exactly(cohort):
    outcomes = {o.participant: o for o in cohort["first"].outcomes}
    scores = {(c.participant, c.item): c for c in cell_scores(cohort["course"], NAME)}
    for pid, given in cohort["answers"].items():
        assert outcomes[pid].status == GRADED and not outcomes[pid].flags
        assert outcomes[pid].mode == "kernelfree"
        for item_id, item in cohort["items"].items():
            cell = scores[(pid, item_id)]
            if item.type == "written":
                assert cell.needs_manual
                continue
            spec = {"assessment": NAME, **item.scoring()}
            from kimtrain.answers import normalise_response
            from kimtrain.assessment.manifest import load_manifest

            public = {i["id"]: i for i in load_manifest(cohort["course"].folder(
                "source", NAME))["items"]}
            expected = score_item(spec, normalise_response(public[item_id], given[item_id]))
            assert cell.score == pytest.approx(expected.points), (pid, item_id)


@pytest.mark.parametrize("pid", ["BAD-INVALID", "BAD-EMPTY", "BAD-MISSING", "BAD-SHEET",
                                 "BAD-DELETED", "BAD-DUPLICATE", "BAD-LOCKED", "BAD-TAMPER",
                                 "BAD-LOOP", "BAD-HUGE"])
def test_each_bad_submission_is_flagged_and_isolated(cohort, pid):
    from kimtrain.i18n import t

    outcome = {o.participant: o for o in cohort["first"].outcomes}[pid]
    kind = cohort["cases"][pid]
    assert kind in [f.kind for f in outcome.flags], outcome.flags
    flag = next(f for f in outcome.flags if f.kind == kind)
    message = t(f"grade.flag.{kind}", detail=flag.detail)
    assert message and "grade.flag" not in message
    scores = {c.item: c for c in cell_scores(cohort["course"], NAME) if c.participant == pid}
    if flag.fatal:
        assert outcome.status == NOT_GRADED and not scores
        assert not cohort["course"].folder("autograded", pid, NAME).exists()
    else:
        assert outcome.status == GRADED
        # repaired by nbgrader: graded on the original cells, full marks for right answers
        assert scores["AMAN-APK-01"].score == 1.0 and scores["AMAN-OTP-01"].score == 1.0
        assert scores["AMAN-APK-01"].max_points == 1.0


def test_details_name_the_cells(cohort):
    flags = {o.participant: {f.kind: f.detail for f in o.flags}
             for o in cohort["first"].outcomes}
    assert flags["BAD-DELETED"]["deleted_cells"] == "nilai_AMAN-APK-01"
    assert flags["BAD-DUPLICATE"]["duplicated_cells"] == "nilai_AMAN-OTP-01"
    assert flags["BAD-TAMPER"]["tampered_tests"] == "nilai_AMAN-APK-01"
    assert flags["BAD-LOCKED"]["edited_locked_cells"] == "soal_AMAN-APK-01"


def test_submissions_are_never_modified_and_progress_is_reported(cohort):
    assert tree_digest(cohort["course"].folder("submitted")) == cohort["submitted"]
    assert ticks[-1][:2] == (len(ticks), len(ticks)) and len(ticks) == 13


def test_rerun_is_idempotent_and_backs_up_first(cohort):
    first = {o.participant: o for o in cohort["first"].outcomes}
    for outcome in cohort["second"].outcomes:
        before = first[outcome.participant]
        assert outcome.status == (UNCHANGED if before.status == GRADED else before.status)
        assert outcome.score == before.score
        assert [f.kind for f in outcome.flags] == [f.kind for f in before.flags]
    backups = sorted((cohort["course"].root / "backups").glob("gradebook-*-grade*.db"))
    assert len(backups) == 2 and cohort["second"].backup == backups[-1]


def test_parity_with_nbgrader_standard_execution(cohort):
    """The same cohort through nbgrader's own autograde (kernels) gives identical cells."""
    from kimtrain.course import open_course
    from kimtrain.course.nbgrader_api import Nbgrader

    standard = open_course(cohort["standard"])
    nbgrader = Nbgrader(standard)
    for pid in cohort["answers"]:
        nbgrader.autograde(NAME, pid)

    def cells(course):
        return sorted((c.participant, c.item, c.score, c.max_points, c.needs_manual)
                      for c in cell_scores(course, NAME) if c.participant in cohort["answers"])

    def results(course):
        return sorted((r.participant, r.item, json.dumps(r.response), r.points, r.status)
                      for r in read_results(course.root, NAME)
                      if r.participant in cohort["answers"])

    assert cells(standard) == cells(cohort["course"])
    assert results(standard) == results(cohort["course"])
    assert len(cells(standard)) == 3 * len(cohort["items"])


def test_feedback_pages_hide_key_until_revealed(cohort):
    from kimtrain.feedback import write_feedback

    course, items = cohort["course"], cohort["items"]
    paths = write_feedback(course, NAME)
    page = course.folder("feedback", "KIM-G02", NAME, f"{NAME}.html").read_text(encoding="utf-8")
    assert len(paths) >= 3
    # the copy to send carries the participant code; the hub copy keeps nbgrader's name
    sent = course.root / "umpan-balik" / NAME / f"{NAME}-KIM-G02.html"
    assert sent in paths and sent.read_text(encoding="utf-8") == page
    assert 'class="v wrong"' not in page  # before the key: totals and domains only
    explained = [i for i in items.values() if i.explanation]
    assert "grade_item" not in page and "HIDDEN" not in page and "'key'" not in page
    assert not any(i.explanation.strip()[:50] in page for i in explained)
    assert "Kunci jawaban dan pembahasan akan dibagikan" in page
    assert 'name="viewport"' in page and "<script" not in page and "http" not in page
    assert "Aman Digital" in page and "Per kompetensi" in page
    write_feedback(course, NAME, reveal=True)
    page = course.folder("feedback", "KIM-G02", NAME, f"{NAME}.html").read_text(encoding="utf-8")
    assert "Jawaban benar" in page and "grade_item" not in page
    first = explained[0].explanation.strip().split("\n")[0][:40]
    assert first in page
