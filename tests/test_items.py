"""The item-type registry (kimtrain.items) and the "ordering" type, without kernels.

One module per type owns everything type-specific; these tests pin that every caller
goes through the registry, that an unknown type is a clear error everywhere, and the
ordering type's exact rule (pairs in the right relative order)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from kimtrain import items
from kimtrain.answers.values import normalise_response
from kimtrain.bank import ITEM_TYPES, check_banks
from kimtrain.errors import AnswerError
from kimtrain.grading.scoring import score_item
from kimtrain.items.ordering import concordant_pairs
from kimtrain.widgets.views import module_source

SPEC = {"id": "U-1", "type": "ordering", "points": 2, "key": ["C", "D", "A", "B"],
        "options": ["A", "B", "C", "D"]}
PUBLIC = {"id": "U-1", "type": "ordering",
          "options": [["A", "Putuskan"], ["B", "Cek gambar"], ["C", "Cek sumber"],
                      ["D", "Cari berita pembanding"]]}


def test_the_registry_lists_every_type_in_order_and_the_bank_model_reads_it():
    assert items.names() == ("single", "multiple", "truefalse", "numeric", "text", "written",
                             "ordering")
    assert items.names() == ITEM_TYPES
    assert [kind.name for kind in items.all_types()] == list(items.names())
    assert items.get("ordering").autograded and not items.get("written").autograded


def test_every_type_has_its_renderer_in_the_widget_module_under_the_same_name():
    code = module_source("kimtrain.js")
    assert "/* kimtrain:item-renderers */" not in code  # the types were put in
    for name in items.names():
        source = (Path(items.__file__).parent / f"{name}.js").read_text(encoding="utf-8")
        assert re.search(rf"^renderers\.{name} = ", source, re.MULTILINE), name
        assert source in code
    assert ".kt-step-order" in module_source("kimtrain.css")  # ordering.css, after the core


@pytest.mark.parametrize("call", [
    lambda: items.get("urutan", "X-9"),
    lambda: normalise_response({"id": "X-9", "type": "urutan"}, "A"),
    lambda: score_item({"id": "X-9", "type": "urutan", "points": 1, "key": "A"}, "A"),
    lambda: items.answer_text({"id": "X-9", "type": "urutan"}, "A"),
])
def test_an_unknown_type_is_a_clear_error_never_a_fallback(call):
    with pytest.raises(items.UnknownItemType) as err:
        call()
    assert str(err.value) == "Soal X-9: jenis soal 'urutan' tidak dikenal."
    assert isinstance(err.value, AnswerError)


@pytest.mark.parametrize(("answer", "points", "status"), [
    (["C", "D", "A", "B"], 2.0, "correct"),
    (["D", "C", "A", "B"], 1.6667, "partial"),  # one neighbouring pair swapped: 5/6
    (["C", "A", "D", "B"], 1.6667, "partial"),
    (["C", "B", "A", "D"], 1.0, "partial"),  # CD CA CB in order, DA DB AB not: 3/6
    (["B", "A", "D", "C"], 0.0, "wrong"),  # the reverse
    (["C", "D"], 0.3333, "partial"),  # unplaced steps form no pair
    (["D"], 0.0, "wrong"),
    (None, 0.0, "blank"),
    ([], 0.0, "blank"),
    (["C", "C", "D"], 0.0, "invalid"),
    (["C", "Z"], 0.0, "invalid"),
    ("C", 0.0, "invalid"),
])
def test_ordering_earns_the_share_of_pairs_in_the_right_order(answer, points, status):
    score = score_item(SPEC, answer)
    assert (score.points, score.status) == (points, status)


def test_concordant_pairs_counts_kendalls_concordant_pairs():
    key = list("ABCDE")
    rng = random.Random(7)
    for _ in range(50):
        answer = rng.sample(key, rng.randint(0, 5))
        by_hand = sum(1 for i in range(5) for j in range(i + 1, 5)
                      if key[i] in answer and key[j] in answer
                      and answer.index(key[i]) < answer.index(key[j]))
        assert concordant_pairs(key, answer) == by_hand


def test_an_ordering_answer_is_a_list_of_steps_each_once():
    assert normalise_response(PUBLIC, ("C", "D")) == ["C", "D"]
    assert normalise_response(PUBLIC, []) is None
    with pytest.raises(AnswerError, match="hanya boleh dipakai sekali"):
        normalise_response(PUBLIC, ["C", "C"])
    with pytest.raises(AnswerError, match="bukan pilihan jawaban yang ada"):
        normalise_response(PUBLIC, ["C", "E"])
    with pytest.raises(AnswerError):
        normalise_response(PUBLIC, "C")


def test_the_answer_as_text_is_one_function_for_every_reader():
    assert items.answer_text(PUBLIC, ["C", "D"]) == "1. Cek sumber → 2. Cari berita pembanding"
    assert items.answer_text(PUBLIC, ["C"], bold=True) == "**1**. Cek sumber"
    single = {"id": "S", "type": "single", "options": [["A", "Ya"], ["B", "Tidak"]]}
    assert items.answer_text(single, "B") == "B. Tidak"
    numeric = {"id": "N", "type": "numeric", "unit": "orang"}
    assert items.answer_text(numeric, "1.500") == "1.500 orang"  # as typed
    assert items.answer_text(numeric, 1500) == "1.500 orang"  # a key, the reader's way
    assert items.answer_text(numeric, 1500, "en") == "1,500 orang"


BANK = """\
items:
  - id: URUT-RAPI
    type: ordering
    domain: media
    competency: M1
    stem: Urutkan.
    options: {A: satu, B: dua, C: tiga}
    key: [A, B, C]
    explanation: Karena.
  - id: URUT-KURANG
    type: ordering
    domain: media
    competency: M1
    stem: Urutkan.
    options: {A: satu, B: dua, C: tiga}
    key: [C, A]
    explanation: Karena.
  - id: URUT-DUA
    type: ordering
    domain: media
    competency: M1
    stem: Urutkan.
    options: {A: satu, B: dua}
    key: [B, A]
    feedback: {A: tidak untuk urutan}
    explanation: Karena.
"""


def test_bank_mistakes_in_ordering_items_name_file_line_item_and_field(tmp_path):
    path = tmp_path / "urut.yaml"
    path.write_text(BANK, encoding="utf-8")
    found, issues = check_banks([path])
    assert found == []
    shown = {(i.item, i.field, i.line): i.render() for i in issues}
    rapi = shown[("URUT-RAPI", "options", 7)]
    assert "sudah tertulis dalam urutan yang benar" in rapi and "urut.yaml" in rapi
    assert "yang belum ada: B" in shown[("URUT-KURANG", "key", 16)]
    assert "paling sedikit 3 langkah" in shown[("URUT-DUA", "options", 23)]
    assert "isian tidak dikenal" in shown[("URUT-DUA", "feedback", 25)]  # not an ordering field


def test_practice_card_checks_an_order_on_request_with_partial_feedback():
    from kimtrain.practice import Latihan

    hoaks = Latihan("hoaks", show=False)
    widget = hoaks.soal("LAT-HOAKS-URUT")
    assert widget.actions == ["check"]  # not judged on every tap
    assert widget.labels["reset"] == "Ulangi dari awal" and "Ketuk" in widget.labels["hint"]
    assert widget.item["options"][0] == ["A", "Putuskan, lalu sebarkan klarifikasi bila "
                                                "kabarnya keliru."]
    widget.set_state({"value": ["C", "B", "D", "A"]})  # what the taps send
    assert widget.feedback == {}
    hoaks._on_action(widget, "check", {"event": "check"})
    assert widget.feedback["verdict"] == "partial"
    assert "5 dari 6 pasangan langkah" in widget.feedback["text"]
    hoaks._on_action(widget, "reveal", {"event": "reveal"})
    assert ("**1**. Cek sumbernya; siapa yang pertama mengunggah? → **2**. Cari berita"
            in widget.feedback["text"])
    hoaks._on_action(widget, "retry", {"event": "retry"})
    widget.set_state({"value": ["C", "D", "B", "A"]})
    hoaks._on_action(widget, "check", {"event": "check"})
    assert widget.feedback["verdict"] == "correct"


def test_demo_participants_answer_ordering_items_right_or_with_one_slip():
    from kimtrain.bank import load_banks
    from kimtrain.demo import answer_pattern

    (item,) = [i for i in load_banks(["assessments/bank/kim.yaml"]) if i.id == "KIM-URUT-01"]
    rng = random.Random(1)
    assert answer_pattern(item, rng, 1.0, 0.0) == item.key
    slip = answer_pattern(item, rng, 0.0, 0.0)
    assert sorted(slip) == sorted(item.key) and slip != item.key
    assert score_item(item.scoring(), slip).points == round(2 * 9 / 10, 4)
