"""Presence records: who has identified in a served assessment, and when.

One small JSON file per (assessment, participant) in ``<course>/serve/presence/``,
written atomically by the participant's kernel when they tap "Mulai". The trainer's
page reads them to show who has started before their first answer is saved. They
hold the code and times only; answers stay in the answer sheets.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kimtrain.answers.store import assessment_id, atomic_write, participant_id

__all__ = ["Presence", "read_presence", "record_presence"]

PRESENCE = Path("serve") / "presence"


@dataclass(frozen=True)
class Presence:
    assessment: str
    participant: str
    first_seen: str
    last_seen: str
    sessions: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _path(course_root: Path, assessment: str, participant: str) -> Path:
    return (Path(course_root) / PRESENCE
            / f"{assessment_id(assessment)}__{participant_id(participant)}.json")


def _read(path: Path) -> Presence | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Presence(**{k: data[k] for k in ("assessment", "participant", "first_seen",
                                                "last_seen", "sessions")})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_presence(course_root: str | Path, assessment: str, participant: str) -> Presence:
    """Note that ``participant`` identified in ``assessment`` now (one more session)."""
    path = _path(Path(course_root), assessment, participant)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    old = _read(path) if path.exists() else None
    record = Presence(assessment, participant_id(participant),
                      old.first_seen if old else now, now, (old.sessions + 1) if old else 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(record.to_dict()).encode("utf-8"))
    return record


def read_presence(course_root: str | Path, assessment: str) -> dict[str, Presence]:
    """Every presence record of ``assessment``, by participant."""
    folder = Path(course_root) / PRESENCE
    found = {}
    for path in sorted(folder.glob(f"{assessment_id(assessment)}__*.json")):
        record = _read(path)
        if record is not None:
            found[record.participant] = record
    return found
