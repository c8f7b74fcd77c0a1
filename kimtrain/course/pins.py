"""The course's participant PINs, kept in ``<course>/.kimtrain/pin.json`` (mode 0600).

Made by ``kimtrain roster import`` and ``kimtrain cards`` (:func:`ensure_pins`), read by
the served test's check (:func:`kimtrain.serve.identity.check_code_pin`), which also
keeps its wrong-attempt records under the same lock (``.kimtrain/pin.lock``, taken by
every kernel). See :mod:`kimtrain.serve.identity` for why PINs are kept as they are.
Only the standard library is used: this runs in every participant's kernel.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kimtrain.answers.store import atomic_write, participant_id

__all__ = ["LOCK", "PINS", "PIN_DIGITS", "PRIVATE_DIR", "ensure_pins", "generate_pin",
           "load_pins"]

PRIVATE_DIR = ".kimtrain"
PINS = "pin.json"
LOCK = "pin.lock"
PIN_DIGITS = 6


def _private(course_root: str | Path) -> Path:
    folder = Path(course_root) / PRIVATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def _locked(course_root: str | Path) -> Iterator[Path]:
    folder = _private(course_root)
    with open(folder / LOCK, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_private(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
    os.chmod(path, 0o600)


# -- PINs ---------------------------------------------------------------------------------
def _weak(pin: str) -> bool:
    """All one digit, or a run up or down (123456, 987654): guessed first."""
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def generate_pin() -> str:
    """Six random digits (from :mod:`secrets`), never an obvious one."""
    while True:
        pin = "".join(str(secrets.randbelow(10)) for _ in range(PIN_DIGITS))
        if not _weak(pin):
            return pin


def load_pins(course_root: str | Path) -> dict[str, str]:
    """Every participant's PIN, by code (empty when none was made yet)."""
    path = Path(course_root) / PRIVATE_DIR / PINS
    return {str(k): str(v) for k, v in _read_json(path).items()}


def ensure_pins(course_root: str | Path, codes: Iterable[str]) -> list[str]:
    """Give a PIN to each code that has none; return the codes that got one now."""
    wanted = [participant_id(c) for c in codes]
    with _locked(course_root) as folder:
        pins = load_pins(course_root)
        new = [c for c in dict.fromkeys(wanted) if c not in pins]
        if new:
            pins.update({c: generate_pin() for c in new})
            _write_private(folder / PINS, pins)
    return new


