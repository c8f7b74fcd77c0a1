"""``kimtrain init DIR --hub``: a course made for a JupyterHub.

Besides the course (nbgrader's configuration with the shared exchange), it writes:

* ``nbgrader_config.py`` (the trainer's side): nbgrader's hub authentication plugin
  :class:`nbgrader.auth.JupyterHubAuthPlugin`, the exchange, the course id;
* ``hub/nbgrader_config.py`` (the participants' side, for every user's server:
  ``/etc/jupyter/nbgrader_config.py`` or the environment's ``etc/jupyter``): the
  exchange, ``path_includes_course`` and the same plugin, so ``nbgrader
  fetch_assignment``/``submit`` and kimtrain's "Kirim" work for members of the course;
* ``hub/jupyterhub_config.py`` (the hub's side, for ``jupyterhub_config.d``): the
  groups ``formgrade-<course>`` (trainers) and ``nbgrader-<course>`` (participants),
  the roles that let participants open the kimtrain service and trainers enrol
  participants, and the service itself (``kimtrain serve --hub``);
* ``.kimtrain/hub.json``: what ``kimtrain roster import`` needs to enrol participants.

No token or password is written anywhere.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kimtrain.course.layout import Course

__all__ = ["DEFAULT_API", "DEFAULT_EXCHANGE", "HubSettings", "configure_hub",
           "load_hub_settings"]

DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"
DEFAULT_API = "http://127.0.0.1:8081/hub/api"
SETTINGS = Path(".kimtrain") / "hub.json"
AUTH_PLUGIN = "nbgrader.auth.JupyterHubAuthPlugin"


@dataclass
class HubSettings:
    course_id: str
    exchange: str = DEFAULT_EXCHANGE
    api_url: str = DEFAULT_API
    login: str = "code"  # "code": hub user = code in lower case; "email": contact e-mail
    instructors: list[str] = field(default_factory=list)
    service_port: int = 8866
    # the OS user the hub runs the service as (the course folder's owner); "" = the hub's
    service_user: str = ""

    @property
    def student_group(self) -> str:
        return f"nbgrader-{self.course_id}"

    @property
    def trainer_group(self) -> str:
        return f"formgrade-{self.course_id}"

    @property
    def service(self) -> str:
        return f"kimtrain-{self.course_id}"


def load_hub_settings(course: Course) -> HubSettings | None:
    """The course's hub settings; ``None`` for a course not made with ``--hub``."""
    path = course.root / SETTINGS
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    known = HubSettings.__dataclass_fields__
    return HubSettings(**{k: v for k, v in data.items() if k in known})


_TRAINER_CONFIG = '''
# --- JupyterHub (kimtrain init --hub) -------------------------------------------
# Course membership comes from the hub's groups formgrade-{course_id} (trainers) and
# nbgrader-{course_id} (participants; `kimtrain roster import` enrols them).
c.Authenticator.plugin_class = {plugin!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = True
# On a hub every hand-in is owned by its participant's OS user (jupyter-<name> on TLJH).
c.ExchangeCollect.check_owner = True
'''

_PARTICIPANT_CONFIG = '''\
# nbgrader for participants' servers on this hub (written by `kimtrain init --hub`).
# Install as /etc/jupyter/nbgrader_config.py (TLJH: /opt/tljh/user/etc/jupyter/).
# No course id here: one participant may be in several courses; each hand-in names
# its course (`nbgrader submit NAME --course ID`, or kimtrain's "Kirim").
c = get_config()  # noqa: F821
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = {plugin!r}
'''

_HUB_CONFIG = '''\
# kimtrain course {course_id!r} on JupyterHub (written by `kimtrain init --hub`).
# TLJH: copy to /opt/tljh/config/jupyterhub_config.d/kimtrain-{course_id}.py, then
#   sudo tljh-config reload hub
# Zero to JupyterHub: see docs/deploy-hub.md (hub.extraConfig).
c = get_config()  # noqa: F821

COURSE = {course_id!r}
COURSE_DIR = {root!r}
SERVICE = "kimtrain-" + COURSE
TRAINERS = {instructors!r}

# Groups: trainers grade (formgrade-), participants take part (nbgrader-). The hub only
# adds these members at start; `kimtrain roster import` enrols participants through the
# REST API.
c.JupyterHub.load_groups.update({{
    "formgrade-" + COURSE: {{"users": TRAINERS}},
    "nbgrader-" + COURSE: {{"users": []}},
}})

c.JupyterHub.load_roles.extend([
    # participants and trainers may log in to the participant pages (the service)
    {{"name": SERVICE + "-peserta",
      "scopes": ["access:services!service=" + SERVICE],
      "groups": ["nbgrader-" + COURSE, "formgrade-" + COURSE]}},
    # trainers enrol participants: create hub users, add them to nbgrader-<course>
    {{"name": SERVICE + "-pelatih",
      "scopes": ["admin:users", "list:users", "read:users",
                 "read:groups!group=nbgrader-" + COURSE,
                 "groups!group=nbgrader-" + COURSE],
      "groups": ["formgrade-" + COURSE]}},
    # the service asks who is a trainer (/pelatih opens for formgrade-<course> only)
    {{"name": SERVICE + "-service",
      "scopes": ["read:users", "read:users:groups", "read:groups"],
      "services": [SERVICE]}},
])

# nbgrader's JupyterHubAuthPlugin reads the user's own groups with the server's token,
# and a trainer's `kimtrain roster import` uses it to enrol: the server's token gets
# the user's own permissions (nbgrader's JupyterHub documentation does the same with
# the "server" role).
c.Spawner.server_token_scopes = ["inherit"]

# Participant mode as a hub-managed service: /services/kimtrain-<course>/
c.JupyterHub.services.append({{
    "name": SERVICE,
    "url": "http://127.0.0.1:{port}",
    "command": [{python!r}, "-m", "kimtrain", "serve", "--hub", "--course", COURSE_DIR],
    "display": True,
    "oauth_no_confirm": True,{user_line}
}})
'''


def configure_hub(course: Course, settings: HubSettings) -> list[Path]:
    """Write the hub configuration of ``course`` (see the module's docstring)."""
    values = {"course_id": course.course_id, "exchange": settings.exchange,
              "plugin": AUTH_PLUGIN, "root": str(course.root),
              "instructors": list(settings.instructors), "port": settings.service_port,
              "python": sys.executable,
              "user_line": (f"\n    # runs as the course folder's owner (the hub runs as root)"
                            f"\n    \"user\": {settings.service_user!r},"
                            if settings.service_user else "")}
    with open(course.config_file, "a", encoding="utf-8") as fh:
        fh.write(_TRAINER_CONFIG.format(**values))
    hub_dir = course.root / "hub"
    hub_dir.mkdir(exist_ok=True)
    written = [course.config_file]
    for name, template in (("nbgrader_config.py", _PARTICIPANT_CONFIG),
                           ("jupyterhub_config.py", _HUB_CONFIG)):
        (hub_dir / name).write_text(template.format(**values), encoding="utf-8")
        written.append(hub_dir / name)
    private = course.root / SETTINGS
    private.parent.mkdir(exist_ok=True)
    private.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
    written.append(private)
    _prepare_exchange(Path(settings.exchange))
    return written


def _prepare_exchange(root: Path) -> None:
    """The exchange must exist and be open to every user (nbgrader's own advice: 0777;
    its course folders inside get their own modes at release)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o777)
    except OSError:
        pass  # made by the server's administrator (docs/deploy-hub.md)
