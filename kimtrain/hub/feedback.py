"""``kimtrain feedback NAME --exchange``: the participants' pages out through nbgrader.

nbgrader's ``release_feedback`` publishes ``feedback/<ID>/<NAME>/<notebook>.html``
into the exchange under a hash of the submission's secret
(``submission_secret.txt``, written by ``nbgrader submit``), and a participant's
``nbgrader fetch_feedback NAME`` (or the *Assignments* list in JupyterLab) finds it
next to their own copy of that hand-in: ``~/<course>/<NAME>/feedback/<time>/``.
kimtrain's page (:func:`kimtrain.feedback.write_feedback` writes it to
``feedback/<ID>/<NAME>/<NAME>.html``) goes there as the notebook's feedback, with the
hand-in's ``timestamp.txt`` and secret; then nbgrader's release runs for each of those
participants. Hand-ins that did not come through the exchange (the workshop
server, offline zips) have no secret: their pages go out as before.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from kimtrain.course.layout import Course

__all__ = ["place_for_release", "release_feedback"]

SECRET = "submission_secret.txt"
TIMESTAMP = "timestamp.txt"


def place_for_release(course: Course, assessment: str, pages: list[Path]) -> list[str]:
    """Copy each page to ``feedback/<ID>/<NAME>/``; return the participants placed."""
    placed: list[str] = []
    pattern = re.compile(rf"^{re.escape(assessment)}-(?P<id>.+)\.html$")
    for page in pages:
        found = pattern.match(page.name)
        if not found:
            continue
        participant = found.group("id")
        handed_in = course.autograded_dir(participant, assessment)
        if not (handed_in / SECRET).is_file():
            handed_in = course.submitted_dir(participant, assessment)
        if not (handed_in / SECRET).is_file():
            continue  # not an exchange hand-in: nothing for fetch_feedback to match
        target = course.feedback_dir(participant, assessment)
        target.mkdir(parents=True, exist_ok=True)
        for name in (SECRET, TIMESTAMP):
            shutil.copy2(handed_in / name, target / name)
        for notebook in sorted(handed_in.glob("*.ipynb")):
            html_file = target / f"{notebook.stem}.html"
            if not html_file.exists():
                shutil.copy2(page, html_file)
            # nbgrader copies the file's mode into the exchange; the participant's own
            # OS user must be able to read it there (kimtrain writes pages 0600)
            html_file.chmod(0o644)
        placed.append(participant)
    return placed


def release_feedback(course: Course, assessment: str, pages: list[Path]) -> list[str]:
    """Place the pages and run nbgrader's ``release_feedback``; the participants
    whose feedback went out."""
    placed = place_for_release(course, assessment, pages)
    if placed:
        from kimtrain.course.nbgrader_api import Nbgrader, _clean_env

        nbgrader = Nbgrader(course)
        for participant in placed:  # one by one: a page without a secret stops nbgrader
            with _clean_env():
                nbgrader._check("release_feedback",
                                nbgrader.api.release_feedback(assessment, participant))
    return placed
