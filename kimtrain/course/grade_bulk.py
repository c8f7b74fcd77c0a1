"""``kimtrain grade`` without nbgrader's converter: what ``nbgrader autograde`` writes,
written in bulk.

For each participant, :func:`grade_bulk` does in memory what nbgrader's ``Autograde``
converter does on disk, with the very same preprocessor steps the course configures
(:func:`kimtrain.grading.pipeline.configure`): ``ClearOutput``, the duplicate-cell
repair, ``OverwriteKernelspec``, ``OverwriteCells`` (locked-cell checksums, tampered
hidden tests and points restored from the gradebook, deleted cells put back),
``FillWrittenAnswers``, ``CheckCellMetadata``; then the kernel-free ``Execute``,
``IgnorePattern``, ``ClearMetadataPreprocessor``, ``LimitOutput``, the size cap and
``CheckCellMetadata``. Only the steps that talk to the gradebook are done differently:

* the gradebook's source cells, grade cells and kernelspec are read once per run,
  not once per notebook and step;
* ``SaveAutoGrades`` and ``AssignLatePenalties`` compute the same values
  (``nbgrader.utils.determine_grade``, ``compute_checksum``, the course's
  ``LateSubmissionPlugin``) and the rows (student, submission, submitted notebook,
  grade, comment) are written here, many participants per transaction, with
  nbgrader's own tables (SQLAlchemy Core, so SQLite and PostgreSQL alike).

The files are those of ``nbgrader autograde``: every other file of the submission
copied, then the files of ``source/`` copied over them (``exclude_overwriting``
respected), the graded notebook written as ``nbformat.writes`` does
(:mod:`kimtrain.grading.notebook_io`), permissions as nbgrader sets them; a
submission already graded and not newer is skipped unless ``force``.

Anything this path does not know (a notebook with code that is not kimtrain's own,
an assessment with several notebooks, a preprocessor it does not know, any error
while preparing a participant) is handed back as :data:`TO_NBGRADER`, and the caller
sends that participant through nbgrader's own autograde with a kernel.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from kimtrain.course.layout import Course

__all__ = ["DONE", "SKIPPED", "TO_NBGRADER", "BulkResult", "grade_bulk"]

DONE, SKIPPED, TO_NBGRADER = "done", "skipped", "to_nbgrader"
BATCH = 250  # participants per gradebook transaction

_OWN = "kimtrain.grading.pipeline."
_KERNELFREE = "kimtrain.grading.kernelfree."
# steps that never touch the gradebook: run as configured
_PLAIN = {"nbgrader.preprocessors.ClearOutput", "nbgrader.preprocessors.DeduplicateIds",
          "nbgrader.preprocessors.IgnorePattern", "nbgrader.preprocessors.LimitOutput",
          "nbconvert.preprocessors.ClearMetadataPreprocessor",
          "kimtrain.grading.nbgrader_ext.FillWrittenAnswers",
          _OWN + "DropDuplicateCells", _OWN + "CheckCellMetadata",
          _KERNELFREE + "KernelFreeExecute", _KERNELFREE + "LimitOutputSize"}
_KERNELSPEC = "nbgrader.preprocessors.OverwriteKernelspec"
_OVERWRITE = _OWN + "OverwriteCells"
_SAVE = _OWN + "SaveAutoGrades"
_LATE = "nbgrader.preprocessors.AssignLatePenalties"


@dataclass
class BulkResult:
    """One participant: graded here (``done``), left as it was (``skipped``), or for
    nbgrader (``to_nbgrader``, with the reason)."""

    participant: str
    status: str
    timestamp: dt.datetime | None = None
    grades: dict[str, float | None] = field(default_factory=dict)
    comments: dict[str, str | None] = field(default_factory=dict)
    output_cut: int = 0
    reason: str = ""
    path: str = "steps"  # template (kimtrain.course.grade_template) | steps (nbgrader's, in memory)


class _Unsupported(Exception):
    """This run (or participant) is for nbgrader, not for the bulk path."""


# -- what is read once per run ---------------------------------------------------------------

@dataclass
class _Run:
    root: Path
    assessment: str
    notebook: str
    db_url: str
    course_id: str
    force: bool
    sanitize: list[Any]
    autograde: list[Any]
    ignore: list[str]
    exclude: list[str]
    permissions: int
    cells: _CellCache


class _CellCache:
    """The gradebook as ``OverwriteCells`` and ``add_missing_cells`` ask it, read once."""

    def __init__(self, gb: Any, notebook: str, assessment: str) -> None:
        nb = gb.find_notebook(notebook, assessment)
        self.notebook_id = nb.id
        self.kernelspec = nb.kernelspec

        def plain(cell: Any, **extra: Any) -> SimpleNamespace:
            return SimpleNamespace(id=cell.id, name=cell.name, **extra)

        self.source_cells = [plain(c, cell_type=c.cell_type, locked=c.locked,
                                   checksum=c.checksum, source=c.source)
                             for c in nb.source_cells]
        self.grade_cells = [plain(c, max_score=c.max_score, cell_type=c.cell_type)
                            for c in nb.grade_cells]
        self.solution_cells = [plain(c) for c in nb.solution_cells]
        self.task_cells = [plain(c, max_score=c.max_score, cell_type=c.cell_type)
                           for c in nb.task_cells]
        self._source = {c.name: c for c in self.source_cells}
        self._graded = {c.name: c for c in self.grade_cells}

    # the look-ups nbgrader's OverwriteCells makes
    def find_notebook(self, notebook_id: str, assignment_id: str) -> _CellCache:
        return self

    def find_source_cell(self, name: str, notebook_id: str, assignment_id: str) -> Any:
        from nbgrader.api import MissingEntry

        if name not in self._source:
            raise MissingEntry()
        return self._source[name]

    def find_graded_cell(self, name: str, notebook_id: str, assignment_id: str) -> Any:
        from nbgrader.api import MissingEntry

        if name not in self._graded:
            raise MissingEntry()
        return self._graded[name]


def _step_name(step: Any) -> str:
    if isinstance(step, str):
        return step if "." in step else f"nbgrader.preprocessors.{step}"
    return f"{step.__module__}.{step.__qualname__}"


def _instances(names: list[Any], config: Any) -> list[Any]:
    from traitlets.utils.importstring import import_item

    steps: list[Any] = []
    for entry in names:
        name = _step_name(entry)
        if name == _KERNELSPEC:
            steps.append(_KERNELSPEC)
        elif name == _OVERWRITE:
            steps.append(_overwrite_class()(config=config))
        elif name in (_SAVE, _LATE):
            steps.append(name)  # done by the writer, from the values collected
        elif name in _PLAIN:
            steps.append(import_item(name)(config=config))
        else:
            raise _Unsupported(f"preprocessor {name}")
    return steps


def _overwrite_class() -> Any:
    from kimtrain.grading.pipeline import OverwriteCells

    class CachedOverwriteCells(OverwriteCells):
        """nbgrader's ``OverwriteCells`` on the gradebook cells read once per run."""

        cache: Any = None

        def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
            info = resources["nbgrader"]
            self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
            self.gradebook = self.cache
            for index, cell in enumerate(nb.cells):
                nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
            return nb, resources

    return CachedOverwriteCells


def _prepare(course: Course, assessment: str, force: bool) -> _Run:
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    from kimtrain.course.layout import CONFIG_FILE
    from kimtrain.grading.pipeline import configure

    config = configure(PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config())
    coursedir = CourseDirectory(config=config)
    if coursedir.groupshared or coursedir.student_id_exclude:
        raise _Unsupported("groupshared course or excluded students")
    autograde = config.Autograde
    if autograde.get("create_student", True) is not True:
        raise _Unsupported("Autograde.create_student")
    with Gradebook(course.db_url, course.course_id) as gb:
        assignment = gb.find_assignment(assessment)
        names = [nb.name for nb in assignment.notebooks]
        if names != [assessment]:
            raise _Unsupported(f"notebooks {names}")
        cells = _CellCache(gb, assessment, assessment)
    sanitize = _instances(list(autograde.sanitize_preprocessors), config)
    steps = _instances(list(autograde.autograde_preprocessors), config)
    for step in sanitize + steps:
        if hasattr(step, "cache"):
            step.cache = cells
    return _Run(course.root, assessment, assessment, course.db_url, course.course_id, force,
                sanitize, steps, list(coursedir.ignore),
                list(autograde.get("exclude_overwriting", {}).get(assessment, [])),
                int(str(config.BaseConverter.get("permissions", 444)), 8), cells)


# -- one participant, in a worker ----------------------------------------------------------

_job: _Run | None = None


def _timestamp(folder: Path) -> dt.datetime | None:
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    if not path.exists():
        return None
    text = path.read_text().strip()
    if not text:
        return None
    stamp: dt.datetime = parse_utc(text)  # a bad timestamp raises: nbgrader fails on it
    return stamp


def _skip(run: _Run, src: Path, dest: Path) -> bool:
    """nbgrader's ``init_destination``: whether an earlier grading stays as it is."""
    if not dest.exists() or run.force:
        return False
    new, old = _timestamp(src), _timestamp(dest)
    return not (new is not None and old is not None and new > old)


def _copy_files(run: _Run, src: Path, dest: Path) -> None:
    """The other files, as nbgrader's ``init_assignment`` copies them."""
    from nbgrader.utils import find_all_files

    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for filename in find_all_files(str(src), [*run.ignore, "*.ipynb"]):
        target = dest / os.path.relpath(filename, src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(filename, target)
    source = run.root / "source" / run.assessment
    excluded = {os.path.join(str(source), x) for x in run.exclude}
    for filename in set(find_all_files(str(source), [*run.ignore, "*.ipynb"])) - excluded:
        target = dest / os.path.relpath(filename, source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        shutil.copy(filename, target)


def _apply(step: Any, nb: Any, resources: dict[str, Any], run: _Run) -> tuple[Any, Any]:
    if step == _KERNELSPEC:
        import json

        if run.cells.kernelspec:
            spec = json.loads(run.cells.kernelspec)
            if spec:
                nb.metadata["kernelspec"] = spec
        return nb, resources
    if isinstance(step, str):  # SaveAutoGrades, AssignLatePenalties: see _collect
        return nb, resources
    result: tuple[Any, Any] = step(nb, resources)
    return result


def _collect(nb: Any, result: BulkResult, run: _Run) -> None:
    """What ``SaveAutoGrades`` would store for this notebook."""
    import logging

    from nbgrader import utils

    log = logging.getLogger("kimtrain.course.grade_bulk")
    known = {c.name for c in run.cells.grade_cells} | {c.name for c in run.cells.task_cells}
    commented = {c.name for c in run.cells.solution_cells} | {c.name for c in run.cells.task_cells}
    for cell in nb.cells:
        grade, solution, task = utils.is_grade(cell), utils.is_solution(cell), utils.is_task(cell)
        if not (grade or solution or task):
            continue
        name = cell.metadata["nbgrader"]["grade_id"]
        if grade:
            if name not in known:
                raise _Unsupported(f"grade cell {name} not in the gradebook")
            result.grades[name] = utils.determine_grade(cell, log)[0]
        if solution or task:
            if name not in commented:
                raise _Unsupported(f"cell {name} not in the gradebook")
            unchanged = cell.metadata.nbgrader.get("checksum", None) == utils.compute_checksum(cell)
            result.comments[name] = "No response." if unchanged and not task else None


def _grade_one(run: _Run, participant: str) -> BulkResult:
    from kimtrain.grading.kernelfree import plan_notebook
    from kimtrain.grading.notebook_io import notebook_text, read_notebook

    src = run.root / "submitted" / participant / run.assessment
    dest = run.root / "autograded" / participant / run.assessment
    if _skip(run, src, dest):
        return BulkResult(participant, SKIPPED)
    result = BulkResult(participant, DONE, timestamp=_timestamp(src))
    name = f"{run.notebook}.ipynb"
    nb = read_notebook((src / name).read_text(encoding="utf-8"))
    info = {"student": participant, "assignment": run.assessment, "notebook": run.notebook,
            "db_url": run.db_url}
    resources: dict[str, Any] = {"unique_key": run.notebook,
                                 "output_files_dir": f"{run.notebook}_files",
                                 "nbgrader": info, "metadata": {"path": str(src)}}
    for step in run.sanitize:
        nb, resources = _apply(step, nb, resources, run)
    if plan_notebook(nb) is None:
        return BulkResult(participant, TO_NBGRADER, reason="code")
    _copy_files(run, src, dest)
    try:
        resources = {"unique_key": run.notebook, "output_files_dir": f"{run.notebook}_files",
                     "nbgrader": info, "metadata": {"path": str(dest)}}
        before = os.environ.get("NBGRADER_EXECUTION")
        os.environ["NBGRADER_EXECUTION"] = "autograde"
        try:
            for step in run.autograde:
                nb, resources = _apply(step, nb, resources, run)
        finally:
            if before is None:
                os.environ.pop("NBGRADER_EXECUTION", None)
            else:
                os.environ["NBGRADER_EXECUTION"] = before
        _collect(nb, result, run)
        (dest / name).write_text(notebook_text(nb), encoding="utf-8")
        for dirname, _, filenames in os.walk(dest):
            for filename in filenames:
                os.chmod(os.path.join(dirname, filename), run.permissions)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)  # as nbgrader's _handle_failure
        raise
    result.output_cut = int(nb.metadata.get("kimtrain", {}).get("output_cut", 0) or 0)
    return result


def _safe(participant: str) -> BulkResult:
    assert _job is not None
    try:
        return _grade_one(_job, participant)
    except Exception as exc:  # nbgrader grades it (or reports why it cannot)
        return BulkResult(participant, TO_NBGRADER, reason=f"{type(exc).__name__}: {exc}"[:200])


# -- the whole run ---------------------------------------------------------------------------

_template: Any = None


def _tier1(participant: str) -> tuple[str, Any, int, str]:
    from kimtrain.course.grade_template import grade_one

    try:
        status, graded, cut = grade_one(_template, participant)
        return status, graded, cut, participant
    except Exception:  # graded the other way, which reports any real problem
        return "other", None, 0, participant


def _pooled(function: Any, items: list[str], jobs: int) -> Iterator[Any]:
    if jobs > 1 and len(items) > 8:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(items))) as pool:
            yield from pool.imap_unordered(function, items, chunksize=8)
    else:
        yield from map(function, items)


def _late_plugin(course: Course) -> Any:
    """The course's late-penalty plugin, as ``AssignLatePenalties`` builds it."""
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets.config.loader import PyFileConfigLoader

    from kimtrain.course.layout import CONFIG_FILE

    config = PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config()
    late = AssignLatePenalties(config=config)
    late.init_plugin()
    return late.plugin_inst.late_submission_penalty


def grade_bulk(course: Course, assessment: str, participants: list[str], *, force: bool,
               jobs: int = 1) -> Iterator[BulkResult]:
    """Grade ``participants`` (already screened) as nbgrader's autograde would; yield
    each one's result once its rows are committed. Hand-ins that are the released
    notebook byte for byte take :mod:`kimtrain.course.grade_template` (no nbgrader in the
    process); the others nbgrader's own steps in memory; whatever neither can do is
    returned as :data:`TO_NBGRADER`."""
    global _job, _template
    from sqlalchemy import create_engine

    from kimtrain.course.grade_template import NoTemplate, penalty, prepare
    from kimtrain.grading.rows import GradebookCells, Graded, RowWriter

    if not participants:
        return
    engine = create_engine(course.db_url)
    try:
        cells = GradebookCells.read(engine, assessment, assessment)
    except LookupError as exc:  # several notebooks, or no such assignment: nbgrader's way
        for participant in participants:
            yield BulkResult(participant, TO_NBGRADER, reason=str(exc)[:200])
        return
    finally:
        engine.dispose()
    try:
        _template = prepare(course, assessment, force, cells)
        late = penalty(_template)
    except NoTemplate:
        _template, late = None, None
    writer = RowWriter(course.db_url, cells, late)
    batch: list[tuple[Graded, BulkResult]] = []

    def flush() -> Iterator[BulkResult]:
        writer.write([g for g, _ in batch])
        done = [r for _, r in batch]
        batch.clear()
        yield from done

    others: list[str] = []
    try:
        if _template is not None:
            for status, graded, cut, participant in _pooled(_tier1, participants, jobs):
                if status == "done":
                    batch.append((graded, BulkResult(participant, DONE, output_cut=cut,
                                                     path="template")))
                    if len(batch) >= BATCH:
                        yield from flush()
                elif status == "skipped":
                    yield BulkResult(participant, SKIPPED)
                else:
                    others.append(participant)
            yield from flush()
        else:
            others = list(participants)
        if not others:
            return
        try:
            _job = _prepare(course, assessment, force)
        except _Unsupported as exc:
            for participant in others:
                yield BulkResult(participant, TO_NBGRADER, reason=str(exc))
            return
        if late is None:
            writer.penalty = _late_plugin(course)
        for result in _pooled(_safe, others, jobs):
            if result.status == DONE:
                graded = Graded(result.participant, result.timestamp, result.grades,
                                result.comments)
                batch.append((graded, result))
                if len(batch) >= BATCH:
                    yield from flush()
            else:
                yield result
        yield from flush()
    finally:
        writer.close()
        _job = _template = None
