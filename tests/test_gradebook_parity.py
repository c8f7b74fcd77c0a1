"""kimtrain's one gradebook reader (SQL) reads exactly what nbgrader's ORM reads.

A real course is graded by nbgrader (``kimtrain demo``: 12 participants, automatic
items and written tasks still waiting for a person); then a person's scores and
extra credit are entered through nbgrader's own ORM, including extra credit on a
cell that has no score yet (nbgrader counts that as 0). After each step the grades
read by :func:`kimtrain.course.gradebook.cell_scores` and by the reports
(:func:`kimtrain.reports.data.gradebook_cells`) equal, row for row, what nbgrader's
``Gradebook`` ORM gives.
"""

from __future__ import annotations

import pytest

from kimtrain.course.gradebook import cell_scores, participant_scores
from kimtrain.course.layout import Course
from kimtrain.gradeids import item_of

pytestmark = pytest.mark.slow

NAME = "pretest"


def orm_cells(course: Course, assessment: str) -> list[tuple]:
    """What nbgrader's ORM says: (participant, item, grade id, score or None while
    waiting for a person, max, needs manual)."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(course.db_url, course.course_id) as gb:
        for submission in gb.find_assignment(assessment).submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    item = item_of(grade.name)
                    if item is None:
                        continue
                    pending = bool(grade.needs_manual_grade)
                    rows.append((submission.student.id, item, grade.name,
                                 None if pending else float(grade.score),
                                 float(grade.max_score), pending))
    return rows


def sql_cells(course: Course) -> list[tuple]:
    return [(c.participant, c.item, c.grade_id, c.score, c.max_points, c.needs_manual)
            for c in cell_scores(course, NAME)]


def assert_same(course: Course) -> None:
    orm = orm_cells(course, NAME)
    sql = sql_cells(course)
    assert sql == sorted(sql, key=lambda r: (r[0], r[2]))  # by participant and grade id
    assert sorted(sql, key=repr) == sorted(orm, key=repr)
    from kimtrain.reports.data import gradebook_cells

    report = sorted(gradebook_cells(course, NAME), key=lambda r: (r[0], r[1]))
    assert report == sorted(((p, i, s, x, m) for p, i, _, s, x, m in orm),
                            key=lambda r: (r[0], r[1]))


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory):
    from kimtrain.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("paritas") / "hasil").course


def test_the_sql_reader_equals_nbgraders_orm_on_a_graded_course(demo_course):
    orm = orm_cells(demo_course, NAME)
    assert len({r[0] for r in orm}) == 12
    assert any(r[5] for r in orm) and any(r[3] for r in orm)  # pending and scored cells
    assert_same(demo_course)


def test_manual_scores_and_extra_credit_are_read_as_nbgrader_counts_them(demo_course):
    from nbgrader.api import Gradebook

    with Gradebook(demo_course.db_url, demo_course.course_id) as gb:
        grades = [g for s in gb.find_assignment(NAME).submissions
                  for nb in s.notebooks for g in nb.grades if item_of(g.name)]
        pending = [g for g in grades if g.needs_manual_grade]
        auto = [g for g in grades if not g.needs_manual_grade and g.auto_score is not None]
        pending[0].manual_score, pending[0].needs_manual_grade = 1.5, False
        pending[1].manual_score, pending[1].extra_credit = 2.0, 0.5
        pending[1].needs_manual_grade = False
        auto[0].manual_score = 0.25  # a person overrides the automatic score
        auto[1].extra_credit = 1.0
        no_score = pending[2]
        no_score.extra_credit, no_score.needs_manual_grade = 3.0, False
        assert no_score.manual_score is None and no_score.auto_score is None
        expected = {g: score for g, score in ((pending[0], 1.5), (pending[1], 2.5),
                                                  (auto[0], 0.25),
                                                  (auto[1], auto[1].auto_score + 1.0),
                                                  (no_score, 0.0))}
        expected = {(g.notebook.assignment.student.id, g.name): v for g, v in expected.items()}
        gb.db.commit()
    assert_same(demo_course)
    cells = {(c.participant, c.grade_id): c.score for c in cell_scores(demo_course, NAME)}
    assert {key: cells[key] for key in expected} == expected
    totals = {row.participant: row for row in participant_scores(demo_course, NAME)}
    assert sum(row.pending for row in totals.values()) == sum(
        1 for r in orm_cells(demo_course, NAME) if r[5])
