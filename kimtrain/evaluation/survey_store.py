"""Survey answers kept so that none can be traced back to the participant who gave it.

Two stores, per day, in ``<course>/.kimtrain/survei/<date>/``, never joined:

* ``sudah-mengisi.json`` — the codes of those who answered that day, **sorted**
  (one answer per participant per day);
* ``jawaban.json`` — the answers themselves: scores and open texts only. No code, no
  name, no time, no device, no sequence number; the list is **shuffled** (from
  :mod:`secrets`) every time an answer is added, so its order says nothing about who
  answered first or last.

Both files are written in one step under one lock, and their modification times (and
the folder's) are set back to midnight of the day, so the file system does not keep
the moment of the last answer either. The server writes nothing about an answer to
its log. What is left to link an answer to a person is what the answer itself says
(an open answer may name its writer); the report shows open answers only when at
least :data:`kimtrain.reports.privacy.MIN_GROUP` people answered.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kimtrain.answers.store import atomic_write, participant_id
from kimtrain.errors import KimtrainError
from kimtrain.evaluation.survey import OPEN_ANSWER_LIMIT, SCALE, Survey
from kimtrain.oscompat import exclusive

__all__ = ["AlreadyAnswered", "SurveyAnswer", "answered", "clean_answer", "read_answers",
           "save_answer", "survey_days"]

FOLDER = Path(".kimtrain") / "survei"
RESPONDED = "sudah-mengisi.json"
ANSWERS = "jawaban.json"
LOCK = "survei.lock"


class AlreadyAnswered(KimtrainError):
    """This participant already answered today's survey."""

    key = "survey.already"


@dataclass(frozen=True)
class SurveyAnswer:
    """One participant's answers, without anything that says who or when."""

    scores: dict[str, int | None]
    texts: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"skor": dict(sorted(self.scores.items())),
                "teks": dict(sorted(self.texts.items()))}


def clean_answer(survey: Survey, scores: dict[str, Any], texts: dict[str, Any]) -> SurveyAnswer:
    """Only the survey's own items; scores 1–5 or none; texts trimmed and shortened."""
    kept: dict[str, int | None] = {}
    for item in survey.items:
        value = scores.get(item.id)
        try:
            number = int(str(value).strip()) if value not in (None, "") else None
        except ValueError:
            number = None
        kept[item.id] = number if number in SCALE else None
    words = {q.id: str(texts.get(q.id) or "").strip()[:OPEN_ANSWER_LIMIT]
             for q in survey.open}
    return SurveyAnswer(kept, words)


def _day_folder(course_root: str | Path, day: date) -> Path:
    folder = Path(course_root) / FOLDER / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    for path in (folder.parent.parent, folder.parent, folder):
        with contextlib.suppress(OSError):
            os.chmod(path, 0o700)
    return folder


def _read_list(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return data if isinstance(data, list) else []


def _midnight(day: date) -> float:
    return time.mktime(datetime(day.year, day.month, day.day).timetuple())


def _write(path: Path, data: Any) -> None:
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
                 .encode("utf-8"))
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def save_answer(course_root: str | Path, day: date, participant: str,
                answer: SurveyAnswer) -> int:
    """Store ``answer`` for ``day`` apart from ``participant``; return how many answered.

    Raises :class:`AlreadyAnswered` when this participant already answered that day
    (nothing is changed then).
    """
    code = participant_id(participant)
    folder = _day_folder(course_root, day)
    with exclusive(folder.parent / LOCK):
        done = {str(c) for c in _read_list(folder / RESPONDED)}
        if code in done:
            raise AlreadyAnswered()
        answers = [a for a in _read_list(folder / ANSWERS) if isinstance(a, dict)]
        answers.append(answer.to_dict())
        secrets.SystemRandom().shuffle(answers)
        done.add(code)
        _write(folder / ANSWERS, answers)
        _write(folder / RESPONDED, sorted(done))
        stamp = _midnight(day)
        for path in (folder / ANSWERS, folder / RESPONDED, folder, folder.parent):
            with contextlib.suppress(OSError):
                os.utime(path, (stamp, stamp))
    return len(done)


def answered(course_root: str | Path, day: date) -> set[str]:
    """The codes of those who answered on ``day`` (not what they answered)."""
    path = Path(course_root) / FOLDER / day.isoformat() / RESPONDED
    return {str(c) for c in _read_list(path)}


def survey_days(course_root: str | Path) -> list[date]:
    found = []
    for path in (Path(course_root) / FOLDER).glob("*/" + ANSWERS):
        with contextlib.suppress(ValueError):
            found.append(date.fromisoformat(path.parent.name))
    return sorted(found)


def read_answers(course_root: str | Path, day: date | None = None) -> list[SurveyAnswer]:
    """The stored answers of ``day`` (default: every day), in no meaningful order."""
    days = [day] if day else survey_days(course_root)
    found = []
    for d in days:
        for raw in _read_list(Path(course_root) / FOLDER / d.isoformat() / ANSWERS):
            if not isinstance(raw, dict):
                continue
            scores: Any = raw.get("skor") or {}
            texts: Any = raw.get("teks") or {}
            if not isinstance(scores, dict) or not isinstance(texts, dict):
                continue
            found.append(SurveyAnswer(
                {str(k): v if v in SCALE else None for k, v in scores.items()},
                {str(k): str(v) for k, v in texts.items() if isinstance(v, str)}))
    return found
