"""Written-task answers from the answer sheet, put into their manually graded cells.

One rule, used by nbgrader's sanitize step
(:class:`~kimtrain.grading.nbgrader_ext.FillWrittenAnswers`) and by the bulk grader
(:mod:`kimtrain.course.grade_template`): a Markdown cell that is both a solution and a
grade cell, with grade id ``jawaban_<item>``, shows the participant's answer to
``<item>`` as inert Markdown (:func:`~kimtrain.grading.inert.inert_markdown`); a
blank answer leaves the cell as it is (nbgrader then scores it 0, "no response").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kimtrain.answers.store import FileAnswerStore, participant_id
from kimtrain.errors import KimtrainError
from kimtrain.gradeids import ANSWER_PREFIX
from kimtrain.grading.inert import inert_markdown

__all__ = ["ANSWER_PREFIX", "written_answers"]



def written_answers(cells: list[Any], folder: Path, assessment: str, student: str
                    ) -> Iterator[tuple[int, str]]:
    """``(cell index, new source)`` for each written answer to fill in."""
    try:
        participant = participant_id(student)
    except KimtrainError:
        return
    store = FileAnswerStore(folder)
    if not store.path(assessment, participant).exists():
        return
    sheet = store.load(assessment, participant)
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if (cell["cell_type"] == "markdown" and meta.get("solution") and meta.get("grade")
                and grade_id.startswith(ANSWER_PREFIX)):
            text = sheet.value(grade_id[len(ANSWER_PREFIX):])
            if isinstance(text, str) and text.strip():
                yield index, inert_markdown(text.strip())
