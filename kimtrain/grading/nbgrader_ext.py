"""kimtrain's steps inside nbgrader's own pipeline (registered in the course's nbgrader_config.py).

``FillWrittenAnswers`` runs in autograde's sanitize phase, after ``OverwriteCells``:
it copies each written-task answer from the participant's answer sheet into that
task's manually graded Markdown cell, so formgrader shows the text to the grader and
nbgrader marks the cell "needs manual grading". The answer is written as inert
Markdown (:func:`~kimtrain.grading.inert.inert_markdown`): it shows exactly as typed
and never as markup, link or script in the trainer's browser. A blank answer leaves the cell
untouched, which nbgrader scores 0 ("no response") like any unanswered cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from kimtrain.answers.store import FileAnswerStore, participant_id
from kimtrain.errors import KimtrainError
from kimtrain.gradeids import ANSWER_PREFIX
from kimtrain.grading.inert import inert_markdown

__all__ = ["FillWrittenAnswers"]



class FillWrittenAnswers(NbGraderPreprocessor):
    """Put written-task answers from the answer sheet into their graded cells."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources.get("nbgrader", {})
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        try:
            participant = participant_id(info.get("student", ""))
        except KimtrainError:
            return nb, resources
        store = FileAnswerStore(folder)
        assessment = info.get("assignment", "")
        if not store.path(assessment, participant).exists():
            return nb, resources
        sheet = store.load(assessment, participant)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            grade_id = meta.get("grade_id", "")
            if (cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade")
                    and grade_id.startswith(ANSWER_PREFIX)):
                text = sheet.value(grade_id[len(ANSWER_PREFIX):])
                if isinstance(text, str) and text.strip():
                    cell.source = inert_markdown(text.strip())
                    self.log.info("kimtrain: written answer %s filled in", grade_id)
        return nb, resources
