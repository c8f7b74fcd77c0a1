"""Practice mode: exercises with instant Indonesian feedback, retry and a running score.

The curriculum notebooks call this package; the assessments never do. A practice
card says at once whether an answer is right and why, lets the participant try
again, and carries a visible *Latihan* badge; nothing is saved or sent. Importing it
stays light (no pandas, matplotlib, nbgrader or YAML until a bank is opened).

* :class:`Latihan` — the exercises of one module, from ``assessments/bank/latihan-*.yaml``;
* :func:`latihan` — one card on its own;
* :class:`HoaksAtauFakta` — the discernment game on local claims;
* :func:`Pemeriksa` / :func:`check_draft` — draft checkers (``berita`` 5W+1H and
  opinion words, ``komentar``, ``pengumuman``, ``produk``).
"""

from __future__ import annotations

from kimtrain.practice.drafts import Check, DraftCheck, Flag, Pemeriksa, check_draft
from kimtrain.practice.feedback import PracticeFeedback, check_answer
from kimtrain.practice.game import GameResult, HoaksAtauFakta
from kimtrain.practice.session import Attempt, Latihan, latihan

__all__ = [
    "Attempt",
    "Check",
    "DraftCheck",
    "Flag",
    "GameResult",
    "HoaksAtauFakta",
    "Latihan",
    "Pemeriksa",
    "PracticeFeedback",
    "check_answer",
    "check_draft",
    "latihan",
]
