"""nbgrader 0.9.6's grading rules on plain notebook dicts, without importing nbgrader.

Importing any ``nbgrader`` module runs its package ``__init__``, which loads its
server extensions, apps and exchange (seconds per command). The few rules
``kimtrain grade`` needs to reproduce autograde are small and stable, so they are
restated here from ``nbgrader/utils.py`` (``is_grade``, ``is_solution``,
``is_locked``, ``is_task``, ``compute_checksum``, ``determine_grade``,
``parse_utc``, ``find_all_files``). ``tests/test_grade_corpus.py`` grades the same
hand-ins with nbgrader itself and with these, and compares every row and file.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import glob
import hashlib
import os
from typing import Any

__all__ = ["compute_checksum", "determine_grade", "find_all_files", "is_grade", "is_locked",
           "is_solution", "is_task", "parse_utc"]

Cell = dict[str, Any]


def _meta(cell: Cell) -> dict[str, Any] | None:
    meta: dict[str, Any] | None = cell.get("metadata", {}).get("nbgrader")
    return meta


def is_grade(cell: Cell) -> bool:
    meta = _meta(cell)
    return bool(meta.get("grade", False)) if meta is not None else False


def is_solution(cell: Cell) -> bool:
    meta = _meta(cell)
    return bool(meta.get("solution", False)) if meta is not None else False


def is_task(cell: Cell) -> bool:
    meta = _meta(cell)
    return bool(meta.get("task", False)) if meta is not None else False


def is_locked(cell: Cell) -> bool:
    meta = _meta(cell)
    if meta is None or is_solution(cell):
        return False
    if is_grade(cell):
        return True
    return bool(meta.get("locked", False))


def compute_checksum(cell: Cell) -> str:
    """nbgrader's cell checksum (source, type, flags, grade id, points)."""
    m = hashlib.md5()
    m.update(cell["source"].encode("utf-8"))
    m.update(cell["cell_type"].encode("utf-8"))
    m.update(str(is_grade(cell)).encode("utf-8"))
    m.update(str(is_solution(cell)).encode("utf-8"))
    m.update(str(is_locked(cell)).encode("utf-8"))
    m.update(cell["metadata"]["nbgrader"]["grade_id"].encode("utf-8"))
    if is_grade(cell):
        m.update(str(float(cell["metadata"]["nbgrader"]["points"])).encode("utf-8"))
    return m.hexdigest()


class NeedsNbgrader(Exception):
    """An output nbgrader would judge with a warning or an error: let nbgrader grade it."""


def _partial(output: dict[str, Any], max_points: float) -> float:
    grade = output["data"]["text/plain"]
    if not grade or isinstance(grade, list):
        raise NeedsNbgrader("partial credit as a list")
    try:
        value = float(grade)
    except ValueError:
        return max_points
    if value > max_points:
        raise NeedsNbgrader("partial credit above the maximum")
    return value if value >= 0.0 else max_points


def determine_grade(cell: Cell) -> float | None:
    """The auto score nbgrader's ``SaveAutoGrades`` stores for a grade cell."""
    max_points = float(cell["metadata"]["nbgrader"]["points"])
    if is_solution(cell):
        meta = cell["metadata"]["nbgrader"]
        if "checksum" in meta and meta["checksum"] == compute_checksum(cell):
            return 0
        return None
    if cell["cell_type"] == "code":
        for output in cell["outputs"]:
            kind = output["output_type"]
            if kind == "error" or (kind == "stream" and output.get("name") == "stderr"):
                return 0
            if kind == "execute_result":
                return _partial(output, max_points)
        return max_points
    return None


def parse_utc(text: str) -> dt.datetime:
    """nbgrader's ``parse_utc`` for a ``timestamp.txt``: naive UTC."""
    import dateutil.parser
    import dateutil.tz

    parts = text.split(" ")
    if len(parts) == 3:
        zone: Any = parts[2]
        try:
            zone = int(zone)
        except ValueError:
            zone = dateutil.tz.gettz(zone)
        stamp = dateutil.parser.parse(" ".join([*parts[:2], "TZ"]), tzinfos={"TZ": zone})
    else:
        stamp = dateutil.parser.parse(text)
    assert isinstance(stamp, dt.datetime)
    if stamp.tzinfo is not None:
        offset = stamp.utcoffset()
        assert offset is not None
        stamp = (stamp - offset).replace(tzinfo=None)
    return stamp


def _glob_matches(name: str, expr: str) -> bool:
    """Whether ``glob.glob(os.path.join(folder, expr))`` lists ``folder/name`` (an
    existing entry), without listing the folder: a pattern without wildcards names one
    entry; ``*`` and ``?`` never match a leading dot unless the pattern has one."""
    if not glob.has_magic(expr):
        return name == expr
    if name.startswith(".") and not expr.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, expr)


def _ignored(filename: str, ignore: list[str]) -> bool:
    """nbgrader's ``is_ignored`` (``filename in glob.glob(dirname/expr)`` for any expr)."""
    dirname, name = os.path.split(filename)
    for expr in ignore:
        if os.sep in expr or (os.altsep and os.altsep in expr):
            if filename in glob.glob(os.path.join(dirname, expr)):
                return True
        elif _glob_matches(name, expr):
            return True
    return False


def find_all_files(path: str, exclude: list[str]) -> list[str]:
    """Every file under ``path`` whose name (or folder's name) no ``exclude`` glob matches."""
    files: list[str] = []
    to_skip: list[str] = []
    for dirname, dirnames, filenames in os.walk(path):
        if _ignored(dirname, exclude) or dirname in to_skip:
            to_skip.extend(os.path.join(dirname, x) for x in dirnames)
            continue
        for filename in filenames:
            full = os.path.join(dirname, filename)
            if not _ignored(full, exclude):
                files.append(full)
    return files
