"""*Hoaks atau fakta?* — a discernment game on local claims, one card at a time.

::

    from kimtrain.practice import HoaksAtauFakta
    permainan = HoaksAtauFakta("hoaks", set="kotim")
    permainan.mulai()

The game uses the true/false items of a practice bank (``key: true`` = fakta). Each
claim is answered once; the card explains it at once and offers "Klaim berikutnya".
The score card keeps the running score and, at the end, the **discernment** score
the reports use (share of facts judged fact minus share of hoaxes judged fact), so a
participant learns that doubting everything is not the same as judging well.
"""

from __future__ import annotations

import os
import random
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from kimtrain.errors import KimtrainError
from kimtrain.i18n import get_language, t
from kimtrain.practice.banks import load_practice
from kimtrain.practice.feedback import INVALID_V, PracticeFeedback, check_answer, public_item
from kimtrain.practice.session import card_labels
from kimtrain.widgets.practice import PracticeWidget, ScoreWidget

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["GameResult", "HoaksAtauFakta"]


@dataclass(frozen=True)
class GameResult:
    """Counts of one round; rates are ``None`` when there was nothing to count."""

    answered: int
    total: int
    correct: int
    facts: int
    facts_judged_fact: int
    hoaxes: int
    hoaxes_judged_fact: int

    @property
    def hit_rate(self) -> float | None:
        return self.facts_judged_fact / self.facts if self.facts else None

    @property
    def false_alarm_rate(self) -> float | None:
        return self.hoaxes_judged_fact / self.hoaxes if self.hoaxes else None

    @property
    def discernment(self) -> float | None:
        if self.hit_rate is None or self.false_alarm_rate is None:
            return None
        return self.hit_rate - self.false_alarm_rate

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "hit_rate": self.hit_rate,
                "false_alarm_rate": self.false_alarm_rate, "discernment": self.discernment}


class HoaksAtauFakta:
    """One round of claims from a practice bank's true/false items."""

    def __init__(self, bank: str | os.PathLike[str], *, set: str | None = None,
                 lang: str | None = None, seed: int | None = None, show: bool = True) -> None:
        items = [i for i in load_practice(bank).values()
                 if i.type == "truefalse" and (set is None or i.discernment_set == set)]
        if not items:
            raise KimtrainError("practice.game.empty", bank=os.fspath(bank), set=set or "-")
        if seed is not None:
            random.Random(seed).shuffle(items)
        self.claims: list[Item] = items
        self.lang = lang or get_language()
        self.show = show
        self.answers: dict[str, bool] = {}
        self.position = 0
        self.card: PracticeWidget | None = None
        self.score_widget = ScoreWidget(labels={"title": t("practice.game.title",
                                                           lang=self.lang)})
        self._handle: Any = None

    # -- what the notebook calls ----------------------------------------------------------
    def mulai(self) -> None:
        """Show the score card and the first claim (the card is ``self.card``)."""
        self._update_score()
        self.card = self._new_card()
        if self.show:
            from IPython.display import display

            display(self.score_widget)
            self._handle = display(self.card, display_id=True)

    @property
    def current(self) -> Item:
        return self.claims[self.position]

    def answer(self, verdict: bool) -> PracticeFeedback:
        """Judge the current claim (``True`` = the participant says *fakta*)."""
        item = self.current
        feedback = check_answer(item, verdict, self.lang)
        if feedback.verdict == INVALID_V or item.id in self.answers:
            return feedback
        self.answers[item.id] = bool(verdict)
        if self.card is not None:
            self.card.feedback = feedback.for_widget()
            self.card.disabled = True
            last = self.position == len(self.claims) - 1
            self.card.actions = ["restart"] if last else ["next"]
        self._update_score()
        return feedback

    def next(self) -> None:
        """Go on to the next claim (a new card in the same place)."""
        if self.position < len(self.claims) - 1:
            self.position += 1
            self._replace_card()

    def restart(self) -> None:
        """Play again from the first claim, score cleared."""
        self.answers.clear()
        self.position = 0
        self._replace_card()
        self._update_score()

    def result(self) -> GameResult:
        facts = [i for i in self.claims if i.key is True]
        hoaxes = [i for i in self.claims if i.key is False]
        return GameResult(
            answered=len(self.answers),
            total=len(self.claims),
            correct=sum(1 for i in self.claims if self.answers.get(i.id) is i.key),
            facts=len(facts),
            facts_judged_fact=sum(1 for i in facts if self.answers.get(i.id) is True),
            hoaxes=len(hoaxes),
            hoaxes_judged_fact=sum(1 for i in hoaxes if self.answers.get(i.id) is True),
        )

    # -- cards ---------------------------------------------------------------------------
    def _new_card(self) -> PracticeWidget:
        number = t("practice.game.number", lang=self.lang, number=self.position + 1,
                   total=len(self.claims))
        return PracticeWidget(on_answer=self._on_answer, on_action=self._on_action,
                              item=public_item(self.current, self.lang),
                              labels=card_labels(self.lang, number), actions=[])

    def _replace_card(self) -> None:
        old, self.card = self.card, self._new_card()
        if self._handle is not None:
            self._handle.update(self.card)
        if old is not None:
            old.close()

    def _on_answer(self, widget: Any, value: Any) -> None:
        if value is not None and widget is self.card:
            self.answer(value)

    def _on_action(self, widget: PracticeWidget, action: str, _content: dict[str, Any]) -> None:
        if action == "next":
            self.next()
        elif action == "restart":
            self.restart()

    def _update_score(self) -> None:
        r, lang = self.result(), self.lang
        lines = [t("practice.game.progress", lang=lang, answered=r.answered, total=r.total)]
        note = t("practice.game.note", lang=lang)
        if r.answered == r.total and r.discernment is not None:
            lines += [
                t("practice.game.facts", lang=lang, hit=r.facts_judged_fact, facts=r.facts),
                t("practice.game.hoaxes", lang=lang, missed=r.hoaxes_judged_fact,
                  hoaxes=r.hoaxes),
                t("practice.game.discernment", lang=lang,
                  value=f"{r.discernment:+.2f}".replace(".", "," if lang == "id" else ".")),
            ]
            note = t("practice.game.discernment_note", lang=lang)
        self.score_widget.result = {
            "score": t("practice.game.score", lang=lang, correct=r.correct, answered=r.answered),
            "lines": lines, "note": note,
        }
