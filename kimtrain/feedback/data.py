"""What a participant's feedback page says, as plain data.

Scores come from nbgrader's gradebook (so a facilitator's manual grade in formgrader
counts), the chosen answers from the graded notebooks, the stems and options from
the public manifest, and — only when ``reveal`` is set — the key, the explanation
and the per-option feedback from the course's bank (through the blueprint). Nothing
is read from hidden test cells, so no test code can reach a page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.defaults import DEFAULT_CUT
from kimtrain.itemshape import PublicItem

__all__ = ["ItemFeedback", "ParticipantFeedback", "collect_feedback"]


@dataclass(frozen=True)
class ItemFeedback:
    number: int
    item: str
    type: str
    domain: str
    competency: str
    stem: str
    options: list[list[str]]
    response: Any
    points: float | None  # None: waiting for a facilitator
    max_points: float
    verdict: str  # correct | partial | wrong | blank | manual
    key: Any = None  # only when revealed
    explanation: str = ""  # only when revealed
    option_feedback: str = ""  # only when revealed: the note on the chosen option
    labels: list[str] = field(default_factory=list)
    unit: str = ""

    @property
    def autograded(self) -> bool:
        """Scored by kimtrain, not by a person (:mod:`kimtrain.items`)."""
        from kimtrain.items import get

        return get(self.type, self.item).autograded

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParticipantFeedback:
    assessment: str
    title: str
    participant: str
    name: str
    items: list[ItemFeedback]
    revealed: bool
    cut: float = DEFAULT_CUT  # the cut score, percent
    previous: tuple[float, float] | None = None  # (points, max) on the pre-test
    previous_title: str = ""

    def _sum(self, keep: Callable[[ItemFeedback], bool]) -> tuple[float, float]:
        got = [i for i in self.items if i.points is not None and keep(i)]
        return sum(i.points or 0.0 for i in got), sum(i.max_points for i in got)

    @property
    def total(self) -> tuple[float, float]:
        return self._sum(lambda i: True)

    def by(self, attribute: str) -> dict[str, tuple[float, float]]:
        """(points, max) per domain or competency, in the pillars' fixed order."""
        from kimtrain.bank.model import COMPETENCIES, DOMAINS

        order = {k: n for n, k in enumerate([*DOMAINS, *COMPETENCIES])}
        keys = sorted(dict.fromkeys(getattr(i, attribute) for i in self.items),
                      key=lambda k: order.get(k, len(order)))
        return {k: self._sum(functools.partial(_has, attribute, k)) for k in keys}

    @property
    def pending(self) -> int:
        return sum(1 for i in self.items if i.points is None)

    def to_dict(self) -> dict[str, Any]:
        return {"assessment": self.assessment, "title": self.title,
                "participant": self.participant, "name": self.name,
                "revealed": self.revealed, "cut": self.cut, "previous": self.previous,
                "items": [i.to_dict() for i in self.items]}

    @property
    def percent(self) -> float | None:
        got, top = self.total
        return 100 * got / top if top else None

    def ranked(self, attribute: str = "competency") -> list[tuple[str, float]]:
        """(code, share 0..1) of each domain or competency with graded points, best first."""
        rows = [(k, got / top) for k, (got, top) in self.by(attribute).items() if k and top]
        return sorted(rows, key=lambda r: (-r[1], r[0]))


def _verdict(points: float | None, max_points: float, response: Any) -> str:
    from kimtrain.answers.values import is_blank

    if points is None:
        return "manual"
    if is_blank(response) and not points:
        return "blank"
    if points >= max_points:
        return "correct"
    return "partial" if points > 0 else "wrong"


def _bank_items(course: Course, assessment: str) -> dict[str, Any]:
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.errors import KimtrainError

    try:
        return {i.id: i for i in load_blueprint(course.blueprint(assessment)).items}
    except KimtrainError:
        return {}


def collect_feedback(course: Course, assessment: str, *, reveal: bool = False,
                     lang: str = "id") -> list[ParticipantFeedback]:
    """One :class:`ParticipantFeedback` per graded participant."""
    from kimtrain.assessment.manifest import load_manifest, localize
    from kimtrain.course.gradebook import cell_scores
    from kimtrain.course.roster import load_roster
    from kimtrain.grading.results import read_results
    from kimtrain.items import get as get_type

    manifest = load_manifest(course.source_dir(assessment), assessment)
    public = [localize(i, lang) for i in manifest["items"]]
    title = (manifest.get("en", {}).get("title") if lang == "en" else None) \
        or manifest.get("title", assessment)
    names = {p.id: p.nama for p in load_roster(course)}
    bank = _bank_items(course, assessment) if reveal else {}
    responses = {(r.participant, r.item): r.response
                 for r in read_results(course.root, assessment)}
    scores: dict[str, dict[str, Any]] = {}
    for score in cell_scores(course, assessment):
        scores.setdefault(score.participant, {})[score.item] = score
    pages = []
    for participant in sorted(scores):
        items = []
        for number, item in enumerate(public, 1):
            cell = scores[participant].get(item["id"])
            response = responses.get((participant, item["id"]))
            kind = get_type(item["type"], item["id"])
            if response is None and not kind.autograded:
                response = _written_answer(course, assessment, participant, item["id"])
            points = None if cell is None or cell.needs_manual else cell.score
            max_points = float(cell.max_points if cell else item["points"])
            extra: dict[str, Any] = {}
            source = bank.get(item["id"])
            if source is not None:
                texts = source.localized(lang)
                chosen = response if isinstance(response, str) else ""
                extra = {"key": source.kind.key_answer(source),
                         "explanation": texts["explanation"],
                         "option_feedback": texts["feedback"].get(chosen, "")}
            shape = PublicItem.from_manifest(item)
            items.append(ItemFeedback(
                number, shape.id, shape.type, shape.domain, shape.competency,
                item["stem"], item.get("options", []), response, points, max_points,
                _verdict(points, max_points, response), labels=item.get("labels", []),
                unit=item.get("unit", ""), **extra))
        pages.append(ParticipantFeedback(assessment, title, participant,
                                         names.get(participant, ""), items, reveal))
    return pages


def _written_answer(course: Course, assessment: str, participant: str, item: str) -> Any:
    from kimtrain.answers.store import FileAnswerStore
    from kimtrain.errors import KimtrainError

    store = FileAnswerStore(course.autograded_dir(participant, assessment))
    try:
        return store.load(assessment, participant).value(item)
    except KimtrainError:
        return None


def _has(attribute: str, value: str, item: ItemFeedback) -> bool:
    return bool(getattr(item, attribute) == value)
