""""Kirim" on a JupyterHub: the hand-in goes through nbgrader's exchange.

A participant on a hub works in their own JupyterLab, in the folder
``nbgrader fetch_assignment`` made: ``~/<course>/<assessment>/`` (the exchange's
``path_includes_course``, set by ``kimtrain init --hub``). After "Kirim" is recorded
in the answer sheet, this hook runs ``nbgrader submit <assessment> --course <course>``
(nbgrader's ``ExchangeSubmit``) from ``~``, in a separate process so the participant's
kernel never imports nbgrader. The trainer collects with ``kimtrain collect``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from kimtrain.answers.store import AnswerSheet
from kimtrain.errors import KimtrainError
from kimtrain.i18n import t

if TYPE_CHECKING:
    from kimtrain.widgets.session import Assessment

__all__ = ["attach_exchange", "submit_through_exchange"]

SUBMIT_TIMEOUT = 120


def on_hub() -> bool:
    return bool(os.environ.get("JUPYTERHUB_USER")) and not os.environ.get("KIMTRAIN_SERVER")


def submit_through_exchange(session: Assessment) -> str:
    """Run nbgrader's submit for the session's folder; the line shown to the participant."""
    folder = session.directory.resolve()
    course_id = folder.parent.name
    command = [sys.executable, "-m", "nbgrader", "submit", session.name,
               f"--course={course_id}"]
    try:
        done = subprocess.run(command, cwd=folder.parent.parent, capture_output=True,
                              text=True, timeout=SUBMIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KimtrainError("hub.submit.failed", reason=type(exc).__name__) from exc
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines()
                 if "[SubmitApp | ERROR]" in line or "Error" in line]
        reason = lines[-1].split("]", 1)[-1].strip() if lines else f"rc {done.returncode}"
        raise KimtrainError("hub.submit.failed", reason=reason[:200])
    return t("hub.submit.done", lang=session.lang, course=course_id)


def attach_exchange(session: Assessment) -> None:
    """On a hub's JupyterLab, "Kirim" also submits through nbgrader's exchange."""
    if not on_hub():
        return

    def hand_in(s: Assessment, sheet: AnswerSheet) -> str | None:
        return submit_through_exchange(s)

    session.on_submit.append(hand_in)
