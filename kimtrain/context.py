"""The one entry point through which a session learns its context, and the one reader
of kimtrain's environment variables.

Whoever starts a kernel — the workshop server, nbgrader's autograde, an offline
handout on a laptop, a JupyterHub — tells the assessment session who it is for and
who hosts it. A process that starts a kernel passes a :class:`SessionContext` as
environment variables (:meth:`SessionContext.environment`, :func:`kernel_environment`);
a process that runs sessions itself (the demo, tests) may call :func:`configure`.
The session asks :func:`current` once, when it is created.

=====================  ==========================================================
``KIMTRAIN_SERVER``    ``1`` in a kernel of the workshop server (``kimtrain serve``)
``KIMTRAIN_COURSE``    the course folder the host hands in to
``KIMTRAIN_HOST``      ``module:function`` that adds the host's ``on_identify`` and
                       ``on_submit`` hooks to every session (default for a served
                       kernel: :data:`SERVER_HOST`)
``KIMTRAIN_PESERTA``   one fixed participant (a grader, a single-user laptop)
``JUPYTERHUB_USER``    the hub's user: the participant on a JupyterHub
``KIMTRAIN_KIRIM``     the offline zip hand-in: ``zip`` always, ``off`` never
``KIMTRAIN_LANG``      the language (``id`` or ``en``)
``NBGRADER_EXECUTION`` set by nbgrader while it runs a notebook (``autograde``…)
=====================  ==========================================================

Only the standard library is imported, and nothing of kimtrain: every layer (the
participant kernel's widgets included) may read its context here.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

__all__ = ["COURSE", "GRADING", "HOST", "HUB_USER", "KIRIM", "LANG", "PARTICIPANT", "SERVER",
           "SERVER_HOST", "VARIABLES", "Kirim", "SessionContext", "configure", "current",
           "environment_language", "from_environment", "host_hook", "kernel_environment"]

SERVER = "KIMTRAIN_SERVER"
COURSE = "KIMTRAIN_COURSE"
HOST = "KIMTRAIN_HOST"
PARTICIPANT = "KIMTRAIN_PESERTA"
HUB_USER = "JUPYTERHUB_USER"
KIRIM = "KIMTRAIN_KIRIM"
LANG = "KIMTRAIN_LANG"
GRADING = "NBGRADER_EXECUTION"

# The workshop server's hooks: identity check, presence, hand-in (kimtrain.serve.kernel).
SERVER_HOST = "kimtrain.serve.kernel:attach"

# Every variable above: what a fresh process (a test, a kernel for another purpose) clears.
VARIABLES = (SERVER, COURSE, HOST, PARTICIPANT, HUB_USER, KIRIM, LANG, GRADING)

_OFF = ("off", "0", "no", "tidak")


class Kirim(StrEnum):
    """The offline zip hand-in (``KIMTRAIN_KIRIM``)."""

    AUTO = "auto"  # where the folder holds the release's marker, outside a server
    ZIP = "zip"    # always
    OFF = "off"    # never

    @classmethod
    def parse(cls, text: str | None) -> Kirim:
        value = (text or "").strip().lower()
        if value == "zip":
            return cls.ZIP
        if value in _OFF:
            return cls.OFF
        return cls.AUTO


@dataclass(frozen=True)
class SessionContext:
    """What the starter of a kernel tells every session in it."""

    served: bool = False            # a kernel of the workshop server
    course_root: Path | None = None  # where the host hands in (the server's course)
    host: str = ""                  # "module:function" adding the host's hooks
    participant: str | None = None  # one fixed participant (``KIMTRAIN_PESERTA``)
    hub_user: str | None = None     # JupyterHub's user
    kirim: Kirim = Kirim.AUTO
    lang: str | None = None         # chosen explicitly; else the notebook's own
    grading: str = ""               # nbgrader's execution mode ("autograde"), "" outside

    @property
    def in_grading(self) -> bool:
        return bool(self.grading)

    def fixed_participant(self) -> str | None:
        """The participant named by the starter (a grader, a hub), if any."""
        return self.participant or self.hub_user

    def graded_participant(self, directory: Path | None = None) -> str | None:
        """Whose answers are being graded: ``KIMTRAIN_PESERTA`` if set, else (under
        nbgrader autograde) the student folder that holds ``directory``. Not checked:
        the caller makes it a participant code."""
        if self.participant:
            return self.participant
        if self.grading == "autograde":
            return (directory or Path.cwd()).resolve().parent.name
        return None

    def hooks_host(self) -> str:
        """The host whose hooks a session gets: ``host``, else the server's in a served
        kernel, else none."""
        return self.host or (SERVER_HOST if self.served else "")

    def environment(self) -> dict[str, str]:
        """The environment variables that tell a kernel this context."""
        env: dict[str, str] = {}
        if self.served:
            env[SERVER] = "1"
        if self.course_root is not None:
            env[COURSE] = str(self.course_root)
        if self.host:
            env[HOST] = self.host
        if self.participant:
            env[PARTICIPANT] = self.participant
        if self.hub_user:
            env[HUB_USER] = self.hub_user
        if self.kirim is not Kirim.AUTO:
            env[KIRIM] = self.kirim.value
        if self.lang:
            env[LANG] = self.lang
        if self.grading:
            env[GRADING] = self.grading
        return env


def from_environment(env: Mapping[str, str] | None = None) -> SessionContext:
    """The context a kernel's starter passed in its environment."""
    env = os.environ if env is None else env
    course = env.get(COURSE)
    return SessionContext(
        served=bool(env.get(SERVER)),
        course_root=Path(course) if course else None,
        host=env.get(HOST, "").strip(),
        participant=env.get(PARTICIPANT) or None,
        hub_user=env.get(HUB_USER) or None,
        kirim=Kirim.parse(env.get(KIRIM)),
        lang=env.get(LANG) or None,
        grading=env.get(GRADING, ""),
    )


_configured: SessionContext | None = None


def configure(context: SessionContext | None) -> None:
    """Tell the sessions of this process their context (``None``: the environment's
    again). For hosts that run sessions in their own process."""
    global _configured
    _configured = context


def current() -> SessionContext:
    """This process's context: the one :func:`configure` set, else the environment's."""
    return _configured if _configured is not None else from_environment()


def environment_language() -> str | None:
    """``KIMTRAIN_LANG`` as set (not checked; :mod:`kimtrain.i18n` normalises it)."""
    return os.environ.get(LANG)


def host_hook(context: SessionContext) -> Callable[[Any], None] | None:
    """The function adding the host's hooks to a session (``module:function``)."""
    spec = context.hooks_host()
    if not spec:
        return None
    module, _, name = spec.partition(":")
    hook = getattr(importlib.import_module(module), name or "attach")
    return hook if callable(hook) else None


def kernel_environment(base: Mapping[str, str], context: SessionContext,
                       *, defaults: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a kernel started with ``context``: ``base`` without any
    participant or host it may carry, ``defaults`` where ``base`` has none, then
    ``context`` itself."""
    env = {k: v for k, v in base.items()
           if k not in (PARTICIPANT, HUB_USER, SERVER, COURSE, HOST)}
    for key, value in (defaults or {}).items():
        env.setdefault(key, value)
    env.update(context.environment())
    return env
