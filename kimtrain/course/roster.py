"""The course roster: who the participants are, and where they come from.

Stored in the course as two UTF-8 CSV files, written atomically:

* ``roster/peserta.csv`` — ``id,nama,kim,desa,kecamatan``: what reports group by;
* ``roster/kontak.csv`` — ``id,telepon,email``: contact details, kept apart from
  everything graded and never read by reports.

Participant ids are also nbgrader student ids (upper-case, see
:func:`kimtrain.answers.participant_id`). No NIK is ever stored: the purpose of the
training does not need it (UU PDP 27/2022, Pasal 16).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kimtrain.answers.store import atomic_write
from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Row = TypeVar("_Row", bound="DataclassInstance")

__all__ = ["Contact", "Participant", "load_contacts", "load_roster", "save_roster"]

ROSTER = Path("roster") / "peserta.csv"
CONTACTS = Path("roster") / "kontak.csv"


@dataclass(frozen=True)
class Participant:
    id: str
    nama: str
    kim: str = ""
    desa: str = ""
    kecamatan: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Contact:
    id: str
    telepon: str = ""
    email: str = ""


def _write_csv(path: Path, rows: Iterable[object], cls: type) -> None:
    names = [f.name for f in fields(cls)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))  # type: ignore[call-overload]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buffer.getvalue().encode("utf-8"))


def _read_csv(path: Path, cls: type[_Row]) -> list[_Row]:
    if not path.exists():
        return []
    names = {f.name for f in fields(cls)}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return [cls(**{k: (v or "").strip() for k, v in row.items() if k in names})
                    for row in csv.DictReader(fh)]
    except (OSError, ValueError, TypeError) as exc:
        raise CourseError("roster.unreadable", path=str(path), reason=str(exc)) from exc


def load_roster(course: Course) -> list[Participant]:
    """Everyone on the roster (empty when no roster was imported)."""
    return _read_csv(course.root / ROSTER, Participant)


def load_contacts(course: Course) -> list[Contact]:
    return _read_csv(course.root / CONTACTS, Contact)


def save_roster(course: Course, participants: Iterable[Participant],
                contacts: Iterable[Contact] = ()) -> None:
    """Replace the roster (and the contact list, when given) in one go each; a gradebook
    that already holds kimtrain's tables gets the new groups too, so a report never
    groups by an old roster."""
    _write_csv(course.root / ROSTER, list(participants), Participant)
    contacts = list(contacts)
    if contacts:
        _write_csv(course.root / CONTACTS, contacts, Contact)
    from kimtrain.course.tables import revision, sync_roster

    if (course.root / "nbgrader_config.py").is_file() and revision(course) is not None:
        sync_roster(course)
