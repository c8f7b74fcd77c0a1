"""One module per ``kimtrain`` sub-command; each defines ``register(subparsers)``.

Command modules stay thin: they parse arguments, call the library, print. Heavy
imports happen inside the command functions, so ``kimtrain --help`` is quick.
"""

from __future__ import annotations

# The order is the order of ``kimtrain --help``.
COMMANDS = (
    "demo",
    "init",
    "bank",
    "roster",
    "cards",
    "build",
    "release",
    "collect",
    "grade",
    "feedback",
    "lab",
    "serve",
    "report",
    "attendance",
    "rating",
    "certificates",
    "doctor",
    "cut_score",
    "followup",
    "db",
)
