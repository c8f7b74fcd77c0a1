"""Who is who at a workshop: participant codes, PINs, and the one check of both.

A participant code (``KIM-001``) is printed on lists and said aloud; it names a
person but proves nothing. Each participant on the roster also gets a **PIN** of six
digits (like an Indonesian ATM PIN), printed on their card (``kimtrain cards``). A
served test shows nothing of a sheet, not even the participant's name, until
:func:`check_code_pin` accepted the pair.

Where things are kept (never under ``release/``, ``serve/`` or anything served)::

    <course>/.kimtrain/
      pin.json              {"KIM-001": "482915", ...}   (file mode 0600)
      pin-attempts.json     wrong attempts per code and per client, with lock times
      pin.lock              the lock every kernel takes to read or write the two
      serve-clients.json    which client (address) opened which kernel

PINs are kept as they are, not hashed: a six-digit PIN has a million values, so a
hash would be undone in a second by anyone who can read the file, while the trainer
needs the PIN itself to reprint a lost card. The protection is where the file is:
outside everything the server serves, readable by the trainer's account only.

Wrong attempts are limited per code (:data:`CODE_LIMIT` in :data:`WINDOW` seconds,
then :data:`CODE_LOCK` seconds of waiting) and per client (:data:`CLIENT_LIMIT`,
:data:`CLIENT_LOCK`), in one file shared by every kernel, under a lock. Only the
standard library is used: this runs in every participant's kernel.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kimtrain.answers.store import participant_id

# The PIN store is the course's (kimtrain.course.pins); kept importable from here.
from kimtrain.course.pins import (
    PINS,
    PRIVATE_DIR,
    _locked,
    _read_json,
    _weak,  # noqa: F401 (tests check it here)
    _write_private,
    ensure_pins,
    generate_pin,
    load_pins,
)
from kimtrain.errors import KimtrainError

__all__ = ["CLIENT_LIMIT", "CODE_LIMIT", "IdentityRefused", "check_code_pin", "client_of_kernel",
           "ensure_pins", "generate_pin", "load_pins", "note_client", "reset_pin"]

ATTEMPTS = "pin-attempts.json"
CLIENTS = "serve-clients.json"
CODE_LIMIT = 5          # wrong PINs for one code ...
CLIENT_LIMIT = 10       # ... or from one client ...
WINDOW = 15 * 60        # ... within this many seconds, then a wait of:
CODE_LOCK = 5 * 60
CLIENT_LOCK = 15 * 60
MAX_PIN_LENGTH = 32     # anything longer is not a PIN; never compared, never stored


class IdentityRefused(KimtrainError):
    """A code and PIN that do not open a sheet (wrong, unknown, or too many tries)."""


def reset_pin(course_root: str | Path, code: str) -> str:
    """A new PIN for ``code`` (a lost or seen card); its wrong-attempt lock is lifted."""
    code = participant_id(code)
    with _locked(course_root) as folder:
        pins = load_pins(course_root)
        pin = generate_pin()
        while pin == pins.get(code):
            pin = generate_pin()
        pins[code] = pin
        _write_private(folder / PINS, pins)
        attempts = _read_json(folder / ATTEMPTS)
        if attempts.pop(f"code:{code}", None) is not None:
            _write_private(folder / ATTEMPTS, attempts)
    return pin


# -- which client opened which kernel -------------------------------------------------------
def note_client(course_root: str | Path, kernel_id: str, client: str | None) -> None:
    """The server notes who opened a kernel (``None``: the kernel is gone)."""
    with _locked(course_root) as folder:
        clients = _read_json(folder / CLIENTS)
        if client is None:
            if clients.pop(kernel_id, None) is None:
                return
        else:
            clients[kernel_id] = client
        _write_private(folder / CLIENTS, clients)


def client_of_kernel(course_root: str | Path) -> str:
    """The client (address) whose page this kernel serves; inside a served kernel."""
    kernel_id = ""
    with contextlib.suppress(Exception):
        from ipykernel import get_connection_file

        name = Path(get_connection_file()).stem  # kernel-<id>
        kernel_id = name.removeprefix("kernel-")
    clients = _read_json(Path(course_root) / PRIVATE_DIR / CLIENTS)
    return str(clients.get(kernel_id) or f"kernel:{kernel_id or os.getpid()}")


# -- the check --------------------------------------------------------------------------------
def _wait_minutes(until: float, now: float) -> int:
    return max(1, math.ceil((until - now) / 60))


def _note_failure(attempts: dict[str, Any], key: str, limit: int, lock: int,
                  now: float) -> float:
    entry = attempts.get(key) or {}
    fails = [t for t in entry.get("fails", []) if now - t < WINDOW] + [now]
    until = float(entry.get("until", 0))
    if len(fails) >= limit:
        until, fails = now + lock, []
    attempts[key] = {"fails": fails, "until": until}
    return until


def check_code_pin(course_root: str | Path, code: str, pin: str, *, client: str,
                   roster: Iterable[Any] | None = None) -> Any:
    """Check a participant code and PIN; return the roster entry, else raise.

    The one check every feature uses (the served test; later attendance and
    results on a phone). Raises :class:`IdentityRefused` with the same message for
    an unknown code and a wrong PIN (nobody learns which codes exist), or a
    "try again in N minutes" message while the code or the client is locked.
    ``roster`` defaults to the course roster; with an empty roster there is no
    identity to check and ``None`` is returned (any code is accepted, as before a
    roster was imported).
    """
    if roster is None:
        from kimtrain.course.layout import open_course
        from kimtrain.course.roster import load_roster

        roster = load_roster(open_course(course_root))
    people = {p.id.upper(): p for p in roster}
    if not people:
        return None
    try:
        code = participant_id(code)
    except KimtrainError:
        code = ""
    pin = "".join(str(pin or "").split())
    now = time.time()
    with _locked(course_root) as folder:
        attempts = _read_json(folder / ATTEMPTS)
        # unknown codes are counted like known ones: the lock tells nobody who exists
        keys = [f"client:{client}"] + ([f"code:{code}"] if code else [])
        until = max((float((attempts.get(k) or {}).get("until", 0)) for k in keys),
                    default=0.0)
        if until > now:
            raise IdentityRefused("identity.locked", minutes=_wait_minutes(until, now))
        expected = load_pins(course_root).get(code) if code in people else None
        good = (expected is not None and len(pin) <= MAX_PIN_LENGTH
                and secrets.compare_digest(pin.encode(), expected.encode()))
        if good:
            return people[code]
        until = _note_failure(attempts, f"client:{client}", CLIENT_LIMIT, CLIENT_LOCK, now)
        if code:
            until = max(until, _note_failure(attempts, f"code:{code}", CODE_LIMIT,
                                             CODE_LOCK, now))
        _write_private(folder / ATTEMPTS, attempts)
    if until > now:
        raise IdentityRefused("identity.locked", minutes=_wait_minutes(until, now))
    raise IdentityRefused("identity.wrong")
