"""What a report reads: one form's item scores, item metadata and chosen options.

* scores come from nbgrader's gradebook through kimtrain's one reader
  (:func:`kimtrain.course.gradebook.read_grades`: one read-only SQL query, 400,000
  grades in about a second on SQLite or PostgreSQL alike); a cell still waiting for a
  person is missing, not 0;
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
from kimtrain.course.gradebook import read_grades
from kimtrain.course.layout import Course
from kimtrain.gradeids import GRADED_PREFIXES
from kimtrain.grading.results import result_rows
from kimtrain.itemshape import PublicItem

__all__ = ["FormData", "ItemInfo", "gradebook_cells", "load_form", "load_roster"]

# The typed public item (kimtrain.itemshape), under the name the reports have used.
ItemInfo = PublicItem


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
    rows = read_grades(course, assessment)
    frame = pd.DataFrame(rows, columns=["participant", "name", "score", "manual", "max"])
    item = pd.Series(np.nan, index=frame.index, dtype=object)
    for prefix in GRADED_PREFIXES:
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
    return PublicItem.from_manifest(raw)


def load_form(course: Course, name: str) -> FormData:
    """Everything a report needs about one assessment of ``course``."""
    from kimtrain.course.tables import form_manifest, has_responses

    cells = _cell_frame(course, name)
    # kimtrain's tables in the gradebook when grading wrote them (no notebook is read),
    # else the graded notebooks of a course graded before they existed
    stored = has_responses(course, name)
    manifest = form_manifest(course, name) if stored else None
    if manifest is None:
        manifest = load_manifest(course.source_dir(name), name)
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
    from kimtrain.hub.ids import code_mapper

    if stored:
        from kimtrain.course.tables import read_responses

        raw = read_responses(course, name)
    else:
        raw = result_rows(course.root, name)
    frame = pd.DataFrame(raw, columns=["participant", "item", "response", "points", "max",
                                       "status"])[RESULT_COLUMNS]
    code = code_mapper(course)  # a hub's kim-001 / jupyter-kim-001 are KIM-001
    spellings = frame["participant"].unique()
    frame["participant"] = frame["participant"].map(dict(zip(
        spellings, (code(str(p)) for p in spellings), strict=True)))
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
