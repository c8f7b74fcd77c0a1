"""The project's own banks and blueprints: the coverage rules of the pre/post forms and
quizzes, and (slow) every blueprint built into a course and through nbgrader's
generate_assignment."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from kimtrain.assessment.blueprint import Blueprint, load_blueprint
from kimtrain.bank import COMPETENCIES, DOMAINS, ITEM_TYPES, check_banks

from .conftest import ASSESSMENTS, ROOT

BANKS = ASSESSMENTS / "bank"
BLUEPRINTS = ASSESSMENTS / "blueprints"
FORMS = ("pretest", "posttest")
# The curriculum modules of the workshop (01-10 from issue 5, 11-15 from issue 12); a
# notebook added under curriculum/ as NN-*.ipynb needs a quiz too.
MODULES = {f"{n:02d}" for n in range(1, 16)}
MIN_PER_DOMAIN = 4
MIN_PER_COMPETENCY = 3


def blueprint_names() -> list[str]:
    return sorted(path.stem for path in BLUEPRINTS.glob("*.yaml"))


def quiz_names() -> list[str]:
    return [name for name in blueprint_names() if name.startswith("kuis-")]


@pytest.fixture(scope="module")
def forms() -> dict[str, Blueprint]:
    return {name: load_blueprint(BLUEPRINTS / f"{name}.yaml") for name in FORMS}


@pytest.fixture(scope="module")
def bank_items():
    items, issues = check_banks([BANKS])
    assert not issues, [issue.render() for issue in issues]
    return items


def test_the_project_banks_have_no_mistakes(bank_items):
    assert len(bank_items) >= 100
    assert len({item.id for item in bank_items}) == len(bank_items)


@pytest.mark.parametrize("name", blueprint_names())
def test_every_blueprint_loads_and_is_named_after_its_file(name):
    blueprint = load_blueprint(BLUEPRINTS / f"{name}.yaml")
    assert blueprint.name == name
    assert blueprint.items and blueprint.title and blueprint.instructions
    assert set(blueprint.en) == {"title", "instructions"}


def test_each_form_has_about_forty_items_and_enough_of_every_domain(forms):
    for name, form in forms.items():
        assert 35 <= len(form.items) <= 45, name
        per_domain = Counter(item.domain for item in form.items)
        thin = {d: per_domain[d] for d in DOMAINS if per_domain[d] < MIN_PER_DOMAIN}
        assert not thin, f"{name}: fewer than {MIN_PER_DOMAIN} items in {thin}"


# The pre- and post-test (and the cut scores set on them) predate the "ordering" type
# (issue 10): it is used in the module quizzes and a practice card, and the forms stay
# as they were, so their results (and the demo's table) are unchanged.
LATER_TYPES = {"ordering"}


def test_each_form_uses_every_item_type(forms):
    for name, form in forms.items():
        assert {item.type for item in form.items} == set(ITEM_TYPES) - LATER_TYPES, name


def test_every_item_type_is_used_by_some_quiz():
    used = {item.type for name in quiz_names()
            for item in load_blueprint(BLUEPRINTS / f"{name}.yaml").items}
    assert used == set(ITEM_TYPES)


def test_pre_and_post_share_only_their_anchor_and_are_parallel(forms):
    # issue 11: the forms are linked by a block of common (anchor) items, nothing else
    pre, post = forms["pretest"], forms["posttest"]
    assert {i.id for i in pre.items} & {i.id for i in post.items} == set(pre.linking.anchor)

    def profile(form: Blueprint) -> Counter:
        return Counter((i.domain, i.competency, i.type, i.points) for i in form.items)

    assert profile(pre) == profile(post)
    assert pre.total_points == post.total_points


def test_each_form_has_a_written_news_item_and_a_rewrite_task(forms):
    for name, form in forms.items():
        written = {item.competency for item in form.items if item.type == "written"}
        assert {"N1", "E1"} <= written, name


def test_discernment_sets_mix_true_and_false_claims():
    for name in blueprint_names():
        blueprint = load_blueprint(BLUEPRINTS / f"{name}.yaml")
        sets: dict[str, set[bool]] = {}
        for item in blueprint.items:
            if item.discernment_set:
                sets.setdefault(item.discernment_set, set()).add(item.key)
        for set_name, keys in sets.items():
            assert keys == {True, False}, f"{name}: set {set_name} has only {keys}"


def test_the_forms_discernment_sets_are_balanced(forms):
    for name, form in forms.items():
        keys = [item.key for item in form.items if item.discernment_set]
        assert len(keys) >= 6 and keys.count(True) == keys.count(False), name


def test_every_competency_has_at_least_three_items_across_the_banks(bank_items):
    per_competency = Counter(item.competency for item in bank_items)
    thin = {c: per_competency[c] for c in COMPETENCIES if per_competency[c] < MIN_PER_COMPETENCY}
    assert not thin, f"competencies with fewer than {MIN_PER_COMPETENCY} items: {thin}"


def test_each_module_has_a_quiz_blueprint():
    notebooks = {m.group(1) for path in (ROOT / "curriculum").glob("*.ipynb")
                 if (m := re.match(r"(\d{2})-", path.name))}
    quizzes = {m.group(1) for name in quiz_names() if (m := re.match(r"kuis-(\d{2})-", name))}
    missing = (MODULES | notebooks) - quizzes
    assert not missing, f"modules without a quiz blueprint: {sorted(missing)}"


def test_quizzes_keep_the_post_test_unseen(forms):
    # the anchor items (on both forms) are part of the post-test: no quiz shows them
    post = {item.id for item in forms["posttest"].items}
    for name in quiz_names():
        leaked = post & {i.id for i in load_blueprint(BLUEPRINTS / f"{name}.yaml").items}
        assert not leaked, f"{name} uses post-test items {sorted(leaked)}"


def test_bank_ids_leave_the_practice_prefix_to_the_curriculum(bank_items):
    # The curriculum's practice items (latihan-*.yaml) own the LAT- prefix.
    taken = [i.id for i in bank_items
             if i.id.startswith("LAT-") and not Path(i.file).name.startswith("latihan-")]
    assert not taken


# -- slow: through nbgrader ----------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One course holding every blueprint built as an nbgrader source assignment."""
    from kimtrain.assessment.build import build_assessment
    from kimtrain.course import create_course
    from kimtrain.course.nbgrader_api import Nbgrader

    course = create_course(tmp_path_factory.mktemp("alle") / "kursus", course_id="uji")
    blueprints = {}
    for name in blueprint_names():
        blueprints[name] = load_blueprint(course.blueprint(name))
        build_assessment(blueprints[name], course.root)
    return course, Nbgrader(course), blueprints


@pytest.mark.slow
@pytest.mark.parametrize("name", blueprint_names())
def test_every_blueprint_passes_nbgrader_generate_assignment(built, name):
    from nbgrader.api import Gradebook

    course, nbgrader, blueprints = built
    blueprint = blueprints[name]
    nbgrader.generate(name)

    release = course.root / "release" / name
    nb = nbformat.read(release / f"{name}.ipynb", as_version=4)
    sources = "\n".join(cell.source for cell in nb.cells)
    assert "BEGIN HIDDEN TESTS" not in sources and "grade_item(" not in sources
    widgets = [c.metadata["kimtrain"]["item"] for c in nb.cells
               if c.metadata.get("kimtrain", {}).get("role") == "widget"]
    assert widgets == [item.id for item in blueprint.ordered()]
    manifest = json.loads((release / "kimtrain_soal.json").read_text(encoding="utf-8"))
    assert manifest["total_points"] == blueprint.total_points
    with Gradebook(course.db_url, course.course_id) as gb:
        assignment = gb.find_assignment(name)
        assert assignment.max_score == pytest.approx(blueprint.total_points)
        graded = {cell.name for nb_ in assignment.notebooks for cell in nb_.grade_cells}
    expected = {f"jawaban_{i.id}" if i.type == "written" else f"nilai_{i.id}"
                for i in blueprint.items}
    assert graded == expected
