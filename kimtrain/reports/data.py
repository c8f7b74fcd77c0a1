"""What a report reads: one form's item scores, item metadata and chosen options.

* scores come from nbgrader's gradebook — by one read-only SQL query over the same
  tables nbgrader's ORM maps (``grade``, ``submitted_notebook``,
  ``submitted_assignment``, ``assignment``, ``grade_cells``/``base_cell``), so
  400,000 grades load in about a second on SQLite or PostgreSQL alike; the score of
  a cell is nbgrader's own rule (manual score, else automatic score, plus extra
  credit), and a cell still waiting for a person is missing, not 0;
* item metadata (domain, competency, options, discernment set, points) from the
  assessment's public manifest ``source/<name>/kimtrain_soal.json``;
* the participants' responses from kimtrain's tables in the same database
  (:mod:`kimtrain.course.tables`, written by ``kimtrain grade``), so a report reads
  the database only; for a form graded before those tables existed, from the graded
  notebooks (:func:`kimtrain.grading.read_results`). The manifest, too, comes from
  the database when it is stored there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kimtrain.assessment.manifest import load_manifest
from kimtrain.course.layout import Course
from kimtrain.errors import CourseError
from kimtrain.grading.results import result_rows

__all__ = ["FormData", "ItemInfo", "gradebook_cells", "load_form", "load_roster"]

_PREFIXES = ("nilai_", "jawaban_")

_QUERY = """
SELECT submitted_assignment.student_id, base_cell.name,
       COALESCE(grade.manual_score, grade.auto_score, 0.0) + COALESCE(grade.extra_credit, 0.0),
       grade.needs_manual_grade, grade_cells.max_score
FROM grade
JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
JOIN assignment ON submitted_assignment.assignment_id = assignment.id
JOIN grade_cells ON grade.cell_id = grade_cells.id
JOIN base_cell ON grade_cells.id = base_cell.id
WHERE assignment.name = :name AND assignment.course_id = :course
"""


@dataclass(frozen=True)
class ItemInfo:
    id: str
    type: str
    domain: str
    competency: str
    points: float
    options: tuple[tuple[str, str], ...] = ()
    discernment_set: str = ""
    labels: tuple[str, str] = ()  # type: ignore[assignment]


RESULT_COLUMNS = ["participant", "item", "response", "status"]


@dataclass
class FormData:
    """One form: ``scores[p, i]`` = points of participant ``p`` on item ``i`` (NaN when
    not graded yet); ``results`` = one row per (participant, item) response found in
    the graded notebooks, with the participant's row and the item's column number."""

    name: str
    title: str
    items: list[ItemInfo]
    participants: list[str]
    scores: np.ndarray
    max_points: np.ndarray
    pending: np.ndarray
    results: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=[*RESULT_COLUMNS, "row", "col"]))
    ungraded: list[str] = field(default_factory=list)  # submitted, nothing graded

    def responses(self, item_index: int) -> dict[str, tuple[Any, str]]:
        """participant -> (response, status) for one item."""
        part = self.results[self.results["col"] == item_index]
        return dict(zip(part["participant"], zip(part["response"], part["status"],
                                                 strict=True), strict=True))


def _cell_frame(course: Course, assessment: str) -> pd.DataFrame:
    """participant, item, score (NaN while waiting for a person), max, manual — one row
    per graded kimtrain cell of ``assessment``."""
    from sqlalchemy import text

    from kimtrain.course.database import engine as open_engine

    # read-only (SQLite mode=ro, PostgreSQL default_transaction_read_only), so a report
    # can never lock out or change a grading run
    engine = open_engine(course.db_url, readonly=True)
    params = {"name": assessment, "course": course.course_id}
    try:
        with engine.connect() as conn:
            known = conn.execute(
                text("SELECT 1 FROM assignment WHERE name = :name AND course_id = :course"),
                params).first()
            if known is None:
                raise CourseError("gradebook.no_assessment", assessment=assessment)
            result = conn.execute(text(_QUERY), params)
            # the driver's plain tuples: SQLAlchemy's Row objects cost more than the query
            cursor = getattr(result, "cursor", None)
            rows = cursor.fetchall() if cursor is not None else result.all()
    except CourseError:
        raise
    except Exception as exc:  # sqlalchemy.exc.* (a missing or locked database)
        raise CourseError("report.gradebook_unreadable", url=course.db_url,
                          reason=str(exc).splitlines()[0]) from exc
    finally:
        engine.dispose()
    frame = pd.DataFrame(rows, columns=["participant", "name", "score", "manual", "max"])
    item = pd.Series(np.nan, index=frame.index, dtype=object)
    for prefix in _PREFIXES:
        mine = frame["name"].str.startswith(prefix)
        item[mine] = frame.loc[mine, "name"].str.slice(len(prefix))
    frame["item"] = item
    frame = frame[frame["item"].notna()]
    manual = frame["manual"].astype(bool).to_numpy()
    return pd.DataFrame({"participant": frame["participant"].astype(str).to_numpy(),
                         "item": frame["item"].astype(str).to_numpy(),
                         "score": np.where(manual, np.nan,
                                           frame["score"].to_numpy(dtype=float)),
                         "max": frame["max"].to_numpy(dtype=float), "manual": manual})


def gradebook_cells(course: Course, assessment: str) -> list[tuple[str, str, float | None,
                                                                   float, bool]]:
    """(participant, item, score or None while waiting for a person, max, needs_manual)
    for every graded kimtrain cell of ``assessment``."""
    frame = _cell_frame(course, assessment)
    return [(p, i, None if m else float(s), float(x), bool(m)) for p, i, s, x, m in zip(
        frame["participant"], frame["item"], frame["score"], frame["max"], frame["manual"],
        strict=True)]


def _item_info(raw: dict[str, Any]) -> ItemInfo:
    return ItemInfo(
        id=raw["id"], type=raw.get("type", ""), domain=raw.get("domain", ""),
        competency=raw.get("competency", ""), points=float(raw.get("points", 0)),
        options=tuple((str(k), str(v)) for k, v in raw.get("options") or ()),
        discernment_set=raw.get("discernment_set", "") or "",
        labels=tuple(raw.get("labels") or ()),  # type: ignore[arg-type]
    )


def load_form(course: Course, name: str) -> FormData:
    """Everything a report needs about one assessment of ``course``."""
    from kimtrain.course.tables import form_manifest, has_responses

    cells = _cell_frame(course, name)
    # kimtrain's tables in the gradebook when grading wrote them (no notebook is read),
    # else the graded notebooks of a course graded before they existed
    stored = has_responses(course, name)
    manifest = form_manifest(course, name) if stored else None
    if manifest is None:
        manifest = load_manifest(course.folder("source", name), name)
    items = [_item_info(raw) for raw in manifest["items"]]
    known = {item.id for item in items}
    extra = cells.drop_duplicates("item")
    for item_id, max_score in zip(extra["item"], extra["max"], strict=True):
        if item_id not in known:  # graded but no longer in the manifest
            known.add(item_id)
            items.append(ItemInfo(item_id, "", "", "", float(max_score)))
    people = pd.Categorical(cells["participant"])
    everyone = [str(p) for p in people.categories]
    rows = people.codes
    cols = pd.Index([item.id for item in items]).get_indexer(cells["item"])
    scores = np.full((len(everyone), len(items)), np.nan)
    pending = np.zeros(scores.shape, dtype=bool)
    max_points = np.array([item.points for item in items], dtype=float)
    max_points[cols] = cells["max"].to_numpy()
    manual = cells["manual"].to_numpy(dtype=bool)
    pending[rows[manual], cols[manual]] = True
    scores[rows[~manual], cols[~manual]] = cells["score"].to_numpy()[~manual]
    graded = ~np.isnan(scores).all(axis=1)
    ungraded = [p for p, ok in zip(everyone, graded, strict=True) if not ok]
    participants = [p for p, ok in zip(everyone, graded, strict=True) if ok]
    scores, pending = scores[graded], pending[graded]
    used = ~(np.isnan(scores).all(axis=0) & ~pending.any(axis=0))  # items nobody had
    items = [item for item, keep in zip(items, used, strict=True) if keep]
    scores, pending, max_points = scores[:, used], pending[:, used], max_points[used]
    return FormData(name=name, title=str(manifest.get("title") or name), items=items,
                    participants=participants, scores=scores, max_points=max_points,
                    pending=pending,
                    results=_results(course, name, participants, items, stored),
                    ungraded=ungraded)


def _results(course: Course, name: str, participants: list[str],
             items: list[ItemInfo], stored: bool = False) -> pd.DataFrame:
    if stored:
        from kimtrain.course.tables import read_responses

        rows = read_responses(course, name)
    else:
        rows = result_rows(course.root, name)
    frame = pd.DataFrame(rows, columns=["participant", "item", "response", "points", "max",
                                        "status"])[RESULT_COLUMNS]
    frame["row"] = pd.Index(participants).get_indexer(frame["participant"])
    frame["col"] = pd.Index([item.id for item in items]).get_indexer(frame["item"])
    frame = frame[(frame["row"] >= 0) & (frame["col"] >= 0)]
    return frame.drop_duplicates(["row", "col"], keep="last").reset_index(drop=True)


def load_roster(course: Course) -> list[Any]:
    """The roster a report groups by: kimtrain's table in the gradebook when grading
    stored it there, else the course's ``roster/peserta.csv``."""
    from kimtrain.course.roster import Participant
    from kimtrain.course.roster import load_roster as from_csv
    from kimtrain.course.tables import read_roster

    stored = read_roster(course)
    if stored:
        return [Participant(r["id"], r["nama"], r["kim"], r["desa"], r["kecamatan"])
                for r in stored]
    return from_csv(course)
