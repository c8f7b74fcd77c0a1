"""Who has started and who has submitted: the trainer's view of a served assessment.

Read from the files themselves — the roster, the presence records, the answer
sheets beside the served notebook and nbgrader's ``submitted/`` folder — so it is
right after a server restart and needs no database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from kimtrain.answers.store import FileAnswerStore
from kimtrain.course.roster import Participant, load_roster
from kimtrain.errors import StoreError
from kimtrain.handin import submitted_folder
from kimtrain.serve.records import read_presence
from kimtrain.serve.workshop import ServedAssessment, Workshop

__all__ = ["AssessmentStatus", "ParticipantStatus", "SheetState", "workshop_status"]


class SheetState(StrEnum):
    """Where a participant is in a served assessment."""

    WAITING = "waiting"      # not yet started
    STARTED = "started"
    SUBMITTED = "submitted"  # "Kirim" pressed


@dataclass(frozen=True)
class ParticipantStatus:
    participant: str
    nama: str
    kim: str
    on_roster: bool
    started_at: str | None
    answered: int
    total: int
    submitted_at: str | None
    handed_in: bool
    sessions: int

    @property
    def state(self) -> SheetState:
        """``waiting`` (not yet started), ``started`` or ``submitted``."""
        if self.submitted_at:
            return SheetState.SUBMITTED
        return SheetState.STARTED if self.started_at else SheetState.WAITING

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"state": self.state}


@dataclass(frozen=True)
class AssessmentStatus:
    name: str
    title: str
    total: int
    rows: list[ParticipantStatus] = field(default_factory=list)

    def count(self, state: SheetState | str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "total": self.total,
                "started": self.count(SheetState.STARTED),
                "submitted": self.count(SheetState.SUBMITTED),
                "waiting": self.count(SheetState.WAITING), "rows": [r.to_dict() for r in self.rows]}


def _assessment_status(workshop: Workshop, served: ServedAssessment,
                       roster: dict[str, Participant]) -> AssessmentStatus:
    root = workshop.course.root
    store = FileAnswerStore(served.folder)
    presence = read_presence(root, served.name)
    codes = list(roster) + sorted((set(presence) | set(store.participants(served.name)))
                                  - set(roster))
    rows = []
    for code in codes:
        try:
            sheet = store.load(served.name, code)
        except StoreError:
            sheet = None
        seen = presence.get(code)
        started = (seen.first_seen if seen else
                   sheet.created_at if sheet is not None and sheet.answers else None)
        person = roster.get(code)
        rows.append(ParticipantStatus(
            participant=code, nama=person.nama if person else "", kim=person.kim if person else "",
            on_roster=person is not None, started_at=started,
            answered=len(sheet.answered()) if sheet else 0, total=served.items,
            submitted_at=sheet.submitted_at if sheet else None,
            handed_in=(submitted_folder(root, served.name, code) / "timestamp.txt").exists(),
            sessions=seen.sessions if seen else 0,
        ))
    return AssessmentStatus(served.name, served.title, served.items, rows)


def workshop_status(workshop: Workshop) -> list[AssessmentStatus]:
    """One status table per served assessment, roster order first, then unknown codes."""
    roster = {p.id.upper(): p for p in load_roster(workshop.course)}
    return [_assessment_status(workshop, served, roster) for served in workshop.assessments]
