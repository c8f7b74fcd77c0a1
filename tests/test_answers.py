from __future__ import annotations

import json
import multiprocessing
import os

import pytest

from kimtrain.answers import (
    FileAnswerStore,
    MemoryAnswerStore,
    normalise_response,
    normalise_text,
    parse_number,
    participant_id,
)
from kimtrain.errors import AnswerError, StoreError

SINGLE = {"id": "Q1", "type": "single", "options": [["A", "a"], ["B", "b"]]}
MULTI = {"id": "Q2", "type": "multiple", "options": [["A", "a"], ["B", "b"], ["C", "c"]]}


@pytest.mark.parametrize(("text", "expected"), [
    ("112.000", 112000.0), ("1.500.000", 1500000.0), ("2,5", 2.5), ("2.5", 2.5),
    ("1.500,75", 1500.75), ("Rp 25.000", 25000.0), ("15 %", 15.0), ("-3", -3.0),
    ("1,000.5", 1000.5), ("sepuluh", None), ("", None), (7, 7.0), (True, None),
])
def test_parse_number_reads_indonesian_style(text, expected):
    assert parse_number(text) == expected


def test_normalise_text_ignores_case_accents_punctuation_and_spacing():
    assert normalise_text("  Berhenti,  DULU! ") == normalise_text("berhenti dulu")
    assert normalise_text("café") == "cafe"


def test_normalise_response_shapes():
    assert normalise_response(SINGLE, "B") == "B"
    assert normalise_response(MULTI, ["C", "A", "A"]) == ["A", "C"]
    assert normalise_response(MULTI, []) is None
    assert normalise_response({"id": "Q", "type": "truefalse"}, False) is False
    assert normalise_response({"id": "Q", "type": "numeric"}, " 112.000 ") == "112.000"
    assert normalise_response({"id": "Q", "type": "text"}, "  ") is None
    for item, value in [(SINGLE, "Z"), (MULTI, ["A", "Z"]), ({"id": "Q", "type": "numeric"},
                        "abc"), ({"id": "Q", "type": "truefalse"}, "ya")]:
        with pytest.raises(AnswerError) as info:
            normalise_response(item, value)
        assert item["id"] in str(info.value)


def test_participant_ids_are_canonical():
    assert participant_id(" kim-001 ") == "KIM-001"
    with pytest.raises(AnswerError):
        participant_id("../etc")


@pytest.mark.parametrize("make", [MemoryAnswerStore, None], ids=["memory", "file"])
def test_stores_behave_alike(tmp_path, make):
    store = make() if make else FileAnswerStore(tmp_path)
    store.save_answer("pretest", "kim-001", "Q1", "A")
    store.save_answer("pretest", "KIM-001", "Q1", "B")
    store.save_answer("pretest", "KIM-002", "Q1", "A")
    store.save_answer("posttest", "KIM-001", "Q1", "C")
    sheet = store.load("pretest", "KIM-001")
    assert sheet.value("Q1") == "B" and sheet.answers["Q1"].changes == 2
    assert store.load("pretest", "KIM-002").value("Q1") == "A"
    assert store.load("posttest", "KIM-001").value("Q1") == "C"
    assert store.participants("pretest") == ["KIM-001", "KIM-002"]
    assert store.mark_submitted("pretest", "KIM-001").submitted_at


def test_file_store_survives_a_crash_during_a_write(tmp_path, monkeypatch):
    store = FileAnswerStore(tmp_path)
    store.save_answer("pretest", "KIM-001", "Q1", "A")
    path = store.path("pretest", "KIM-001")
    before = path.read_bytes()

    def crash(*_args):
        raise OSError("disk pulled out")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.save_answer("pretest", "KIM-001", "Q2", "B")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind
    assert FileAnswerStore(tmp_path).load("pretest", "KIM-001").value("Q1") == "A"


def test_a_damaged_sheet_is_reported_and_left_alone(tmp_path):
    store = FileAnswerStore(tmp_path)
    path = store.path("pretest", "KIM-001")
    path.write_text('{"format": "kimtrain-jawaban", "answers": ', encoding="utf-8")
    with pytest.raises(StoreError) as info:
        store.save_answer("pretest", "KIM-001", "Q1", "A")
    assert str(path) in str(info.value)
    assert path.read_text(encoding="utf-8").endswith('"answers": ')


def _writer(directory: str, worker: int) -> None:
    store = FileAnswerStore(directory)
    for n in range(25):
        store.save_answer("pretest", "KIM-001", f"W{worker}-{n}", n)


def test_two_kernels_writing_one_sheet_lose_nothing(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(str(tmp_path), w)) for w in range(3)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
    data = json.loads(FileAnswerStore(tmp_path).path("pretest", "KIM-001").read_text())
    assert len(data["answers"]) == 75
