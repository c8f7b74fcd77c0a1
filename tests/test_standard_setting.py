"""Cut scores set by judges (modified Angoff): worksheet out and back in, every bad cell
named, and certificates and reports that say which cut they used and how it was set."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from kimtrain.errors import CourseError
from kimtrain.reports import ReportOptions, build_report
from kimtrain.reports.certificates import issue_certificates
from kimtrain.reports.standard_setting import (
    PROVISIONAL_CUT,
    SHEET,
    cut_for,
    load_cut,
    set_cut,
    write_worksheet,
)

from .synth import synth_course


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synth_course(tmp_path_factory.mktemp("cut") / "kursus", participants=30, items=8,
                        notebooks=False)


def fill(path, ratings: dict[int, list[object]]) -> None:
    """Write judge j's ratings (one per item row) into column 8 + j of the worksheet."""
    book = load_workbook(path)
    sheet = book[SHEET]
    for j, values in ratings.items():
        for r, value in enumerate(values, start=2):
            sheet.cell(row=r, column=8 + j, value=value)
    book.save(path)


def test_worksheet_lists_every_item_with_a_column_per_judge(synth, tmp_path):
    path = write_worksheet(synth.course, "posttest", tmp_path / "angoff.xlsx", judges=3)
    book = load_workbook(path)
    assert book.sheetnames == ["Petunjuk", SHEET]
    rows = list(book[SHEET].iter_rows(values_only=True))
    assert rows[0][:2] == ("No", "Soal") and rows[0][7:] == ("Penilai 1", "Penilai 2",
                                                            "Penilai 3")
    assert [r[1] for r in rows[1:]] == [i.id for i in synth.forms["posttest"]]
    assert "MINIMAL KOMPETEN" in "\n".join(str(c.value) for c in book["Petunjuk"]["A"])


def test_the_cut_is_the_point_weighted_mean_rating_with_the_judges_spread(synth, tmp_path):
    items = synth.forms["posttest"]
    path = write_worksheet(synth.course, "posttest", tmp_path / "angoff.xlsx", judges=3)
    judge = {0: [60] * len(items), 1: [80] * len(items),
             2: [50 if item.points == 2 else 70 for item in items]}
    fill(path, judge)
    result = set_cut(synth.course, "posttest", path)
    points = [item.points for item in items]
    cuts = [sum(p * r for p, r in zip(points, judge[j], strict=True)) / sum(points)
            for j in range(3)]
    assert result.judge_cuts == pytest.approx(cuts)
    assert result.cut == pytest.approx(sum(cuts) / 3)
    spread = (sum((c - result.cut) ** 2 for c in cuts) / 2) ** 0.5 / 3**0.5
    assert result.se == pytest.approx(spread)
    assert load_cut(synth.course, "posttest").cut == pytest.approx(result.cut)
    text = result.describe("id")
    assert "metode Angoff yang dimodifikasi oleh 3 penilai" in text

    # certificates use it and say how it was set
    issued = issue_certificates(synth.course, "posttest", tmp_path / "sertifikat")
    assert issued and all(c.cut == pytest.approx(result.cut) and c.cut_method == "angoff"
                          for c in issued)
    assert all(c.score >= result.cut for c in issued)
    # the report too, unless a cut is given on the command line
    report = build_report(synth.course, ReportOptions(pre="pretest", post="posttest"))
    assert report.options.cut == pytest.approx(result.cut)
    assert report.cut_info.method == "angoff"
    # each form is judged against its own cut: the pre-test has none set yet
    assert report.cuts["pre"].method == "provisional" and report.cuts["pre"].cut == 70
    pre = report.frame["pre"].dropna()
    assert report.groups[0].mastery_pre == pytest.approx((pre >= 70).mean())
    post = report.frame["post"].dropna()
    assert report.groups[0].mastery_post == pytest.approx((post >= result.cut).mean())
    given = build_report(synth.course, ReportOptions(pre="pretest", post="posttest", cut=55))
    assert given.cut_info.method == "manual" and given.options.cut == 55
    (synth.course.root / "standar" / "posttest.json").unlink()


def test_bad_cells_are_all_named_and_nothing_is_saved(synth, tmp_path):
    items = synth.forms["pretest"]
    path = write_worksheet(synth.course, "pretest", tmp_path / "angoff.xlsx", judges=2)
    first = [70] * len(items)
    first[1] = "banyak"
    first[2] = 140
    second = [60] * len(items)
    second[3] = None
    fill(path, {0: first, 1: second})
    with pytest.raises(CourseError) as info:
        set_cut(synth.course, "pretest", path)
    message = str(info.value)
    assert "3 kesalahan" in message
    assert "baris 3, kolom H (soal S002): 'banyak' bukan angka 0–100" in message
    assert "baris 4, kolom H (soal S003): 140 di luar 0–100" in message
    assert "kolom I (Penilai 2): penilaian belum lengkap untuk S004" in message
    assert load_cut(synth.course, "pretest") is None
    with pytest.raises(CourseError, match="tidak ditemukan"):
        set_cut(synth.course, "pretest", tmp_path / "tidak-ada.xlsx")


def test_without_judges_the_cut_is_provisional_and_says_so(synth, tmp_path):
    info = cut_for(synth.course, "pretest")
    assert info.cut == PROVISIONAL_CUT and info.method == "provisional"
    assert "SEMENTARA" in info.describe("id") and "PROVISIONAL" in info.describe("en")
    issued = issue_certificates(synth.course, "pretest", tmp_path)
    assert all(c.cut_method == "provisional" for c in issued)
