"""The practice-mode views: an item card that answers back, a score card, a draft checker.

Practice mode is the opposite of assessment mode. In an assessment nothing is
revealed: the card only says "Tersimpan". In practice the card carries a visible
*Latihan* badge, says at once whether the answer is right and why, and offers the
buttons the practice session allows at that moment (``actions``: ``check``, ``retry``,
``reveal``, ``next``, ``restart``). What those buttons do is decided in Python by
:mod:`kimtrain.practice`; these classes only show and report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import traitlets

from kimtrain.widgets.views import ItemWidget, _Widget

__all__ = ["DraftWidget", "PracticeWidget", "ScoreWidget"]

ACTIONS = ("check", "retry", "reveal", "next", "restart")


class PracticeWidget(ItemWidget):
    """An item card in practice mode; ``on_action`` gets ``(widget, action, content)``."""

    mode = traitlets.Unicode("practice").tag(sync=True)
    actions = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, on_answer: Callable[[ItemWidget, Any], None] | None = None,
                 on_action: Callable[[PracticeWidget, str, dict[str, Any]], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(on_answer=on_answer, **kwargs)
        self._on_action = on_action
        self.on_msg(self._message)

    @traitlets.validate("actions")
    def _known_actions(self, proposal: dict[str, Any]) -> list[str]:
        unknown = [a for a in proposal["value"] if a not in ACTIONS]
        if unknown:
            raise traitlets.TraitError(f"unknown practice action(s): {unknown}")
        return list(proposal["value"])

    def _message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        action = content.get("event") if isinstance(content, dict) else None
        if action in self.actions and self._on_action is not None:
            self._on_action(self, action, content)


class ScoreWidget(_Widget):
    """A running score: ``result`` = {title, score, lines: [text, ...], note}."""

    kind = traitlets.Unicode("score").tag(sync=True)
    result = traitlets.Dict().tag(sync=True)


class DraftWidget(_Widget):
    """A text box whose draft is checked on request (5W+1H, a comment, a listing ...).

    ``result`` = {verdict, summary, checks: [[ok, label, detail], ...],
    flags: [[word, note], ...]}. The front end sends ``{"event": "check", "text": ...}``.
    """

    kind = traitlets.Unicode("draft").tag(sync=True)
    mode = traitlets.Unicode("practice").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    result = traitlets.Dict().tag(sync=True)

    def __init__(self, on_check: Callable[[DraftWidget, str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_check = on_check
        self.on_msg(self._message)

    def _message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "check":
            text = content.get("text")
            self.text = text if isinstance(text, str) else self.text
            self._on_check(self, self.text)
