"""``kimtrain grade``'s nbgrader pipeline: nbgrader's own autograde, reconfigured.

:func:`configure` returns a copy of a course's nbgrader configuration in which

* ``Execute`` is replaced by :class:`~kimtrain.grading.kernelfree.KernelFreeExecute`
  (kimtrain notebooks graded without a kernel, any other still executed) and
  :class:`~kimtrain.grading.kernelfree.LimitOutputSize` follows ``LimitOutput``;
* :class:`DropDuplicateCells` runs before ``DeduplicateIds`` in the sanitize phase, so
  a copy-pasted cell no longer wipes the original's metadata and fails the notebook
  (jupyter/nbgrader#1083): later copies of a grade id are dropped, the first kept;
* ``OverwriteCells``, ``CheckCellMetadata`` and ``SaveAutoGrades`` are replaced by
  subclasses that do the same checks and writes with less overhead: the source cells
  read in two queries per notebook instead of two per cell, the metadata schema
  compiled once, the grades and comments read in one query and committed once per
  notebook instead of once per cell;
* the exporter validates the notebook once after all steps rather than after each.

``nbgrader autograde`` run by hand keeps the course's own configuration.
"""

from __future__ import annotations

import copy
import traceback
import uuid
from typing import Any, ClassVar

from nbformat import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import (
    BaseMetadataValidator,
    SchemaTooNewError,
    SchemaTooOldError,
)
from nbgrader.preprocessors import CheckCellMetadata as NbGraderCheckCellMetadata
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.preprocessors import OverwriteCells as NbGraderOverwriteCells
from nbgrader.preprocessors import SaveAutoGrades as NbGraderSaveAutoGrades

__all__ = ["CheckCellMetadata", "DropDuplicateCells", "OverwriteCells", "SaveAutoGrades",
           "configure"]

_HERE = "kimtrain.grading.pipeline"
_KERNELFREE = "kimtrain.grading.kernelfree"
# nbgrader 0.9's defaults, used when the course configuration does not set the lists
_SANITIZE = ["ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells",
             "CheckCellMetadata"]
_AUTOGRADE = ["Execute", "IgnorePattern", "ClearMetadataPreprocessor", "LimitOutput",
              "SaveAutoGrades", "AssignLatePenalties", "CheckCellMetadata"]


def _name(entry: Any) -> str:
    if isinstance(entry, str):
        return entry if "." in entry else f"nbgrader.preprocessors.{entry}"
    return f"{entry.__module__}.{entry.__qualname__}"


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def configure(config: Any) -> Any:
    """A copy of ``config`` (a traitlets ``Config``) set up for ``kimtrain grade``."""
    config = copy.deepcopy(config)
    autograde = config.Autograde
    sanitize = [_name(e) for e in (autograde.get("sanitize_preprocessors") or _SANITIZE)]
    steps = [_name(e) for e in (autograde.get("autograde_preprocessors") or _AUTOGRADE)]
    if "ClearMetadataPreprocessor" in [_short(s) for s in steps]:
        steps = [s if _short(s) != "ClearMetadataPreprocessor"
                 else "nbconvert.preprocessors.ClearMetadataPreprocessor" for s in steps]
    new_sanitize: list[str] = []
    for step in sanitize:
        if _short(step) == "DeduplicateIds":
            new_sanitize.append(f"{_HERE}.DropDuplicateCells")
        new_sanitize.append(f"{_HERE}.{_short(step)}"
                            if _short(step) in ("CheckCellMetadata", "OverwriteCells") else step)
    replace = {"Execute": f"{_KERNELFREE}.KernelFreeExecute",
               "OverwriteCells": f"{_HERE}.OverwriteCells",
               "SaveAutoGrades": f"{_HERE}.SaveAutoGrades",
               "CheckCellMetadata": f"{_HERE}.CheckCellMetadata"}
    new_steps: list[str] = []
    for step in steps:
        new_steps.append(replace.get(_short(step), step))
        if _short(step) == "LimitOutput":
            new_steps.append(f"{_KERNELFREE}.LimitOutputSize")
    autograde.sanitize_preprocessors = new_sanitize
    autograde.autograde_preprocessors = new_steps
    config.Exporter.optimistic_validation = True
    return config


def _grade_id(cell: Any) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if isinstance(meta, dict) and (meta.get("grade") or meta.get("solution")
                                   or meta.get("locked")):
        return meta.get("grade_id") or None
    return None


class DropDuplicateCells(NbGraderPreprocessor):
    """Repair a participant's notebook before nbgrader's own checks: keep the first cell
    of each grade id and drop later copies, and put back cells that were deleted
    (copied from ``source/``; ``OverwriteCells`` then restores them from the gradebook).

    nbgrader 0.9.6's ``OverwriteCells.add_missing_cells`` cannot put a grade cell back
    after a locked cell (a ``KeyError``), which is every kimtrain grade cell."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        seen: set[str] = set()
        kept = []
        for cell in nb.cells:
            grade_id = _grade_id(cell)
            if grade_id:
                if grade_id in seen:
                    self.log.warning("kimtrain: dropped a copy of cell %s", grade_id)
                    continue
                seen.add(grade_id)
            kept.append(cell)
        nb.cells = kept
        self._restore(nb, resources, seen)
        return nb, resources

    def _restore(self, nb: NotebookNode, resources: dict[str, Any], present: set[str]) -> None:
        import os

        import nbformat

        info = resources.get("nbgrader", {})
        root = self.config.CourseDirectory.get("root") or os.getcwd()
        path = os.path.join(str(root), "source", info.get("assignment", ""),
                            f"{info.get('notebook', '')}.ipynb")
        if not os.path.isfile(path):
            return
        source = nbformat.read(path, as_version=4)
        previous: str | None = None
        for cell in source.cells:
            grade_id = _grade_id(cell)
            if not grade_id:
                continue
            if grade_id not in present:
                index = 0
                if previous is not None:
                    index = next(i for i, c in enumerate(nb.cells)
                                 if _grade_id(c) == previous) + 1
                restored = copy.deepcopy(cell)
                restored["id"] = uuid.uuid4().hex[:8]
                # as generate_assignment's ComputeChecksums leaves it in every released cell
                restored.metadata.nbgrader.setdefault("cell_type", restored.cell_type)
                nb.cells.insert(index, restored)
                present.add(grade_id)
                self.log.warning("kimtrain: restored deleted cell %s", grade_id)
            previous = grade_id


# -- the same checks and saves as nbgrader's, with less overhead per cell -------------------

class _CompiledSchema(BaseMetadataValidator):
    """nbgrader's base check with the JSON schema compiled once, not re-checked per cell."""

    _compiled: ClassVar[dict[int, Any]] = {}

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {version} "
                                    f"(expected {self.schema_version})",
                                    version, self.schema_version)
        if version > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {version} "
                                    f"(expected {self.schema_version})",
                                    version, self.schema_version)
        validator = self._compiled.get(self.schema_version)
        if validator is None:
            import jsonschema

            validator = jsonschema.validators.validator_for(self.schema)(self.schema)
            self._compiled[self.schema_version] = validator
        validator.validate(cell.metadata["nbgrader"])


class _FastValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's current metadata validator; its ``super()`` call lands on the compiled
    schema check above instead of ``jsonschema.validate``."""


class CheckCellMetadata(NbGraderCheckCellMetadata):
    """nbgrader's ``CheckCellMetadata`` with the schema compiled once per process."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        try:
            _FastValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources


class _CachedCells:
    """The gradebook, with a notebook's source and grade cells read once, answering
    the two look-ups ``OverwriteCells`` makes for every cell."""

    def __init__(self, gradebook: Any, notebook_id: str, assignment_id: str) -> None:
        self._gradebook = gradebook
        notebook = gradebook.find_notebook(notebook_id, assignment_id)
        self._source = {cell.name: cell for cell in notebook.source_cells}
        self._graded = {cell.name: cell for cell in notebook.grade_cells}

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

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gradebook, name)

    def __enter__(self) -> _CachedCells:
        self._gradebook.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._gradebook.__exit__(*exc)


class OverwriteCells(NbGraderOverwriteCells):
    """nbgrader's ``OverwriteCells`` (same checks, same restores, same warnings) reading
    the notebook's source cells in two queries instead of two per cell."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.db_url = info["db_url"]
        self.gradebook = _CachedCells(Gradebook(self.db_url), self.notebook_id,
                                      self.assignment_id)
        with self.gradebook:
            for index, cell in enumerate(nb.cells):
                nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class SaveAutoGrades(NbGraderSaveAutoGrades):
    """nbgrader's ``SaveAutoGrades``: the submission's grades and comments read in one
    query each and committed once per notebook, instead of a query and a commit per
    cell."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        from nbgrader.api import Comment, Grade, Gradebook

        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id = info["student"]
        self.gradebook = Gradebook(info["db_url"])
        with self.gradebook:
            submitted = self.gradebook.find_submission_notebook(
                self.notebook_id, self.assignment_id, self.student_id)
            self._grades = self._by_cell_name(Grade, submitted.id)
            self._comments = self._by_cell_name(Comment, submitted.id)
            for index, cell in enumerate(nb.cells):
                nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
            self.gradebook.db.commit()
        return nb, resources

    def _by_cell_name(self, table: Any, submitted_id: str) -> dict[str, Any]:
        """``{cell name: row}`` for one submitted notebook, in one joined query (the rows'
        own ``name`` is an association proxy that would load each cell separately)."""
        from nbgrader.api import BaseCell

        query = (self.gradebook.db.query(BaseCell.name, table)
                 .join(table, table.cell_id == BaseCell.id)
                 .filter(table.notebook_id == submitted_id))
        return dict(query.all())

    def _lookup(self, table: dict[str, Any], find: Any, cell: NotebookNode) -> Any:
        name = cell.metadata["nbgrader"]["grade_id"]
        if name in table:
            return table[name]
        return find(name, self.notebook_id, self.assignment_id, self.student_id)

    def _add_score(self, cell: NotebookNode, resources: dict[str, Any]) -> None:
        from nbgrader import utils

        grade = self._lookup(self._grades, self.gradebook.find_grade, cell)
        grade.auto_score, _ = utils.determine_grade(cell, self.log)
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None

    def _add_comment(self, cell: NotebookNode, resources: dict[str, Any]) -> None:
        from nbgrader import utils

        comment = self._lookup(self._comments, self.gradebook.find_comment, cell)
        unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
        comment.auto_comment = ("No response." if unchanged and not utils.is_task(cell)
                                else None)
