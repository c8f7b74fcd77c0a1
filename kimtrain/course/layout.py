"""A course folder: nbgrader's layout plus kimtrain's banks and blueprints.

::

    <course>/
      nbgrader_config.py     written by kimtrain; SQLite gradebook unless told otherwise
      gradebook.db
      bank/ blueprints/      copied from the project's assessments/ folder
      source/ release/ submitted/ autograded/ feedback/   nbgrader's own folders
      exchange/              a local exchange for one machine (a hub sets its own)
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from kimtrain.errors import CourseError
from kimtrain.i18n import get_language, t

__all__ = ["CONFIG_FILE", "Course", "assessments_dir", "create_course", "open_course"]

CONFIG_FILE = "nbgrader_config.py"
COURSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
NBGRADER_FOLDERS = ("source", "release", "submitted", "autograded", "feedback")

_CONFIG = '''\
# nbgrader configuration for a kimtrain course ({note}).
# Paths are relative to this file, so the course folder can be moved or copied.
import os

_here = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = _here
c.CourseDirectory.db_url = {db_url}
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*.tmp"]

# One machine (a trainer's laptop): a local exchange. On a JupyterHub, point this at
# the shared exchange (for example /srv/nbgrader/exchange).
c.Exchange.root = {exchange}
c.Exchange.path_includes_course = True
c.ExchangeCollect.check_owner = False

# Participants never write code; a runaway cell is stopped after this many seconds.
c.Execute.timeout = 30
c.OverwriteCells.add_missing_cells = True
# Grading kernels are local and short-lived: keep their start-up chatter quiet.
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
c.ClearSolutions.text_stub = {text_stub!r}

# A second wall behind kimtrain's escaping of participant text: nbconvert sanitises the
# HTML in Markdown cells and outputs wherever it renders a notebook (formgrader's
# grading view, nbgrader's feedback). formgrader's template ignores sanitize_html, so
# the SanitizeHTML step does the work there.
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.sanitize.SanitizeHTML"]

# kimtrain's step in autograde: written-task answers from the answer sheet go into
# their manually graded cells (see kimtrain/grading/nbgrader_ext.py).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "kimtrain.grading.nbgrader_ext.FillWrittenAnswers",
    "nbgrader.preprocessors.CheckCellMetadata",
]
'''


@dataclass(frozen=True)
class Course:
    root: Path
    course_id: str

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def bank_dir(self) -> Path:
        return self.root / "bank"

    @property
    def blueprint_dir(self) -> Path:
        return self.root / "blueprints"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def db_url(self) -> str:
        """The gradebook's database URL, as nbgrader_config.py sets it."""
        from traitlets.config.loader import PyFileConfigLoader

        from kimtrain.course.database import require_driver

        config = PyFileConfigLoader(CONFIG_FILE, path=str(self.root)).load_config()
        url = str(config.CourseDirectory.db_url)
        require_driver(url)  # a clear message, not a traceback, when psycopg is missing
        return url

    def folder(self, kind: str, *parts: str) -> Path:
        """Low level: ``<course>/<kind>/<parts…>``; use the named folders below."""
        return self.root.joinpath(kind, *parts)

    # nbgrader's folders, by name (nbgrader's own layout)
    def source_dir(self, assessment: str) -> Path:
        """``source/<NAME>``: the assessment as built, with its keys."""
        return self.root / "source" / assessment

    def release_dir(self, assessment: str) -> Path:
        """``release/<NAME>``: what participants receive (no keys)."""
        return self.root / "release" / assessment

    def submitted_dir(self, participant: str, assessment: str) -> Path:
        """``submitted/<ID>/<NAME>``: one participant's hand-in (:mod:`kimtrain.handin`)."""
        from kimtrain.handin import SUBMITTED

        return self.root / SUBMITTED / participant / assessment

    def autograded_dir(self, participant: str, assessment: str) -> Path:
        """``autograded/<ID>/<NAME>``: the hand-in as nbgrader graded it."""
        return self.root / "autograded" / participant / assessment

    def feedback_dir(self, participant: str, assessment: str) -> Path:
        """``feedback/<ID>/<NAME>``: the participant's feedback page."""
        return self.root / "feedback" / participant / assessment

    def submitted_participants(self, assessment: str) -> list[str]:
        """Everyone with a hand-in of ``assessment``, sorted."""
        from kimtrain.handin import submitted_participants

        return submitted_participants(self.root, assessment)

    def blueprint(self, name: str) -> Path:
        return self.blueprint_dir / f"{name}.yaml"


def assessments_dir() -> Path:
    """The project's ``assessments/`` folder (packaged in the wheel, or the checkout's)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_assessments", here.parent / "assessments"):
        if (candidate / "bank").is_dir():
            return candidate
    raise CourseError("course.no_assessments", path=str(here.parent / "assessments"))


def create_course(root: str | Path, course_id: str = "kim", *, db_url: str | None = None,
                  exchange: str | None = None) -> Course:
    """Make a new course folder with nbgrader's configuration and the starter material."""
    root = Path(root).resolve()
    if not COURSE_ID.match(course_id):
        raise CourseError("course.bad_id", course_id=course_id)
    if (root / CONFIG_FILE).exists():
        raise CourseError("course.exists", path=str(root))
    root.mkdir(parents=True, exist_ok=True)
    for name in NBGRADER_FOLDERS:
        (root / name).mkdir(exist_ok=True)
    src = assessments_dir()
    for sub in ("bank", "blueprints"):
        shutil.copytree(src / sub, root / sub, dirs_exist_ok=True)
    if (src / "quality.yaml").is_file():  # item-quality level for `kimtrain bank check`
        shutil.copy2(src / "quality.yaml", root / "quality.yaml")
    if exchange is None:
        (root / "exchange").mkdir(exist_ok=True)
        (root / "exchange").chmod(0o777)
    from kimtrain.assessment.build import written_placeholder

    config = _CONFIG.format(
        note=t("course.config_note"),
        course_id=course_id,
        db_url=repr(db_url) if db_url else '"sqlite:///" + os.path.join(_here, "gradebook.db")',
        exchange=repr(exchange) if exchange else 'os.path.join(_here, "exchange")',
        text_stub=written_placeholder(get_language()),
    )
    (root / CONFIG_FILE).write_text(config, encoding="utf-8")
    return Course(root, course_id)


def open_course(root: str | Path) -> Course:
    """The course at ``root``; a clear error if it is not one."""
    root = Path(root).resolve()
    config = root / CONFIG_FILE
    if not config.is_file():
        # never suggest making a new course here: list the courses nearby instead
        nearby = sorted(p.parent.name for p in root.glob(f"*/{CONFIG_FILE}"))
        if nearby:
            raise CourseError("results.err.not_course_nearby", path=str(root),
                              found=", ".join(nearby), first=nearby[0])
        raise CourseError("results.err.not_course", path=str(root))
    match = re.search(r"course_id\s*=\s*['\"]([^'\"]+)['\"]", config.read_text(encoding="utf-8"))
    if not match:
        raise CourseError("course.no_id", path=str(config))
    return Course(root, match.group(1))
