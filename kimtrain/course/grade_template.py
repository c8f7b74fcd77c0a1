"""The common case of ``kimtrain grade``, without nbgrader or nbformat in the process.

Most hand-ins are the released notebook itself, byte for byte: the participant's
answers are in the answer sheet beside it. For such a notebook every step of
nbgrader's sanitize phase gives the same result for every participant, so it is done
once per run on the released notebook (:func:`prepare`), with the same rules
nbgrader applies (:mod:`kimtrain.grading.nbgrader_rules`):

* ``ClearOutput``: the release has no outputs (checked; otherwise no template);
* ``DeduplicateIds`` / kimtrain's repair: no grade id twice, none missing (checked);
* ``OverwriteKernelspec``: the gradebook's kernelspec;
* ``OverwriteCells``: each nbgrader cell's type, lock and points must match the
  gradebook (checked), its checksum is the gradebook's, and a locked cell whose
  checksum differs (every grade cell, whose hidden test the release lacks) gets the
  gradebook's source back;
* ``CheckCellMetadata``: the release's metadata is nbgrader's own (schema 3, checked).

Per participant (:func:`grade_one`) only what differs is done: the written answers
(:mod:`kimtrain.grading.written`), the kernel-free run of kimtrain's cells
(:mod:`kimtrain.grading.runner`), the size cap, and the values ``SaveAutoGrades``
stores. ``IgnorePattern`` and ``LimitOutput`` only touch stream outputs and long
tracebacks, which the kernel-free run never makes. Any hand-in that is not the
release byte for byte, and any course whose nbgrader configuration differs from the
one kimtrain writes, is left to :mod:`kimtrain.course.grade_bulk` (nbgrader's own
steps, in memory) or to nbgrader itself.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.grading import nbgrader_rules as rules
from kimtrain.grading.rows import GradebookCells, Graded

__all__ = ["Template", "grade_one", "prepare"]

_NBGRADER_SANITIZE = ["ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells",
                      "CheckCellMetadata"]
_KIMTRAIN_SANITIZE = [f"nbgrader.preprocessors.{n}" for n in _NBGRADER_SANITIZE]
_KIMTRAIN_SANITIZE.insert(4, "kimtrain.grading.nbgrader_ext.FillWrittenAnswers")
_DEFAULT_IGNORE = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
# configuration the template path reproduces; anything else set goes the nbgrader way
_KNOWN = {
    "CourseDirectory": {"course_id", "root", "db_url", "ignore"},
    "Exchange": None, "ExchangeCollect": None, "ExchangeFetch": None, "ExchangeSubmit": None,
    "ExchangeRelease": None, "ExchangeReleaseFeedback": None, "ExchangeFetchFeedback": None,
    "Execute": None, "ExecutePreprocessor": None, "ClearSolutions": None,
    "HTMLExporter": None, "GenerateFeedback": None, "GenerateAssignment": None,
    "FormgradeExtension": None, "NbGrader": None, "NbGraderAPI": None,
    "OverwriteCells": {"add_missing_cells"}, "LateSubmissionPlugin": {"penalty_method"},
    "Autograde": {"sanitize_preprocessors", "exclude_overwriting"},
    "LimitOutputSize": {"max_chars"},
}


class NoTemplate(Exception):
    """This course or this release is graded the nbgrader way."""


@dataclass
class Template:
    root: Path
    assessment: str
    force: bool
    release: bytes
    top: dict[str, Any]  # the notebook's other keys (nbformat, nbformat_minor, metadata)
    cells: list[dict[str, Any]]
    plan: list[Any]
    ignore: list[str]
    exclude: list[str]
    max_chars: int
    penalty_method: str
    gradebook: GradebookCells


def _config(course: Course) -> dict[str, Any]:
    from traitlets.config.loader import PyFileConfigLoader

    from kimtrain.course.layout import CONFIG_FILE

    config = PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config()
    for section, value in config.items():
        allowed = _KNOWN.get(section, set())
        if allowed is None:
            continue  # steps autograde does not run
        if not isinstance(value, dict) or set(value) - allowed:
            raise NoTemplate(f"configuration {section}")
    autograde = config.Autograde
    sanitize = list(autograde.get("sanitize_preprocessors", _NBGRADER_SANITIZE))
    if sanitize not in (_NBGRADER_SANITIZE, _KIMTRAIN_SANITIZE):
        raise NoTemplate("sanitize steps")
    method = config.LateSubmissionPlugin.get("penalty_method", "none")
    if method not in ("none", "zero"):
        raise NoTemplate("late penalty")
    return {"ignore": list(config.CourseDirectory.get("ignore", _DEFAULT_IGNORE)),
            "exclude": dict(autograde.get("exclude_overwriting", {})),
            "max_chars": int(config.LimitOutputSize.get("max_chars", 100_000)),
            "penalty": method}


def _rejoin(cell: dict[str, Any]) -> dict[str, Any]:
    cell = dict(cell)
    if isinstance(cell.get("source"), list):
        cell["source"] = "".join(cell["source"])
    cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k != "trusted"}
    return cell


def _sanitized(cells: list[dict[str, Any]], gb: GradebookCells) -> list[dict[str, Any]]:
    """The released cells after nbgrader's sanitize steps (see the module docstring)."""
    seen: set[str] = set()
    out = []
    for cell in cells:
        if cell.get("attachments") or cell["cell_type"] not in ("code", "markdown", "raw"):
            raise NoTemplate("cell kind")
        if cell["cell_type"] == "code":
            meta = cell["metadata"]
            if cell.get("outputs") or cell.get("execution_count") is not None \
                    or "collapsed" in meta or "scrolled" in meta:
                raise NoTemplate("outputs in the release")
        nbmeta = cell["metadata"].get("nbgrader")
        if nbmeta is None:
            out.append(cell)
            continue
        if not isinstance(nbmeta, dict) or nbmeta.get("schema_version") != 3:
            raise NoTemplate("nbgrader metadata")
        grade_id: str | None = nbmeta.get("grade_id")
        if rules.is_grade(cell) or rules.is_solution(cell) or rules.is_locked(cell):
            if grade_id is None or grade_id in seen:
                raise NoTemplate("duplicate cell, or one without a grade id")
            seen.add(grade_id)
        if grade_id is None:
            out.append(cell)
            continue
        source = gb.source.get(grade_id)
        if source is None or source["cell_type"] != cell["cell_type"] \
                or rules.is_locked(cell) != source["locked"]:
            raise NoTemplate(f"cell {grade_id}")
        if rules.is_grade(cell):
            points = {name: p for _, name, p in gb.grade}
            if float(nbmeta["points"]) != float(points.get(grade_id, -1)):
                raise NoTemplate(f"points of {grade_id}")
        cell = dict(cell)
        cell["metadata"] = dict(cell["metadata"])
        cell["metadata"]["nbgrader"] = dict(nbmeta, checksum=source["checksum"])
        if source["locked"] and rules.compute_checksum(cell) != source["checksum"]:
            cell["source"] = source["source"]
            if rules.compute_checksum(cell) != source["checksum"]:
                raise NoTemplate(f"checksum of {grade_id}")
        out.append(cell)
    wanted = {name for _, name, _ in gb.grade} | {name for _, name, _ in gb.task}
    if wanted - seen:
        raise NoTemplate("cells missing from the release")
    return out


def prepare(course: Course, assessment: str, force: bool, gb: GradebookCells) -> Template:
    """The run's template, or :class:`NoTemplate` when this path does not apply."""
    from kimtrain.grading.runner import plan_notebook

    settings = _config(course)
    release = (course.release_dir(assessment) / f"{assessment}.ipynb").read_bytes()
    data = json.loads(release)
    if data.get("nbformat") != 4 or data.get("nbformat_minor") != 5:
        raise NoTemplate("nbformat")
    top = {k: v for k, v in data.items() if k != "cells"}
    top["metadata"] = {k: v for k, v in data.get("metadata", {}).items()
                       if k not in ("orig_nbformat", "orig_nbformat_minor", "signature")}
    if gb.kernelspec:
        spec = json.loads(gb.kernelspec)
        if spec:
            top["metadata"]["kernelspec"] = spec
    cells = _sanitized([_rejoin(c) for c in data["cells"]], gb)
    plan = plan_notebook({"cells": cells})
    if plan is None:
        raise NoTemplate("code of its own in the release")
    exclude = list(settings["exclude"].get(assessment, []))
    return Template(course.root, assessment, force, release, top, cells, plan,
                    settings["ignore"], exclude, settings["max_chars"], settings["penalty"], gb)


def penalty(template: Template) -> Any:
    """nbgrader's ``LateSubmissionPlugin``: none, or the whole score."""
    def late(student: str, score: float, seconds: float) -> float | None:
        return score if template.penalty_method == "zero" else None
    return late


# -- one participant ------------------------------------------------------------------------

def _timestamp(folder: Path) -> Any:
    path = folder / "timestamp.txt"
    if not path.exists():
        return None
    text = path.read_text().strip()
    return rules.parse_utc(text) if text else None


def skip(template: Template, src: Path, dest: Path) -> bool:
    """nbgrader's ``init_destination``: whether an earlier grading stays as it is."""
    if not dest.exists() or template.force:
        return False
    new, old = _timestamp(src), _timestamp(dest)
    return not (new is not None and old is not None and new > old)


def copy_files(root: Path, assessment: str, ignore: list[str], exclude: list[str],
               src: Path, dest: Path) -> None:
    """nbgrader's ``init_assignment``: the hand-in's other files, then ``source/``'s."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for filename in rules.find_all_files(str(src), [*ignore, "*.ipynb"]):
        target = dest / os.path.relpath(filename, src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(filename, target)
    source = root / "source" / assessment
    excluded = {os.path.join(str(source), x) for x in exclude}
    for filename in set(rules.find_all_files(str(source), [*ignore, "*.ipynb"])) - excluded:
        target = dest / os.path.relpath(filename, source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        shutil.copy(filename, target)


def grade_one(template: Template, participant: str) -> tuple[str, Graded | None, int]:
    """``("done", rows, output cut)``, ``("skipped", None, 0)`` or ``("other", None, 0)``
    (not the release byte for byte: graded another way)."""
    from kimtrain.grading.notebook_io import notebook_text
    from kimtrain.grading.runner import MODE_KERNELFREE, language_info, limit_output, run_cells
    from kimtrain.grading.written import written_answers

    t = template
    src = t.root / "submitted" / participant / t.assessment
    dest = t.root / "autograded" / participant / t.assessment
    name = f"{t.assessment}.ipynb"
    if skip(t, src, dest):
        return "skipped", None, 0
    try:
        if (src / name).read_bytes() != t.release:
            return "other", None, 0
    except OSError:
        return "other", None, 0
    graded = Graded(participant, _timestamp(src))
    cells = list(t.cells)
    for index, text in written_answers(cells, src, t.assessment, participant):
        cells[index] = dict(cells[index], source=text)
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            cells[index] = dict(cell)
    copy_files(t.root, t.assessment, t.ignore, t.exclude, src, dest)
    try:
        before = os.environ.get("NBGRADER_EXECUTION")
        os.environ["NBGRADER_EXECUTION"] = "autograde"
        try:
            run_cells(cells, t.plan, dest.resolve())
        finally:
            if before is None:
                os.environ.pop("NBGRADER_EXECUTION", None)
            else:
                os.environ["NBGRADER_EXECUTION"] = before
        metadata = dict(t.top["metadata"])
        metadata["kimtrain"] = dict(metadata.get("kimtrain", {}), grading=MODE_KERNELFREE)
        metadata["language_info"] = language_info()
        total_cut = 0
        if t.max_chars >= 0:
            for index, cell in enumerate(cells):
                if cell["cell_type"] != "code":
                    continue
                cut = sum(limit_output(o, t.max_chars) for o in cell["outputs"])
                if cut:
                    cells[index] = dict(cell, metadata=dict(
                        cell["metadata"], kimtrain=dict(cell["metadata"].get("kimtrain", {}),
                                                        output_cut=cut)))
                    total_cut += cut
        if total_cut:
            metadata["kimtrain"]["output_cut"] = total_cut
        for cell in cells:
            grade, solution, task = (rules.is_grade(cell), rules.is_solution(cell),
                                     rules.is_task(cell))
            grade_id = cell["metadata"]["nbgrader"]["grade_id"] if (grade or solution or task) \
                else ""
            if grade:
                graded.grades[grade_id] = rules.determine_grade(cell)
            if solution or task:
                unchanged = cell["metadata"]["nbgrader"].get("checksum") == \
                    rules.compute_checksum(cell)
                graded.comments[grade_id] = "No response." if unchanged and not task else None
        nb = dict(t.top, metadata=metadata, cells=cells)
        (dest / name).write_text(notebook_text(nb), encoding="utf-8")
        for dirname, _, filenames in os.walk(dest):
            for filename in filenames:
                os.chmod(os.path.join(dirname, filename), 0o444)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    return "done", graded, total_cut
