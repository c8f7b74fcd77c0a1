"""Privacy by default (UU PDP 27/2022): pseudonyms, verification codes, small groups.

* Every shared output names a participant by a **pseudonym** ``P-XXXXXXXX``: a keyed
  hash (HMAC-SHA-256) of the participant id with a random key kept in the course
  (``.kimtrain/kunci``, created once; on Linux and macOS readable by its owner only,
  on Windows protected by the folder's NTFS permissions, see README). The same
  participant keeps the same pseudonym in every report of the course; without
  the key nobody can go from a pseudonym back to a roster code, and a JupyterHub
  user name that happens to be a person's name never reaches a report.
* **Certificate codes** come from the same key, so a code can be checked against
  the course's list of issued codes but not forged from a participant id.
* **Groups** (KIM, desa/kelurahan, kecamatan, the cohort itself) with fewer than
  :data:`MIN_GROUP` participants are never reported.

Names appear only where explicitly asked for (``--names``) and on certificates;
NIK, telephone numbers, e-mail and addresses are never read by reports at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

__all__ = ["MIN_GROUP", "Pseudonyms", "course_key", "verification_code"]

MIN_GROUP = 5
KEY_FILE = Path(".kimtrain") / "kunci"


def course_key(course: Course) -> bytes:
    """The course's secret key, made on first use."""
    path = course.root / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise CourseError("report.key_unreadable", path=str(path), reason=str(exc)) from exc
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(path, key)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes()
    except OSError as exc:
        raise CourseError("report.key_unreadable", path=str(path), reason=str(exc)) from exc
    return key


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` holding exactly ``data``. ``O_BINARY`` matters on Windows: without
    it the C runtime writes every 0x0A byte as 0D 0A and the key read back is another
    key (about one course in eight). ``0o600`` only has an effect on POSIX systems."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _digest(key: bytes, message: str, length: int) -> str:
    mac = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii")[:length]


class Pseudonyms:
    """participant id -> ``P-XXXXXXXX``, stable for a course, unique within a report."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._given: dict[str, str] = {}
        self._taken: set[str] = set()

    def __call__(self, participant: str) -> str:
        if participant not in self._given:
            length = 8
            code = f"P-{_digest(self.key, 'pseudonym|' + participant, length)}"
            while code in self._taken:  # 1 in 10^12: lengthen rather than collide
                length += 2
                code = f"P-{_digest(self.key, 'pseudonym|' + participant, length)}"
            self._given[participant] = code
            self._taken.add(code)
        return self._given[participant]


def verification_code(key: bytes, course_id: str, assessment: str, participant: str) -> str:
    """A short code (``XXXX-XXXX``) printed on a certificate and kept in the issued list."""
    raw = _digest(key, f"certificate|{course_id}|{assessment}|{participant}", 8)
    return f"{raw[:4]}-{raw[4:]}"
