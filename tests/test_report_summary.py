"""The one-page summary: every compared figure is over the same (paired) people, the
sentences quote exactly the tables' numbers, and uncertainty is said in words."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from kimtrain.course.gradebook import cell_scores
from kimtrain.reports import ReportOptions, build_report, write_report
from kimtrain.reports.groups import group_table
from kimtrain.reports.summary import summarize
from kimtrain.reports.tables import cell_text

from .synth import synth_course


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synth_course(tmp_path_factory.mktemp("synth") / "kursus", participants=40, items=10,
                        only_pre=4, only_post=2, small_group=3)


@pytest.fixture(scope="module")
def report(synth):
    return build_report(synth.course, ReportOptions(pre="pretest", post="posttest"))


def _percent(course, form: str) -> pd.Series:
    """Each participant's score %, through nbgrader's ORM (independent of the report)."""
    rows = pd.DataFrame([c.to_dict() for c in cell_scores(course, form)])
    totals = rows.groupby("participant")[["score", "max_points"]].sum()
    return 100 * totals["score"] / totals["max_points"]


def _value(table, label_start: str):
    frame = table.frame
    row = frame[frame["measure"].str.startswith(label_start)].iloc[0]
    return row["value"], row["kind"]


def test_every_change_figure_is_over_the_paired_participants(synth, report):
    pre, post = _percent(synth.course, "pretest"), _percent(synth.course, "posttest")
    both = pre.index.intersection(post.index)
    assert len(both) < len(pre) and len(both) < len(post)  # some took one test only
    key = report.summary.figures
    assert key.basis == "pairs" and key.n == len(both)
    assert key.pre_mean == pytest.approx(pre[both].mean())
    assert key.post_mean == pytest.approx(post[both].mean())
    assert key.diff == pytest.approx(key.post_mean - key.pre_mean)  # the same people
    # and it reconciles as printed: "56,5 → 68,9, +12,4", never "+12,5"
    assert key.diff_shown == pytest.approx(round(key.post_mean, 1) - round(key.pre_mean, 1))
    assert abs(key.diff_shown - key.diff) <= 0.051
    assert key.mastery_pre == pytest.approx((pre[both] >= 70).mean())
    assert key.mastery_post == pytest.approx((post[both] >= 70).mean())
    # the statistics table in the appendix shows the same paired means
    stats = report.table("ringkasan")
    assert _value(stats, "Rata-rata pre-test")[0] == pytest.approx(key.pre_mean)
    assert _value(stats, "Rata-rata post-test")[0] == pytest.approx(key.post_mean)
    # every group row: the means are over its pairs, and their difference is the change
    kim = report.frame["kim"]
    for level_key in ("kelompok_semua", "kelompok_kim", "kelompok_kecamatan"):
        frame = report.table(level_key).frame
        shown = frame[frame["diff"].notna()]
        assert len(shown)
        for _, row in shown.iterrows():
            assert row["diff"] == pytest.approx(row["post_mean"] - row["pre_mean"])
            if level_key == "kelompok_kim":
                members = [p for p in both if kim.get(p) == row["group"]]
                assert row["n_pairs"] == len(members)
                assert row["pre_mean"] == pytest.approx(pre[members].mean())
                assert row["post_mean"] == pytest.approx(post[members].mean())
    # domain and competency rows: pre, post and change over the same people
    for key_name in ("domain_semua", "kompetensi_semua", "domain_kim"):
        frame = report.table(key_name).frame
        assert (frame["n_pre"] == frame["n_post"]).all()
        assert (frame["n_pre"] == frame["n_pairs"]).all()
        shown = frame[frame["diff"].notna()]
        assert np.allclose(shown["diff"], shown["post"] - shown["pre"])


def test_summary_sentences_quote_the_tables_numbers(report):
    lang = report.lang
    key = report.table("angka_utama")
    f = report.summary.figures
    sentences = report.summary.sentences
    assert 5 <= len(sentences) <= 7
    who, change, mastery = sentences[0], sentences[1], sentences[2]
    for value, kind in (_value(key, "Peserta terdaftar"), _value(key, "Mengikuti pre-test"),
                        _value(key, "Mengikuti post-test"), _value(key, "Mengikuti keduanya")):
        assert cell_text(value, kind, lang) in who
    for label in ("Rata-rata pre-test", "Rata-rata post-test", "Perubahan rata-rata"):
        value, kind = _value(key, label)
        assert cell_text(value, kind, lang) in change, label
    low, high = _value(key, "Perubahan sebenarnya")[0].split(" … ")
    assert low in change and high in change
    for label in ("Mencapai nilai batas 70 pada pre-test", "Mencapai nilai batas 70 pada post"):
        value, kind = _value(key, label)
        assert cell_text(value, kind, lang) in mastery
    assert f"{f.masters_pre} dari {f.n} orang" in mastery
    # the weakest competencies, by name, with the table's values
    weak = next(s for s in sentences if "terlemah" in s)
    assert len(report.summary.weakest) == 3
    for c in report.summary.weakest:  # competencies, or domains when none has 4 items
        label = f"Kompetensi lemah: {c.code}" if c.kind == "competency" else \
            f"Domain lemah: {c.name}"
        value, kind = _value(key, label)
        named = f"{c.code} {c.name}" if c.kind == "competency" else c.name
        assert f"{named} ({cell_text(value, kind, lang)})" in weak
    # the least-improved group, with the group table's change and its number of pairs
    least = report.summary.least
    assert least is not None and least.level == "kim"
    groups = report.table("kelompok_kim").frame
    row = groups[groups["group"] == least.group].iloc[0]
    assert row["diff"] == min(groups["diff"].dropna())
    text = next(s for s in sentences if least.group in s)
    assert cell_text(row["diff"], "pp", lang) in text and f"{int(row['n_pairs'])} peserta" in text
    # the recommendation names a module and the follow-up list's length
    follow = report.table("tindak_lanjut")
    assert f"dampingi {len(follow.frame)} peserta" in sentences[-1]
    assert re.search(r"modul \d\d ", sentences[-1])


def test_follow_up_includes_people_who_missed_the_post_test(synth, report):
    pre, post = _percent(synth.course, "pretest"), _percent(synth.course, "posttest")
    missed = pre.index.difference(post.index)
    below = post[post < 70].index
    follow = report.table("tindak_lanjut").frame
    assert len(follow) == len(missed) + len(below)
    assert (follow["reason"].str.contains("tidak mengikuti post-test")).sum() == len(missed)
    assert report.tables[1].key == "tindak_lanjut"  # early: right after the key figures


def test_summary_page_is_written_and_leads_the_report(report, tmp_path):
    files = write_report(report, tmp_path)
    html = files.html.read_text(encoding="utf-8")
    page = files.summary.read_text(encoding="utf-8")
    first = report.summary.sentences[0]
    assert first in page and first in html
    assert html.index(first) < html.index("Daftar isi") < html.index("Lampiran A")
    assert "Lampiran B. Analisis butir soal" in html and html.count("Artinya:") >= 8
    assert "Analisis butir" not in page  # the summary page is the summary only


def _frame(pre: list[float], post: list[float]) -> pd.DataFrame:
    n = len(pre)
    return pd.DataFrame({"on_roster": True, "kim": ["KIM A"] * n, "desa": ["Desa A"] * n,
                         "kecamatan": ["Kec A"] * n, "pre": pre, "post": post},
                        index=[f"P{i}" for i in range(n)])


def test_an_interval_crossing_zero_is_said_in_words():
    frame = _frame([50, 60, 40, 70, 55, 65], [60, 50, 45, 65, 60, 62])
    summary = summarize(frame, group_table(frame, 70), ["pre", "post"], 70, "id")
    f = summary.figures
    assert f.ci_low < 0 < f.ci_high
    text = " ".join(summary.sentences)
    assert "belum cukup untuk memastikan ada perubahan" in text
    assert "bisa juga nol" in text
    assert summary.least is not None and summary.least.unsure
    assert "belum pasti" in text
    from kimtrain.reports.sections import group_tables

    groups = group_table(frame, 70)
    (kim,) = [tb for tb in group_tables(groups, ["pre", "post"], 70, "id")
              if tb.key == "kelompok_kim"]
    assert "mencakup nol" in kim.frame.iloc[0]["note"]


def test_too_few_people_show_no_mean():
    frame = _frame([50, 60, 40], [60, 70, 45])
    summary = summarize(frame, group_table(frame, 70), ["pre", "post"], 70, "id")
    assert summary.figures.pre_mean is None and summary.weakest == []
    assert any("tidak ditampilkan" in s for s in summary.sentences)
    assert not any("50" in s or "60" in s for s in summary.sentences)


def test_workbook_pivots_headers_first_and_a_tidy_long_sheet(synth, report, tmp_path):
    from openpyxl import load_workbook

    from .synth import SMALL_KIM

    files = write_report(report, tmp_path)
    book = load_workbook(files.xlsx, read_only=True)
    names = book.sheetnames
    assert names[0] == "Daftar isi" and "Data panjang" in names
    for table in report.tables:  # every data sheet starts with its header row
        sheet = book[next(n for n in names if n.startswith(
            _sheet_label(table.key)[:28]))]
        first = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
        assert first[: len(table.columns)] == [c.label for c in table.columns], table.key
    rows = list(book["Data panjang"].iter_rows(values_only=True))
    header, data = rows[0], pd.DataFrame(rows[1:], columns=rows[0])
    assert {"Kode pseudonim", "KIM", "Tes", "Jenis skor", "Kode", "Skor (%)"} <= set(header)
    assert data["Skor (%)"].map(lambda v: isinstance(v, float)).all()  # numbers, not text
    # a pivot of the long sheet gives the key figures back
    both = data[(data["Ikut kedua tes"] == "Ya") & (data["Jenis skor"] == "Total")]
    means = both.groupby("Tes")["Skor (%)"].mean()
    assert means["pre"] == pytest.approx(report.summary.figures.pre_mean)
    assert means["post"] == pytest.approx(report.summary.figures.post_mean)
    assert SMALL_KIM not in set(data["KIM"].dropna())  # shared: small groups blank
    internal = build_report(synth.course, ReportOptions(pre="pretest", post="posttest",
                                                        internal=True))
    long = internal.table("data_panjang").frame
    assert SMALL_KIM in set(long["kim"]) and long["kim"].notna().all()
    assert SMALL_KIM in set(internal.table("peserta").frame["kim"])
    # CSV for Indonesian Excel: ";" between fields, decimal comma
    text = (tmp_path / "csv" / "angka_utama.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Ukuran;Nilai"
    assert re.search(r"Rata-rata pre-test \(dari 100\);\d+,\d+", text)


def _sheet_label(key: str) -> str:
    from kimtrain.i18n import t

    return t(f"report.sheet.{key}")


def test_the_gain_source_can_change_and_unlinked_tests_are_said():
    from types import SimpleNamespace

    frame = _frame([40, 50, 45, 55, 60, 50], [60, 70, 62, 75, 80, 66])
    groups = group_table(frame, 70)
    linked = SimpleNamespace(linked=True, method="rasch", pre_mean=48.0, post_mean=66.0,
                             gain=18.0, ci_low=12.0, ci_high=24.0)
    summary = summarize(frame, groups, ["pre", "post"], 70, "id", equated=linked)
    f = summary.figures
    assert (f.pre_mean, f.equated_gain, f.scale) == (50.0, 18.0, "rasch")  # means stay raw
    assert "dari 50,0 menjadi 68,8" in summary.sentences[1]  # as in every table
    assert "disetarakan" in summary.sentences[1] and "+18,0 poin" in summary.sentences[1]
    assert "+12,0 dan +24,0" in summary.sentences[1] and "model Rasch" in summary.sentences[1]
    unlinked = SimpleNamespace(linked=False, method=None, gain=None)
    summary = summarize(frame, groups, ["pre", "post"], 70, "id", equated=unlinked)
    assert summary.figures.scale == "unlinked"
    assert "tidak ditautkan" in summary.sentences[1]
    assert "hampir pasti" not in summary.sentences[1]


def test_a_big_programme_charts_the_smallest_changes_and_says_what_it_left_out(tmp_path):
    """200 participants in groups of 5: 40 KIM, 40 desa and their kecamatan have changes,
    more than one A4 chart can hold. The chart shows the 30 smallest and the caption says
    so; every group is still in the tables."""

    from PIL import Image

    from kimtrain.reports.plots import CHANGE_BARS

    big = synth_course(tmp_path / "kursus", participants=200, items=6, group_size=5,
                       notebooks=False)
    result = build_report(big.course, ReportOptions(pre="pretest", post="posttest"))
    changes = result.summary.changes
    assert len(changes) > CHANGE_BARS
    files = write_report(result, tmp_path / "laporan")
    html = files.html.read_text(encoding="utf-8")
    assert (f"Hanya {CHANGE_BARS} kelompok dengan perubahan terkecil dari {len(changes)}"
            in html)
    with Image.open(files.png[[p.name for p in files.png].index("perubahan.png")]) as png:
        height = png.height
    # one bar per row: the 30-bar chart is about 30 rows tall, not one row per group
    small = synth_course(tmp_path / "kecil", participants=60, items=6, group_size=10,
                         notebooks=False)
    few = build_report(small.course, ReportOptions(pre="pretest", post="posttest"))
    assert len(few.summary.changes) < CHANGE_BARS
    few_files = write_report(few, tmp_path / "laporan-kecil")
    assert "kelompok dengan perubahan terkecil dari" not in few_files.html.read_text(
        encoding="utf-8")
    with Image.open(few_files.png[[p.name for p in few_files.png].index("perubahan.png")]
                    ) as png:
        per_bar = png.height / len(few.summary.changes)
    assert height < per_bar * (CHANGE_BARS + 6)
    shown = {row for table in ("kelompok_kim", "kelompok_desa") for row in
             result.table(table).frame.iloc[:, 0]}
    assert {c.group for c in changes if c.level in ("kim", "desa")} <= shown
