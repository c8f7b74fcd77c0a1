"""Grading kimtrain notebooks without a kernel, inside nbgrader's own autograde pipeline.

``kimtrain grade`` configures :class:`KernelFreeExecute` in place of nbgrader's
``Execute`` preprocessor. For a notebook whose code cells are all kimtrain's own
(the ``Assessment`` set-up, ``ujian.soal(...)``, ``ujian.periksa()``,
``ujian.kirim()`` and hidden tests calling ``grade_item({...})``), it computes each
cell's outputs in this process: the hidden test's spec is read with
:func:`ast.literal_eval` and scored by the same function the hidden test calls, so
the outputs are the ones ``grade_item`` would produce in a kernel (the
``application/vnd.kimtrain.result+json`` display and the points as
``execute_result``). nbgrader's next steps (``LimitOutput``, ``SaveAutoGrades``, …)
then run unchanged and write the gradebook. Any other code cell — a code answer, a
cell the participant added, a cell that does not parse — sends the whole notebook
through the real ``Execute``, with its timeout.

:class:`LimitOutputSize` caps outputs by size (nbgrader's ``LimitOutput`` counts
lines only, so one 30 MB line passes it) and notes what it cut.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbformat import NotebookNode, from_dict
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Integer

from kimtrain.grading.runner import (
    MODE_KERNEL,
    MODE_KERNELFREE,
    language_info,
    limit_output,
    plan_notebook,
    run_cells,
)

__all__ = ["MODE_KERNEL", "MODE_KERNELFREE", "KernelFreeExecute", "LimitOutputSize",
           "plan_notebook"]

class KernelFreeExecute(Execute):
    """nbgrader's ``Execute``, except that kimtrain notebooks are graded without a kernel."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        plan = plan_notebook(nb)
        info = nb.metadata.setdefault("kimtrain", {})
        if plan is None:
            info["grading"] = MODE_KERNEL
            done: tuple[NotebookNode, dict[str, Any]] = super().preprocess(nb, resources)
            return done
        info["grading"] = MODE_KERNELFREE
        # what nbclient copies from the kernel's kernel_info reply (ipykernel's
        # language_info for this interpreter), so the graded notebook is the same file
        nb.metadata["language_info"] = language_info()
        folder = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        run_cells(nb.cells, plan, folder, wrap=from_dict)
        return nb, resources


class LimitOutputSize(NbGraderPreprocessor):
    """Cut any output larger than ``max_chars`` characters (text or one mime bundle)."""

    max_chars = Integer(100_000, help="largest output kept, in characters (-1: no limit)"
                        ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any], index: int
                        ) -> tuple[NotebookNode, dict[str, Any]]:
        if self.max_chars < 0 or cell.cell_type != "code":
            return cell, resources
        cut = 0
        for output in cell.get("outputs", []):
            cut += limit_output(output, self.max_chars)
        if cut:
            note = resources.setdefault("kimtrain", {})
            note["output_cut"] = note.get("output_cut", 0) + cut
            cell.metadata.setdefault("kimtrain", {})["output_cut"] = cut
        return cell, resources

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]
                   ) -> tuple[NotebookNode, dict[str, Any]]:
        nb, resources = super().preprocess(nb, resources)
        cut = resources.get("kimtrain", {}).get("output_cut", 0)
        if cut:
            nb.metadata.setdefault("kimtrain", {})["output_cut"] = cut
        return nb, resources


