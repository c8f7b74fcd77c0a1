"""The nbgrader grade ids of an item's cells, defined once (standard library only).

A built assessment gives each item up to three locked cells, named by nbgrader
``grade_id``: the widget (``soal_<ITEM>``), the automatically graded cell with its
hidden test (``nilai_<ITEM>``) and, for a written task, the manually graded answer
cell (``jawaban_<ITEM>``). The gradebook, the graded notebooks and the reports find an
item's cells by these names.
"""

from __future__ import annotations

__all__ = ["ANSWER_PREFIX", "GRADED_PREFIXES", "GRADE_PREFIX", "WIDGET_PREFIX", "answer_id",
           "grade_id", "item_of", "widget_id"]

WIDGET_PREFIX = "soal_"
GRADE_PREFIX = "nilai_"     # automatically graded: the hidden test's cell
ANSWER_PREFIX = "jawaban_"  # graded by a person: the written answer's cell
GRADED_PREFIXES = (GRADE_PREFIX, ANSWER_PREFIX)  # the cells that carry an item's points


def widget_id(item: str) -> str:
    return f"{WIDGET_PREFIX}{item}"


def grade_id(item: str) -> str:
    return f"{GRADE_PREFIX}{item}"


def answer_id(item: str) -> str:
    return f"{ANSWER_PREFIX}{item}"


def item_of(cell_grade_id: str) -> str | None:
    """The item a graded cell belongs to (``nilai_AMAN-01`` → ``AMAN-01``); ``None``
    for any other cell."""
    for prefix in GRADED_PREFIXES:
        if cell_grade_id.startswith(prefix):
            return cell_grade_id[len(prefix):]
    return None
