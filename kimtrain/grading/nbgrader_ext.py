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

from kimtrain.grading.written import ANSWER_PREFIX, written_answers

__all__ = ["ANSWER_PREFIX", "FillWrittenAnswers"]


class FillWrittenAnswers(NbGraderPreprocessor):
    """Put written-task answers from the answer sheet into their graded cells."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources.get("nbgrader", {})
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        for index, source in written_answers(nb.cells, folder, info.get("assignment", ""),
                                             info.get("student", "")):
            nb.cells[index].source = source
            self.log.info("kimtrain: written answer %s filled in",
                          nb.cells[index].metadata.nbgrader.grade_id)
        return nb, resources
