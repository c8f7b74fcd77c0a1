"""Grading: scoring rules (pure), the hidden-test entry point, and reading results back.

This package is imported inside grading kernels, so it stays free of nbgrader,
pandas and matplotlib; nbgrader's pipeline steps live in ``grading.nbgrader_ext``.
"""

from __future__ import annotations

from kimtrain.grading.cell import RESULT_MIME, grade_item
from kimtrain.grading.results import ItemResult, read_results
from kimtrain.grading.scoring import ItemScore, score_item

__all__ = ["RESULT_MIME", "ItemResult", "ItemScore", "grade_item", "read_results", "score_item"]
