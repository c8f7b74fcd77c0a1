"""The "ordering" item type end to end (issue 10): bank -> build -> nbgrader generate ->
answers -> grading both ways (plain nbgrader autograde with kernels, and kimtrain grade)
-> the graded notebook -> the feedback page -> item analysis in the report.

The form holds the two ordering items of the project's banks and one single-choice
item; the gradebook rows and graded notebooks of the two ways are compared with the
same helpers as the corpus parity test (tests/test_grade_corpus.py)."""

from __future__ import annotations

import json
import shutil

import pytest

from kimtrain.course.grade import GRADED, grade_cohort

from .cohort import NAME, submit_by_hand
from .test_grade_corpus import _files, _gradebook, _normalised

pytestmark = pytest.mark.slow

BLUEPRINT = f"""\
name: {NAME}
title: Uji soal urutan
instructions: Ketuk langkah-langkah sesuai urutannya.
banks: [../bank/media.yaml, ../bank/kim.yaml]
items: [MEDIA-URUT-01, KIM-URUT-01, MEDIA-SIFT-05]
shuffle: false
seed: 2026
"""
SIFT, RUMOUR, SINGLE = "MEDIA-URUT-01", "KIM-URUT-01", "MEDIA-SIFT-05"
# participant -> answers, and the points each ordering item must earn (2 points each)
ANSWERS = {
    "O-RIGHT": ({SIFT: ["C", "D", "A", "B"], RUMOUR: ["B", "E", "C", "D", "A"], SINGLE: "C"},
                {SIFT: 2.0, RUMOUR: 2.0}),
    "O-SWAP": ({SIFT: ["D", "C", "A", "B"], RUMOUR: ["A", "D", "C", "E", "B"], SINGLE: "C"},
               {SIFT: 1.6667, RUMOUR: 0.0}),  # one pair of six swapped; the reverse
    "O-PART": ({SIFT: ["C", "D"], SINGLE: "A"}, {SIFT: 0.3333, RUMOUR: 0.0}),  # 1 pair of 6
    "O-BLANK": ({}, {SIFT: 0.0, RUMOUR: 0.0}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.course import create_course, open_course
    from kimtrain.course.nbgrader_api import Nbgrader

    root = tmp_path_factory.mktemp("urutan")
    course = create_course(root / "kimtrain", course_id="uji")
    course.blueprint(NAME).write_text(BLUEPRINT, encoding="utf-8")
    build_assessment(load_blueprint(course.blueprint(NAME)), course.root)
    Nbgrader(course).generate(NAME)
    for pid, (answers, _) in ANSWERS.items():
        submit_by_hand(course, pid, answers)
    shutil.copytree(course.root, root / "nbgrader")
    plain = open_course(root / "nbgrader")
    for pid in ANSWERS:
        Nbgrader(plain).autograde(NAME, pid)  # kernels run the hidden tests
    summary = grade_cohort(course, NAME)
    return course, plain, {o.participant: o for o in summary.outcomes}


def test_the_built_form_shows_steps_and_hides_the_order(graded):
    course, _, _ = graded
    manifest = json.loads(course.folder("release", NAME, "kimtrain_soal.json").read_text("utf-8"))
    sift = next(i for i in manifest["items"] if i["id"] == SIFT)
    assert sift["type"] == "ordering" and [o[0] for o in sift["options"]] == ["A", "B", "C", "D"]
    assert "key" not in sift and "explanation" not in sift
    release = course.folder("release", NAME, f"{NAME}.ipynb").read_text("utf-8")
    assert "['C', 'D', 'A', 'B']" not in release and "grade_item" not in release
    source = course.folder("source", NAME, f"{NAME}.ipynb").read_text("utf-8")
    assert "'key': ['C', 'D', 'A', 'B']" in source  # only in the hidden test


@pytest.mark.parametrize("pid", list(ANSWERS))
def test_both_ways_of_grading_agree_and_score_pairs_in_order(graded, pid):
    course, plain, outcomes = graded
    assert outcomes[pid].status == GRADED and outcomes[pid].mode == "kernelfree"
    expected = _gradebook(plain, pid)
    assert _gradebook(course, pid) == expected
    points = {row[1].removeprefix("nilai_"): row[2] for row in expected["grades"]
              if row[1].startswith("nilai_")}
    for item_id, wanted in ANSWERS[pid][1].items():
        assert points[item_id] == pytest.approx(wanted, abs=1e-4), item_id
    graded_nb = f"{NAME}.ipynb"
    assert (_normalised(course.folder("autograded", pid, NAME, graded_nb))
            == _normalised(plain.folder("autograded", pid, NAME, graded_nb)))
    assert _files(course, pid) == _files(plain, pid)


def test_the_graded_notebook_shows_the_order_as_text(graded):
    course, _, _ = graded
    text = course.folder("autograded", "O-SWAP", NAME, f"{NAME}.ipynb").read_text("utf-8")
    assert "1. Selidiki sumbernya; siapa di balik akun itu? → 2. Berhenti dulu" in text


def test_feedback_page_shows_the_order_given_and_the_right_one(graded):
    from kimtrain.feedback import write_feedback

    course, _, _ = graded
    pages = {p.stem.removeprefix(f"{NAME}-"): p
             for p in write_feedback(course, NAME, reveal=True)}
    page = pages["O-SWAP"].read_text("utf-8")
    assert ("1. Selidiki sumbernya; siapa di balik akun itu? → 2. Berhenti dulu; jangan "
            "langsung percaya atau meneruskan.") in page
    assert "Jawaban benar:</em> 1. Berhenti dulu; jangan langsung percaya" in page
    assert "sebagian langkah sudah dalam urutan yang tepat" in page  # the partial note
    assert "1,67 dari 2 poin" in page


def test_item_analysis_reports_the_ordering_items(graded, tmp_path):
    from kimtrain.reports import ReportOptions, build_report, write_report
    from kimtrain.reports.analysis import analyse_form
    from kimtrain.reports.data import load_form

    course, _, _ = graded
    analysis = analyse_form(load_form(course, NAME))
    rows = {row.info.id: row for row in analysis.items}
    assert rows[SIFT].info.type == "ordering" and rows[SIFT].graded == 4
    # facility: mean share of the points, (2 + 1.67 + 0.33 + 0) / 4 / 2
    assert rows[SIFT].stats.facility == pytest.approx(0.5, abs=1e-3)
    assert rows[SIFT].options == []  # no distractors to count for an order
    assert rows[SINGLE].options and sum(o.count for o in rows[SINGLE].options) == 3
    files = write_report(build_report(course, ReportOptions(pre=NAME)), tmp_path)
    text = files.html.read_text("utf-8")
    assert SIFT in text and "Urutan" in text
