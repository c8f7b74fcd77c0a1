"""Look at one submission before nbgrader does, and say what is wrong with it.

Each finding is a :class:`Flag`. A *fatal* flag (missing notebook, empty file,
invalid notebook, unreadable answer sheet) means the submission is not graded; the
others are notes on a submission that is still graded, because nbgrader repairs it
(deleted cells are added back, edited locked cells and tampered hidden tests are
restored from the gradebook, duplicated cells are dropped by
:class:`~kimtrain.grading.pipeline.DropDuplicateCells`). :func:`after_grading` reads
what the graded notebook shows (a cell stopped by the timeout, output cut).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kimtrain.answers.store import read_sheet, sheet_filename
from kimtrain.errors import StoreError

__all__ = ["FATAL", "Flag", "ReferenceCell", "after_grading", "reference_cells",
           "screen_submission"]

MISSING, EMPTY, INVALID, SHEET = "missing_notebook", "empty_file", "invalid_notebook", \
    "sheet_unreadable"
DELETED, DUPLICATED, EDITED, TAMPERED = "deleted_cells", "duplicated_cells", \
    "edited_locked_cells", "tampered_tests"
NO_ANSWERS, TIMEOUT, OUTPUT_CUT, FAILED = "no_answers", "timeout", "output_cut", "failed"
FATAL = frozenset({MISSING, EMPTY, INVALID, SHEET, FAILED})
_LIST_LIMIT = 5


@dataclass(frozen=True)
class Flag:
    kind: str
    detail: str = ""

    @property
    def fatal(self) -> bool:
        return self.kind in FATAL

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"fatal": self.fatal}


@dataclass(frozen=True)
class ReferenceCell:
    cell_type: str
    source: str
    grade: bool
    locked: bool
    points: float | None


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _listed(ids: list[str]) -> str:
    shown = ", ".join(ids[:_LIST_LIMIT])
    return shown + (f" (+{len(ids) - _LIST_LIMIT})" if len(ids) > _LIST_LIMIT else "")


def reference_cells(notebook: Path) -> dict[str, ReferenceCell]:
    """The nbgrader cells of the released notebook, by grade id."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta and meta.get("grade_id"):
            cells[meta["grade_id"]] = ReferenceCell(
                cell["cell_type"], _source(cell).rstrip(), bool(meta.get("grade")),
                bool(meta.get("locked")), meta.get("points"))
    return cells


def _load(path: Path) -> tuple[dict[str, Any] | None, Flag | None]:
    if not path.is_file():
        return None, Flag(MISSING, path.name)
    data = path.read_bytes()
    if not data.strip():
        return None, Flag(EMPTY, path.name)
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, Flag(INVALID, f"{path.name}: {str(exc)[:120]}")
    if (not isinstance(nb, dict) or not isinstance(nb.get("cells"), list)
            or nb.get("nbformat") != 4):
        return None, Flag(INVALID, f"{path.name}: nbformat 4")
    import nbformat

    try:
        nbformat.validate(nbformat.from_dict(nb))
    except nbformat.ValidationError as exc:
        return None, Flag(INVALID, f"{path.name}: {str(exc).splitlines()[0][:120]}")
    return nb, None


def screen_submission(folder: Path, assessment: str, participant: str,
                      reference: dict[str, ReferenceCell], release: bytes | None = None
                      ) -> list[Flag]:
    """What is wrong with ``submitted/<participant>/<assessment>/`` (empty: nothing).
    A notebook that is ``release`` (the released notebook's bytes) byte for byte is
    valid and has every cell as released: only its answer sheet is looked at."""
    path = folder / f"{assessment}.ipynb"
    pristine = False
    if release is not None:
        try:
            pristine = path.read_bytes() == release
        except OSError:
            pristine = False
    nb: dict[str, Any] | None = {"cells": []}
    if not pristine:
        nb, problem = _load(path)
        if problem is not None:
            return [problem]
    assert nb is not None
    flags: list[Flag] = []
    sheet_path = folder / sheet_filename(assessment, participant)
    if sheet_path.is_file():
        try:
            sheet = read_sheet(sheet_path)
        except StoreError as exc:
            return [Flag(SHEET, f"{sheet_path.name}: {exc.params.get('reason', '')}"[:160])]
        if (sheet.participant, sheet.assessment) != (participant, assessment):
            return [Flag(SHEET, f"{sheet_path.name}: {sheet.participant}/{sheet.assessment}")]
        if not sheet.answered():
            flags.append(Flag(NO_ANSWERS))
    else:
        flags.append(Flag(NO_ANSWERS, sheet_path.name))

    counts: dict[str, int] = {}
    edited: list[str] = []
    tampered: list[str] = []
    for cell in nb["cells"]:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if not grade_id:
            continue
        counts[grade_id] = counts.get(grade_id, 0) + 1
        ref = reference.get(grade_id)
        if ref is None or not ref.locked or counts[grade_id] > 1:
            continue
        changed = (_source(cell).rstrip() != ref.source or cell.get("cell_type") != ref.cell_type)
        if ref.grade and (changed or meta.get("points") != ref.points):
            tampered.append(grade_id)
        elif changed:
            edited.append(grade_id)
    missing = [] if pristine else [g for g in reference if g not in counts]
    duplicated = [g for g, n in counts.items() if n > 1]
    for kind, ids in ((DELETED, missing), (DUPLICATED, duplicated), (EDITED, edited),
                      (TAMPERED, tampered)):
        if ids:
            flags.append(Flag(kind, _listed(ids)))
    return flags


def after_grading(notebook: Path) -> tuple[str, list[Flag]]:
    """How the graded notebook was graded (``kernelfree``/``kernel``) and what it shows."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", []
    info = nb.get("metadata", {}).get("kimtrain", {})
    flags = []
    stopped = [(cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id") or f"#{n + 1}"
               for n, cell in enumerate(nb.get("cells", []))
               if any(o.get("output_type") == "error" and "Timeout" in str(o.get("ename", ""))
                      for o in cell.get("outputs", []) or [])]
    if stopped:
        flags.append(Flag(TIMEOUT, _listed(stopped)))
    if info.get("output_cut"):
        flags.append(Flag(OUTPUT_CUT, str(info["output_cut"])))
    return str(info.get("grading", "")), flags
