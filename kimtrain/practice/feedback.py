"""Instant feedback on a practice answer: pure functions of an Item and a response.

The scoring rules are the assessment's own (:func:`kimtrain.grading.score_item`), so
a practice exercise and a test item agree on what is right. What differs is what the
participant is told: in practice, whether the answer is right, why (the option's
feedback and the item's explanation), and — when they ask — the answer itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from kimtrain.answers.values import normalise_response
from kimtrain.errors import AnswerError
from kimtrain.grading.scoring import CORRECT, PARTIAL, score_item
from kimtrain.i18n import t
from kimtrain.items.numeric import format_number

if TYPE_CHECKING:  # the bank package loads YAML; a card only needs the Item it is given
    from kimtrain.bank.model import Item

__all__ = ["PracticeFeedback", "check_answer", "format_number", "public_item", "reveal"]

CORRECT_V, PARTIAL_V, WRONG_V, REVEAL_V, INVALID_V = (
    "correct", "partial", "wrong", "reveal", "invalid",
)


@dataclass(frozen=True)
class PracticeFeedback:
    """What the card shows after an answer; ``solved`` = the answer was fully right,
    ``revealed`` = the right answer was shown (so a later "right" is not a success)."""

    verdict: str
    title: str
    text: str
    solved: bool = False
    revealed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def for_widget(self) -> dict[str, str]:
        return {"verdict": self.verdict, "title": self.title, "text": self.text}


def public_item(item: Item, lang: str) -> dict[str, Any]:
    """The item as a card shows it (stem, options, labels) in ``lang``."""
    data = item.public()
    if lang == "en" and "en" in data:
        data.update(data.pop("en"))
    data.pop("en", None)
    return data


def _join(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _answer_line(item: Item, lang: str) -> str:
    """"Jawaban yang tepat: ..." for any automatically checked type."""
    shown = item.kind.answer_text(public_item(item, lang), item.kind.key_answer(item), lang,
                                  bold=True)
    return t("practice.answer_is", lang=lang, answer=shown)


def reveal(item: Item, lang: str = "id") -> PracticeFeedback:
    """The right answer and its explanation, for "Lihat pembahasan"."""
    text = _join(_answer_line(item, lang), item.localized(lang)["explanation"])
    return PracticeFeedback(REVEAL_V, t("practice.reveal.title", lang=lang), text,
                            solved=False, revealed=True)


def check_answer(item: Item, response: Any, lang: str = "id") -> PracticeFeedback:
    """Judge ``response`` (as a card sends it) against ``item`` and explain the verdict.

    A response that cannot be an answer at all (letters where a number is asked)
    gets an ``invalid`` verdict with the reason, and counts as no attempt.
    """
    if not item.autograded:
        raise AnswerError("practice.not_checkable", item=item.id)
    try:
        stored = normalise_response(public_item(item, lang), response)
    except AnswerError as exc:
        return PracticeFeedback(INVALID_V, t("practice.invalid.title", lang=lang),
                                t(exc.key, lang=lang, **exc.params))
    if stored is None:
        return PracticeFeedback(INVALID_V, t("practice.invalid.title", lang=lang),
                                t("practice.blank", lang=lang))
    score = score_item(item.scoring(), stored)
    local = item.localized(lang)
    explanation = local["explanation"]
    if score.status == CORRECT:
        own = local["feedback"].get(stored, "") if isinstance(stored, str) else ""
        if item.kind.reveal_when_wrong:
            own = _answer_line(item, lang)
        return PracticeFeedback(CORRECT_V, t("practice.correct.title", lang=lang),
                                _join(own, explanation), solved=True)
    if item.kind.reveal_when_wrong:
        # Two options only: a retry would be a coin toss, so explain at once.
        return PracticeFeedback(WRONG_V, t("practice.wrong.title", lang=lang),
                                _join(_answer_line(item, lang), explanation), revealed=True)
    hints = item.kind.practice_hints(item, stored, lang)
    hints.append(t("practice.try_again", lang=lang))
    verdict = PARTIAL_V if score.status == PARTIAL else WRONG_V
    title = t(f"practice.{verdict}.title", lang=lang)
    return PracticeFeedback(verdict, title, _join(*hints))
