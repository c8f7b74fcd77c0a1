"""The Littlest JupyterHub plugin for kimtrain (see docs/deploy-hub.md).

Install TLJH with it (as root, on the Diskominfo server)::

    curl -L https://tljh.jupyter.org/bootstrap.py | sudo python3 - \\
        --admin pelatih --plugin /path/to/kimtrain/installer/tljh

What each hook does:

* ``tljh_extra_user_pip_packages``: kimtrain (with nbgrader and Voilà) in the users'
  environment ``/opt/tljh/user``; ``KIMTRAIN_PIP_SPEC`` names another source (a wheel
  path, a git URL);
* ``tljh_extra_apt_packages``: PostgreSQL's client tools (``pg_dump`` for a PostgreSQL
  gradebook's backup; the database itself is set up as in docs/deploy-postgres.md);
* ``tljh_post_install``: the shared nbgrader exchange ``/srv/nbgrader/exchange``
  (mode 1777), the participants' nbgrader configuration in
  ``/opt/tljh/user/etc/jupyter/nbgrader_config.py``, and one kimtrain course per entry
  of ``KIMTRAIN_COURSES`` (``id:folder:trainer[,trainer]`` separated by spaces), each
  made with ``kimtrain init --hub`` and its hub configuration copied to
  ``/opt/tljh/config/jupyterhub_config.d/kimtrain-<id>.py``. The first trainer's OS user
  (``jupyter-<name>``, made if missing) owns the course and runs its service. Courses
  that already exist are left alone, so the installer can be run again (TLJH upgrades
  do that).

Only the standard library is used: this runs in TLJH's hub environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tljh.hooks import hookimpl

USER_ENV = Path("/opt/tljh/user")
CONFIG_D = Path("/opt/tljh/config/jupyterhub_config.d")
EXCHANGE = Path(os.environ.get("KIMTRAIN_EXCHANGE", "/srv/nbgrader/exchange"))
HUB_API = "http://127.0.0.1:15001/hub/api"  # TLJH's hub (tljh/jupyterhub_config.py)

PARTICIPANT_CONFIG = f'''\
# nbgrader for every user's server (written by the kimtrain TLJH plugin)
c = get_config()  # noqa: F821
c.Exchange.root = {str(EXCHANGE)!r}
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
'''


@hookimpl
def tljh_extra_user_pip_packages() -> list[str]:
    return [os.environ.get("KIMTRAIN_PIP_SPEC", "kimtrain[hub]")]


@hookimpl
def tljh_extra_apt_packages() -> list[str]:
    return ["postgresql-client"]


def courses(spec: str) -> list[tuple[str, Path, list[str]]]:
    """``"kim-sampit:/srv/kimtrain/kim-sampit:pelatih,guru"`` -> (id, folder, trainers)."""
    found = []
    for entry in spec.split():
        course_id, folder, *rest = entry.split(":")
        trainers = [t for t in (rest[0].split(",") if rest else []) if t]
        found.append((course_id, Path(folder), trainers))
    return found


@hookimpl
def tljh_post_install() -> None:
    EXCHANGE.mkdir(parents=True, exist_ok=True)
    EXCHANGE.chmod(0o1777)  # every user writes its own hand-ins; nbgrader sets the rest
    etc = USER_ENV / "etc" / "jupyter"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "nbgrader_config.py").write_text(PARTICIPANT_CONFIG, encoding="utf-8")
    kimtrain = USER_ENV / "bin" / "kimtrain"
    for course_id, folder, trainers in courses(os.environ.get("KIMTRAIN_COURSES", "")):
        # the first trainer's OS user owns the course and runs its service, as TLJH
        # names it (jupyter-<name>, tljh/user.py); made now if they never logged in
        owner = f"jupyter-{trainers[0].lower()}" if trainers else ""
        if owner:
            from tljh.user import ensure_user

            ensure_user(owner)
        if not (folder / "nbgrader_config.py").exists():
            command = [str(kimtrain), "init", str(folder), "--hub", "--course-id", course_id,
                       "--exchange", str(EXCHANGE), "--hub-api", HUB_API]
            for trainer in trainers:
                command += ["--instructor", trainer]
            if owner:
                command += ["--service-user", owner]
            subprocess.run(command, check=True)
            if owner:
                subprocess.run(["chown", "-R", f"{owner}:", str(folder)], check=True)
        CONFIG_D.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "hub" / "jupyterhub_config.py",
                    CONFIG_D / f"kimtrain-{course_id}.py")
