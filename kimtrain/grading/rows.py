"""The gradebook rows ``nbgrader autograde`` writes, written for many participants at once.

nbgrader's ``Autograde`` creates or updates, per participant: the student, the
submission (with the hand-in's timestamp), one submitted notebook, a ``grade`` row
for every grade and task cell and a ``comment`` row for every solution and task cell
(``Gradebook.add_submission``); ``SaveAutoGrades`` then sets each grade's
``auto_score`` and ``needs_manual_grade`` and each comment's ``auto_comment``, and
``AssignLatePenalties`` the notebook's ``late_submission_penalty``. :class:`RowWriter`
stores exactly those values with SQLAlchemy Core on nbgrader's own tables (declared
here with nbgrader's column types, so SQLite and PostgreSQL store them as nbgrader
does), one transaction per batch, without importing nbgrader.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GradebookCells", "Graded", "RowWriter"]

Penalty = Callable[[str, float, float], "float | None"]


@dataclass
class Graded:
    """What one participant's autograde stores (the values ``SaveAutoGrades`` computes)."""

    participant: str
    timestamp: dt.datetime | None
    grades: dict[str, float | None] = field(default_factory=dict)  # grade id -> auto_score
    comments: dict[str, str | None] = field(default_factory=dict)  # grade id -> auto_comment


def _tables() -> dict[str, Any]:
    from sqlalchemy import Boolean, Column, DateTime, Float, Interval, MetaData, String, Table, Text

    md = MetaData()
    return {
        "student": Table("student", md, Column("id", String(128), primary_key=True),
                         Column("first_name", String(128)), Column("last_name", String(128)),
                         Column("email", String(128)), Column("lms_user_id", String(128))),
        "assignment": Table("assignment", md, Column("id", String(32), primary_key=True),
                            Column("name", String(128)), Column("duedate", DateTime())),
        "notebook": Table("notebook", md, Column("id", String(32), primary_key=True),
                          Column("name", String(128)), Column("assignment_id", String(32)),
                          Column("kernelspec", String(1024))),
        "base_cell": Table("base_cell", md, Column("id", String(32), primary_key=True),
                           Column("name", String(128)), Column("notebook_id", String(32)),
                           Column("type", String(50))),
        "source_cell": Table("source_cell", md, Column("id", String(32), primary_key=True),
                             Column("name", String(128)), Column("cell_type", String(8)),
                             Column("locked", Boolean), Column("source", Text),
                             Column("checksum", String(128)), Column("notebook_id", String(32))),
        "grade_cells": Table("grade_cells", md, Column("id", String(32), primary_key=True),
                             Column("max_score", Float), Column("cell_type", String(8))),
        "task_cells": Table("task_cells", md, Column("id", String(32), primary_key=True),
                            Column("max_score", Float), Column("cell_type", String(8))),
        "submitted_assignment": Table(
            "submitted_assignment", md, Column("id", String(32), primary_key=True),
            Column("assignment_id", String(32)), Column("student_id", String(128)),
            Column("timestamp", DateTime()), Column("extension", Interval())),
        "submitted_notebook": Table(
            "submitted_notebook", md, Column("id", String(32), primary_key=True),
            Column("assignment_id", String(32)), Column("notebook_id", String(32)),
            Column("flagged", Boolean), Column("late_submission_penalty", Float(0))),
        "grade": Table("grade", md, Column("id", String(32), primary_key=True),
                       Column("notebook_id", String(32)), Column("cell_id", String(32)),
                       Column("auto_score", Float()), Column("manual_score", Float()),
                       Column("extra_credit", Float()),
                       Column("needs_manual_grade", Boolean, nullable=False)),
        "comment": Table("comment", md, Column("id", String(32), primary_key=True),
                         Column("notebook_id", String(32)), Column("cell_id", String(32)),
                         Column("auto_comment", Text()), Column("manual_comment", Text())),
    }


@dataclass
class GradebookCells:
    """One notebook of an assignment as the gradebook holds it."""

    assignment_id: str
    duedate: dt.datetime | None
    notebook_id: str
    kernelspec: str | None
    source: dict[str, dict[str, Any]]  # name -> cell_type, locked, source, checksum
    grade: list[tuple[str, str, float]]  # (cell id, name, max points): grade cells
    task: list[tuple[str, str, float]]
    solution: list[tuple[str, str]]

    @classmethod
    def read(cls, engine: Any, assessment: str, notebook: str) -> GradebookCells:
        from sqlalchemy import select

        t = _tables()
        with engine.connect() as db:
            a_id, due = db.execute(select(t["assignment"].c.id, t["assignment"].c.duedate)
                                   .where(t["assignment"].c.name == assessment)).one()
            notebooks = {r.name: r for r in db.execute(
                select(t["notebook"]).where(t["notebook"].c.assignment_id == a_id))}
            if list(notebooks) != [notebook]:
                raise LookupError(f"{assessment}: notebooks {sorted(notebooks)}")
            nb_id, spec = notebooks[notebook].id, notebooks[notebook].kernelspec
            sc = t["source_cell"]
            source = {r.name: {"cell_type": r.cell_type, "locked": bool(r.locked),
                               "source": r.source, "checksum": r.checksum}
                      for r in db.execute(select(sc).where(sc.c.notebook_id == nb_id))}
            bc = t["base_cell"]

            def typed(table: str, kind: str) -> list[Any]:
                cells = t[table]
                cols = [bc.c.id, bc.c.name] + ([cells.c.max_score] if kind != "solution"
                                               else [])
                query = select(*cols).join(cells, cells.c.id == bc.c.id).where(
                    bc.c.notebook_id == nb_id).order_by(bc.c.name)
                return [tuple(r) for r in db.execute(query)]

            solution_table = select(bc.c.id, bc.c.name).where(
                bc.c.notebook_id == nb_id, bc.c.type == "SolutionCell").order_by(bc.c.name)
            solution = [tuple(r) for r in db.execute(solution_table)]
            return cls(a_id, due, nb_id, spec, source, typed("grade_cells", "grade"),
                       typed("task_cells", "task"), solution)


class RowWriter:
    """Writes :class:`Graded` participants in batches, as nbgrader's autograde would."""

    def __init__(self, db_url: str, cells: GradebookCells, penalty: Penalty) -> None:
        from sqlalchemy import create_engine, select

        self.engine = create_engine(db_url)
        self.t = _tables()
        self.cells = cells
        self.penalty = penalty
        with self.engine.connect() as db:
            self.students = {r[0] for r in db.execute(select(self.t["student"].c.id))}

    def _existing(self, db: Any, participants: list[str]) -> dict[str, dict[str, Any]]:
        from sqlalchemy import select

        sa, sn = self.t["submitted_assignment"], self.t["submitted_notebook"]
        g, c = self.t["grade"], self.t["comment"]
        found: dict[str, dict[str, Any]] = {}
        query = (select(sa.c.student_id, sa.c.id, sa.c.extension, sn.c.id)
                 .outerjoin(sn, (sn.c.assignment_id == sa.c.id)
                            & (sn.c.notebook_id == self.cells.notebook_id))
                 .where(sa.c.assignment_id == self.cells.assignment_id,
                        sa.c.student_id.in_(participants)))
        for student, sa_id, extension, sn_id in db.execute(query):
            found[student] = {"sa": sa_id, "extension": extension, "sn": sn_id,
                              "grades": {}, "comments": {}}
        by_sn = {v["sn"]: v for v in found.values() if v["sn"] is not None}
        if by_sn:
            for row in db.execute(select(g.c.notebook_id, g.c.cell_id, g.c.id, g.c.manual_score,
                                         g.c.extra_credit, g.c.auto_score,
                                         g.c.needs_manual_grade)
                                  .where(g.c.notebook_id.in_(list(by_sn)))):
                by_sn[row[0]]["grades"][row[1]] = tuple(row[2:])
            for sn_id, cell_id, comment_id in db.execute(
                    select(c.c.notebook_id, c.c.cell_id, c.c.id)
                    .where(c.c.notebook_id.in_(list(by_sn)))):
                by_sn[sn_id]["comments"][cell_id] = comment_id
        return found

    def write(self, batch: list[Graded]) -> None:
        """Store ``batch`` in one transaction (all or nothing)."""
        from sqlalchemy import bindparam, insert, update

        if not batch:
            return
        t = self.t
        inserts: dict[str, list[dict[str, Any]]] = {k: [] for k in (
            "student", "submitted_assignment", "submitted_notebook", "grade", "comment")}
        updates: dict[str, list[dict[str, Any]]] = {k: [] for k in (
            "submitted_assignment", "submitted_notebook", "grade", "comment")}
        grade_cells = [(i, n) for i, n, _ in self.cells.grade + self.cells.task]
        comment_cells = list(self.cells.solution) + [(i, n) for i, n, _ in self.cells.task]
        with self.engine.begin() as db:
            existing = self._existing(db, [g.participant for g in batch])
            added: set[str] = set()
            for graded in batch:
                pid = graded.participant
                if pid not in self.students and pid not in added:
                    inserts["student"].append({"id": pid, "first_name": None, "last_name": None,
                                               "email": None, "lms_user_id": None})
                    added.add(pid)
                old = existing.get(pid)
                if old is None:
                    sa_id, extension = uuid.uuid4().hex, None
                    inserts["submitted_assignment"].append(
                        {"id": sa_id, "assignment_id": self.cells.assignment_id,
                         "student_id": pid, "timestamp": graded.timestamp, "extension": None})
                else:
                    sa_id, extension = old["sa"], old["extension"]
                    if graded.timestamp is not None:
                        updates["submitted_assignment"].append(
                            {"b_id": sa_id, "timestamp": graded.timestamp})
                sn_id = old["sn"] if old is not None and old["sn"] else None
                old_grades = old["grades"] if old is not None else {}
                old_comments = old["comments"] if old is not None else {}
                new_nb = sn_id is None
                if new_nb:
                    sn_id = uuid.uuid4().hex
                score = 0.0
                for cell_id, name in grade_cells:
                    grade_id, manual, extra, auto, needs = old_grades.get(
                        cell_id, (None, None, None, None, True))
                    if name in graded.grades:
                        auto = graded.grades[name]
                        needs = manual is not None or auto is None
                    got = manual if manual is not None else auto
                    score += (got + (extra or 0.0)) if got is not None else 0.0
                    if grade_id is not None:
                        updates["grade"].append({"b_id": grade_id, "auto_score": auto,
                                                 "needs_manual_grade": needs})
                    else:
                        inserts["grade"].append(
                            {"id": uuid.uuid4().hex, "notebook_id": sn_id, "cell_id": cell_id,
                             "auto_score": auto, "manual_score": None, "extra_credit": None,
                             "needs_manual_grade": needs})
                for cell_id, name in comment_cells:
                    text = graded.comments.get(name)
                    if cell_id in old_comments:
                        if name in graded.comments:
                            updates["comment"].append({"b_id": old_comments[cell_id],
                                                       "auto_comment": text})
                    else:
                        inserts["comment"].append(
                            {"id": uuid.uuid4().hex, "notebook_id": sn_id, "cell_id": cell_id,
                             "auto_comment": text, "manual_comment": None})
                penalty = self._penalty(graded, extension, score)
                if new_nb:
                    inserts["submitted_notebook"].append(
                        {"id": sn_id, "assignment_id": sa_id,
                         "notebook_id": self.cells.notebook_id, "flagged": False,
                         "late_submission_penalty": penalty})
                else:
                    updates["submitted_notebook"].append(
                        {"b_id": sn_id, "late_submission_penalty": penalty})
            for name, rows in inserts.items():
                if rows:
                    db.execute(insert(t[name]), rows)
            for name, rows in updates.items():
                if rows:
                    table = t[name]
                    values: dict[str, Any] = {k: bindparam(k) for k in rows[0]
                                              if k != "b_id"}
                    db.execute(update(table).where(table.c.id == bindparam("b_id"))
                               .values(**values), rows)
        self.students |= added

    def _penalty(self, graded: Graded, extension: Any, score: float) -> float | None:
        """``AssignLatePenalties``: the plugin's penalty, kept between 0 and the score."""
        due = self.cells.duedate
        if graded.timestamp is None or due is None:
            return None
        if extension is not None:
            due = due + extension
        late = max(0.0, (graded.timestamp - due).total_seconds())
        if late <= 0:
            return None
        penalty = self.penalty(graded.participant, score, late)
        if penalty is None:
            return None
        return 0 if penalty < 0 else min(penalty, score)

    def close(self) -> None:
        self.engine.dispose()
