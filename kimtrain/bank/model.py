"""The question-bank data model: domains, competencies, item types and the Item record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kimtrain import items
from kimtrain.i18n import t

# The four national pillars (Peta Jalan Literasi Digital), plus media & information
# literacy (UNESCO MIL, SIFT) and the KIM functions (dissemination, news, UMKM).
DOMAINS = ("cakap", "etika", "aman", "budaya", "media", "kim")

# Competency code -> domain; codes follow the blueprint in shared/context/measurement.md.
COMPETENCIES: dict[str, str] = {
    **{f"C{i}": "cakap" for i in range(1, 6)},  # C5: reading a village data table
    **{f"E{i}": "etika" for i in range(1, 5)},
    **{f"A{i}": "aman" for i in range(1, 5)},
    **{f"B{i}": "budaya" for i in range(1, 4)},
    **{f"M{i}": "media" for i in range(1, 6)},
    **{f"K{i}": "kim" for i in range(0, 4)},  # K0: what a KIM is and how it works
    **{f"N{i}": "kim" for i in range(1, 5)},
    **{f"U{i}": "kim" for i in range(1, 5)},
    # Issue 12: the parts of the KIM brief the first ten modules left thin (modules 11-15).
    "K4": "kim", "K5": "kim",  # creators and motivators
    "P1": "kim", "P2": "kim",  # poverty programmes (bansos, DTSEN)
    "U5": "kim", "U6": "kim",  # UMKM legality, payment, shipping, village cooperatives
    "B4": "budaya",  # Kotim's own culture, with permission and attribution
    "A5": "aman", "A6": "aman", "A7": "aman",  # current harms
}

SINGLE, MULTIPLE, TRUEFALSE, NUMERIC, TEXT, WRITTEN = (
    "single",
    "multiple",
    "truefalse",
    "numeric",
    "text",
    "written",
)
# Every type is a module in kimtrain/items; these names are read from there.
ITEM_TYPES = items.names()
AUTOGRADED_TYPES = tuple(kind.name for kind in items.all_types() if kind.autograded)


def domain_name(code: str, lang: str | None = None) -> str:
    return t(f"domain.{code}", lang=lang)


def competency_name(code: str, lang: str | None = None) -> str:
    return t(f"competency.{code}", lang=lang)


@dataclass(frozen=True)
class Criterion:
    """One rubric criterion of a written task: levels map points to a descriptor."""

    name: str
    levels: dict[float, str]
    en: dict[str, Any] = field(default_factory=dict)

    @property
    def max_points(self) -> float:
        return max(self.levels)

    def public(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "levels": [[p, d] for p, d in sorted(self.levels.items(), reverse=True)],
        }
        if self.en:
            en_levels = self.en.get("levels") or {}
            data["en"] = {
                "name": self.en.get("name", self.name),
                "levels": [[p, en_levels.get(p, d)] for p, d in data["levels"]],
            }
        return data


@dataclass(frozen=True)
class Item:
    """One question, as written once in a bank file.

    ``key`` depends on ``type``: an option id (single), a list of option ids
    (multiple), ``True``/``False`` (truefalse: ``True`` = the statement is a fact),
    a number (numeric), a list of accepted answers (text, also in ``accept``),
    ``None`` (written; graded by hand against ``rubric``); each type's module in
    :mod:`kimtrain.items` says what its key is.
    """

    id: str
    type: str
    domain: str
    competency: str
    points: float
    stem: str
    explanation: str = ""
    options: dict[str, str] = field(default_factory=dict)
    key: Any = None
    feedback: dict[str, str] = field(default_factory=dict)
    tolerance: float = 0.0
    unit: str = ""
    accept: tuple[str, ...] = ()
    rubric: tuple[Criterion, ...] = ()
    discernment_set: str = ""
    labels: tuple[str, str] | None = None
    en: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    line: int = 0

    @property
    def kind(self) -> items.ItemType:
        """This item's type (:mod:`kimtrain.items`), which owns everything type-specific."""
        return items.get(self.type, self.id)

    @property
    def autograded(self) -> bool:
        return self.kind.autograded

    def truefalse_labels(self, lang: str | None = None) -> tuple[str, str]:
        """Labels for (true, false): Fakta/Hoaks in a discernment set, else Benar/Salah."""
        if lang == "en" and self.en.get("labels"):
            return tuple(self.en["labels"])
        if self.labels and lang != "en":
            return self.labels
        style = "hoax" if self.discernment_set else "plain"
        return (t(f"truefalse.{style}.true", lang=lang), t(f"truefalse.{style}.false", lang=lang))

    def public(self) -> dict[str, Any]:
        """What a participant's notebook may know of this item: never the key or the
        explanation (those stay in the bank, the hidden tests and the gradebook)."""
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "domain": self.domain,
            "competency": self.competency,
            "points": self.points,
            "stem": self.stem,
        }
        en: dict[str, Any] = {}
        if "stem" in self.en:
            en["stem"] = self.en["stem"]
        self.kind.public(self, data, en)
        if en:
            data["en"] = en
        return data

    def scoring(self) -> dict[str, Any]:
        """The scoring spec that goes into the hidden test cell (and nowhere public)."""
        return self.kind.scoring_spec(self)

    def localized(self, lang: str) -> dict[str, Any]:
        """Stem, options, explanation and per-option feedback in ``lang`` (falls back to id)."""
        en = self.en if lang == "en" else {}
        return {
            "stem": en.get("stem", self.stem),
            "options": {k: (en.get("options") or {}).get(k, v) for k, v in self.options.items()},
            "explanation": en.get("explanation", self.explanation),
            "feedback": {k: (en.get("feedback") or {}).get(k, v) for k, v in self.feedback.items()},
        }
