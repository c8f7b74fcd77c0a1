"""Practice exercises in a module notebook: instant feedback, retry, a running score.

::

    from kimtrain.practice import Latihan
    latihan = Latihan("hoaks")            # assessments/bank/latihan-hoaks.yaml
    latihan.soal("LAT-HOAKS-APK")         # one card: answer, feedback, "Coba lagi"
    latihan.skor()                        # "3 dari 5 benar pada percobaan pertama"

Nothing a participant does in practice is saved or sent anywhere: practice is for
learning, the pre-test and post-test are for measuring. Cards carry a visible
*Latihan* badge so the two can never be confused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from kimtrain import items as item_types
from kimtrain.errors import AnswerError, KimtrainError
from kimtrain.i18n import get_language, t
from kimtrain.practice.banks import load_practice
from kimtrain.practice.feedback import (
    INVALID_V,
    PracticeFeedback,
    check_answer,
    public_item,
    reveal,
)
from kimtrain.widgets.practice import PracticeWidget, ScoreWidget

if TYPE_CHECKING:
    from kimtrain.bank.model import Item

__all__ = ["Attempt", "Latihan", "card_labels", "latihan"]

W = TypeVar("W")


@dataclass
class Attempt:
    """How one exercise went: tries, solved, solved on the first try, answer shown."""

    item: str
    tries: int = 0
    solved: bool = False
    first_try: bool = False
    revealed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def card_labels(lang: str, number: str, item_type: str | None = None) -> dict[str, str]:
    """The labels a practice card needs (shared by the game); with ``item_type``, also
    those its renderer needs (:mod:`kimtrain.items`)."""
    labels = {k: t(f"widget.{k}", lang=lang) for k in (
        "multiple_hint", "numeric_hint", "unit", "answer", "rubric")}
    if item_type is not None:
        labels.update(item_types.get(item_type).labels(lang))
    labels.update({k: t(f"practice.{k}", lang=lang) for k in (
        "badge", "badge_hint", "check", "retry", "reveal", "next", "restart")})
    labels["number"] = number
    labels["points"] = ""
    return labels


def _shown(widget: W, show: bool) -> W | None:
    """Display ``widget`` and return ``None`` (one view per card), or return it unshown."""
    if not show:
        return widget
    from IPython.display import display

    display(widget)
    return None


class Latihan:
    """The practice exercises of one module, drawn from one practice bank."""

    def __init__(self, bank: str | os.PathLike[str] | None = None, *,
                 items: Iterable[Item] = (), lang: str | None = None,
                 show: bool = True) -> None:
        self.items: dict[str, Item] = dict(load_practice(bank)) if bank is not None else {}
        self.items.update((item.id, item) for item in items)
        if not self.items:
            raise KimtrainError("practice.no_bank")
        self.lang = lang or get_language()
        self.show = show
        self.attempts: dict[str, Attempt] = {}
        self.widgets: dict[str, PracticeWidget] = {}
        self.score_widget: ScoreWidget | None = None

    # -- cards ----------------------------------------------------------------------
    def soal(self, item_id: str) -> PracticeWidget | None:
        """Show one practice card for ``item_id``.

        The card is displayed here and ``None`` returned, so a notebook cell that ends
        with this call shows the card once; with ``show=False`` the card is returned.
        """
        if item_id not in self.items:
            raise KimtrainError("practice.unknown_item", item=item_id,
                                known=", ".join(self.items))
        item = self.items[item_id]
        if not item.autograded:
            raise AnswerError("practice.not_checkable", item=item_id)
        number = len(self.widgets) + 1 if item_id not in self.widgets else \
            list(self.widgets).index(item_id) + 1
        widget = PracticeWidget(on_answer=self._on_answer, on_action=self._on_action,
                                item=public_item(item, self.lang),
                                labels=card_labels(self.lang, t("practice.number",
                                                               lang=self.lang, number=number),
                                                   item.type),
                                actions=self._idle_actions(item))
        self.widgets[item_id] = widget
        self.attempts.setdefault(item_id, Attempt(item_id))
        return _shown(widget, self.show)

    def skor(self) -> ScoreWidget | None:
        """Show the running score of this module's practice (updated after each answer)."""
        self.score_widget = ScoreWidget(labels={"title": t("practice.score.title",
                                                           lang=self.lang)})
        self._update_score()
        return _shown(self.score_widget, self.show)

    # -- answering --------------------------------------------------------------------
    def check(self, item_id: str, response: Any) -> PracticeFeedback:
        """Judge one answer, count it, and show the feedback on the card if there is one."""
        item = self.items[item_id]
        attempt = self.attempts.setdefault(item_id, Attempt(item_id))
        feedback = check_answer(item, response, self.lang)
        if feedback.verdict != INVALID_V and not attempt.solved:
            attempt.tries += 1
            if feedback.solved and not attempt.revealed:
                attempt.solved = True
                attempt.first_try = attempt.tries == 1
            attempt.revealed = attempt.revealed or feedback.revealed
        widget = self.widgets.get(item_id)
        if widget is not None:
            self._show(widget, item, feedback)
        self._update_score()
        return feedback

    def _show(self, widget: PracticeWidget, item: Item, feedback: PracticeFeedback) -> None:
        widget.feedback = feedback.for_widget()
        if feedback.verdict == INVALID_V:
            widget.actions = self._idle_actions(item)
            return
        widget.disabled = True
        done = feedback.solved or feedback.revealed
        widget.actions = ["retry"] if done else ["retry", "reveal"]

    def _idle_actions(self, item: Item) -> list[str]:
        # judged the moment it is tapped (kimtrain.items: ``instant``), else "Cek jawaban"
        return [] if item.kind.instant else ["check"]

    def _on_answer(self, widget: Any, value: Any) -> None:
        item_id = widget.item["id"]
        if self.items[item_id].kind.instant and value is not None:
            self.check(item_id, value)

    def _on_action(self, widget: PracticeWidget, action: str, content: dict[str, Any]) -> None:
        item_id = widget.item["id"]
        item = self.items[item_id]
        if action == "check":
            value = content.get("value", widget.value)
            if "value" in content:
                widget.set_quietly(value)
            self.check(item_id, value)
        elif action == "retry":
            self.retry(item_id)
        elif action == "reveal":
            self.attempts[item_id].revealed = True
            self._show(widget, item, reveal(item, self.lang))
            self._update_score()

    def retry(self, item_id: str) -> None:
        """Clear the card so the participant can answer again."""
        widget = self.widgets[item_id]
        widget.set_quietly(None)
        widget.feedback = {}
        widget.disabled = False
        widget.actions = self._idle_actions(self.items[item_id])

    # -- the score ----------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Counts over the cards shown so far: plain data for the score card and tests."""
        shown = [self.attempts[i] for i in self.widgets]
        return {
            "total": len(shown),
            "tried": sum(1 for a in shown if a.tries or a.revealed),
            "solved": sum(1 for a in shown if a.solved),
            "first_try": sum(1 for a in shown if a.first_try),
            "revealed": sum(1 for a in shown if a.revealed and not a.solved),
        }

    def _update_score(self) -> None:
        if self.score_widget is None:
            return
        s, lang = self.summary(), self.lang
        self.score_widget.result = {
            "score": t("practice.score.main", lang=lang, first_try=s["first_try"],
                       total=s["total"]),
            "lines": [t("practice.score.solved", lang=lang, solved=s["solved"],
                        total=s["total"]),
                      t("practice.score.revealed", lang=lang, revealed=s["revealed"])],
            "note": t("practice.score.note", lang=lang),
        }


def latihan(item: str | Item, bank: str | os.PathLike[str] | None = None, *,
            lang: str | None = None, show: bool = True) -> PracticeWidget | None:
    """One practice card on its own: ``latihan("LAT-AMAN-OTP", bank="aman")``.

    ``item`` is an item id in ``bank``, or an :class:`~kimtrain.bank.Item` itself.
    """
    if isinstance(item, str):
        return Latihan(bank, lang=lang, show=show).soal(item)
    return Latihan(items=[item], lang=lang, show=show).soal(item.id)
