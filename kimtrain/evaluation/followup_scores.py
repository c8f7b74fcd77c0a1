"""Follow-up hand-ins scored by rubric, the way the written tasks are scored by hand.

``kimtrain followup export`` writes a workbook (``tindak-lanjut/penilaian.xlsx``), one
sheet per task: participant code, the text handed in (as text: a leading ``=`` never
becomes a formula), the screenshot's file, then one column per rubric criterion
(scores already given are filled in) and a sheet with the rubric's levels. The
trainer fills it in (a participant with nothing handed in is not listed) and
``kimtrain followup import FILE`` reads it back: every mistake is reported with sheet,
row and column, and then nothing is saved. Scores go to ``tindak-lanjut/nilai.json``::

    {"KIM-001": {"TL-BERITA": [2, 2, 1]}, ...}

A skill counts as **applied** when the task's rubric total reaches its ``applied``
points (:func:`applied`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from kimtrain.answers.store import atomic_write
from kimtrain.course.layout import Course
from kimtrain.errors import BankIssue, CourseError, IssuesError
from kimtrain.evaluation.followup import FOLDER, TASKSET_FILE, TaskSet, load_handins, load_taskset
from kimtrain.i18n import t

__all__ = ["FollowUpScoreError", "applied", "export_scoring", "import_scoring", "load_scores",
           "save_scores"]

SCORES = "nilai.json"
WORKBOOK = "penilaian.xlsx"
FIRST_CRITERION = 4  # column D


class FollowUpScoreError(IssuesError[BankIssue]):
    key = "evfu.import.failed"


def load_scores(course: Course) -> dict[str, dict[str, list[float]]]:
    try:
        data = json.loads((course.root / FOLDER / SCORES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(p): {str(k): [float(x) for x in v] for k, v in tasks.items()
                     if isinstance(v, list)}
            for p, tasks in data.items() if isinstance(tasks, dict)}


def save_scores(course: Course, scores: dict[str, dict[str, list[float]]]) -> Path:
    path = course.root / FOLDER / SCORES
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(scores, indent=1, sort_keys=True).encode("utf-8"))
    return path


def applied(taskset: TaskSet, scores: dict[str, dict[str, list[float]]]
            ) -> dict[str, dict[str, bool]]:
    """participant -> task -> skill applied (rubric total ≥ the task's ``applied``)."""
    out: dict[str, dict[str, bool]] = {}
    for participant, tasks in scores.items():
        for task in taskset.tasks:
            values = tasks.get(task.id)
            if values is not None and len(values) == len(task.rubric):
                out.setdefault(participant, {})[task.id] = sum(values) >= task.applied
    return out


def _require(course: Course) -> TaskSet:
    taskset = load_taskset(course)
    if taskset is None:
        raise CourseError("evfu.no_taskset_cli", path=str(course.root / TASKSET_FILE))
    return taskset


def export_scoring(course: Course, out: str | Path | None = None, lang: str | None = None
                   ) -> tuple[Path, int]:
    """Write the scoring workbook; return its path and the number of hand-ins listed."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from kimtrain.reports.excel import spreadsheet_text

    taskset = _require(course)
    handins = load_handins(course)
    scores = load_scores(course)
    book = Workbook()
    book.remove(book.active)
    listed = 0
    for task in taskset.tasks:
        sheet = book.create_sheet(task.id)
        head = [t("evfu.xlsx.participant", lang=lang), t("evfu.xlsx.text", lang=lang),
                t("evfu.xlsx.image", lang=lang),
                *[f"{c.name} ({'/'.join(f'{p:g}' for p in sorted(c.levels))})"
                  for c in task.rubric]]
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for participant, handin in sorted(handins.items()):
            entry = handin.tasks.get(task.id)
            if entry is None:
                continue
            image = handin.image_path(task.id)
            given = scores.get(participant, {}).get(task.id, [])
            sheet.append([participant, spreadsheet_text(entry.text),
                          str(image.relative_to(course.root)) if image else "",
                          *given])
            sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
            listed += 1
        sheet.column_dimensions["A"].width = 12
        sheet.column_dimensions["B"].width = 60
        sheet.column_dimensions["C"].width = 36
        for c in range(len(task.rubric)):
            sheet.column_dimensions[chr(ord("D") + c)].width = 22
    rubric = book.create_sheet(t("evfu.xlsx.rubric", lang=lang))
    for task in taskset.tasks:
        rubric.append([task.id, task.skill, t("evfu.xlsx.applied", lang=lang,
                                              points=f"{task.applied:g}",
                                              max=f"{task.max_points:g}")])
        for crit in task.rubric:
            for points, text in sorted(crit.levels.items(), reverse=True):
                rubric.append(["", crit.name, f"{points:g}", text])
        rubric.append([])
    path = Path(out) if out else course.root / FOLDER / WORKBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    tmp.replace(path)
    return path, listed


def import_scoring(course: Course, path: str | Path) -> int:
    """Read a filled-in workbook; save the scores; return how many task scores were read.
    Raises :class:`FollowUpScoreError` listing every mistake; then nothing is saved."""
    from openpyxl import load_workbook

    taskset = _require(course)
    handins = load_handins(course)
    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise CourseError("evfu.import.unreadable", path=str(path), reason=str(exc)) from exc
    issues: list[BankIssue] = []
    scores = load_scores(course)
    read = 0
    for task in taskset.tasks:
        if task.id not in book.sheetnames:
            issues.append(BankIssue(path.name, "evfu.import.no_sheet", {"sheet": task.id}))
            continue
        rows = list(book[task.id].iter_rows(values_only=True))
        for r, row in enumerate(rows[1:], 2):
            code = str(row[0]).strip().upper() if row and row[0] is not None else ""
            if not code:
                continue
            where: dict[str, Any] = {"sheet": task.id, "row": r}
            if code not in handins or task.id not in handins[code].tasks:
                issues.append(BankIssue(path.name, "evfu.import.unknown", {**where, "code": code},
                                        item=code))
                continue
            values = list(row[FIRST_CRITERION - 1:FIRST_CRITERION - 1 + len(task.rubric)])
            values += [None] * (len(task.rubric) - len(values))
            if all(v is None or str(v).strip() == "" for v in values):
                continue  # not scored yet
            given = []
            for c, (value, crit) in enumerate(zip(values, task.rubric, strict=True)):
                try:
                    number = float(str(value).replace(",", "."))
                except ValueError:
                    number = math.nan
                if value is None or number not in crit.levels:
                    issues.append(BankIssue(path.name, "evfu.import.bad_level", {
                        **where, "column": chr(ord("D") + c), "criterion": crit.name,
                        "value": "" if value is None else value,
                        "allowed": ", ".join(f"{p:g}" for p in sorted(crit.levels))}, item=code))
                else:
                    given.append(number)
            if len(given) == len(task.rubric):
                scores.setdefault(code, {})[task.id] = given
                read += 1
    if issues:
        raise FollowUpScoreError(issues)
    save_scores(course, scores)
    return read
