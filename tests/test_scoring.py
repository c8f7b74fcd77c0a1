from __future__ import annotations

import pytest

from kimtrain.grading import score_item


def spec(kind, **extra):
    return {"id": "Q", "type": kind, "points": 2, **extra}


MULTI = spec("multiple", key=["A", "C"], options=["A", "B", "C", "D"])


@pytest.mark.parametrize(("response", "points", "status"), [
    (["A", "C"], 2.0, "correct"),
    (["A"], 1.0, "partial"),
    (["A", "B"], 0.0, "wrong"),  # one right, one wrong: (1 - 1) / 2
    (["A", "C", "B"], 1.0, "partial"),  # (2 - 1) / 2
    (["A", "B", "C", "D"], 0.0, "wrong"),  # everything: (2 - 2) / 2
    (["B", "D"], 0.0, "wrong"),  # floored at 0, never negative
    (None, 0.0, "blank"),
    (["Z"], 0.0, "invalid"),
])
def test_multiple_choice_right_minus_wrong(response, points, status):
    result = score_item(MULTI, response)
    assert (result.points, result.status) == (points, status)


THREE_KEYS = spec("multiple", key=["A", "B", "C"], options=["A", "B", "C", "D"])


@pytest.mark.parametrize(("response", "points"), [
    (["A", "B", "C", "D"], 0.0),  # everything never pays, even with three keys of four
    (["A", "B", "C"], 2.0),
    (["A", "B"], 1.3333),  # 2/3 of the keys, no distractor
    (["A", "D"], 0.0),  # 1/3 - 1/1, floored
])
def test_multiple_choice_with_more_keys_than_distractors(response, points):
    assert score_item(THREE_KEYS, response).points == points


def test_other_types():
    assert score_item(spec("single", key="B"), "B").points == 2
    assert score_item(spec("single", key="B"), "A").points == 0
    assert score_item(spec("truefalse", key=False), False).status == "correct"
    assert score_item(spec("truefalse", key=False), True).status == "wrong"
    numeric = spec("numeric", key=112000, tolerance=0)
    assert score_item(numeric, "112.000").points == 2
    assert score_item(numeric, "Rp112.000").points == 2
    assert score_item(numeric, "142.000").points == 0
    assert score_item(spec("numeric", key=4.9, tolerance=0.1), "4,85").points == 2
    text = spec("text", accept=["Stop", "Berhenti dulu"])
    assert score_item(text, " berhenti  DULU. ").points == 2
    assert score_item(text, "lanjut").points == 0
    written = score_item(spec("written"), "Tulisan saya")
    assert (written.points, written.status) == (None, "manual")
    assert score_item(spec("written"), "  ").status == "blank"
    for kind in ("single", "truefalse", "numeric", "text"):
        assert score_item(spec(kind, key="x", accept=["x"]), None).points == 0.0
