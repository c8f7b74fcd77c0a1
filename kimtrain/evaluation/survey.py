"""The reaction survey (Kirkpatrick level 1): its questions, read from a YAML file.

The packaged form is ``assessments/survei/reaksi.yaml``; a course uses its own
``<course>/survei.yaml`` when there is one. The file is checked like a bank: every
mistake is listed with file, line, item and field (:class:`SurveyError`), and the
server refuses to start a survey from a broken file rather than guess.

Format::

    survey: reaksi                     # a short id
    title: Evaluasi penyelenggaraan    # shown on the phone
    intro: ...                         # one paragraph (optional)
    en: {title: ..., intro: ...}       # English (optional)
    scale: {1: Sangat tidak setuju, ..., 5: Sangat setuju}
    scale_en: {1: Strongly disagree, ..., 5: Strongly agree}
    items:                             # Likert statements, answered 1–5
      - {id: materi, aspect: materi, text: ..., en: ...}
    open:                              # open questions (at most five)
      - {id: saran, text: ..., en: ...}

Aspects are ``materi``, ``fasilitator``, ``manfaat``, ``waktu``, ``tempat``,
``internet`` and ``lain``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimtrain.errors import BankIssue, IssuesError
from kimtrain.evaluation.survey_yaml import YamlChecker

__all__ = ["ASPECTS", "COURSE_FILE", "OpenQuestion", "Survey", "SurveyError", "SurveyItem",
           "load_survey", "survey_path"]

COURSE_FILE = "survei.yaml"
ASPECTS = ("materi", "fasilitator", "manfaat", "waktu", "tempat", "internet", "lain")
SCALE = (1, 2, 3, 4, 5)
MAX_ITEMS = 20
MAX_OPEN = 5
OPEN_ANSWER_LIMIT = 1000  # characters kept of one open answer
TOP_FIELDS = ("survey", "title", "intro", "en", "scale", "scale_en", "items", "open")
ITEM_FIELDS = ("id", "aspect", "text", "en")
OPEN_FIELDS = ("id", "text", "en")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class SurveyError(IssuesError[BankIssue]):
    """A survey file with mistakes; each issue names line, item and field."""

    key = "survey.invalid"


@dataclass(frozen=True)
class SurveyItem:
    id: str
    aspect: str
    text: str
    en: str = ""

    def shown(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.text


@dataclass(frozen=True)
class OpenQuestion:
    id: str
    text: str
    en: str = ""

    def shown(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.text


@dataclass(frozen=True)
class Survey:
    id: str
    title: str
    intro: str
    scale: dict[int, str]
    items: list[SurveyItem]
    open: list[OpenQuestion]
    title_en: str = ""
    intro_en: str = ""
    scale_en: dict[int, str] = field(default_factory=dict)
    source: Path | None = None

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    def intro_in(self, lang: str) -> str:
        return self.intro_en if lang == "en" and self.intro_en else self.intro

    def scale_in(self, lang: str) -> dict[int, str]:
        return self.scale_en if lang == "en" and self.scale_en else self.scale


class _SurveyChecker(YamlChecker):
    def survey(self) -> Survey | None:
        data = self.load()
        if data is None:
            if not self.issues:
                self.issue("survey.empty")
            return None
        if not isinstance(data, dict):
            self.issue("survey.empty")
            return None
        self.unknown(data, TOP_FIELDS, ())
        sid = data.get("survey")
        if sid is None:
            self.issue("bank.field.required", (), field="survey")
        elif not isinstance(sid, str) or not _ID.match(sid):
            self.issue("survey.bad_id", ("survey",), field="survey", value=sid)
        title = self.text(data, "title", (), limit=120)
        intro = self.text(data, "intro", (), required=False, limit=600)
        english = data.get("en") or {}
        if not isinstance(english, dict):
            self.issue("survey.not_mapping", ("en",), field="en")
            english = {}
        self.unknown(english, ("title", "intro"), ("en",))
        title_en = self.text(english, "title", ("en",), required=False, limit=120)
        intro_en = self.text(english, "intro", ("en",), required=False, limit=600)
        scale = self.scale(data, "scale", required=True)
        scale_en = self.scale(data, "scale_en", required=False)
        items = self.entries(data, "items", ITEM_FIELDS, MAX_ITEMS, required=True)
        questions = self.entries(data, "open", OPEN_FIELDS, MAX_OPEN, required=False)
        if self.issues:
            return None
        return Survey(str(sid), title, intro, scale,
                      [SurveyItem(e["id"], e["aspect"], e["text"], e["en"]) for e in items],
                      [OpenQuestion(e["id"], e["text"], e["en"]) for e in questions],
                      title_en, intro_en, scale_en, self.path)

    def scale(self, data: dict[str, Any], name: str, *, required: bool) -> dict[int, str]:
        raw = data.get(name)
        if raw is None:
            if required:
                self.issue("bank.field.required", (), field=name)
            return {}
        if not isinstance(raw, dict) or sorted(map(str, raw)) != [str(k) for k in SCALE] \
                or not all(isinstance(k, int) for k in raw):
            self.issue("survey.bad_scale", (name,), field=name)
            return {}
        return {int(k): self.text(raw, str(k), (name,), item=str(k), limit=40)
                for k in SCALE}

    def entries(self, data: dict[str, Any], name: str, fields: tuple[str, ...], limit: int,
                *, required: bool) -> list[dict[str, str]]:
        raw = data.get(name)
        if raw is None and not required:
            return []
        if not isinstance(raw, list) or not raw:
            self.issue("survey.no_entries", (name,) if name in data else (), field=name)
            return []
        if len(raw) > limit:
            self.issue("survey.too_many", (name,), field=name, limit=limit)
        found: list[dict[str, str]] = []
        for index, entry in enumerate(raw):
            path = (name, index)
            label = f"#{index + 1}"
            if not isinstance(entry, dict):
                self.issue("survey.not_mapping", path, item=label)
                continue
            eid = entry.get("id")
            if eid is None:
                self.issue("bank.field.required", path, item=label, field="id")
                continue
            if not isinstance(eid, str) or not _ID.match(eid):
                self.issue("survey.bad_id", (*path, "id"), item=label, field="id", value=eid)
                continue
            label = eid
            if any(e["id"] == eid for e in found):
                self.issue("survey.id_twice", (*path, "id"), item=label, field="id")
                continue
            self.unknown(entry, fields, path, label)
            values = {"id": eid, "text": self.text(entry, "text", path, item=label),
                      "en": self.text(entry, "en", path, item=label, required=False)}
            if "aspect" in fields:
                aspect = entry.get("aspect")
                if aspect not in ASPECTS:
                    key = "bank.field.required" if aspect is None else "survey.bad_aspect"
                    self.issue(key, (*path, "aspect"), item=label, field="aspect",
                               value=aspect, aspects=", ".join(ASPECTS))
                values["aspect"] = str(aspect)
            found.append(values)
        return found


def survey_path(course_root: str | Path | None = None) -> Path:
    """The course's ``survei.yaml`` if it has one, else the packaged form."""
    if course_root is not None and (Path(course_root) / COURSE_FILE).is_file():
        return Path(course_root) / COURSE_FILE
    from kimtrain.course.layout import assessments_dir

    return assessments_dir() / "survei" / "reaksi.yaml"


def load_survey(path: str | Path) -> Survey:
    """Read and check a survey file; :class:`SurveyError` lists every mistake."""
    checker = _SurveyChecker(Path(path))
    survey = checker.survey()
    if survey is None:
        checker.issues.sort(key=lambda issue: issue.line or 0)
        raise SurveyError(checker.issues)
    return survey
