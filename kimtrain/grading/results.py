"""Read per-item results (the chosen options and the points) back from graded notebooks.

``grade_item`` leaves one ``application/vnd.kimtrain.result+json`` output per
automatically graded item in ``autograded/<participant>/<assessment>/*.ipynb``;
this module collects them, so reports can do item and distractor analysis with the
participants' actual choices, not only their scores.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kimtrain.grading.cell import RESULT_MIME

__all__ = ["ItemResult", "read_results"]


@dataclass(frozen=True)
class ItemResult:
    assessment: str
    participant: str
    item: str
    response: Any
    points: float | None
    max_points: float
    status: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _results_in(notebook: Path, assessment: str, participant: str) -> list[ItemResult]:
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            payload = (output.get("data") or {}).get(RESULT_MIME)
            if isinstance(payload, dict) and "item" in payload:
                found.append(ItemResult(
                    assessment=assessment, participant=participant, item=payload["item"],
                    response=payload.get("response"), points=payload.get("points"),
                    max_points=float(payload.get("max_points", 0)),
                    status=payload.get("status", ""),
                ))
    return found


def read_results(course_root: str | Path, assessment: str) -> list[ItemResult]:
    """Every item result of ``assessment`` found under ``autograded/``."""
    root = Path(course_root) / "autograded"
    results: list[ItemResult] = []
    for folder in sorted(root.glob(f"*/{assessment}")):
        for notebook in sorted(folder.glob("*.ipynb")):
            results.extend(_results_in(notebook, assessment, folder.parent.name))
    return results
