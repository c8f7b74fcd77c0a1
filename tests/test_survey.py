"""The reaction survey: its YAML form checked like a bank, answers stored apart from who
gave them (no code, no time, no order), and the report's chapters with the survey
hidden below five respondents and open answers shown as text."""

from __future__ import annotations

import json
import re
import stat
import time
import zipfile
from datetime import date, datetime

import pytest

from kimtrain.evaluation.attendance import load_plan, mark_present
from kimtrain.evaluation.survey import (
    ASPECTS,
    SurveyError,
    load_survey,
    survey_path,
)
from kimtrain.evaluation.survey_store import (
    AlreadyAnswered,
    SurveyAnswer,
    answered,
    clean_answer,
    read_answers,
    save_answer,
)

DAY = date(2026, 12, 4)


def test_the_packaged_survey_covers_the_six_aspects_in_indonesian_and_english():
    survey = load_survey(survey_path())
    assert [i.aspect for i in survey.items] == ["materi", "fasilitator", "manfaat", "waktu",
                                                "tempat", "internet"]
    assert len(survey.open) == 2
    assert survey.scale == {1: "Sangat tidak setuju", 2: "Tidak setuju", 3: "Ragu-ragu",
                            4: "Setuju", 5: "Sangat setuju"}
    assert survey.scale_in("en")[5] == "Strongly agree"
    assert all(i.text and i.en for i in survey.items) and all(q.en for q in survey.open)
    assert "tanpa nama" in survey.intro
    assert {i.aspect for i in survey.items} <= set(ASPECTS)


def test_a_course_survey_replaces_the_packaged_one(course):
    assert survey_path(course.root).name == "reaksi.yaml"
    (course.root / "survei.yaml").write_text(
        "survey: singkat\ntitle: Singkat\nscale: {1: a, 2: b, 3: c, 4: d, 5: e}\n"
        "items:\n  - {id: materi, aspect: materi, text: Materi jelas.}\n", encoding="utf-8")
    survey = load_survey(survey_path(course.root))
    assert survey.id == "singkat" and survey.open == []


def test_a_broken_survey_lists_every_mistake_with_line_item_and_field(tmp_path):
    path = tmp_path / "survei.yaml"
    path.write_text(
        "survey: reaksi\n"
        "judul: Evaluasi\n"                           # 2: unknown (title), title missing
        "scale: {1: a, 2: b, 3: c, 4: d}\n"           # 3: four labels
        "items:\n"
        "  - {id: materi, aspect: bahan, text: X}\n"  # 5: unknown aspect
        "  - {id: materi, aspect: materi, text: Y}\n"  # 6: id twice
        "  - {id: Tempat, aspect: tempat, text: Z}\n"  # 7: bad id
        "  - {id: internet, aspect: internet}\n",     # 8: text missing
        encoding="utf-8")
    with pytest.raises(SurveyError) as caught:
        load_survey(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == "File survei berisi 7 kesalahan:"
    assert "  - survei.yaml:2, isian 'judul': isian tidak dikenal (maksud Anda 'title'?)" \
        in lines
    assert any(line.startswith("  - survei.yaml:1") and "'title'" in line for line in lines)
    assert any("survei.yaml:3" in line and "lima label" in line for line in lines)
    assert any("survei.yaml:5" in line and "bagian materi" in line and "'bahan'" in line
               for line in lines)
    assert any("survei.yaml:6" in line and "sudah dipakai" in line for line in lines)
    assert any("survei.yaml:7" in line and "'Tempat'" in line for line in lines)
    assert any("survei.yaml:8" in line and "bagian internet" in line and "'text'" in line
               for line in lines)


def _answer(survey, n: int) -> SurveyAnswer:
    return clean_answer(survey, {i.id: str(1 + (n + k) % 5) for k, i in enumerate(survey.items)},
                        {"berguna": f"jawaban-{n:02d}", "saran": ""})


def test_answers_are_stored_without_who_when_or_in_which_order(course):
    survey = load_survey(survey_path())
    codes = [f"KIM-{n:03d}" for n in range(1, 13)]
    for n, code in enumerate(codes):
        assert save_answer(course.root, DAY, code, _answer(survey, n)) == n + 1
    folder = course.root / ".kimtrain" / "survei" / DAY.isoformat()
    stored = json.loads((folder / "jawaban.json").read_text(encoding="utf-8"))
    text = (folder / "jawaban.json").read_text(encoding="utf-8")
    assert "KIM-" not in text and not re.search(r"\d\d:\d\d|\d{4}-\d\d-\d\d", text)
    assert all(set(a) == {"skor", "teks"} for a in stored)
    order = [a["teks"]["berguna"] for a in stored]
    assert sorted(order) == [f"jawaban-{n:02d}" for n in range(12)]
    assert order != sorted(order)  # shuffled: 1 chance in 479,001,600 of the same order
    assert json.loads((folder / "sudah-mengisi.json").read_text(encoding="utf-8")) == codes
    midnight = time.mktime(datetime(2026, 12, 4).timetuple())
    for path in (folder / "jawaban.json", folder / "sudah-mengisi.json", folder):
        assert path.stat().st_mtime == midnight
    assert stat.S_IMODE((folder / "jawaban.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "sudah-mengisi.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 == stat.S_IMODE(
        folder.parent.stat().st_mode)
    with pytest.raises(AlreadyAnswered):
        save_answer(course.root, DAY, "kim-003", _answer(survey, 99))
    assert len(read_answers(course.root)) == 12 and answered(course.root, DAY) == set(codes)


def test_clean_answer_keeps_only_the_survey_and_scores_one_to_five():
    survey = load_survey(survey_path())
    answer = clean_answer(survey, {"materi": "9", "tempat": "4", "asing": "5"},
                          {"saran": " " + "x" * 5000, "lain": "?"})
    assert answer.scores["materi"] is None and answer.scores["tempat"] == 4
    assert "asing" not in answer.scores and set(answer.texts) == {"berguna", "saran"}
    assert len(answer.texts["saran"]) == 1000


# -- the report ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    from .synth import synth_course

    return synth_course(tmp_path_factory.mktemp("survei") / "kursus", participants=12,
                        items=8, group_size=6)


def _report(course, out):
    from kimtrain.reports import ReportOptions, build_report, write_report

    report = build_report(course, ReportOptions(pre="pretest", post="posttest"))
    return report, write_report(report, out)


def test_report_hides_the_survey_below_five_then_shows_it_escaped(synth, tmp_path):
    course = synth.course
    survey = load_survey(survey_path())
    plan = load_plan(course.root, today=DAY)
    for n, person in enumerate(synth.roster):
        mark_present(course.root, plan.sessions[0], person.id)
        if n < 9:
            mark_present(course.root, plan.sessions[1], person.id,
                         via="pelatih" if n == 0 else "ponsel")
    for n, person in enumerate(synth.roster[:4]):
        save_answer(course.root, DAY, person.id, _answer(survey, n))
    report, files = _report(course, tmp_path / "a")
    page = files.html.read_text(encoding="utf-8")
    assert '<a href="#attendance">' in page and '<a href="#survey">' in page
    section = re.search(r'<section id="survey">.*?</section>', page, re.S).group(0)
    assert "Baru 4 peserta mengisi survei" in section and "jawaban-0" not in section
    assert "<figure" not in section  # no chart of four people's answers
    items = report.table("survei_butir").frame
    assert items["s1"].isna().all() and (items["n"] == 4).all()
    hadir = report.table("hadir_sesi").frame
    assert hadir["present"].tolist() == [12, 9, 9] and hadir["hand"].tolist()[:2] == [0, 1]

    hostile = '<script>alert("x")</script> & <b>tebal</b>'
    for n, person in enumerate(synth.roster[4:10], start=4):
        answer = _answer(survey, n)
        texts = {**answer.texts, "saran": hostile if n == 4 else ""}
        save_answer(course.root, DAY, person.id, SurveyAnswer(answer.scores, texts))
    report, files = _report(course, tmp_path / "b")
    page = files.html.read_text(encoding="utf-8")
    section = re.search(r'<section id="survey">.*?</section>', page, re.S).group(0)
    assert "10 peserta mengisi" in section
    assert section.count('<img alt="Sebaran jawaban per pernyataan') == 1  # the Likert chart
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" \
        in section
    assert all(f"jawaban-{n:02d}" in section for n in range(10))
    items = report.table("survei_butir").frame.set_index("item")
    first = items.loc[survey.items[0].text]
    # the first item's answers are 1 + n % 5 for n = 0..9: two of each
    assert [first[f"s{v}"] for v in range(1, 6)] == [0.2] * 5 and first["mean"] == 3.0
    assert first["agree"] == pytest.approx(0.4)
    days = report.table("survei_hari").frame
    assert days["respondents"].tolist() == [10] and days["present"].tolist() == [12]
    opened = report.table("survei_terbuka").frame
    for _, given in opened.groupby("question", sort=False):  # alphabetical, never as given
        assert given["answer"].tolist() == sorted(given["answer"])
    with zipfile.ZipFile(files.xlsx) as book:
        xml = b"".join(book.read(n) for n in book.namelist())
    assert b"Survei per pernyataan" in xml and b"Kehadiran" in xml
    everything = b"".join(p.read_bytes() for p in files.all() if p.suffix != ".xlsx") + xml
    for person in synth.roster:  # counts and answers, never who
        assert person.id.encode() not in everything
        assert person.nama.encode() not in everything
