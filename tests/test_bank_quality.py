"""Item-quality checks of ``kimtrain bank check`` on a deliberately flawed bank."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kimtrain.bank import check_banks
from kimtrain.bank.quality import blueprint_sets, cue_counts, quality_issues
from kimtrain.i18n import set_language

FLAWED = Path(__file__).parent / "data" / "bank-cacat"
BANK = FLAWED / "bank" / "soal.yaml"
PRACTICE = FLAWED / "bank" / "latihan-cacat.yaml"
FORM = FLAWED / "blueprints" / "ujian.yaml"


@pytest.fixture(scope="module")
def found():
    set_language("id")
    items, errors = check_banks([FLAWED / "bank"])
    assert errors == []
    sets, bad = blueprint_sets([FORM])
    assert bad == []
    return quality_issues(items, sets)


def where(issue):
    return (Path(issue.file).name, issue.line, issue.item, issue.key)


@pytest.mark.parametrize(("expected", "words"), [
    (("soal.yaml", 3, "CACAT-SEMUA", "quality.all_of_above"), "Semua jawaban di atas benar"),
    (("soal.yaml", 15, "CACAT-NEGATIF", "quality.negative_stem"), 'BUKAN"'),
    (("soal.yaml", 27, "CACAT-KATA", "quality.shared_words"), "(verifikasi)"),
    (("soal.yaml", 39, "CACAT-PANJANG", "quality.length_spread"), "5 sampai 81 huruf"),
    (("soal.yaml", 51, "CACAT-PILIHSEMUA", "quality.choose_all"), "100% nilai"),
    (("latihan-cacat.yaml", 3, "LAT-CACAT-KEMBAR", "quality.near_duplicate"),
     "soal penilaian CACAT-HF-3"),
    (("ujian.yaml", 7, None, "quality.key_position.over"), "kunci A muncul pada 6 dari 8"),
    (("ujian.yaml", 7, None, "quality.key_position.never"), "tidak pernah D pada 8"),
    (("ujian.yaml", 7, None, "quality.key_position.multiple"),
     "pilihan A termasuk jawaban benar pada 3 dari 3"),
    (("ujian.yaml", 7, None, "quality.longest"), "terpanjang pada 7 dari 8"),
    (("ujian.yaml", 7, None, "quality.two_longest"), "dua pilihan terpanjang pada 8 dari 8"),
    (("ujian.yaml", 7, None, "quality.never_shortest"), "tidak pernah menjadi pilihan terpendek"),
    (("ujian.yaml", 7, None, "quality.discernment_format"),
     'aturan "kutipan pesan → hoaks" benar pada 4 dari 4'),
    (("ujian.yaml", 7, None, "quality.thin_domain"), "ranah aman hanya punya 3 soal"),
    (("ujian.yaml", 7, None, "quality.thin_competency"), "kompetensi A2 hanya punya 1 soal"),
    (("soal.yaml", 2, None, "quality.discernment_format"), "4 dari 4 klaim"),
])
def test_every_check_fires_with_file_line_and_item(found, expected, words):
    matches = [i for i in found if where(i) == expected]
    assert matches, [where(i) for i in found]
    rendered = [i.render() for i in matches]
    assert any(words in r for r in rendered), rendered
    file, line = expected[0], expected[1]
    assert all(f"{file}:{line}" in r for r in rendered)
    if expected[2]:
        assert all(f"soal {expected[2]}" in r for r in rendered)


def test_well_made_items_raise_nothing(found):
    # the near-twin practice item is flagged, its assessment partner is not; items
    # without an item-level flaw get no item-level warning
    flagged = {i.item for i in found if i.item}
    assert not flagged & {"CACAT-HF-3", "CACAT-MR-1", "CACAT-MR-2", "CACAT-MR-3"}


def test_counts_for_the_before_after_table():
    items, _ = check_banks([FLAWED / "bank"])
    counts = cue_counts(items)
    assert counts.single == 9
    assert counts.choose_all_pays == 1 and counts.all_of_above == 1
    assert counts.negative_stem == 1 and counts.near_duplicates == 1
    assert counts.discernment == 4 and counts.discernment_format_rule_hits == 4


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kimtrain", "bank", "check", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd,
                          env={**__import__("os").environ, "KIMTRAIN_LANG": "id"})


def test_cli_warns_by_default_and_fails_with_strict_or_course_setting(tmp_path):
    plain = run(FLAWED / "bank")
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "Peringatan mutu soal" in plain.stdout
    assert "ujian.yaml:7" in plain.stdout  # blueprints beside the bank folder are read
    assert "soal CACAT-SEMUA" in plain.stdout
    strict = run(FLAWED / "bank", "--strict")
    assert strict.returncode == 1 and "tingkat galat" in strict.stdout

    course = tmp_path / "kursus"
    shutil.copytree(FLAWED, course)
    (course / "quality.yaml").write_text("level: error\n", encoding="utf-8")
    assert run(course / "bank").returncode == 1
    (course / "quality.yaml").write_text("level: ketat\n", encoding="utf-8")
    bad = run(course / "bank")
    assert bad.returncode == 1 and "quality.yaml" in bad.stdout and "'ketat'" in bad.stdout


def test_summary_prints_cue_counts():
    out = run(FLAWED / "bank", "--summary").stdout
    assert "key is the longest option: 7/9" in out
    assert "choosing everything earns credit: 1" in out


def test_shipped_banks_forms_quizzes_and_practice_sets_pass_the_strict_check():
    shipped = Path(__file__).resolve().parent.parent / "assessments" / "bank"
    run_ = run(shipped, "--strict")
    assert run_.returncode == 0, run_.stdout + run_.stderr
    assert "Mutu soal: tidak ada peringatan." in run_.stdout
