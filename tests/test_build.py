from __future__ import annotations

import json
import textwrap

import nbformat
import pytest

from kimtrain.assessment.blueprint import load_blueprint
from kimtrain.assessment.build import build_assessment
from kimtrain.errors import BlueprintError, CourseError

from .conftest import ASSESSMENTS, TEST_BLUEPRINT


def test_pretest_builds_an_nbgrader_source_assignment(course, starter_items):
    blueprint = load_blueprint(TEST_BLUEPRINT)
    path = build_assessment(blueprint, course.root)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    for item in blueprint.items:
        widget = cells[f"soal_{item.id}"]
        assert widget.metadata["nbgrader"]["locked"] and not widget.metadata["nbgrader"]["grade"]
        assert widget.source == f"ujian.soal({item.id!r});"  # ";": shown once
        tags = widget.metadata["kimtrain"]
        assert (tags["domain"], tags["competency"]) == (item.domain, item.competency)
        grade = cells[f"jawaban_{item.id}" if item.type == "written" else f"nilai_{item.id}"]
        assert grade.metadata["nbgrader"]["grade"] is True
        assert grade.metadata["nbgrader"]["points"] == item.points
        assert grade.metadata["kimtrain"]["competency"] == item.competency
        if item.type != "written":
            assert "### BEGIN HIDDEN TESTS" in grade.source
            assert grade.metadata["nbgrader"]["locked"] is True
    manifest = json.loads((path.parent / "kimtrain_soal.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in manifest["items"]] == [i.id for i in blueprint.items]
    assert manifest["total_points"] == blueprint.total_points
    for public in manifest["items"]:
        assert "key" not in public and "explanation" not in public and "accept" not in public


def test_rebuilding_needs_force(course):
    blueprint = load_blueprint(TEST_BLUEPRINT)
    build_assessment(blueprint, course.root)
    with pytest.raises(CourseError):
        build_assessment(blueprint, course.root)
    build_assessment(blueprint, course.root, force=True)


def test_shuffle_is_reproducible(tmp_path):
    path = tmp_path / "acak.yaml"
    path.write_text(textwrap.dedent(f"""\
        name: acak
        title: Acak
        instructions: Jawab.
        banks: [{ASSESSMENTS / "bank" / "starter.yaml"}]
        items: all
        shuffle: true
        seed: 7
        """), encoding="utf-8")
    first = [i.id for i in load_blueprint(path).ordered()]
    again = [i.id for i in load_blueprint(path).ordered()]
    assert first == again and first != [i.id for i in load_blueprint(path).items]


def test_blueprint_mistakes_are_all_reported(tmp_path):
    path = tmp_path / "salah.yaml"
    path.write_text(textwrap.dedent(f"""\
        name: Salah Nama
        title: Judul
        banks: [{ASSESSMENTS / "bank" / "starter.yaml"}]
        items: [AMAN-APK-01, AMAN-APK-1, AMAN-APK-01]
        shufle: true
        """), encoding="utf-8")
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    text = str(info.value)
    for expected in ("'Salah Nama'", "instructions", "shufle", "maksud Anda 'shuffle'"):
        assert expected in text
    # item problems are reported once the header is fixed
    path.write_text(path.read_text().replace("Salah Nama", "salah").replace("shufle", "shuffle")
                    + "instructions: Jawab.\n", encoding="utf-8")
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    messages = [i.render() for i in info.value.issues]
    assert any("AMAN-APK-1 tidak ada" in m and "AMAN-APK-01" in m for m in messages)
    assert any("lebih dari sekali" in m for m in messages)
