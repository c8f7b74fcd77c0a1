"""One hand-in into nbgrader's ``submitted/<ID>/<NAME>/``: whole, durable, never over a newer one.

Both ways in — a served "Kirim" (:mod:`kimtrain.serve.submission`) and an offline zip
(:mod:`kimtrain.course.collect`) — go through :func:`install`:

* the files and ``timestamp.txt`` are written into a sibling temporary folder
  (``.<NAME>.<random>.tmp``, which nbgrader ignores), each file fsynced, then the
  folder itself; the folder is swapped in by renames and the parent fsynced, so a
  power cut leaves the old hand-in or the new one, never a truncated one;
* under a lock per participant and assessment, the time of the hand-in already there
  is compared first: an older or equal hand-in never replaces it
  (:class:`NewerHandIn`). A hand-in whose ``timestamp.txt`` cannot be read counts as
  newest: it is never replaced without a person looking at it.

:func:`record_refusal` keeps why a participant's hand-in was refused in
``.kimtrain/penolakan/<NAME>.json``, which ``kimtrain grade`` reads so such a
participant is listed as refused, with the reason, rather than as "did not submit".
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kimtrain.oscompat import remove_tree_quietly, rename_with_retry

__all__ = ["TIMESTAMP", "TIMESTAMP_FORMAT", "NewerHandIn", "Refusal", "clear_refusal",
           "format_timestamp", "handed_in_at", "install", "load_refusals", "record_refusal"]

TIMESTAMP = "timestamp.txt"
# nbgrader's Exchange.timestamp_format (what `nbgrader submit` writes).
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
UNREADABLE = datetime.max.replace(tzinfo=UTC)  # a hand-in whose time cannot be read
REFUSALS = Path(".kimtrain") / "penolakan"


class NewerHandIn(Exception):
    """The hand-in already in place is as new or newer; nothing was changed."""

    def __init__(self, existing: datetime) -> None:
        super().__init__(existing.isoformat())
        self.existing = existing


def format_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def handed_in_at(folder: Path) -> datetime | None:
    """When the hand-in in ``folder`` was made (its ``timestamp.txt``); ``None`` when
    there is none; :data:`UNREADABLE` (the newest possible) when it cannot be read."""
    if not folder.is_dir():
        return None
    try:
        from dateutil.parser import parse

        moment = parse((folder / TIMESTAMP).read_text(encoding="utf-8").strip())
    except (OSError, ValueError, OverflowError):
        return UNREADABLE
    stamp: datetime = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return stamp


def _fsync_dir(path: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # Windows: directories cannot be opened
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def _locked(parent: Path, name: str) -> Iterator[None]:
    """One placer at a time per participant and assessment (server sweep, kernel,
    collect); a no-op where ``fcntl`` does not exist."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    with open(parent / f".{name}.lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def install(target: Path, files: Mapping[str, bytes], moment: datetime) -> Path:
    """Make ``target`` hold exactly ``files`` plus ``timestamp.txt`` (``moment``).

    Raises :class:`NewerHandIn` (changing nothing) when ``target`` already holds a
    hand-in made at ``moment`` or later."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent, target.name):
        existing = handed_in_at(target)
        if existing is not None and existing >= moment:
            raise NewerHandIn(existing)
        staging = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
        old = target.parent / f".{target.name}.{uuid.uuid4().hex}.old.tmp"
        try:
            staging.mkdir()
            for name, data in files.items():
                _write(staging / name, data)
            _write(staging / TIMESTAMP, format_timestamp(moment).encode("utf-8"))
            _fsync_dir(staging)
            # Windows refuses to rename a folder while a file inside is open (the
            # trainer's page, antivirus): the renames wait a moment instead of failing.
            if target.exists():
                rename_with_retry(target, old)
            rename_with_retry(staging, target)
            _fsync_dir(target.parent)
        except BaseException:
            if old.exists() and not target.exists():
                old.rename(target)  # put the previous hand-in back
            shutil.rmtree(staging, ignore_errors=True)
            raise
        remove_tree_quietly(old)
    return target


# -- refused hand-ins ----------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """Why a participant's hand-in was not taken: the file, a catalog key and its values."""

    participant: str
    file: str
    reason: str
    params: dict[str, Any]
    at: str

    def render(self, lang: str | None = None) -> str:
        from kimtrain.i18n import t

        return f"{self.file}: {t(self.reason, lang=lang, **self.params)}"


def _refusals_file(course_root: Path, assessment: str) -> Path:
    return course_root / REFUSALS / f"{assessment}.json"


def load_refusals(course_root: str | Path, assessment: str) -> dict[str, Refusal]:
    path = _refusals_file(Path(course_root), assessment)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for participant, entry in raw.items() if isinstance(raw, dict) else ():
        with contextlib.suppress(KeyError, TypeError, AttributeError):
            out[participant] = Refusal(participant, str(entry["file"]), str(entry["reason"]),
                                       dict(entry.get("params", {})), str(entry.get("at", "")))
    return out


def _save_refusals(course_root: Path, assessment: str, refusals: dict[str, Refusal]) -> None:
    from kimtrain.answers.store import atomic_write

    path = _refusals_file(course_root, assessment)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {p: {"file": r.file, "reason": r.reason, "params": r.params, "at": r.at}
            for p, r in sorted(refusals.items())}
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def record_refusal(course_root: str | Path, assessment: str, participant: str, file: str,
                   reason: str, params: Mapping[str, Any] | None = None) -> None:
    """Remember that ``participant``'s hand-in ``file`` was refused (``reason``: a
    catalog key, ``params`` its values)."""
    params = params or {}
    root = Path(course_root)
    refusals = load_refusals(root, assessment)
    refusals[participant] = Refusal(participant, file, reason,
                                    {k: str(v) for k, v in params.items()},
                                    datetime.now(UTC).isoformat(timespec="seconds"))
    _save_refusals(root, assessment, refusals)


def clear_refusal(course_root: str | Path, assessment: str, participant: str) -> None:
    root = Path(course_root)
    refusals = load_refusals(root, assessment)
    if refusals.pop(participant, None) is not None:
        _save_refusals(root, assessment, refusals)
