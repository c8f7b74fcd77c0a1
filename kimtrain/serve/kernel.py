"""What a served notebook's kernel adds to an assessment session.

``kimtrain serve`` starts every kernel with a :class:`kimtrain.context.SessionContext`
naming the course and this module's :func:`attach` as the host
(:func:`server_context`); :class:`kimtrain.widgets.Assessment` then calls
:func:`attach`, which adds these things to the session:

* the identity check: the code and its PIN must match the course roster (when there
  is one; :func:`kimtrain.serve.identity.check_code_pin`), before anything of the
  sheet is sent; only then the welcome line shows the roster name;
* a guard on the kernel's messages (:mod:`kimtrain.widgets.guard`): no widget made by
  the client, no traceback sent to it;
* the order of a counterbalanced pair (:func:`kimtrain.serve.orders.enforce`): a
  participant's second form opens only once the first is handed in;
* a presence record, so the trainer sees who has started before the first tap;
* a hand-in hook: after "Kirim" the notebook and the participant's own answer sheet
  are placed in nbgrader's ``submitted/<ID>/<assessment>/`` with ``timestamp.txt``,
  ready for ``nbgrader autograde``.

Only the standard library and light kimtrain modules are imported: this runs in
every participant's kernel.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kimtrain.answers.store import AnswerSheet
from kimtrain.context import COURSE, SERVER, SERVER_HOST, SessionContext
from kimtrain.i18n import t
from kimtrain.serve.records import record_presence
from kimtrain.serve.submission import place_submission
from kimtrain.widgets.guard import say_to_server

if TYPE_CHECKING:
    from kimtrain.widgets.session import Assessment

__all__ = ["COURSE_ENV", "SERVER_ENV", "attach", "server_context"]

SERVER_ENV = SERVER  # kept for callers of the old names
COURSE_ENV = COURSE


def server_context(course_root: Path, lang: str | None = None) -> SessionContext:
    """What ``kimtrain serve`` tells each kernel it starts: served, for this course,
    hooks from :func:`attach`; never one fixed participant."""
    return SessionContext(served=True, course_root=Path(course_root), host=SERVER_HOST,
                          lang=lang)


def attach(session: Assessment) -> None:
    """Add the server's identity check, presence record and hand-in to ``session``."""
    root = session.context.course_root
    if root is None:  # served without a course (a bare `voila`): never guess, nothing more
        return
    from kimtrain.widgets.guard import install

    install()
    session.pin_required = _has_roster(root)
    session.on_identify.append(lambda s, code, pin: _check_identity(root, s, code, pin))
    session.on_submit.append(lambda s, sheet: _hand_in(root, s, sheet))


def _has_roster(root: Path) -> bool:
    from kimtrain.course.layout import open_course
    from kimtrain.course.roster import load_roster

    return bool(load_roster(open_course(root)))


def _check_identity(root: Path, session: Assessment, code: str, pin: str) -> str | None:
    from kimtrain.serve.identity import check_code_pin, client_of_kernel

    # the light page's session (kimtrain.serve.light) knows its phone's address
    light = getattr(session, "serve_client", None)
    client = light or client_of_kernel(root)
    person = check_code_pin(root, code, pin, client=client)
    # a counterbalanced pair: the first test first (refused: nothing is recorded)
    from kimtrain.serve.orders import enforce, served_link

    link_of = getattr(session, "serve_link", None) or served_link(root)
    enforce(root, session, code, link_of=link_of, say=_log_line if light else say_to_server)
    record_presence(root, session.name, code)
    if person is None:
        return None
    where = ", ".join(part for part in (person.kim, person.desa) if part)
    return t("serve.identity.roster", lang=session.lang, nama=person.nama,
             where=f" ({where})" if where else "")


def _log_line(text: str) -> None:
    """The server process's log (the light page's session runs there)."""
    import logging

    logging.getLogger("kimtrain.serve").warning("%s", text)


def _hand_in(root: Path, session: Assessment, sheet: AnswerSheet) -> str | None:
    place_submission(root, session.directory, session.name, sheet.participant)
    return None
