"""What a hidden test cell runs during ``nbgrader autograde``.

A built assessment has, for every automatically graded item, a locked grade cell
whose hidden part is one call::

    from kimtrain.grading.cell import grade_item
    grade_item({"assessment": "pretest", "id": "AMAN-01", "type": "single", ...})

``generate_assignment`` strips that call (and with it the key) from the release;
nbgrader keeps it in the gradebook and puts it back before autograde. The call
reads the participant's answer sheet from the working directory
(``autograded/<participant>/<assessment>/``), scores it, shows the result as a
``application/vnd.kimtrain.result+json`` output (the chosen options, kept in the
autograded notebook for item analysis) and returns the points, which nbgrader
records as the cell's (partial) credit.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kimtrain.answers.store import FileAnswerStore, participant_id
from kimtrain.context import current
from kimtrain.errors import KimtrainError
from kimtrain.grading.scoring import ItemScore, score_item
from kimtrain.i18n import t

__all__ = ["RESULT_MIME", "grade_item", "grading_participant", "result_bundle", "score_from_sheet"]

RESULT_MIME = "application/vnd.kimtrain.result+json"


def grading_participant(directory: Path | None = None) -> str | None:
    """Whose answers are being graded: ``KIMTRAIN_PESERTA`` if set, else (under
    nbgrader autograde) the student folder that holds the working directory."""
    context = current()
    if context.participant:
        return participant_id(context.participant)
    graded = context.graded_participant(directory)
    if graded is None:
        return None
    try:
        return participant_id(graded)
    except KimtrainError:
        return None


def result_bundle(score: ItemScore, assessment: str, participant: str | None) -> dict[str, Any]:
    payload = score.to_dict() | {"assessment": assessment, "participant": participant}
    shown = "–" if score.points is None else f"{score.points:g}"
    text = t("grade.cell.result", item=score.item, points=shown, max=f"{score.max_points:g}",
             status=t(f"grade.status.{score.status}"))
    return {RESULT_MIME: payload, "text/plain": text}


def score_from_sheet(spec: dict[str, Any], folder: Path, participant: str | None,
                     store: Any = None) -> ItemScore:
    """Score ``spec`` against the answer sheet of ``participant`` in ``folder`` (no sheet:
    blank). The one rule both the hidden test and kimtrain's kernel-free grader follow;
    ``store`` may be given to reuse one already open on ``folder``."""
    response = None
    if participant is not None:
        store = store or FileAnswerStore(folder)
        if store.path(spec["assessment"], participant).exists():
            response = store.load(spec["assessment"], participant).value(spec["id"])
    return score_item(spec, response)


def grade_item(spec: dict[str, Any], directory: str | os.PathLike[str] | None = None) -> float:
    """Score one item for the participant being graded; return its points."""
    folder = Path(directory) if directory else Path.cwd()
    participant = grading_participant(folder)
    score = score_from_sheet(spec, folder, participant)
    try:
        from IPython.display import display

        display(result_bundle(score, spec["assessment"], participant), raw=True)
    except ImportError:  # outside IPython: the return value is enough
        pass
    return score.points or 0.0
