"""What a served notebook's kernel does on a hub (``kimtrain serve --hub``).

The person is the hub user who opened the page (noted by the server as the kernel's
client, ``hub:<name>``), so the identity card needs no code and no PIN: it starts
with the participant's roster code filled in. A code typed by hand must be that same
code. "Kirim" places the hand-in in ``submitted/<CODE>/<NAME>/`` as on a laptop.
Only the standard library and light kimtrain modules are imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kimtrain.answers.store import AnswerSheet

if TYPE_CHECKING:
    from kimtrain.widgets.session import Assessment

__all__ = ["attach", "attach_hub", "hub_participant"]

HUB_CLIENT_PREFIX = "hub:"


def hub_participant(root: Path) -> str | None:
    """The roster code of the hub user whose page this kernel serves; ``None`` when
    unknown, or when the course has a roster and that code is not on it (a trainer's
    or another course's login gets no sheet)."""
    from kimtrain.course.layout import Course
    from kimtrain.course.roster import load_roster
    from kimtrain.hub.ids import course_code
    from kimtrain.serve.identity import client_of_kernel

    client = client_of_kernel(root)
    if not client.startswith(HUB_CLIENT_PREFIX):
        return None
    course = Course(root, "")
    code = course_code(course, client[len(HUB_CLIENT_PREFIX):])
    roster = {p.id.upper() for p in load_roster(course)}
    return code if not roster or code in roster else None


def attach(session: Assessment) -> None:
    """The host hook of a hub service's kernels (``KIMTRAIN_HOST``, set by
    ``kimtrain serve --hub``): the session's course from its context."""
    root = session.context.course_root
    if root is not None:
        attach_hub(session, Path(root))


def attach_hub(session: Assessment, root: Path) -> None:
    from kimtrain.errors import KimtrainError
    from kimtrain.serve.records import record_presence
    from kimtrain.serve.submission import place_submission
    from kimtrain.widgets.guard import install

    install()
    session.pin_required = False
    known = hub_participant(root)
    if known and session.participant is None:
        session.participant = known
        record_presence(root, session.name, known)

    def check(s: Assessment, code: str, pin: str) -> str | None:
        expected = hub_participant(root)
        if expected is None or code != expected:
            raise KimtrainError("hub.identity.other", code=code)
        record_presence(root, s.name, code)
        return None

    def hand_in(s: Assessment, sheet: AnswerSheet) -> str | None:
        place_submission(root, s.directory, s.name, sheet.participant)
        return None

    session.on_identify.append(check)
    session.on_submit.append(hand_in)
