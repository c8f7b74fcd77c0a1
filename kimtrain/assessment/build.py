"""Build an nbgrader *source* assignment from a blueprint.

For every item the notebook gets:

* a locked code cell ``soal_<ID>`` that shows the answer widget
  (``ujian.soal("<ID>")``), tagged with the item's domain and competency;
* for automatically graded types, a locked grade cell ``nilai_<ID>`` worth the
  item's points whose only content is a hidden test calling
  :func:`kimtrain.grading.cell.grade_item` with the key — nbgrader removes it from
  the release and keeps it in the gradebook;
* for written tasks, a manually graded Markdown answer cell ``jawaban_<ID>``;
  kimtrain's autograde step copies the participant's text into it, and a person
  grades it in formgrader against the rubric.

Beside the notebook goes the public manifest (``kimtrain_soal.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kimtrain import __version__, gradeids
from kimtrain.assessment.blueprint import Blueprint
from kimtrain.assessment.manifest import FORMAT, MANIFEST
from kimtrain.bank.model import Item
from kimtrain.errors import CourseError
from kimtrain.i18n import get_language, t

__all__ = ["build_assessment", "grade_ids", "written_placeholder"]

SCHEMA_VERSION = 3


def grade_ids(item_id: str) -> dict[str, str]:
    """The nbgrader grade ids of an item's cells."""
    return {"widget": gradeids.widget_id(item_id), "grade": gradeids.grade_id(item_id),
            "answer": gradeids.answer_id(item_id)}


def written_placeholder(lang: str | None = None) -> str:
    """The text of a written-task answer cell until the participant's answer is put in."""
    return t("build.written_placeholder", lang=lang)


def _nbgrader(grade_id: str, *, locked: bool = True, solution: bool = False,
              grade: bool = False, points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade, "grade_id": grade_id, "locked": locked,
        "schema_version": SCHEMA_VERSION, "solution": solution, "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def _tags(item: Item, role: str) -> dict[str, Any]:
    return {"item": item.id, "type": item.type, "domain": item.domain,
            "competency": item.competency, "points": item.points, "role": role}


def _hidden_test(item: Item, assessment: str, lang: str) -> str:
    spec = {"assessment": assessment, **item.scoring()}
    return "\n".join([
        f"# {t('build.hidden_comment', lang=lang, item=item.id)}",
        "### BEGIN HIDDEN TESTS",
        "from kimtrain.grading.cell import grade_item",
        f"grade_item({spec!r})",
        "### END HIDDEN TESTS",
    ])


def manifest_for(blueprint: Blueprint, items: list[Item], lang: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": 1,
        "assessment": blueprint.name,
        "lang": lang,
        "title": blueprint.title,
        "instructions": blueprint.instructions,
        "en": dict(blueprint.en),
        "total_points": sum(i.points for i in items),
        "built_with": f"kimtrain {__version__}",
        "items": [item.public() for item in items],
        # how this form is put on one scale with its pair (no keys: ids and a design)
        "linking": blueprint.linking.to_dict() if blueprint.linking else None,
    }


def notebook_for(blueprint: Blueprint, items: list[Item], lang: str) -> nbformat.NotebookNode:
    name = blueprint.name
    title = blueprint.en.get("title", blueprint.title) if lang == "en" else blueprint.title
    instructions = (blueprint.en.get("instructions", blueprint.instructions) if lang == "en"
                    else blueprint.instructions)
    total = sum(i.points for i in items)
    cells = [
        new_markdown_cell(
            f"# {title}\n\n{instructions}\n\n"
            + t("build.summary", lang=lang, count=len(items), points=f"{total:g}"),
            metadata={"nbgrader": _nbgrader("kimtrain_judul"), "editable": False,
                      "deletable": False},
        ),
        new_code_cell(
            "from kimtrain.widgets import Assessment\n\n"
            f"ujian = Assessment({name!r})\nujian.mulai()",
            metadata={"nbgrader": _nbgrader("kimtrain_mulai"), "editable": False,
                      "deletable": False, "jupyter": {"source_hidden": True}},
        ),
    ]
    for item in items:
        ids = grade_ids(item.id)
        cells.append(new_code_cell(
            f"ujian.soal({item.id!r})",
            metadata={"nbgrader": _nbgrader(ids["widget"]), "kimtrain": _tags(item, "widget"),
                      "editable": False, "deletable": False,
                      "jupyter": {"source_hidden": True}, "tags": [f"kimtrain-{item.domain}"]},
        ))
        if not item.autograded:  # a person grades it in formgrader
            cells.append(new_markdown_cell(
                written_placeholder(lang),
                metadata={"nbgrader": _nbgrader(ids["answer"], locked=False, solution=True,
                                                grade=True, points=item.points),
                          "kimtrain": _tags(item, "answer"), "deletable": False},
            ))
        else:
            cells.append(new_code_cell(
                _hidden_test(item, name, lang),
                metadata={"nbgrader": _nbgrader(ids["grade"], grade=True, points=item.points),
                          "kimtrain": _tags(item, "grade"), "editable": False,
                          "deletable": False, "jupyter": {"source_hidden": True}},
            ))
    for call, grade_id in (("ujian.periksa()", "kimtrain_periksa"),
                           ("ujian.kirim()", "kimtrain_kirim")):
        cells.append(new_code_cell(
            call,
            metadata={"nbgrader": _nbgrader(grade_id), "editable": False,
                      "deletable": False, "jupyter": {"source_hidden": True}},
        ))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kimtrain"] = {"assessment": name, "lang": lang, "version": __version__}
    return cast(nbformat.NotebookNode, nb)


def build_assessment(blueprint: Blueprint, course_root: str | Path, *, force: bool = False,
                     lang: str | None = None) -> Path:
    """Write ``source/<name>/<name>.ipynb`` and its manifest; return the notebook path."""
    lang = lang or get_language()
    folder = Path(course_root) / "source" / blueprint.name
    notebook = folder / f"{blueprint.name}.ipynb"
    if notebook.exists() and not force:
        raise CourseError("build.exists", path=str(notebook))
    items = blueprint.ordered()
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook_for(blueprint, items, lang), str(notebook))
    (folder / MANIFEST).write_text(
        json.dumps(manifest_for(blueprint, items, lang), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    return notebook
