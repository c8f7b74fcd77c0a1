from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kimtrain.bank import check_banks, load_banks
from kimtrain.errors import BankError

from .conftest import STARTER_BANK

GOOD_SINGLE = """
  - id: Q-1
    type: single
    domain: aman
    competency: A1
    stem: Pertanyaan?
    options: {A: satu, B: dua}
    key: A
    explanation: Karena satu.
"""


def write(tmp_path: Path, body: str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_starter_bank_is_valid_and_has_every_type():
    items = load_banks([STARTER_BANK])
    assert len(items) >= 12
    assert {i.type for i in items} == {"single", "multiple", "truefalse", "numeric", "text",
                                       "written"}
    assert all(i.public().get("key") is None for i in items)
    discernment = [i for i in items if i.discernment_set]
    assert {i.key for i in discernment} == {True, False}


def test_three_kinds_of_mistake_are_all_reported_with_file_item_field_and_line(tmp_path):
    path = write(tmp_path, """\
        items:
          - id: Q-1
            type: single
            domain: aman
            competency: A1
            stem: Apa?
            options: {A: satu, B: dua}
            key: C
            explanation: x
          - id: Q-2
            type: multipel
            domain: aman
            competency: A1
            stem: Apa?
            explanation: x
          - id: Q-3
            type: numeric
            domain: aman
            competency: M1
            stem: Berapa?
            key: 10
            explantion: x
        """)
    items, issues = check_banks([path])
    assert items == []
    found = {(i.item, i.field, i.line) for i in issues}
    assert ("Q-1", "key", 8) in found
    assert ("Q-2", "type", 11) in found
    assert ("Q-3", "competency", 19) in found
    assert ("Q-3", "explantion", 22) in found
    assert ("Q-3", "explanation", 16) in found  # required, missing: the item's line
    rendered = [i.render() for i in issues]
    assert any("bank.yaml:22" in r and "maksud Anda 'explanation'" in r for r in rendered)


def test_cli_prints_every_mistake_and_exits_non_zero(tmp_path):
    path = write(tmp_path, """\
        items:
          - id: Q-1
            type: single
            domain: sosial
            competency: A1
            stem: ""
            options: {A: satu}
            key: A
            explanation: x
        """)
    run = subprocess.run([sys.executable, "-m", "kimtrain", "bank", "check", str(path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1
    lines = [line for line in run.stdout.splitlines() if line.startswith("  - ")]
    assert len(lines) == 3, run.stdout
    assert all("bank.yaml:" in line and "soal Q-1" in line for line in lines)
    for field in ("domain", "stem", "options"):
        assert any(f"isian '{field}'" in line for line in lines)


def test_cli_on_the_starter_bank_exits_zero():
    run = subprocess.run([sys.executable, "-m", "kimtrain", "bank", "check", str(STARTER_BANK)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "tidak ada kesalahan" in run.stdout


def test_duplicate_ids_across_files_name_the_first_place(tmp_path):
    a = write(tmp_path, "items:" + GOOD_SINGLE, "a.yaml")
    b = write(tmp_path, "items:" + GOOD_SINGLE, "b.yaml")
    items, issues = check_banks([a, b])
    assert [i.id for i in items] == ["Q-1"]
    assert len(issues) == 1
    assert issues[0].file.endswith("b.yaml") and "a.yaml:2" in issues[0].render()


def test_yaml_syntax_error_has_a_line(tmp_path):
    path = write(tmp_path, "items:\n  - id: Q-1\n    stem: [tidak ditutup\n")
    _, issues = check_banks([path])
    assert len(issues) == 1 and issues[0].line is not None
    assert "YAML" in issues[0].render()


def test_yaml_duplicate_field_is_reported(tmp_path):
    path = write(tmp_path, "items:" + GOOD_SINGLE + "    key: B\n")
    _, issues = check_banks([path])
    assert [(i.field, i.key) for i in issues] == [("items.0.key", "bank.field.duplicate")]


@pytest.mark.parametrize(("body", "field", "key"), [
    ("type: multiple\noptions: {A: a, B: b}\nkey: A", "key", "bank.key.list"),
    ("type: multiple\noptions: {A: a, B: b}\nkey: [A, A]", "key", "bank.key.repeated"),
    ("type: truefalse\nkey: ya", "key", "bank.key.bool"),
    ("type: numeric\nkey: 3\ntolerance: -1", "tolerance", "bank.tolerance.invalid"),
    ("type: text\naccept: []", "accept", "bank.accept.invalid"),
    ("type: single\noptions: {A: a, B: b}\nkey: A\nfeedback: {C: x}", "feedback.C",
     "bank.feedback.unknown_option"),
    ("type: written\nrubric: [{criterion: c, levels: {1: ok}}]", "rubric[1].levels",
     "bank.rubric.levels"),
    ("type: single\npoints: 0\noptions: {A: a, B: b}\nkey: A", "points", "bank.points.invalid"),
    ("type: single\noptions: {A: a, B: b}\nkey: A\nen: {options: {Z: z}}", "en.options",
     "bank.en.options"),
])
def test_each_rule(tmp_path, body, field, key):
    fields = textwrap.indent(body, "    ")
    path = write(tmp_path, f"""\
items:
  - id: Q-1
    domain: aman
    competency: A1
    stem: Soal
    explanation: Karena.
{fields}
""")
    _, issues = check_banks([path])
    assert [(i.field, i.key) for i in issues] == [(field, key)]


def test_load_banks_raises_with_every_issue(tmp_path):
    path = write(tmp_path, "items:\n  - id: Q-1\n  - id: Q-2\n")
    with pytest.raises(BankError) as info:
        load_banks([path])
    assert len(info.value.issues) >= 8  # type, domain, competency, stem for both
    assert "Bank soal berisi" in str(info.value)
