"""Handing an assessment out: nbgrader's generate and release, or an offline folder.

``release_assessment`` runs ``generate_assignment`` when the assessment has not
been generated yet (or when asked), then either releases it to nbgrader's exchange
(where there is one: not on Windows) or copies ``release/<NAME>/`` to
``<DIR>/<NAME>/`` with the marker file that turns on the offline "Kirim" zip
(see :mod:`kimtrain.widgets.offline` and :mod:`kimtrain.handin`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kimtrain.course.layout import Course, open_course
from kimtrain.errors import CourseError
from kimtrain.handin import MARKER
from kimtrain.oscompat import exchange_available

__all__ = ["release_assessment"]


def release_assessment(course_root: str | Path, name: str, *, offline: str | Path | None = None,
                       regenerate: bool = False) -> tuple[Course, Path | None]:
    """Release ``name``; return the course and the offline folder (``None``: exchange)."""
    from kimtrain.course.nbgrader_api import Nbgrader

    course = open_course(course_root)
    if not (course.source_dir(name) / f"{name}.ipynb").is_file():
        raise CourseError("release.not_built", name=name)
    nbgrader = Nbgrader(course)
    released = course.release_dir(name) / f"{name}.ipynb"
    if regenerate or not released.is_file():
        from kimtrain.course.backup import backup_gradebook

        backup_gradebook(course, reason="generate")
        nbgrader.generate(name)
    if offline is None:
        # On Windows nbgrader has no exchange: release/<NAME>/ (made by generate) is
        # what `kimtrain serve` and `--offline` hand out, so that is the release there.
        if exchange_available():
            nbgrader.release(name)
        return course, None
    target = Path(offline) / name
    if target.exists():
        raise CourseError("release.offline_exists", path=str(target))
    shutil.copytree(course.release_dir(name), target)
    marker = {"format": "kimtrain-kirim", "mode": "zip", "course": course.course_id,
              "assessment": name}
    (target / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
    return course, target
