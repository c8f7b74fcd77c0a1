"""The public manifest of a built assessment (``kimtrain_soal.json``).

It sits beside the notebook in source, release and every submission, and holds
what the participant's widgets need — stems, options, labels, points, domain and
competency — and nothing that gives an answer away (no key, no explanation).
Only the standard library is imported here: participant kernels read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from kimtrain.errors import CourseError

__all__ = ["MANIFEST", "load_manifest", "localize"]

MANIFEST = "kimtrain_soal.json"
FORMAT = "kimtrain-soal"


def load_manifest(directory: str | Path, assessment: str | None = None) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError("manifest.missing", path=str(path)) from None
    except (OSError, ValueError) as exc:
        raise CourseError("manifest.unreadable", path=str(path), reason=str(exc)) from exc
    if data.get("format") != FORMAT or not isinstance(data.get("items"), list):
        raise CourseError("manifest.unreadable", path=str(path), reason=FORMAT)
    if assessment is not None and data.get("assessment") != assessment:
        raise CourseError("manifest.other", path=str(path), expected=assessment,
                          found=data.get("assessment"))
    return cast(dict[str, Any], data)


def localize(item: dict[str, Any], lang: str) -> dict[str, Any]:
    """The item with its English texts swapped in when ``lang`` is ``en`` and they exist."""
    if lang != "en" or "en" not in item:
        return {k: v for k, v in item.items() if k != "en"}
    out = {k: v for k, v in item.items() if k != "en"}
    out.update(item["en"])
    if "rubric" in item:
        out["rubric"] = [c.get("en", c) for c in item["rubric"]]
    return out
