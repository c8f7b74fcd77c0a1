"""kimtrain's own code cells, run without a kernel, on plain notebook dicts.

:func:`plan_notebook` reads each code cell with :mod:`ast` and says whether every
statement is one of kimtrain's (the ``Assessment`` set-up, ``ujian.soal(...)``,
``ujian.mulai()``, ``ujian.periksa()``, ``ujian.kirim()``, hidden tests calling
``grade_item({...})`` with a literal spec); :class:`Runner` computes the outputs a
kernel would show for them. No nbformat and no nbgrader here: both the kernel-free
``Execute`` inside nbgrader's pipeline (:mod:`kimtrain.grading.kernelfree`) and the
bulk grader (:mod:`kimtrain.course.grade_template`) use it.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kimtrain.errors import KimtrainError
from kimtrain.grading.cell import grading_participant, result_bundle, score_from_sheet

__all__ = ["MODE_KERNEL", "MODE_KERNELFREE", "Runner", "language_info", "limit_output",
           "plan_notebook", "run_cells"]

MODE_KERNELFREE, MODE_KERNEL = "kernelfree", "kernel"
_SPEC_KEYS = {"assessment", "id", "type", "points"}

Step = tuple[str, Any]  # ("assessment", name) | ("mulai"|"periksa"|"kirim", None)
#                          | ("soal", item id) | ("grade", spec)


def _call(node: ast.AST) -> tuple[str, str, list[ast.expr]] | None:
    """``name.method(args)`` or ``function(args)`` as (receiver, name, args)."""
    if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
        return None
    call = node.value
    if call.keywords:
        return None
    if isinstance(call.func, ast.Name):
        return "", call.func.id, call.args
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        return call.func.value.id, call.func.attr, call.args
    return None


def _string(args: list[ast.expr]) -> str | None:
    if len(args) == 1 and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        return args[0].value
    return None


def _plan_statement(node: ast.stmt, session: list[str]) -> Step | None:
    """One statement of a kimtrain cell, or ``None`` if it is anything else."""
    if isinstance(node, ast.ImportFrom) and node.level == 0:
        imported = [(a.name, a.asname) for a in node.names]
        if (node.module, imported) in (("kimtrain.widgets", [("Assessment", None)]),
                                       ("kimtrain.grading.cell", [("grade_item", None)])):
            return ("import", None)
        return None
    if (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name) and node.value.func.id == "Assessment"
            and not node.value.keywords):
        name = _string(node.value.args)
        if name is None:
            return None
        session[:] = [node.targets[0].id]
        return ("assessment", name)
    found = _call(node)
    if found is None:
        return None
    receiver, method, args = found
    if receiver == "" and method == "grade_item" and len(args) == 1:
        try:
            spec = ast.literal_eval(args[0])
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
        if isinstance(spec, dict) and set(spec) >= _SPEC_KEYS:
            return ("grade", spec)
        return None
    if not session or receiver != session[0]:
        return None
    if method in ("mulai", "periksa", "kirim") and not args:
        return (method, None)
    if method == "soal" and _string(args) is not None:
        return ("soal", _string(args))
    return None


def plan_notebook(nb: Any) -> list[list[Step]] | None:
    """The kimtrain steps of each code cell (in order), or ``None`` when some code
    cell is not kimtrain's own and the notebook needs a real kernel."""
    plan: list[list[Step]] = []
    session: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or not cell["source"].strip():
            continue
        try:
            tree = ast.parse(cell["source"])
        except (SyntaxError, ValueError):
            return None
        steps = []
        for node in tree.body:
            step = _plan_statement(node, session)
            if step is None:
                return None
            steps.append(step)
        plan.append(steps)
    return plan


# Outputs are built as plain nodes: nbformat's new_output() validates each one against
# the schema with jsonschema, which was a fifth of the grading time. The notebook as a
# whole is still validated when nbgrader writes it.
def _output(output_type: str, **fields: Any) -> dict[str, Any]:
    return dict(output_type=output_type, **fields)


def _error(exc: BaseException) -> dict[str, Any]:
    name = type(exc).__name__
    return _output("error", ename=name, evalue=str(exc), traceback=[f"{name}: {exc}"])


def _html(markup: str) -> dict[str, Any]:
    return _output("display_data", metadata=dict(),
                   data=dict({"text/html": markup, "text/plain": "<kimtrain: HTML>"}))


class _ReadOnce:
    """A FileAnswerStore that reads each sheet once: one notebook's grading asks for the
    same sheet for every item."""

    def __init__(self, folder: Path) -> None:
        from kimtrain.answers.store import FileAnswerStore

        self._store = FileAnswerStore(folder)
        self._sheets: dict[tuple[str, str], Any] = {}

    def load(self, assessment: str, participant: str) -> Any:
        key = (assessment, participant)
        if key not in self._sheets:
            self._sheets[key] = self._store.load(assessment, participant)
        return self._sheets[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class Runner:
    """Computes the outputs of one notebook's kimtrain cells, as a kernel would."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.participant = grading_participant(folder)
        self.store = _ReadOnce(folder)
        self.session: Any = None
        self.session_error: BaseException | None = None

    def run(self, step: Step) -> list[dict[str, Any]]:
        kind, arg = step
        if kind == "import":
            return []
        if kind == "assessment":
            from kimtrain.widgets.session import Assessment

            try:
                self.session = Assessment(arg, self.folder, store=self.store)
                self.session_error = None
            except (KimtrainError, OSError) as exc:
                self.session, self.session_error = None, exc
                return [_error(exc)]
            return []
        if kind == "grade":
            return self._grade(arg)
        if self.session is None:
            return [_error(NameError(f"name 'ujian' is not defined ({self.session_error})"))]
        if kind == "mulai":
            return [_html(self.session.title_html())]
        if kind == "soal":
            try:
                return [_html(self.session.static_html(arg))]
            except (KimtrainError, KeyError) as exc:
                return [_error(exc)]
        return []  # periksa, kirim: nothing while grading

    def _grade(self, spec: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            score = score_from_sheet(spec, self.folder, self.participant, self.store)
        except (KimtrainError, OSError, ValueError, TypeError, KeyError) as exc:
            return [_error(exc)]
        bundle = json.loads(json.dumps(result_bundle(score, spec["assessment"],
                                                     self.participant)))
        points = score.points or 0.0
        return [_output("display_data", metadata=dict(), data=dict(bundle)),
                _output("execute_result", metadata=dict(),
                        data=dict({"text/plain": repr(points)}), execution_count=None)]


def language_info() -> dict[str, Any]:
    """ipykernel's ``IPythonKernel.language_info`` for this Python (without importing
    ipykernel): what a grading kernel started from this interpreter reports."""
    import sys

    major = sys.version_info[0]
    return {"name": "python", "version": sys.version.split()[0], "mimetype": "text/x-python",
            "codemirror_mode": {"name": "ipython", "version": major},
            "pygments_lexer": f"ipython{major}", "nbconvert_exporter": "python",
            "file_extension": ".py"}



def limit_output(output: dict[str, Any], limit: int) -> int:
    """Shorten one output in place; return how many characters were removed."""
    marker = "\n... [kimtrain: output cut] ..."
    removed = 0
    fields: list[tuple[dict[str, Any], str]] = []
    if output.get("output_type") == "stream":
        fields.append((output, "text"))
    for mime in list(output.get("data", {})):
        fields.append((output["data"], mime))
    for holder, key in fields:
        value = holder[key]
        text = value if isinstance(value, str) else json.dumps(value)
        if len(text) <= limit:
            continue
        removed += len(text) - limit
        if isinstance(value, str) and (key == "text" or key.startswith("text/")):
            holder[key] = text[:limit] + marker
        else:
            holder.pop(key)
            output.setdefault("data", {}).setdefault("text/plain", marker.strip())
    return removed


def run_cells(cells: list[Any], plan: list[list[Step]], folder: Path,
              wrap: Callable[[dict[str, Any]], Any] = lambda output: output) -> None:
    """Give each code cell of ``cells`` (in place) the outputs and execution count a
    kernel would: ``plan`` is :func:`plan_notebook`'s for these cells."""
    runner = Runner(folder)
    steps = iter(plan)
    count = 0
    for cell in cells:
        if cell["cell_type"] != "code" or not cell["source"].strip():
            continue
        count += 1
        outputs: list[dict[str, Any]] = []
        for step in next(steps):
            outputs.extend(runner.run(step))
            if outputs and outputs[-1]["output_type"] == "error":
                break  # a kernel stops a cell at its first error
        for output in outputs:
            if output["output_type"] == "execute_result":
                output["execution_count"] = count
        cell["outputs"] = [wrap(output) for output in outputs]
        cell["execution_count"] = count
