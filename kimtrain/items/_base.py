"""What every item type owns, as one base class; the shared helpers of the type modules.

A type module (``kimtrain/items/<name>.py``) defines one subclass of :class:`ItemType`
and an instance named ``TYPE``; its front end is ``kimtrain/items/<name>.js`` (and,
optionally, ``<name>.css``), a renderer registered as ``renderers["<name>"]`` in the
widget module. Standard library only: participant kernels import this.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from kimtrain.errors import AnswerError

if TYPE_CHECKING:  # the bank package loads YAML; a type only needs the Item it is given
    from kimtrain.bank.model import Item

__all__ = [
    "BLANK", "CORRECT", "INVALID", "MANUAL", "PARTIAL", "WRONG",
    "FieldCheck", "ItemType", "Verdict", "status_of", "strong",
]

# The status of one scored item (kimtrain.grading.scoring.ItemScore.status).
CORRECT, PARTIAL, WRONG, BLANK, MANUAL, INVALID = (
    "correct", "partial", "wrong", "blank", "manual", "invalid",
)

# (share of the points earned 0..1, status); ``None`` points: a person grades it.
Verdict = tuple[float | None, str]


def status_of(fraction: float) -> str:
    if fraction >= 1:
        return CORRECT
    return PARTIAL if fraction > 0 else WRONG


def verdict(fraction: float) -> Verdict:
    return fraction, status_of(fraction)


class FieldCheck(Protocol):
    """How a type reports a mistake in one bank item (kimtrain.bank.validate gives it)."""

    def bad(self, key: str, field: str, sub: tuple[Any, ...] = (), **params: Any) -> None:
        """One issue: message ``key``, the ``field`` named, ``sub`` the YAML path under
        the item (default: the field itself) for the line number."""

    def hint(self, name: Any, choices: Iterable[str]) -> str:
        """"maksud Anda: …" for a misspelt name, or ""."""


class ItemType:
    """One item type: bank validation, public form, answers, scoring, text, demo, front end.

    Subclasses set the class attributes and override what differs; every method has
    one job, and the registry (:func:`kimtrain.items.get`) is the only way to reach it.
    """

    name: ClassVar[str] = ""
    #: place in listings ("pilih salah satu: single, multiple, ...")
    rank: ClassVar[int] = 0
    #: scored by kimtrain (a hidden test cell) rather than by a person
    autograded: ClassVar[bool] = True
    #: practice mode judges a tap at once (else the card has "Cek jawaban")
    instant: ClassVar[bool] = False
    #: bank fields of this type, besides id, type, domain, competency, points, stem, ...
    fields: ClassVar[frozenset[str]] = frozenset()
    #: catalog keys the front end needs, sent as ``labels[<last part of the key>]``
    label_keys: ClassVar[tuple[str, ...]] = ()

    # -- the bank -------------------------------------------------------------------
    def validate(self, raw: Mapping[str, Any], check: FieldCheck) -> dict[str, Any]:
        """Check the type's own fields of one bank item; return them as ``Item`` fields."""
        raise NotImplementedError

    # -- what a participant's notebook may know -------------------------------------
    def public(self, item: Item, data: dict[str, Any], en: dict[str, Any]) -> None:
        """Add the type's public fields to ``data`` (and their English to ``en``): never
        the key or the explanation."""
        if item.options:
            data["options"] = [[k, v] for k, v in item.options.items()]
        if "options" in item.en:
            en["options"] = [[k, item.en["options"].get(k, v)] for k, v in item.options.items()]

    def normalise(self, item: Mapping[str, Any], value: Any) -> Any:
        """The stored shape of a non-blank ``value`` for ``item`` (its public form);
        raises :class:`AnswerError` naming the item for a value that cannot be an answer."""
        raise NotImplementedError

    def answer_text(self, item: Mapping[str, Any], value: Any, lang: str = "id",
                    bold: bool = False) -> str:
        """A stored answer (or a key, see :meth:`key_answer`) as one line of text, for
        the feedback page, a grader's view and practice; ``bold`` marks the answer itself
        with ``**`` (practice cards render that). ``item`` is its public form."""
        return strong(str(value), bold)

    # -- grading --------------------------------------------------------------------
    def scoring_spec(self, item: Item) -> dict[str, Any]:
        """What the hidden test cell holds (and nothing public): id, type, points, key."""
        return {"id": item.id, "type": item.type, "points": item.points, "key": item.key}

    def score(self, spec: Mapping[str, Any], response: Any) -> Verdict:
        """Share of the points for a non-blank ``response`` (as stored), and its status."""
        raise NotImplementedError

    def key_answer(self, item: Item) -> Any:
        """The right answer, in the shape of a stored answer (``None``: no key)."""
        return item.key

    # -- practice ---------------------------------------------------------------------
    #: a wrong answer reveals the right one at once (a retry would be a coin toss)
    reveal_when_wrong: ClassVar[bool] = False

    def practice_hints(self, item: Item, stored: Any, lang: str) -> list[str]:
        """What a practice card says after a wrong or partial answer, besides "try again"."""
        return []

    # -- kimtrain demo ---------------------------------------------------------------
    def demo_answer(self, item: Item, rng: random.Random, right: bool) -> Any:
        """A simulated participant's answer: the key when ``right``, else a plausible slip."""
        raise NotImplementedError

    # -- item analysis (reports) -----------------------------------------------------
    def analysis_options(self, options: Iterable[tuple[str, str]],
                         labels: tuple[str, ...]) -> list[tuple[str, str]]:
        """(key, label) of each option whose choosers a distractor analysis counts; [] when
        the type has no options to count."""
        return []

    def chosen_options(self, response: Any) -> list[str]:
        """The option keys of :meth:`analysis_options` that ``response`` chose."""
        return []

    # -- the front end -----------------------------------------------------------------
    def front_end(self, suffix: str) -> str:
        """The type's ``.js`` renderer or ``.css`` styles ("" when it has none)."""
        path = Path(__file__).with_name(f"{self.name}{suffix}")
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def labels(self, lang: str) -> dict[str, str]:
        from kimtrain.i18n import t

        labels = {key.rsplit(".", 1)[-1]: t(key, lang=lang) for key in self.label_keys}
        return {"unknown_type": t("items.unknown_type", lang=lang), **labels}

    def __repr__(self) -> str:
        return f"<item type {self.name}>"


def strong(text: str, bold: bool) -> str:
    return f"**{text}**" if bold else text


def option_ids(item: Mapping[str, Any]) -> list[str]:
    return [o[0] for o in item.get("options", [])]


def option_line(item: Mapping[str, Any], option: str, bold: bool) -> str:
    """``B. text`` (``**B**. text``) for one option of a public item."""
    return f"{strong(option, bold)}. {dict(item.get('options', [])).get(option, '?')}"


def not_option(item: Mapping[str, Any], value: Any) -> AnswerError:
    return AnswerError("answer.not_option", item=item.get("id", "?"), value=value)
