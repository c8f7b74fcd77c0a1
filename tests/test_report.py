"""kimtrain report on a synthetic course: the numbers agree with independent computations
from the gradebook, edge cases are defined, small groups and identities stay hidden."""

from __future__ import annotations

import re
import zipfile

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats as scipy_stats

from kimtrain.course.gradebook import cell_scores
from kimtrain.errors import CourseError
from kimtrain.reports import ReportOptions, build_report, write_report
from kimtrain.reports.groups import group_stats
from kimtrain.reports.privacy import MIN_GROUP

from .synth import SMALL_DESA, SMALL_KECAMATAN, SMALL_KIM, synth_course

UNTRANSLATED = re.compile(r"\b(report|results|domain|competency|type|cli)\.[a-z_]+")


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synth_course(tmp_path_factory.mktemp("synth") / "kursus", participants=60, items=12,
                        only_pre=3, only_post=2, small_group=3)


@pytest.fixture(scope="module")
def report(synth):
    return build_report(synth.course, ReportOptions(pre="pretest", post="posttest"))


@pytest.fixture(scope="module")
def written(report, tmp_path_factory):
    return write_report(report, tmp_path_factory.mktemp("laporan"))


def _percent_by_orm(course, form: str) -> pd.Series:
    """Each participant's score %, read through nbgrader's ORM (the slow, reference path)."""
    rows = pd.DataFrame([c.to_dict() for c in cell_scores(course, form)])
    totals = rows.groupby("participant")[["score", "max_points"]].sum()
    return 100 * totals["score"] / totals["max_points"]


def test_cohort_statistics_match_an_independent_computation(synth, report):
    pre, post = _percent_by_orm(synth.course, "pretest"), _percent_by_orm(synth.course, "posttest")
    both = pre.index.intersection(post.index)
    cohort = report.groups[0]
    assert (cohort.enrolled, cohort.n_pre, cohort.n_post, cohort.n_pairs) == (
        63, len(pre), len(post), len(both))
    assert cohort.pre_mean == pytest.approx(pre.mean())
    assert cohort.post_sd == pytest.approx(post.std(ddof=1))
    test = scipy_stats.ttest_rel(post[both], pre[both])
    assert cohort.paired.t == pytest.approx(test.statistic)
    assert cohort.paired.p == pytest.approx(test.pvalue)
    ci = test.confidence_interval(0.95)
    assert (cohort.paired.ci_low, cohort.paired.ci_high) == pytest.approx((ci.low, ci.high))
    g = (post[both].mean() - pre[both].mean()) / (100 - pre[both].mean())
    assert cohort.g == pytest.approx(g)
    assert cohort.mastery_post == pytest.approx((post >= 70).mean())
    assert cohort.g > 0.2 and cohort.paired.mean_diff > 5  # the simulated training works


def test_reliability_and_items_match_pingouin_and_the_gradebook(synth, report):
    rows = pd.DataFrame([c.to_dict() for c in cell_scores(synth.course, "pretest")])
    matrix = rows.pivot(index="participant", columns="item", values="score")
    form = report.forms["pre"]
    alpha, ci = pg.cronbach_alpha(matrix)
    assert form.reliability.alpha.alpha == pytest.approx(alpha)
    assert (round(form.reliability.alpha.ci_low, 3), round(form.reliability.alpha.ci_high, 3)) \
        == tuple(ci)
    maxima = rows.groupby("item")["max_points"].first()
    for row in form.items:
        facility = matrix[row.info.id].mean() / maxima[row.info.id]
        assert row.stats.facility == pytest.approx(facility)
        rest = matrix.sum(axis=1) - matrix[row.info.id]
        assert row.stats.discrimination == pytest.approx(
            100 * np.corrcoef(matrix[row.info.id], rest)[0, 1])
    # distractor counts come from the graded notebooks: every answered item is counted once
    single = next(r for r in form.items if r.info.type == "single")
    answered = sum(1 for response, _ in form.data.responses(form.items.index(single)).values()
                   if response is not None)
    assert sum(o.count for o in single.options) == answered
    assert [o.option for o in single.options if o.is_key] == ["B"]
    hoax = next(r for r in form.items if r.info.type == "truefalse")
    assert {o.option for o in hoax.options} == {"true", "false"}


def test_rollups_match_the_participants_own_subscores(synth, report):
    """Domain and competency means per group, recomputed from each form's raw matrix —
    over the participants who took both tests, so pre and post compare the same people."""
    both = set(report.forms["pre"].data.participants) & set(report.forms["post"].data.participants)
    for role, form in report.forms.items():
        data = form.data
        for level, key, group in (("domain_semua", "domain", None),
                                  ("kompetensi_kecamatan", "competency", "Kota Besi")):
            table = report.table(level)
            frame = table.frame.assign(code=table.extra["codes"])
            if group:
                frame = frame[frame["group"] == group]
            members = [i for i, p in enumerate(data.participants) if p in both and (
                group is None or report.frame.loc[p, "kecamatan"] == group)]
            assert members
            for _, row in frame.iterrows():
                cols = [i for i, item in enumerate(data.items)
                        if getattr(item, key) == row["code"]]
                x = data.scores[np.ix_(members, cols)]
                expected = (100 * x.sum(axis=1) / data.max_points[cols].sum()).mean()
                assert row[role] == pytest.approx(expected), (level, row["code"])
                assert row[f"n_{role}"] == len(members)


def test_discernment_has_both_parts(report):
    for form in report.forms.values():
        (result,) = form.discernment
        assert result.n_true and result.n_false and result.n > 50
        assert result.discernment == pytest.approx(result.hit - result.false_alarm)
        assert 0 <= result.false_alarm <= 1 and 0 <= result.hit <= 1
    assert report.forms["post"].discernment[0].discernment > \
        report.forms["pre"].discernment[0].discernment


def test_small_groups_are_suppressed_everywhere(report):
    for level, name in (("kim", SMALL_KIM), ("desa", SMALL_DESA), ("kecamatan", SMALL_KECAMATAN)):
        small = next(g for g in report.groups if g.level == level and g.group == name)
        assert small.suppressed and small.pre_mean is None and small.paired is None
        table = report.table(f"kelompok_{level}").frame
        row = table[table["group"] == name].iloc[0]
        assert row[["n_pre", "pre_mean", "post_mean", "diff", "g"]].isna().all()
        assert "kurang dari 5" in row["note"]
    people = report.table("peserta").frame
    small_members = report.frame.index[report.frame["kim"] == SMALL_KIM]
    assert len(small_members) == 3
    assert not people["kim"].isin([SMALL_KIM]).any()
    assert not people["kecamatan"].isin([SMALL_KECAMATAN]).any()
    heat = report.table("kompetensi_kecamatan").frame
    assert SMALL_KECAMATAN not in set(heat["group"])
    for group in report.groups:
        if not group.suppressed and group.level != "cohort":
            assert group.n_pre >= MIN_GROUP or group.pre_mean is None


def test_one_form_only_participants_are_counted_and_explained(report):
    people = report.table("peserta").frame
    only_pre = people[people["post"].isna()]
    only_post = people[people["pre"].isna()]
    assert len(only_pre) == 3 and len(only_post) == 2
    assert only_pre["gain"].isna().all() and only_pre["c_person"].isna().all()
    assert (only_pre["note"].str.contains("hanya mengikuti pre-test")).all()
    assert (only_post["note"].str.contains("hanya mengikuti post-test")).all()


@pytest.mark.parametrize("role", ["pre", "post"])
def test_either_form_alone_makes_a_report(synth, role, tmp_path):
    options = ReportOptions(**{role: "posttest" if role == "post" else "pretest"})
    alone = build_report(synth.course, options)
    assert list(alone.forms) == [role]
    groups = alone.table("kelompok_semua")
    assert "diff" not in [c.id for c in groups.columns]
    assert groups.frame.iloc[0][f"{role}_mean"] == pytest.approx(
        getattr(alone.groups[0], f"{role}_mean"))
    files = write_report(alone, tmp_path)
    assert files.html.exists() and files.xlsx.exists() and len(files.png) == 4


def test_bad_requests_are_clear_errors(synth):
    with pytest.raises(CourseError, match="belum ada di buku nilai"):
        build_report(synth.course, ReportOptions(pre="pretest", post="ujian-lain"))
    with pytest.raises(CourseError, match="minimal satu penilaian"):
        build_report(synth.course, ReportOptions())
    with pytest.raises(CourseError, match="tidak boleh penilaian yang sama"):
        build_report(synth.course, ReportOptions(pre="pretest", post="pretest"))
    with pytest.raises(CourseError, match="Nilai batas"):
        build_report(synth.course, ReportOptions(pre="pretest", cut=0))


def test_an_output_path_that_is_a_file_is_refused(report, tmp_path):
    taken = tmp_path / "laporan"
    taken.write_text("dokumen lain", encoding="utf-8")
    with pytest.raises(CourseError, match="sudah ada sebagai file"):
        write_report(report, taken)
    assert taken.read_text(encoding="utf-8") == "dokumen lain"


def test_edge_cases_in_groups_are_defined():
    def frame(pre, post):
        n = len(pre)
        return pd.DataFrame({"on_roster": [True] * n, "pre": pre, "post": post})

    full = group_stats(frame([100.0] * 5, [100.0, 90, 100, 100, 80]), "kim", "A", 70)
    assert full.g is None and "report.reason.pre_full" in full.reasons
    assert full.c_mean == pytest.approx((-0.1 - 0.2) / 2)  # pre = post = 100 dropped
    flat = group_stats(frame([50.0] * 5, [60.0] * 5), "kim", "B", 70)
    assert flat.paired.d_z is None and flat.paired.ci_low == flat.paired.mean_diff == 10
    assert "report.reason.same_difference" in flat.reasons
    few_pairs = group_stats(frame([50.0] * 3 + [np.nan] * 3, [np.nan, 60, 70, 80, 90, 60]),
                            "kim", "C", 70)
    assert not few_pairs.suppressed and few_pairs.paired is None
    assert few_pairs.pre_mean is None and few_pairs.post_mean == pytest.approx(72)
    assert {"report.reason.small_pre", "report.reason.small_pairs"} <= set(few_pairs.reasons)


def test_one_item_form_gives_defined_results(tmp_path):
    tiny = synth_course(tmp_path / "kursus", participants=8, items=1, forms=("pretest",),
                        notebooks=False)
    one = build_report(tiny.course, ReportOptions(pre="pretest"))
    assert one.forms["pre"].reliability.alpha.reason == "report.reason.one_item"
    item = one.forms["pre"].items[0]
    assert item.stats.discrimination is None and item.options[0].count == 0  # no notebooks
    note = one.table("reliabilitas").frame.iloc[0]["note"]
    assert "hanya satu butir" in note
    files = write_report(one, tmp_path / "laporan")
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "",
                  files.html.read_text(encoding="utf-8"))
    assert not re.search(r"\b(NaN|nan|None)\b", text)


def test_outputs_hold_every_table_and_plot(report, written):
    names = {p.name for p in written.png}
    assert names == {"perubahan.png", "kompetensi.png", "distribusi.png", "domain.png",
                     "butir.png"}
    for png in written.png:
        assert png.read_bytes().startswith(b"\x89PNG")
    with zipfile.ZipFile(written.xlsx) as book:
        workbook = book.read("xl/workbook.xml").decode("utf-8")
    sheets = re.findall(r'<sheet name="([^"]+)"', workbook)
    assert len(sheets) == len(report.tables) + 2  # plus the contents and the method notes
    assert "Butir pre-test" in sheets and "Per kecamatan" in sheets
    assert {p.stem for p in written.csv} == {tb.key for tb in report.tables}
    html = written.html.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 6  # the summary repeats the change chart
    assert "@page { size: A4" in html
    assert not UNTRANSLATED.search(html)  # every text is translated
    assert "Indeks Literasi Digital" in html and "persepsi diri" in html
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert not re.search(r"\b(NaN|nan|None)\b", text)


def test_english_report_has_every_text(synth, tmp_path):
    english = build_report(synth.course, ReportOptions(pre="pretest", post="posttest",
                                                       lang="en"))
    html = write_report(english, tmp_path).html.read_text(encoding="utf-8")
    assert not UNTRANSLATED.search(html)
    assert "Item analysis" in html and "self-report" in html


def test_the_sql_read_agrees_with_nbgrader_orm_on_manual_grades(tmp_path):
    """Manual scores win over automatic ones, extra credit adds, a cell still waiting for
    a person is missing (not 0): the same rule as nbgrader's Grade.score."""
    from sqlalchemy import create_engine, text

    from kimtrain.reports.data import gradebook_cells

    small = synth_course(tmp_path / "kursus", participants=6, items=4, forms=("pretest",),
                         notebooks=False)
    engine = create_engine(small.course.db_url)
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM grade ORDER BY id")).all()]
        conn.execute(text("UPDATE grade SET manual_score = 0.5 WHERE id = :i"), {"i": ids[0]})
        conn.execute(text("UPDATE grade SET extra_credit = 0.25 WHERE id = :i"), {"i": ids[1]})
        conn.execute(text("UPDATE grade SET needs_manual_grade = 1, auto_score = NULL "
                          "WHERE id = :i"), {"i": ids[2]})
    engine.dispose()
    orm = sorted((c.participant, c.item, c.score, c.max_points, c.needs_manual)
                 for c in cell_scores(small.course, "pretest"))
    sql = sorted(gradebook_cells(small.course, "pretest"))
    assert sql == orm
    assert any(score == 0.5 for _, _, score, _, _ in sql)
    assert sum(1 for *_, manual in sql if manual) == 1
