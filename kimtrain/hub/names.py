"""The one place that turns a hub user name into a roster code (and back).

kimtrain's participant ids are roster codes, upper-case (``KIM-001``). On a hub the
same person arrives under other spellings:

* JupyterHub lower-cases user names (its authenticators' ``normalize_username``):
  ``kim-001``;
* The Littlest JupyterHub runs each user as the OS user ``jupyter-<name>``, and
  nbgrader's exchange names a hand-in after the OS user (``nbgrader.utils.get_username``):
  ``jupyter-kim-001+pretest+<time>``, collected into ``submitted/jupyter-kim-001/``;
* an OAuth hub (Google, GitHub, a province's single sign-on) names users by e-mail:
  ``kim-001@kim.kotimkab.go.id``, or a personal address that only the roster's
  contact list (``roster/kontak.csv``) ties to a code.

:func:`roster_code` maps all of them to the code; :func:`kimtrain.answers.participant_id`
calls it, so the answer sheet, grading, the gradebook, feedback and the report all
see ``KIM-001``. Only the standard library is used: this runs in participants' kernels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["TLJH_PREFIX", "email_index", "hub_username", "roster_code"]

# The Littlest JupyterHub's OS user names: ``jupyter-`` + the hub name
# (tljh/user.py, ``UserCreatingSpawner``; names longer than 26 characters are cut and
# get a hash, which roster codes never reach).
TLJH_PREFIX = "jupyter-"


def roster_code(name: str, emails: Mapping[str, str] | None = None) -> str:
    """The roster code spelled by a hub user name, an OS user name or a code.

    ``emails`` maps lower-case e-mail addresses to codes (:func:`email_index` of the
    roster's contacts); an address found there gives its code. Otherwise an e-mail
    name stands for its local part. The result is upper-case and not yet checked
    against the code pattern (that is :func:`kimtrain.answers.participant_id`'s job).

    >>> roster_code("jupyter-kim-001"), roster_code("Kim-001"), roster_code("KIM-001")
    ('KIM-001', 'KIM-001', 'KIM-001')
    >>> roster_code("kim-002@kim.kotimkab.go.id")
    'KIM-002'
    """
    clean = str(name).strip()
    if clean[:len(TLJH_PREFIX)].lower() == TLJH_PREFIX:
        clean = clean[len(TLJH_PREFIX):]
    if "@" in clean:
        known = (emails or {}).get(clean.lower())
        if known:
            return known.strip().upper()
        clean = clean.split("@", 1)[0]
    return clean.upper()


def hub_username(code: str, email: str = "", *, by_email: bool = False) -> str:
    """The hub user name of a roster code: lower-case, as JupyterHub stores it; the
    contact's e-mail address on a hub whose users log in by e-mail."""
    if by_email and email.strip():
        return email.strip().lower()
    return str(code).strip().lower()


def email_index(contacts: Iterable[Any]) -> dict[str, str]:
    """``{e-mail (lower-case): code}`` from the roster's contacts (objects with ``id``
    and ``email``)."""
    index: dict[str, str] = {}
    for contact in contacts:
        email = str(getattr(contact, "email", "") or "").strip().lower()
        if email:
            index[email] = str(contact.id).strip().upper()
    return index
