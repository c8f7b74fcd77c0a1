"""Attendance (daftar hadir): the session plan, and who was present at each session.

The **session plan** is ``<course>/sesi.yaml``, written by the trainer (``kimtrain
attendance --plan`` makes one to edit)::

    activity: Bimbingan Teknis KIM Kabupaten Kotawaringin Timur 2026
    place: Sampit Creative Hub, Sampit
    city: Sampit
    organiser: Dinas Komunikasi dan Informatika Kabupaten Kotawaringin Timur
    signer: {name: ..., title: Kepala Bidang ..., nip: ...}
    days:
      - date: 2026-12-04
        sessions:
          - {part: pagi, module: "01 Mengenal KIM", start: "08.00", end: "12.00"}
          - {part: siang, module: "04 Hoaks dan cek fakta", start: "13.00", end: "16.00"}

Without a plan, every day has a morning and an afternoon session (:func:`load_plan`).

**Presence** is kept per day in ``<course>/.kimtrain/hadir/<date>.json`` (file mode
0600, beside the PINs, outside everything the server serves): per session, each
participant code with the time they signed in and how (``ponsel``: their phone with
code and PIN; ``pelatih``: marked by the trainer). Names are not stored there; they
come from the roster when the list is exported (:mod:`attendance_export`). Writes
take a lock and are atomic, so phones signing in at the same moment lose nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kimtrain.answers.store import atomic_write, participant_id
from kimtrain.errors import BankIssue, CourseError, IssuesError
from kimtrain.evaluation.survey_yaml import YamlChecker
from kimtrain.oscompat import exclusive

__all__ = [
    "PARTS",
    "PLAN_FILE",
    "AttendanceError",
    "Day",
    "Mark",
    "Plan",
    "Session",
    "default_plan",
    "load_plan",
    "mark_present",
    "read_all",
    "read_day",
    "write_plan_template",
]

PLAN_FILE = "sesi.yaml"
PRIVATE_DIR = Path(".kimtrain")
FOLDER = PRIVATE_DIR / "hadir"
LOCK = "hadir.lock"
PARTS = ("pagi", "siang", "malam")
VIA = ("ponsel", "pelatih")
_DEFAULT_TIMES = {"pagi": ("08.00", "12.00"), "siang": ("13.00", "16.00"),
                  "malam": ("19.00", "21.00")}
_SESSION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,23}$")
_TIME = re.compile(r"^([01]?\d|2[0-3])[.:]([0-5]\d)$")
TOP_FIELDS = ("activity", "place", "city", "organiser", "signer", "days")
DAY_FIELDS = ("date", "sessions")
SESSION_FIELDS = ("id", "part", "module", "start", "end")
SIGNER_FIELDS = ("name", "title", "nip")


class AttendanceError(IssuesError[BankIssue]):
    """A session plan (``sesi.yaml``) with mistakes; each issue names line and field."""

    key = "attendance.plan.invalid"


@dataclass(frozen=True)
class Session:
    day: date
    id: str  # unique within its day: "pagi", "siang", or the plan's own id
    part: str  # pagi | siang | malam
    module: str = ""
    start: str = ""
    end: str = ""

    @property
    def key(self) -> str:
        """``2026-12-04/pagi``: the session's name everywhere (forms, files, exports)."""
        return f"{self.day.isoformat()}/{self.id}"

    def label(self, lang: str | None = None) -> str:
        """``Pagi (08.00–12.00) · 01 Mengenal KIM``."""
        from kimtrain.i18n import t

        text = t(f"attendance.part.{self.part}", lang=lang)
        if self.start:
            text += f" ({self.start}–{self.end})" if self.end else f" ({self.start})"
        return f"{text} · {self.module}" if self.module else text

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "date": self.day.isoformat(), "id": self.id,
                "part": self.part, "module": self.module, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Day:
    day: date
    sessions: list[Session] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """The training's days and sessions, and what heads the printed list."""

    activity: str
    place: str = ""
    organiser: str = ""
    city: str = ""  # where the list is signed: "Sampit, 4 Desember 2026"
    signer: dict[str, str] = field(default_factory=dict)
    days: list[Day] = field(default_factory=list)
    source: Path | None = None  # None: no sesi.yaml, the default plan

    def day(self, when: date) -> Day | None:
        return next((d for d in self.days if d.day == when), None)

    def session(self, key: str) -> Session | None:
        return next((s for d in self.days for s in d.sessions if s.key == key), None)

    @property
    def sessions(self) -> list[Session]:
        return [s for d in self.days for s in d.sessions]


def _default_day(when: date) -> Day:
    return Day(when, [Session(when, part, part, "", *_DEFAULT_TIMES[part])
                      for part in ("pagi", "siang")])


def default_plan(activity: str, days: list[date]) -> Plan:
    """Each day a morning and an afternoon session (what a plan-less course gets)."""
    return Plan(activity, days=[_default_day(d) for d in sorted(set(days))])


def _clock(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        # YAML 1.1 reads 08:00 as a sexagesimal number (480)
        return f"{value // 60:02d}.{value % 60:02d}"
    found = _TIME.match(str(value).strip()) if isinstance(value, str) else None
    return f"{int(found.group(1)):02d}.{found.group(2)}" if found else None


class _PlanChecker(YamlChecker):
    def plan(self, activity_default: str) -> Plan | None:
        data = self.load()
        if data is None and not self.issues:
            self.issue("attendance.plan.empty")
        if data is None:
            return None
        if not isinstance(data, dict):
            self.issue("attendance.plan.empty")
            return None
        self.unknown(data, TOP_FIELDS, ())
        activity = self.text(data, "activity", (), required=False) or activity_default
        place = self.text(data, "place", (), required=False)
        organiser = self.text(data, "organiser", (), required=False)
        city = self.text(data, "city", (), required=False, limit=60)
        signer: dict[str, str] = {}
        raw_signer = data.get("signer")
        if raw_signer is not None:
            if not isinstance(raw_signer, dict):
                self.issue("attendance.plan.not_mapping", ("signer",), field="signer")
            else:
                self.unknown(raw_signer, SIGNER_FIELDS, ("signer",))
                signer = {k: self.text(raw_signer, k, ("signer",), required=False)
                          for k in SIGNER_FIELDS}
        raw_days = data.get("days")
        if not isinstance(raw_days, list) or not raw_days:
            self.issue("attendance.plan.no_days", ("days",) if "days" in data else (),
                       field="days")
            return None
        days = [d for i, raw in enumerate(raw_days) if (d := self.day(i, raw)) is not None]
        seen: dict[date, int] = {}
        for i, d in enumerate(days):
            if d.day in seen:
                self.issue("attendance.plan.day_twice", ("days", i, "date"),
                           item=d.day.isoformat(), field="date")
            seen[d.day] = i
        if self.issues:
            return None
        return Plan(activity, place, organiser, city, signer,
                    sorted(days, key=lambda d: d.day), self.path)

    def day(self, index: int, raw: Any) -> Day | None:
        base = ("days", index)
        label = f"#{index + 1}"
        if not isinstance(raw, dict):
            self.issue("attendance.plan.not_mapping", base, item=label)
            return None
        self.unknown(raw, DAY_FIELDS, base, label)
        value = raw.get("date")
        when: date | None = value if isinstance(value, date) else None
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                when = date.fromisoformat(value.strip())
        if when is None:
            key = "bank.field.required" if value is None else "attendance.plan.bad_date"
            self.issue(key, (*base, "date"), item=label, field="date", value=value)
            return None
        label = when.isoformat()
        raw_sessions = raw.get("sessions")
        if raw_sessions is None:
            return _default_day(when)
        if not isinstance(raw_sessions, list) or not raw_sessions:
            self.issue("attendance.plan.no_sessions", (*base, "sessions"), item=label,
                       field="sessions")
            return None
        sessions: list[Session] = []
        for j, rs in enumerate(raw_sessions):
            session = self.session(when, (*base, "sessions", j), f"{label} #{j + 1}", rs,
                                   [s.id for s in sessions], raw_sessions)
            if session is not None:
                sessions.append(session)
        return Day(when, sessions)

    def session(self, when: date, path: tuple[Any, ...], label: str, raw: Any,
                taken: list[str], siblings: list[Any]) -> Session | None:
        if not isinstance(raw, dict):
            self.issue("attendance.plan.not_mapping", path, item=label)
            return None
        self.unknown(raw, SESSION_FIELDS, path, label)
        part = raw.get("part")
        if part not in PARTS:
            key = "bank.field.required" if part is None else "attendance.plan.bad_part"
            self.issue(key, (*path, "part"), item=label, field="part", value=part,
                       parts=", ".join(PARTS))
            return None
        times = []
        for name in ("start", "end"):
            value = raw.get(name)
            clock = _clock(value) if value is not None else _DEFAULT_TIMES[part][
                0 if name == "start" else 1]
            if clock is None:
                self.issue("attendance.plan.bad_time", (*path, name), item=label, field=name,
                           value=value)
                clock = ""
            times.append(clock)
        same_part = sum(1 for s in siblings if isinstance(s, dict) and s.get("part") == part)
        sid = raw.get("id")
        if sid is None:
            earlier = sum(1 for t in taken if t.startswith(part))
            sid = part if same_part == 1 else f"{part}-{earlier + 1}"
        elif not isinstance(sid, str) or not _SESSION_ID.match(sid):
            self.issue("attendance.plan.bad_id", (*path, "id"), item=label, field="id",
                       value=sid)
            return None
        if sid in taken:
            self.issue("attendance.plan.id_twice", (*path, "id"), item=label, field="id",
                       value=sid)
            return None
        module = self.text(raw, "module", path, item=label, required=False, limit=120)
        return Session(when, sid, part, module, times[0], times[1])


def load_plan(course_root: str | Path, activity: str = "", *,
              today: date | None = None) -> Plan:
    """The course's session plan (``sesi.yaml``); without one, the default plan for
    ``today`` and every day someone already signed in. Raises :class:`AttendanceError`
    listing every mistake of a plan that exists."""
    root = Path(course_root)
    path = root / PLAN_FILE
    activity = activity or root.name
    if path.exists():
        checker = _PlanChecker(path)
        plan = checker.plan(activity)
        if plan is None:
            raise AttendanceError(checker.issues)
        return plan
    days = [date.fromisoformat(p.stem) for p in (root / FOLDER).glob("*.json")
            if _is_date(p.stem)]
    return default_plan(activity, [*days, today or date.today()])


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


_TEMPLATE = """\
# Rencana sesi pelatihan untuk daftar hadir (kimtrain attendance).
# Ubah nama kegiatan, tempat, penandatangan dan tanggal, lalu simpan.
# part: pagi | siang | malam; start/end: jam "08.00"; module: nama materi (boleh kosong).
activity: {activity}
place: "(isi tempat kegiatan)"
city: Sampit
organiser: Dinas Komunikasi dan Informatika Kabupaten Kotawaringin Timur
signer:
  title: "(isi jabatan pejabat yang menandatangani)"
  name: "(isi nama)"
  nip: ""
days:
{days}"""


def write_plan_template(course_root: str | Path, activity: str, start: date,
                        days: int) -> Path:
    """Write ``sesi.yaml`` for ``days`` days from ``start`` (never over an existing one)."""
    path = Path(course_root) / PLAN_FILE
    if path.exists():
        raise CourseError("attendance.plan.exists", path=str(path))
    from datetime import timedelta

    lines = []
    for n in range(max(1, days)):
        when = start + timedelta(days=n)
        lines.append(f"  - date: {when.isoformat()}\n    sessions:\n"
                     '      - {part: pagi, module: "", start: "08.00", end: "12.00"}\n'
                     '      - {part: siang, module: "", start: "13.00", end: "16.00"}\n')
    text = _TEMPLATE.format(activity=json.dumps(activity, ensure_ascii=False),
                            days="".join(lines))
    path.write_text(text, encoding="utf-8")
    return path


# -- presence ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Mark:
    """One participant present at one session."""

    session: str  # Session.key
    participant: str
    time: str  # ISO time of day, local, to the second
    via: str  # ponsel | pelatih

    def to_dict(self) -> dict[str, str]:
        return {"session": self.session, "participant": self.participant, "time": self.time,
                "via": self.via}


def _folder(course_root: str | Path) -> Path:
    folder = Path(course_root) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder.parent, 0o700)
        os.chmod(folder, 0o700)
    return folder


def _read(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    sessions = data.get("sessions") if isinstance(data, dict) else None
    return sessions if isinstance(sessions, dict) else {}


def mark_present(course_root: str | Path, session: Session, participant: str, *,
                 via: str = "ponsel", now: datetime | None = None) -> tuple[Mark, bool]:
    """Note ``participant`` present at ``session``; return the mark and whether it is new.

    Signing in twice keeps the first time (the list shows when someone arrived).
    """
    if via not in VIA:
        raise ValueError(via)
    code = participant_id(participant)
    moment = (now or datetime.now()).strftime("%H:%M:%S")
    folder = _folder(course_root)
    path = folder / f"{session.day.isoformat()}.json"
    with exclusive(folder / LOCK):
        sessions = _read(path)
        marks = sessions.setdefault(session.id, {})
        old = marks.get(code)
        if old:
            return Mark(session.key, code, old.get("time", ""), old.get("via", via)), False
        marks[code] = {"time": moment, "via": via}
        data = {"format": "kimtrain-hadir", "date": session.day.isoformat(),
                "sessions": sessions}
        atomic_write(path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    return Mark(session.key, code, moment, via), True


def read_day(course_root: str | Path, when: date) -> list[Mark]:
    """Every mark of one day, by session then time of sign-in."""
    path = Path(course_root) / FOLDER / f"{when.isoformat()}.json"
    marks = [Mark(f"{when.isoformat()}/{sid}", str(code), str(v.get("time", "")),
                  str(v.get("via", "ponsel")))
             for sid, by_code in _read(path).items() if isinstance(by_code, dict)
             for code, v in by_code.items() if isinstance(v, dict)]
    return sorted(marks, key=lambda m: (m.session, m.time, m.participant))


def read_all(course_root: str | Path) -> list[Mark]:
    """Every mark of every day on record."""
    folder = Path(course_root) / FOLDER
    days = sorted(date.fromisoformat(p.stem) for p in folder.glob("*.json") if _is_date(p.stem))
    return [m for d in days for m in read_day(course_root, d)]
