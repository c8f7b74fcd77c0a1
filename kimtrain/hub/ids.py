"""Participant ids as a course reads them: every hub spelling of a code is that code.

:func:`course_code` adds the course's own contact list to
:func:`kimtrain.hub.names.roster_code` (an e-mail login listed in ``roster/kontak.csv``
is that participant). :func:`canonical_submissions` moves hand-ins that nbgrader's
exchange collected under a hub spelling (``submitted/jupyter-kim-001/``) to the
code's folder (``submitted/KIM-001/``), so the gradebook only ever sees codes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from kimtrain.answers.store import participant_id
from kimtrain.course.layout import Course
from kimtrain.errors import KimtrainError
from kimtrain.handin import TIMESTAMP, NewerHandIn, handed_in_at, install
from kimtrain.hub.names import email_index, roster_code
from kimtrain.oscompat import remove_tree_quietly

__all__ = ["canonical_submissions", "code_mapper", "course_code", "one_spelling"]


def code_mapper(course: Course) -> Callable[[str], str]:
    """A function from any spelling (hub name, OS user, e-mail, code) to the roster
    code, using the course's contacts for e-mail logins. A name that spells no valid
    code is returned unchanged (it is shown, never silently merged)."""
    from kimtrain.course.roster import load_contacts

    emails = email_index(load_contacts(course))
    cache: dict[str, str] = {}

    def code(name: str) -> str:
        if name not in cache:
            try:
                cache[name] = participant_id(roster_code(name, emails))
            except KimtrainError:
                cache[name] = name
        return cache[name]

    return code


def course_code(course: Course, name: str) -> str:
    return code_mapper(course)(name)


def canonical_submissions(course: Course, assessment: str) -> list[tuple[str, str]]:
    """Move ``submitted/<spelling>/<assessment>/`` to ``submitted/<CODE>/<assessment>/``
    wherever the folder is not named by the code itself; a newer hand-in already under
    the code is kept. Returns ``(spelling, code)`` for each folder moved or dropped."""
    code = code_mapper(course)
    moved: list[tuple[str, str]] = []
    for folder in sorted(course.root.glob(f"submitted/*/{assessment}")):
        spelling = folder.parent.name
        target_code = code(spelling)
        if target_code == spelling or not folder.is_dir():
            continue
        files = {p.name: p.read_bytes() for p in folder.iterdir()
                 if p.is_file() and p.name != TIMESTAMP}
        moment = handed_in_at(folder)
        if moment is not None:
            # NewerHandIn: the code's folder already holds this hand-in or a newer one
            with contextlib.suppress(NewerHandIn):
                install(course.submitted_dir(target_code, assessment), files, moment)
        remove_tree_quietly(folder)
        if not any(folder.parent.iterdir()):
            folder.parent.rmdir()
        moved.append((spelling, target_code))
    return moved



def one_spelling(course: Course, rows: Sequence[Any]) -> list[Any]:
    """Gradebook rows ``(participant, ...)`` with every hub spelling as the roster code
    (:func:`kimtrain.course.gradebook.read_grades` calls this, so nothing that reads
    grades ever splits ``KIM-001`` and ``kim-001``). Where two spellings hold the same
    cell (``row[1]``), the row under the code itself wins. Rows already under codes
    come back as they are."""
    code = code_mapper(course)
    mapping = {pid: code(str(pid)) for pid in {row[0] for row in rows}}
    if all(pid == canonical for pid, canonical in mapping.items()):
        return list(rows)
    best: dict[tuple[str, Any], Any] = {}
    for row in rows:
        canonical = mapping[row[0]]
        key = (canonical, row[1])
        if canonical == row[0] or key not in best:
            best[key] = (canonical, *row[1:])
    return list(best.values())
