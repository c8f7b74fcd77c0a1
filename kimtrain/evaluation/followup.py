"""Follow-up tasks (Kirkpatrick level 3): what participants do with the training afterwards.

A course's follow-up task set is one YAML file, ``tindak-lanjut.yaml`` in the course
folder (``kimtrain followup init`` writes the default to edit)::

    title: Tindak lanjut 30 hari setelah pelatihan
    days: 30
    tasks:
      - id: TL-BERITA
        skill: Menulis berita desa
        prompt: Posting satu berita desa (5W+1H) di kanal KIM Anda ...
        rubric:                       # as a written task's rubric in the banks
          - criterion: ...
            levels: {2: ..., 1: ..., 0: ...}
        applied: 4                    # points from which the skill counts as applied
                                      # (default: half the rubric's points)

Participants hand in, per task, a text (the post as published, a link) and a
screenshot, through the next visit's workshop server (``/tindak-lanjut``, code +
PIN), an offline zip or folder the trainer collects (``kimtrain followup collect``),
or a hub that calls :func:`store_handin` with the hub login's identity. Everything is
kept outside what the server serves::

    <course>/tindak-lanjut/kiriman/<ID>/kiriman.json    texts, times, channel, file names
    <course>/tindak-lanjut/kiriman/<ID>/<TASK>.png|jpg|webp
    <course>/tindak-lanjut/nilai.json                    rubric scores (followup_scores)

A screenshot is accepted only as PNG, JPEG or WebP recognised from its bytes (never
by its name or the browser's word), at most :data:`MAX_IMAGE_BYTES`, readable by
Pillow within its decompression-bomb limit; it is stored under a name kimtrain makes
(the original name is kept as text, escaped wherever it is shown). A later hand-in of
the same task replaces the current one; the earlier one stays in the history.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kimtrain.answers.store import atomic_write, participant_id
from kimtrain.bank.model import Criterion
from kimtrain.course.layout import Course
from kimtrain.errors import BankIssue, CourseError, IssuesError, KimtrainError

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_TEXT",
    "FollowUpError",
    "FollowUpTask",
    "HandIn",
    "HandInRefused",
    "TaskEntry",
    "TaskSet",
    "collect_handins",
    "image_kind",
    "load_handins",
    "load_taskset",
    "store_handin",
    "write_default_taskset",
]

TASKSET_FILE = "tindak-lanjut.yaml"
FOLDER = "tindak-lanjut"
HANDINS = "kiriman"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_TEXT = 5000
MAX_ZIP_MEMBERS = 20
DEFAULT = Path(__file__).resolve().parent.parent / "data" / TASKSET_FILE
_TASK_ID = re.compile(r"^[A-Z][A-Z0-9-]{1,31}$")
_TOP_FIELDS = {"title", "days", "tasks", "en"}
_TASK_FIELDS = {"id", "skill", "prompt", "rubric", "applied", "en"}
_EXT = {"png": "png", "jpeg": "jpg", "webp": "webp"}


class FollowUpError(IssuesError[BankIssue]):
    key = "evfu.invalid"


class HandInRefused(KimtrainError):
    """A hand-in that is not stored (bad file, too long, unknown task)."""


@dataclass(frozen=True)
class FollowUpTask:
    id: str
    skill: str
    prompt: str
    rubric: tuple[Criterion, ...]
    applied: float
    en: dict[str, str] = field(default_factory=dict)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.rubric)

    def text(self, name: str, lang: str) -> str:
        """``skill`` or ``prompt`` in ``lang`` (Indonesian when there is no English)."""
        value: str = getattr(self, name)
        return self.en.get(name, value) if lang == "en" else value


@dataclass(frozen=True)
class TaskSet:
    title: str
    days: int
    tasks: tuple[FollowUpTask, ...]
    file: str
    en: dict[str, str] = field(default_factory=dict)

    def task(self, task_id: str) -> FollowUpTask | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def heading(self, lang: str) -> str:
        return self.en.get("title", self.title) if lang == "en" else self.title


@dataclass(frozen=True)
class TaskEntry:
    """One task of one participant's hand-in."""

    text: str
    image: str  # the stored file's name inside the participant's folder ("" = none)
    image_name: str  # the name the participant's file had (text, shown escaped)
    received: str
    channel: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "image": self.image, "image_name": self.image_name,
                "received": self.received, "channel": self.channel}


@dataclass(frozen=True)
class HandIn:
    participant: str
    tasks: dict[str, TaskEntry]
    folder: Path

    def image_path(self, task_id: str) -> Path | None:
        entry = self.tasks.get(task_id)
        return self.folder / entry.image if entry and entry.image else None


# -- the task set ---------------------------------------------------------------------------
def write_default_taskset(course: Course, *, force: bool = False) -> Path:
    """Copy the default task set into the course (``force``: over an existing one)."""
    path = course.root / TASKSET_FILE
    if path.exists() and not force:
        raise CourseError("evfu.exists", path=str(path))
    atomic_write(path, DEFAULT.read_bytes())
    return path


def load_taskset(course: Course) -> TaskSet | None:
    """The course's follow-up task set; ``None`` when the course has none. Raises
    :class:`FollowUpError` listing every mistake (file, line, task, field)."""
    path = course.root / TASKSET_FILE
    if not path.exists():
        return None
    return parse_taskset(path)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def parse_taskset(path: Path) -> TaskSet:
    from kimtrain.bank.yamlsource import YamlSyntaxError, load_located

    name = path.name
    try:
        located = load_located(path)
    except YamlSyntaxError as exc:
        raise FollowUpError([BankIssue(name, "evfu.syntax", {"reason": exc.message},
                                       line=exc.line)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError("evfu.unreadable", path=str(path), reason=str(exc)) from None
    issues: list[BankIssue] = []
    data = located.data

    def bad(key: str, where: tuple[Any, ...], task: str | None = None, fld: str | None = None,
            **params: Any) -> None:
        issues.append(BankIssue(name, key, params, item=task, field=fld,
                                line=located.line(*where)))

    if not isinstance(data, dict):
        raise FollowUpError([BankIssue(name, "evfu.not_mapping", line=1)])
    for key in data:
        if key not in _TOP_FIELDS:
            bad("evfu.unknown_field", (key,), fld=str(key))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        bad("evfu.required", ("title",), fld="title")
        title = ""
    days = data.get("days", 30)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 366:
        bad("evfu.days", ("days",), fld="days", value=days)
        days = 30
    raw_tasks = data.get("tasks")
    tasks: list[FollowUpTask] = []
    if not isinstance(raw_tasks, list) or not raw_tasks:
        bad("evfu.no_tasks", ("tasks",), fld="tasks")
        raw_tasks = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_tasks):
        task = _parse_task(raw, i, bad, seen)
        if task is not None:
            tasks.append(task)
    en = data.get("en") if isinstance(data.get("en"), dict) else {}
    if issues:
        raise FollowUpError(issues)
    return TaskSet(title.strip(), days, tuple(tasks), name,
                   {k: str(v) for k, v in (en or {}).items() if isinstance(v, str)})


def _parse_task(raw: Any, i: int, bad: Any, seen: set[str]) -> FollowUpTask | None:
    where: tuple[Any, ...] = ("tasks", i)
    label = f"tasks[{i + 1}]"
    if not isinstance(raw, dict):
        bad("evfu.task_mapping", where, fld=label)
        return None
    task_id = raw.get("id")
    if not isinstance(task_id, str) or not _TASK_ID.match(task_id):
        bad("evfu.task_id", (*where, "id"), fld=f"{label}.id", value=task_id)
        return None
    if task_id in seen:
        bad("evfu.task_duplicate", (*where, "id"), task=task_id, fld="id")
    seen.add(task_id)
    ok = True
    for key in raw:
        if key not in _TASK_FIELDS:
            bad("evfu.unknown_field", (*where, key), task=task_id, fld=str(key))
            ok = False
    texts = {}
    for key in ("skill", "prompt"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            bad("evfu.required", (*where, key), task=task_id, fld=key)
            ok = False
        else:
            texts[key] = value.strip()
    criteria = _parse_rubric(raw.get("rubric"), (*where, "rubric"), task_id, bad)
    if criteria is None:
        return None
    top = sum(c.max_points for c in criteria)
    applied = raw.get("applied", top / 2)
    if not _is_number(applied) or not 0 < float(applied) <= top:
        bad("evfu.applied", (*where, "applied"), task=task_id, fld="applied", value=applied,
            max=f"{top:g}")
        ok = False
    en = raw.get("en") if isinstance(raw.get("en"), dict) else {}
    if not ok:
        return None
    return FollowUpTask(task_id, texts["skill"], texts["prompt"], criteria, float(applied),
                        {k: str(v).strip() for k, v in (en or {}).items()
                         if k in ("skill", "prompt") and isinstance(v, str)})


def _parse_rubric(rubric: Any, where: tuple[Any, ...], task_id: str,
                  bad: Any) -> tuple[Criterion, ...] | None:
    if not isinstance(rubric, list) or not rubric:
        bad("evfu.rubric", where, task=task_id, fld="rubric")
        return None
    criteria = []
    for c, crit in enumerate(rubric):
        label = f"rubric[{c + 1}]"
        name = crit.get("criterion") if isinstance(crit, dict) else None
        levels = crit.get("levels") if isinstance(crit, dict) else None
        if not isinstance(name, str) or not name.strip():
            bad("evfu.required", (*where, c), task=task_id, fld=f"{label}.criterion")
            return None
        if not isinstance(levels, dict) or len(levels) < 2 or not all(
                _is_number(p) and p >= 0 and isinstance(d, str) and d.strip()
                for p, d in levels.items()):
            bad("evfu.levels", (*where, c, "levels"), task=task_id, fld=f"{label}.levels")
            return None
        criteria.append(Criterion(name.strip(), {float(p): d.strip() for p, d in levels.items()}))
    return tuple(criteria)


# -- hand-ins -------------------------------------------------------------------------------
def image_kind(data: bytes) -> str | None:
    """"png", "jpeg" or "webp" from the file's first bytes; ``None`` for anything else
    (SVG, HTML, PDF, ...)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_image(data: bytes, name: str) -> str:
    """The stored extension for an accepted screenshot; raises :class:`HandInRefused`."""
    shown = name[-80:]
    if len(data) > MAX_IMAGE_BYTES:
        raise HandInRefused("evfu.image.too_big", name=shown,
                            limit=MAX_IMAGE_BYTES // (1024 * 1024))
    kind = image_kind(data)
    if kind is None:
        raise HandInRefused("evfu.image.type", name=shown)
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except Exception:  # Pillow raises many kinds for a broken or hostile file
        raise HandInRefused("evfu.image.broken", name=shown) from None
    return _EXT[kind]


def _folder(course: Course, participant: str) -> Path:
    return course.root / FOLDER / HANDINS / participant_id(participant)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def store_handin(course: Course, participant: str,
                 parts: dict[str, tuple[str, bytes | None, str]], *, channel: str,
                 taskset: TaskSet | None = None) -> HandIn:
    """Keep ``participant``'s hand-in: task id -> (text, screenshot bytes or None,
    the screenshot's original name). Every part is checked before anything is written;
    a bad one raises :class:`HandInRefused` and nothing changes. A task handed in
    again replaces the current entry, which moves to the history."""
    taskset = taskset or load_taskset(course)
    if taskset is None:
        raise HandInRefused("evfu.no_taskset")
    checked: dict[str, tuple[str, bytes | None, str, str]] = {}
    for task_id, (text, image, image_name) in parts.items():
        if taskset.task(task_id) is None:
            raise HandInRefused("evfu.unknown_task", task=task_id[:40])
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_TEXT:
            raise HandInRefused("evfu.text_too_long", task=task_id, limit=MAX_TEXT)
        ext = check_image(image, image_name) if image else ""
        if text or image:
            checked[task_id] = (text, image, image_name[-120:] if image else "", ext)
    if not checked:
        raise HandInRefused("evfu.empty")
    folder = _folder(course, participant)
    folder.mkdir(parents=True, exist_ok=True)
    record = _read(folder / "kiriman.json")
    raw_tasks, raw_history = record.get("tasks"), record.get("history")
    tasks: dict[str, Any] = raw_tasks if isinstance(raw_tasks, dict) else {}
    history: list[Any] = raw_history if isinstance(raw_history, list) else []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for task_id, (text, image, image_name, ext) in checked.items():
        old = tasks.get(task_id)
        if isinstance(old, dict):
            if old.get("image"):
                kept = f"{task_id}-{len(history) + 1}{Path(str(old['image'])).suffix}"
                current = folder / str(old["image"])
                if current.exists():
                    current.replace(folder / kept)
                old = {**old, "image": kept}
            history.append({"task": task_id, **old})
        stored = ""
        if image:
            stored = f"{task_id}.{ext}"
            atomic_write(folder / stored, image)
        tasks[task_id] = TaskEntry(text, stored, image_name, now, channel).to_dict()
    record = {"participant": participant_id(participant), "tasks": tasks, "history": history}
    atomic_write(folder / "kiriman.json",
                 json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
    return _handin(folder, record)


def _handin(folder: Path, record: dict[str, Any]) -> HandIn:
    entries = {}
    for task_id, raw in (record.get("tasks") or {}).items():
        if isinstance(raw, dict):
            entries[str(task_id)] = TaskEntry(str(raw.get("text", "")), str(raw.get("image", "")),
                                              str(raw.get("image_name", "")),
                                              str(raw.get("received", "")),
                                              str(raw.get("channel", "")))
    return HandIn(str(record.get("participant", folder.name)), entries, folder)


def load_handins(course: Course) -> dict[str, HandIn]:
    """participant -> their hand-in, for everyone who handed something in."""
    root = course.root / FOLDER / HANDINS
    found = {}
    for path in sorted(root.glob("*/kiriman.json")) if root.is_dir() else []:
        record = _read(path)
        if record.get("tasks"):
            handin = _handin(path.parent, record)
            found[handin.participant] = handin
    return found


# -- offline hand-ins ---------------------------------------------------------------------
_OFFLINE = re.compile(r"^(?P<id>[A-Za-z0-9_-]+?)_tindak-lanjut(\.zip)?$")


def _parts_from(files: dict[str, bytes], taskset: TaskSet) -> dict[str, tuple[str, bytes | None,
                                                                            str]]:
    """``<TASK>.txt`` and ``<TASK>.png|jpg|jpeg|webp`` -> parts for store_handin."""
    parts: dict[str, tuple[str, bytes | None, str]] = {}
    for name, data in files.items():
        base = Path(name).name
        stem, _, ext = base.rpartition(".")
        task = taskset.task(stem.upper())
        if task is None:
            continue
        text, image, image_name = parts.get(task.id, ("", None, ""))
        if ext.lower() == "txt":
            text = data.decode("utf-8-sig", errors="replace")
        else:
            image, image_name = data, base
        parts[task.id] = (text, image, image_name)
    return parts


def _zip_files(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_ZIP_MEMBERS:
                raise HandInRefused("evfu.zip.too_many", limit=MAX_ZIP_MEMBERS)
            files = {}
            for member in members:
                if member.file_size > MAX_IMAGE_BYTES:
                    raise HandInRefused("evfu.image.too_big", name=Path(member.filename).name,
                                        limit=MAX_IMAGE_BYTES // (1024 * 1024))
                with archive.open(member) as fh:
                    files[member.filename] = fh.read(MAX_IMAGE_BYTES + 1)
            return files
    except zipfile.BadZipFile:
        raise HandInRefused("evfu.zip.bad") from None


def collect_handins(course: Course, source: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Store every ``<ID>_tindak-lanjut.zip`` or ``<ID>_tindak-lanjut/`` folder (files
    ``<TASK>.txt`` and ``<TASK>.png|jpg|webp``) found in ``source``. Returns (stored
    participants, [(file name, reason)] of what was refused)."""
    from kimtrain.course.roster import load_roster

    taskset = load_taskset(course)
    if taskset is None:
        raise CourseError("evfu.no_taskset_cli", path=str(course.root / TASKSET_FILE))
    if not source.is_dir():
        raise CourseError("evfu.no_source", path=str(source))
    roster = {p.id.upper() for p in load_roster(course)}
    stored, refused = [], []
    for entry in sorted(source.iterdir()):
        match = _OFFLINE.match(entry.name)
        if not match:
            continue
        try:
            code = participant_id(match.group("id"))
            if roster and code not in roster:
                raise HandInRefused("evfu.not_on_roster", code=code)
            if entry.is_dir():
                files = {f.name: f.read_bytes()[:MAX_IMAGE_BYTES + 1] for f in entry.iterdir()
                         if f.is_file()}
            else:
                files = _zip_files(entry)
            store_handin(course, code, _parts_from(files, taskset), channel="offline",
                         taskset=taskset)
            stored.append(code)
        except KimtrainError as exc:
            refused.append((entry.name, str(exc)))
    return stored, refused
