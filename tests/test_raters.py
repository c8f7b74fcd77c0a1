"""Blind second rating of written tasks and quadratic-weighted kappa per rubric."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from sklearn.metrics import cohen_kappa_score

from kimtrain.cli import main
from kimtrain.reports.raters import kappa_meaning, quadratic_weighted_kappa

from .cohort import NAME, built_course, right, submit_by_hand


@pytest.mark.parametrize(("a", "b"), [
    ([0, 1, 2, 3, 4, 5, 6, 2, 3, 4], [0, 2, 2, 3, 5, 5, 6, 1, 3, 3]),
    ([6, 6, 5, 4, 0, 1, 2, 3, 3, 3, 4, 2], [5, 6, 5, 2, 1, 1, 2, 4, 3, 2, 4, 0]),
    ([1, 1, 2, 2], [2, 2, 1, 1]),
])
def test_kappa_matches_sklearn_reference(a, b):
    levels = list(range(7))
    ours = quadratic_weighted_kappa(a, b, levels)
    reference = cohen_kappa_score(a, b, labels=levels, weights="quadratic")
    assert ours == pytest.approx(reference, abs=1e-12)


def test_kappa_hand_computed_value_and_edges():
    # 2x2 table [[2, 1], [0, 1]] over scores {0, 1}: weights 0/1, observed disagreement
    # 1/4, expected (3/4 * 2/4 + 1/4 * 2/4) = 1/2, so kappa = 1 - (1/4)/(1/2) = 0.5
    assert quadratic_weighted_kappa([0, 0, 0, 1], [0, 0, 1, 1]) == pytest.approx(0.5)
    assert quadratic_weighted_kappa([2, 4, 6], [2, 4, 6]) == pytest.approx(1.0)
    assert quadratic_weighted_kappa([3, 3], [3, 3]) is None
    assert quadratic_weighted_kappa([], []) is None
    assert kappa_meaning(0.9, 30, "id").startswith("Artinya: kedua penilai hampir selalu")
    assert "Hanya 4 pasangan" in kappa_meaning(0.9, 4, "id")


ANSWERS = {  # participant -> written answer (KIM-KLARIFIKASI-01), rater 1's score
    "KIM-001": ("Itu hoaks. Cek di cekbansos.kemensos.go.id lalu lapor ke desa.", 6),
    "KIM-002": ("Tidak tahu.", 0),
    "KIM-003": ("=HYPERLINK(\"http://contoh.id\") pesan itu palsu, tanya kantor desa", 3),
    "KIM-004": ("Pesan itu palsu <b>jangan</b> disebar; situs resmi kemensos.go.id.", 4),
}


@pytest.mark.slow
def test_export_import_and_agreement_on_a_graded_course(tmp_path, capsys):
    from nbgrader.api import Gradebook

    from kimtrain.course.grade import grade_cohort

    course, items = built_course(tmp_path / "kursus")
    from kimtrain.course.nbgrader_api import Nbgrader

    Nbgrader(course).release(NAME)
    written = "KIM-KLARIFIKASI-01"
    for pid, (text, _) in ANSWERS.items():
        answers = {i: right(item) for i, item in items.items() if item.type != "written"}
        answers[written] = text
        submit_by_hand(course, pid, answers)
    grade_cohort(course, NAME)
    with Gradebook(course.db_url, course.course_id) as gb:  # rater 1 in formgrader
        for pid, (_, score) in ANSWERS.items():
            grade = gb.find_grade(f"jawaban_{written}", NAME, NAME, pid)
            grade.manual_score = score
            grade.needs_manual_grade = False
        gb.db.commit()

    root = str(course.root)
    assert main(["rating", "agreement", "--course", root]) == 0
    assert "Belum ada penilaian kedua" in capsys.readouterr().out
    # a reproducible half, then everything
    assert main(["rating", "export", "--course", root, "--share", "0.5"]) == 0
    first = json.loads((course.root / "penilaian_ganda" / "kunci.json").read_text())
    assert main(["rating", "export", "--course", root, "--share", "0.5"]) == 0
    again = json.loads((course.root / "penilaian_ganda" / "kunci.json").read_text())
    assert first == again and len(first["2"]["codes"]) == 2
    assert main(["rating", "export", "--course", root, "--share", "1"]) == 0
    out = capsys.readouterr().out
    assert "4 dari 4 jawaban tertulis" in out
    xlsx = course.root / "penilaian_ganda" / "penilai-2.xlsx"
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Petunjuk", "Rubrik 1"]
    sheet = book["Rubrik 1"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    everything = " ".join(str(c) for ws in book for r in ws.iter_rows(values_only=True)
                          for c in r if c is not None)
    assert not any(pid in everything for pid in ANSWERS)  # blind: no participant ids
    assert NAME not in everything  # nor which form
    # participant text stays text: no formula, no link
    cell = next(c for r in sheet.iter_rows(min_row=2) for c in r
                if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert cell.data_type == "s"

    key = json.loads((course.root / "penilaian_ganda" / "kunci.json").read_text())["2"]
    rater2 = {"KIM-001": [2, 2, 1], "KIM-002": [0, 0, 0], "KIM-003": [1, 1, 1],
              "KIM-004": [2, 1, 1]}
    for r, row in enumerate(sheet.iter_rows(min_row=2), 2):
        pid = key["codes"][row[0].value]["participant"]
        for c, value in enumerate(rater2[pid]):
            sheet.cell(row=r, column=4 + c, value=value)
    filled = tmp_path / "terisi.xlsx"
    book.save(filled)

    bad = load_workbook(filled)
    bad["Rubrik 1"].cell(row=3, column=5, value=7)
    bad.save(tmp_path / "salah.xlsx")
    assert main(["rating", "import", str(tmp_path / "salah.xlsx"), "--course", root]) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "lembar 'Rubrik 1', baris 3, kolom E" in out and "'7'" in out
    assert not (course.root / "penilaian_ganda" / "nilai-penilai-2.json").exists()

    assert main(["rating", "import", str(filled), "--course", root]) == 0
    assert main(["rating", "agreement", "--course", root]) == 0
    out = capsys.readouterr().out
    first_scores = [ANSWERS[p][1] for p in sorted(ANSWERS)]
    second_scores = [sum(rater2[p]) for p in sorted(ANSWERS)]
    expected = cohen_kappa_score(first_scores, second_scores, labels=list(range(7)),
                                 weights="quadratic")
    assert f"n = 4, kappa berbobot = {expected:.2f}" in out
    assert "Artinya:" in out and "Hanya 4 pasangan" in out

    # the report carries the agreement table
    from kimtrain.reports.report import ReportOptions, build_report

    report = build_report(course, ReportOptions(pre=NAME, lang="id"))
    table = report.table("penilai")
    assert table.frame["n"].tolist() == [4]
    assert table.frame["kappa"].iloc[0] == pytest.approx(expected)

    # a blind first rating goes into the gradebook as the manual score
    assert main(["rating", "export", "--course", root, "--rater", "1", "--share", "1"]) == 0
    book1 = load_workbook(course.root / "penilaian_ganda" / "penilai-1.xlsx")
    key1 = json.loads((course.root / "penilaian_ganda" / "kunci.json").read_text())["1"]
    for row in book1["Rubrik 1"].iter_rows(min_row=2):
        for cell in row[3:6]:
            cell.value = 1
    book1.save(tmp_path / "penilai1.xlsx")
    assert main(["rating", "import", str(tmp_path / "penilai1.xlsx"), "--course", root,
                 "--rater", "1"]) == 0
    with Gradebook(course.db_url, course.course_id) as gb:
        for info in key1["codes"].values():
            grade = gb.find_grade(f"jawaban_{written}", NAME, NAME, info["participant"])
            assert grade.manual_score == 3
