"""Which feedback a participant may see on their phone, and their certificate's code.

``kimtrain feedback NAME`` *generates* the pages (``umpan-balik/NAME/NAME-<ID>.html``);
they stay on the trainer's laptop until the trainer *releases* them
(``kimtrain feedback NAME --release``), which writes a marker beside them::

    umpan-balik/NAME/dibagikan.json     {"assessment": "NAME", "released": "<ISO time>"}

``--withdraw`` removes the marker again. The workshop server shows a signed-in
participant only the page whose file name carries *their* code, and only for released
assessments (:func:`feedback_for`). The code comes from the roster entry the PIN check
returned, never from what was typed, so no path is built from participant input.

``kimtrain certificates`` notes every issued certificate in the course
(:func:`record_certificates`, ``.kimtrain/sertifikat.json``) so the server can show a
participant their verification code wherever the PDFs were written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kimtrain.answers.store import atomic_write
from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

__all__ = ["CertificateNote", "FeedbackRelease", "certificate_for", "feedback_for",
           "record_certificates", "release_feedback", "released", "withdraw_feedback"]

SEND_FOLDER = "umpan-balik"  # as kimtrain.feedback.page.SEND_FOLDER
MARKER = "dibagikan.json"
CERTIFICATES = Path(".kimtrain") / "sertifikat.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class FeedbackRelease:
    """One released assessment's feedback."""

    assessment: str
    released: str  # ISO time

    def to_dict(self) -> dict[str, str]:
        return {"assessment": self.assessment, "released": self.released}


@dataclass(frozen=True)
class CertificateNote:
    """A certificate issued to one participant, as the server shows it."""

    code: str
    form: str
    file: str  # absolute path of the PDF ("" when unknown)
    issued: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "form": self.form, "file": self.file, "issued": self.issued}


def _folder(course: Course, assessment: str) -> Path:
    if not _NAME.match(assessment):
        raise CourseError("evres.bad_name", name=assessment)
    return course.root / SEND_FOLDER / assessment


def release_feedback(course: Course, assessment: str) -> int:
    """Release the generated pages of ``assessment``; return how many there are.
    Raises :class:`CourseError` when ``kimtrain feedback NAME`` has not written any."""
    folder = _folder(course, assessment)
    pages = sorted(folder.glob(f"{assessment}-*.html")) if folder.is_dir() else []
    if not pages:
        raise CourseError("evres.nothing_generated", name=assessment)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    atomic_write(folder / MARKER, json.dumps({"assessment": assessment, "released": now},
                                             indent=1).encode("utf-8"))
    return len(pages)


def withdraw_feedback(course: Course, assessment: str) -> bool:
    """Stop showing ``assessment``'s pages on phones; ``False`` if it was not released."""
    marker = _folder(course, assessment) / MARKER
    if not marker.exists():
        return False
    marker.unlink()
    return True


def released(course: Course) -> list[FeedbackRelease]:
    """Every released assessment, oldest release first."""
    root = course.root / SEND_FOLDER
    found = []
    for marker in sorted(root.glob(f"*/{MARKER}")) if root.is_dir() else []:
        name = marker.parent.name
        if not _NAME.match(name):
            continue
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        when = str(data.get("released", "")) if isinstance(data, dict) else ""
        found.append(FeedbackRelease(name, when))
    return sorted(found, key=lambda r: (r.released, r.assessment))


def feedback_for(course: Course, participant: str) -> dict[str, Path]:
    """assessment -> the participant's own page, for released assessments only.

    ``participant`` must be a roster code (the PIN check's result): the page's name is
    built from it and from a released assessment's name, both checked patterns."""
    pages: dict[str, Path] = {}
    if not re.match(r"^[A-Z0-9][A-Z0-9_-]*$", participant):
        return pages
    for release in released(course):
        path = _folder(course, release.assessment) / f"{release.assessment}-{participant}.html"
        if path.is_file():
            pages[release.assessment] = path
    return pages


def record_certificates(course: Course, issued: list[Any], out: Path) -> None:
    """Note the certificates just issued (``reports.certificates.Certificate``) for the
    server: participant -> code, form, PDF path. Earlier notes of other forms stay."""
    path = course.root / CERTIFICATES
    notes = _read_notes(path)
    forms = {c.form for c in issued}
    notes = {pid: [n for n in entries if n.get("form") not in forms]
             for pid, entries in notes.items()}
    for cert in issued:
        notes.setdefault(cert.participant, []).append(
            {"code": cert.code, "form": cert.form, "issued": cert.issued,
             "file": str((Path(out) / cert.file).resolve())})
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps({k: v for k, v in notes.items() if v}, indent=1,
                                  ensure_ascii=False).encode("utf-8"))


def _read_notes(path: Path) -> dict[str, list[dict[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [e for e in v if isinstance(e, dict)] for k, v in data.items()
            if isinstance(v, list)}


def certificate_for(course: Course, participant: str) -> list[CertificateNote]:
    """The certificates issued to ``participant`` (usually none or one)."""
    entries = _read_notes(course.root / CERTIFICATES).get(participant, [])
    return [CertificateNote(str(e.get("code", "")), str(e.get("form", "")),
                            str(e.get("file", "")), str(e.get("issued", "")))
            for e in entries if e.get("code")]
