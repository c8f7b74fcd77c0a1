"""Read per-item results (the chosen options and the points) back from graded notebooks.

``grade_item`` leaves one ``application/vnd.kimtrain.result+json`` output per
automatically graded item in ``autograded/<participant>/<assessment>/*.ipynb``;
this module collects them, so reports can do item and distractor analysis with the
participants' actual choices, not only their scores.

A cohort of thousands of participants means thousands of notebooks of 100 KB or
more, so two things keep this fast:

* **an index** (``.kimtrain/hasil-<assessment>.json`` in the course folder) that
  remembers the results of every notebook with its size and modification time; a
  notebook is read again only when it changed (a regrade rewrites it). The index is
  a cache: deleting it loses nothing, and a course folder that cannot be written
  to is read without one.
* **a scan instead of a full parse**: the result payloads are found by their MIME
  key and only those small objects are decoded. Inside a JSON string every quote
  is escaped, so the key followed by its closing quote and colon can only be a real
  key, never a participant's text. A notebook whose text does not look complete,
  or whose payload does not decode, is parsed the slow, exact way instead.

Only a payload shown by the item's own grade cell (grade id ``nilai_<item>``, which
nbgrader restores from the gradebook) counts: a cell a participant added to their
notebook cannot display a result of its own making and have it read as theirs.
nbformat writes a cell's keys sorted, so its ``"cell_type"`` and its metadata come
before its outputs; the scan checks the grade id between the two and leaves any
notebook where that does not hold to the exact parse.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kimtrain.gradeids import grade_id
from kimtrain.grading.cell import RESULT_MIME

__all__ = ["ItemResult", "read_results", "result_rows"]

INDEX_DIR = ".kimtrain"
INDEX_VERSION = 1
_KEY = f'"{RESULT_MIME}":'
_DECODER = json.JSONDecoder()


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


def _row(payload: Any) -> list[Any] | None:
    """The stored form of one payload: [item, response, points, max_points, status]."""
    if not (isinstance(payload, dict) and "item" in payload):
        return None
    return [payload["item"], payload.get("response"), payload.get("points"),
            float(payload.get("max_points", 0)), payload.get("status", "")]


def _grade_id(cell: Any) -> str:
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return str(nbgrader.get("grade_id", "")) if isinstance(nbgrader, dict) else ""


def _rows_by_parsing(text: str) -> list[list[Any]]:
    try:
        nb = json.loads(text)
    except ValueError:
        return []
    found = []
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        for output in cell.get("outputs", []) or []:
            row = _row((output.get("data") or {}).get(RESULT_MIME))
            if row is not None and _grade_id(cell) == grade_id(row[0]):
                found.append(row)
    return found


def _rows_by_scanning(text: str) -> list[list[Any]] | None:
    """The payloads found by their key, or ``None`` when the exact parse must decide."""
    if not text.rstrip().endswith("}"):
        return None
    found = []
    start = text.find(_KEY)
    while start >= 0:
        at = start + len(_KEY)
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        try:
            payload, end = _DECODER.raw_decode(text, at)
        except ValueError:
            return None
        row = _row(payload)
        if row is not None:
            cell_start = text.rfind('"cell_type":', 0, start)
            own = (f'"grade_id": "{grade_id(row[0])}"', f'"grade_id":"{grade_id(row[0])}"')
            if cell_start < 0 or not any(text.find(k, cell_start, start) >= 0 for k in own):
                return None  # not plainly from its grade cell: let the exact parse decide
            found.append(row)
        start = text.find(_KEY, end)
    return found


def _rows_in(notebook: Path) -> list[list[Any]]:
    try:
        text = notebook.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return []
    if RESULT_MIME not in text:
        return []
    rows = _rows_by_scanning(text)
    return _rows_by_parsing(text) if rows is None else rows


def _index_path(course_root: Path, assessment: str) -> Path:
    return course_root / INDEX_DIR / f"hasil-{assessment}.json"


def _load_index(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return {}
    notebooks = data.get("notebooks")
    return notebooks if isinstance(notebooks, dict) else {}


def _save_index(path: Path, notebooks: dict[str, Any]) -> None:
    from kimtrain.answers.store import atomic_write

    body = json.dumps({"version": INDEX_VERSION, "notebooks": notebooks},
                      ensure_ascii=False, separators=(",", ":"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, body.encode("utf-8"))
    except OSError:  # a read-only course folder: results are still returned
        pass


def _notebooks(root: Path, assessment: str) -> list[tuple[str, Path]]:
    """(participant, notebook) under ``autograded/*/<assessment>/``, sorted as
    ``sorted(root.glob(...))`` would sort them (os.scandir is several times faster)."""
    found: list[tuple[str, Path]] = []
    try:
        people = sorted(e.name for e in os.scandir(root) if e.is_dir())
    except OSError:
        return []
    for participant in people:
        folder = root / participant / assessment
        try:
            names = sorted(e.name for e in os.scandir(folder)
                           if e.name.endswith(".ipynb") and not e.is_dir())
        except OSError:
            continue
        found.extend((participant, folder / name) for name in names)
    return found


def result_rows(course_root: str | Path, assessment: str) -> list[tuple[Any, ...]]:
    """Every item result of ``assessment`` as plain tuples ``(participant, item,
    response, points, max_points, status)``, in the order of :func:`read_results`
    (cheaper than dataclasses when a report reads hundreds of thousands)."""
    course_root = Path(course_root)
    root = course_root / "autograded"
    index_path = _index_path(course_root, assessment)
    old = _load_index(index_path)
    new: dict[str, Any] = {}
    stale: list[tuple[str, Path]] = []
    for participant, notebook in _notebooks(root, assessment):
        try:
            stat = notebook.stat()
        except OSError:
            continue
        key = f"{participant}/{notebook.name}"
        stamp = [stat.st_size, stat.st_mtime_ns]
        entry = old.get(key)
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            new[key] = {"stamp": stamp, "rows": entry.get("rows") or []}
        else:
            new[key] = {"stamp": stamp, "rows": None}
            stale.append((key, notebook))
    changed = bool(stale)
    if stale:
        # Reading is mostly waiting for the disk (which releases the GIL): a few threads
        # keep it busy while the scan of the previous file runs.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(4, len(stale))) as pool:
            for (key, _), found in zip(stale, pool.map(_rows_in, [nb for _, nb in stale]),
                                       strict=True):
                new[key]["rows"] = found
    rows: list[tuple[Any, ...]] = []
    for key, entry in new.items():
        participant = key.split("/", 1)[0]
        rows.extend((participant, *row) for row in entry["rows"])
    if changed or len(new) != len(old):
        _save_index(index_path, new)
    return rows


def read_results(course_root: str | Path, assessment: str) -> list[ItemResult]:
    """Every item result of ``assessment`` found under ``autograded/``, in the order
    of participant folder, notebook name and cell."""
    return [ItemResult(assessment, participant, item, response, points, max_points, status)
            for participant, item, response, points, max_points, status
            in result_rows(course_root, assessment)]
