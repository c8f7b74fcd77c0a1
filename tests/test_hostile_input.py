"""Hostile input fails safely: numeric answers (9 MB, nan, inf, 10**400), the draft
checkers on long text built to make a regular expression backtrack, and roster cells.

Each attack from issue 9 is reproduced as a participant or a roster file would send
it; the answer is refused with an Indonesian message, nothing is saved, nothing hangs.
"""

from __future__ import annotations

import time

import pytest

from kimtrain.answers.values import MAX_NUMBER_TEXT, normalise_response, parse_number
from kimtrain.assessment.blueprint import load_blueprint
from kimtrain.assessment.build import build_assessment
from kimtrain.course.roster_import import MAX_CELL, _email_ok, import_roster
from kimtrain.errors import AnswerError, KimtrainError, RosterError
from kimtrain.grading.scoring import score_item
from kimtrain.i18n import t
from kimtrain.practice.drafts import CHECKERS, MAX_DRAFT, Pemeriksa, _load_checkers, check_draft
from kimtrain.widgets import Assessment

from .cohort import tree_digest
from .conftest import TEST_BLUEPRINT

NUMERIC = {"id": "UMKM-BAYAR-01", "type": "numeric"}
ATTACKS = {"9 MB": "9" * 9_000_000, "nan": "nan", "NaN": "NaN", "inf": "inf",
           "-Infinity": "-Infinity", "1e400": "1e400", "10**400": 10**400,
           "-10**400": -10**400, "10**5000": 10**5000, "float nan": float("nan"),
           "float inf": float("inf"), "1e16": "10000000000000000"}


def message(exc: KimtrainError) -> str:
    return t(exc.key, lang="id", **exc.params)


@pytest.mark.parametrize("value", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_numeric_attack_is_refused_with_a_short_indonesian_message(value):
    with pytest.raises(AnswerError) as info:
        normalise_response(NUMERIC, value)
    text = message(info.value)
    assert text.startswith("Soal UMKM-BAYAR-01:") and len(text) < 200
    assert parse_number(value) is None


def test_ordinary_numbers_are_still_read():
    for typed, number in (("112.000", 112000.0), ("2,5", 2.5), ("Rp 1.500.000", 1.5e6),
                          ("-3", -3.0), ("999.999.999.999.999", 999999999999999.0)):
        assert normalise_response(NUMERIC, typed) == typed
        assert parse_number(typed) == number
    with pytest.raises(AnswerError) as info:
        normalise_response(NUMERIC, "1" * (MAX_NUMBER_TEXT + 1))
    assert "terlalu panjang" in message(info.value)


def test_a_hostile_number_scores_zero_instead_of_crashing():
    spec = {"id": "UMKM-BAYAR-01", "type": "numeric", "key": 112000, "tolerance": 0,
            "points": 1}
    for value in ("nan", "inf", 10**400, "9" * 100_000):
        assert score_item(spec, value).points == 0


@pytest.fixture
def folder(course):
    return build_assessment(load_blueprint(TEST_BLUEPRINT), course.root).parent


@pytest.mark.parametrize("value", ["9" * 9_000_000, "nan", "inf", 10**400],
                         ids=["9 MB", "nan", "inf", "10**400"])
def test_the_widget_refuses_a_hostile_number_and_saves_nothing(folder, value):
    session = Assessment("pretest", folder, participant="KIM-003")
    session.soal("UMKM-BAYAR-01")
    widget = session.widgets["UMKM-BAYAR-01"]
    widget.set_state({"value": value})  # what the browser (or an attacker's comm) sends
    assert widget.status == "error" and "Soal UMKM-BAYAR-01" in widget.message
    assert len(widget.message) < 200
    assert not (folder / "jawaban__pretest__KIM-003.json").exists()
    widget.set_state({"value": "112.000"})
    assert widget.status == "saved"


# -- draft checkers -----------------------------------------------------------------------

SIZE = 400_000
HOSTILE = {"1.1.1.": "1." * (SIZE // 2), "a.a.a.": "a." * (SIZE // 2), "quotes": '"' * SIZE,
           "1 1 1": "1 " * (SIZE // 2), "AAAA AAAA": "AAAA " * (SIZE // 5)}


@pytest.mark.slow
@pytest.mark.parametrize("name", HOSTILE)
def test_every_checker_is_linear_on_400_kb_of_hostile_text(name):
    """Not a speed goal (benchmarks/checker_speed.py prints those figures): a bound the
    old quadratic price pattern missed by three orders of magnitude (about 4,700 s for
    400 KB of "1.1.1."; 22 s for 40 KB in the issue)."""
    _load_checkers()
    for kind, checker in CHECKERS.items():
        start = time.perf_counter()
        checker(HOSTILE[name])
        assert time.perf_counter() - start < 10, kind


def test_a_draft_at_the_cap_is_checked_and_one_longer_is_refused_with_a_message():
    at_cap = ("Warga Desa Ketapang bergotong royong membersihkan saluran air. " * 200)[:MAX_DRAFT]
    assert check_draft("berita", at_cap).checks
    with pytest.raises(KimtrainError) as info:
        check_draft("berita", at_cap + "x")
    assert info.value.key == "safety.draft_too_long"
    widget = Pemeriksa("produk", show=False)
    widget._message(widget, {"event": "check", "text": "1." * SIZE}, [])
    assert widget.result["verdict"] == "invalid"
    assert widget.result["summary"].startswith("Draf terlalu panjang: 800000 karakter")


# -- roster import ------------------------------------------------------------------------

def test_the_email_check_is_linear_and_still_right():
    assert _email_ok("siti@desa.id") and _email_ok("a.b@kotim.go.id")
    for bad in ("siti", "siti@", "@desa.id", "siti@desa", "siti@.id", "siti@desa.",
                "si ti@desa.id", "a@b@c.id"):
        assert not _email_ok(bad), bad
    start = time.perf_counter()
    assert not _email_ok("a@" + "a." * 200_000 + " ")  # 25 s for 40 KB with the old pattern
    assert time.perf_counter() - start < 5


def test_an_overlong_roster_cell_is_refused_naming_row_and_column(course, tmp_path):
    path = tmp_path / "peserta.csv"
    rows = ["ID Peserta,Nama,KIM,Desa/Kelurahan,Kecamatan,Email",
            "KIM-001,Siti,KIM Habaring Hurung,Ketapang,Mentawa Baru Ketapang,"
            + "a@" + "a." * 20_000 + " ",
            "KIM-002," + "N" * (MAX_CELL + 1) + ",KIM Pesisir,Ujung Pandaran,Teluk Sampit,"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = tree_digest(course.root)
    start = time.perf_counter()
    with pytest.raises(RosterError) as info:
        import_roster(course, path)
    assert time.perf_counter() - start < 10
    text = str(info.value)
    assert "baris 2, kolom 'Email': terlalu panjang: 40002 karakter (paling banyak 200)" in text
    assert "baris 3, kolom 'Nama': terlalu panjang: 201 karakter" in text
    assert tree_digest(course.root) == before
