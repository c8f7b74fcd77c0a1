"""The report on linked and unlinked pairs: the equated gain and its method note, and for
an unlinked pair a plain warning and no ⟨g⟩ band, c or mastery (issue 11)."""

from __future__ import annotations

import re

import pytest

from kimtrain.reports import ReportOptions, build_report, write_report
from kimtrain.reports.measurement import read_link

from .synth import synth_course

UNTRANSLATED = re.compile(r"\b(measure|cut|report)\.[a-z_]+\.[a-z_]+")


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    synth = synth_course(tmp_path_factory.mktemp("linked") / "kursus", participants=40,
                         items=12, notebooks=False)
    return build_report(synth.course, ReportOptions(pre="pretest", post="posttest"))


@pytest.fixture(scope="module")
def unlinked(tmp_path_factory):
    synth = synth_course(tmp_path_factory.mktemp("unlinked") / "kursus", participants=40,
                         items=12, notebooks=False, design=None)
    return build_report(synth.course, ReportOptions(pre="pretest", post="posttest"))


def test_a_linked_pair_reports_the_equated_gain_with_its_interval(linked, tmp_path):
    e = linked.equated
    assert e.linked and e.design == "same" and e.method == "rasch" and e.n_pairs == 40
    assert e.ci_low < e.gain < e.ci_high and e.gain > 5  # the simulated training works
    assert e.logit_ci_low < e.gain_logit < e.logit_ci_high
    assert len(e.items) == 12 and all(i.infit and i.outfit for i in e.items)
    table = linked.table("kenaikan_setara").frame
    assert "Kenaikan setelah penyetaraan (poin %)" in set(table["measure"])
    assert "⟨g⟩" in " ".join(linked.table("ringkasan").frame["measure"])  # claims kept
    html = write_report(linked, tmp_path).html.read_text(encoding="utf-8")
    assert "Kenaikan pada skala yang sama" in html
    assert "bentuk yang sama dipakai sebelum dan sesudah" in html  # the method note
    assert "Kalibrasi butir (model Rasch)" in html and "Infit MNSQ" in html
    assert "nilai batas SEMENTARA" in html
    assert not UNTRANSLATED.search(html)


def test_an_unlinked_pair_says_so_and_makes_no_gain_claims(unlinked, tmp_path):
    e = unlinked.equated
    assert not e.linked and e.gain is None and e.reason == "measure.reason.not_declared"
    summary = " ".join(unlinked.table("ringkasan").frame["measure"])
    assert "⟨g⟩" not in summary and "mencapai" not in summary.lower()
    for key in ("kelompok_semua", "kelompok_kim"):
        ids = {c.id for c in unlinked.table(key).columns}
        assert not ids & {"g", "band", "c", "mastery_pre", "mastery_post"}
    people = {c.id for c in unlinked.table("peserta").columns}
    assert not any(c.startswith("mastered_") for c in people)
    html = write_report(unlinked, tmp_path).html.read_text(encoding="utf-8")
    assert "tidak bertaut" in html
    assert "tidak menampilkan gain ⟨g⟩" in html
    english = build_report(unlinked.course, ReportOptions(pre="pretest", post="posttest",
                                                          lang="en"))
    text = write_report(english, tmp_path / "en").html.read_text(encoding="utf-8")
    assert "are not linked" in text and not UNTRANSLATED.search(text)


def test_competencies_with_fewer_than_four_items_are_not_reported(linked):
    # 12 synthetic items spread over 6 domains: no competency has 4 items
    for form in linked.forms.values():
        assert form.competencies == {}
        assert form.domains
    people = {c.id for c in linked.table("peserta").columns}
    assert not any("_comp_" in c or "_disc_" in c for c in people)


def test_the_link_is_read_from_both_manifests(linked, unlinked):
    assert read_link(linked.course, "pretest", "posttest").design == "same"
    assert read_link(unlinked.course, "pretest", "posttest").reason == \
        "measure.reason.not_declared"
    assert read_link(linked.course, "posttest", "pretest").design == "same"


def test_equated_gains_per_group_come_from_each_pairs_equated_scores(linked):
    e = linked.equated
    table = linked.table("kenaikan_setara_kelompok").frame
    cohort = table.iloc[0]
    assert cohort["n"] == e.n_pairs
    assert cohort["gain"] == pytest.approx(float((e.post_equated - e.pre_equated).mean()))
    assert cohort["ci_low"] < cohort["gain"] < cohort["ci_high"]
    kim = table[table["level"] == "KIM"]
    assert len(kim) == 4 and (kim["n"] == 10).all()  # synthetic KIM groups of ten
    members = linked.frame.index[linked.frame["kim"] == kim.iloc[0]["group"]]
    pairs = [i for i, p in enumerate(e.participants) if p in set(members)]
    expected = (e.post_equated[pairs] - e.pre_equated[pairs]).mean()
    assert kim.iloc[0]["gain"] == pytest.approx(expected)


def test_an_unlinked_pair_has_no_group_gains(unlinked):
    assert "kenaikan_setara_kelompok" not in {tb.key for tb in unlinked.tables}
