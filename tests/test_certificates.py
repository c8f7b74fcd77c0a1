"""kimtrain certificates: a PDF for exactly those at or above the cut, codes that are stable,
unique and tied to the course's secret key, and the list of issued codes."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from kimtrain.course.gradebook import cell_scores
from kimtrain.reports.certificates import CODES_FILE, issue_certificates, long_date
from kimtrain.reports.privacy import course_key, verification_code

from .synth import synth_course


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synth_course(tmp_path_factory.mktemp("sertifikat") / "kursus", participants=24,
                        items=12, only_pre=2)


def test_certificates_for_exactly_those_who_reached_the_cut(synth, tmp_path):
    rows = pd.DataFrame([c.to_dict() for c in cell_scores(synth.course, "posttest")])
    totals = rows.groupby("participant")[["score", "max_points"]].sum()
    percent = 100 * totals["score"] / totals["max_points"]
    issued = issue_certificates(synth.course, "posttest", tmp_path, cut=70,
                                day=date(2026, 11, 29))
    assert sorted(c.participant for c in issued) == sorted(percent[percent >= 70].index)
    assert 0 < len(issued) < len(percent)
    names = {p.id: p for p in synth.roster}
    for cert in issued:
        pdf = (tmp_path / cert.file).read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
        assert cert.name == names[cert.participant].nama
        assert cert.kim == names[cert.participant].kim
        assert cert.participant not in cert.file and cert.code in cert.file
        assert all(c.split()[0] in {i.competency for i in synth.forms["posttest"]}
                   for c in cert.competencies)
    with open(tmp_path / CODES_FILE, encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.DictReader(fh, delimiter=";"))  # Indonesian Excel: ; and 70,5
    assert [r["Kode verifikasi"] for r in listed] == [c.code for c in issued]
    assert listed[0]["Tanggal"] == "29 November 2026"
    assert "," in listed[0]["Skor (%)"] and "." not in listed[0]["Skor (%)"]
    assert len({c.code for c in issued}) == len(issued)
    assert len(list(tmp_path.glob("*.pdf"))) == len(issued)


def test_codes_are_stable_and_need_the_course_key(synth, tmp_path):
    first = issue_certificates(synth.course, "posttest", tmp_path / "a", cut=60)
    again = issue_certificates(synth.course, "posttest", tmp_path / "b", cut=60)
    assert [c.code for c in first] == [c.code for c in again]
    key = course_key(synth.course)
    person = first[0].participant
    assert verification_code(key, "sintetis", "posttest", person) == first[0].code
    assert verification_code(b"x" * 32, "sintetis", "posttest", person) != first[0].code
    assert verification_code(key, "sintetis", "pretest", person) != first[0].code


def test_the_command_reports_what_it_issued(synth, tmp_path):
    rows = pd.DataFrame([c.to_dict() for c in cell_scores(synth.course, "pretest")])
    totals = rows.groupby("participant")[["score", "max_points"]].sum()
    perfect = int((totals["score"] == totals["max_points"]).sum())
    done = subprocess.run([sys.executable, "-m", "kimtrain", "certificates", "--course",
                           str(synth.course.root), "--form", "pretest", "--cut", "100",
                           "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob("*.pdf"))) == perfect
    expected = "Belum ada peserta" if perfect == 0 else f"{perfect} sertifikat dibuat"
    assert expected in done.stdout
    assert (tmp_path / CODES_FILE).exists()


def test_bad_input_is_a_clear_message(synth, tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "kimtrain", "certificates", "--course",
                               str(synth.course.root), "--out", str(tmp_path), *args],
                              capture_output=True, text=True)

    bad_date = run("--date", "29-11-2026")
    assert bad_date.returncode == 1 and "TTTT-BB-HH" in bad_date.stderr
    missing = run("--form", "ujian-lain")
    assert missing.returncode == 1 and "'ujian-lain' belum ada di buku nilai" in missing.stderr
    assert not list(tmp_path.iterdir())
    assert long_date(date(2026, 8, 17), "id") == "17 Agustus 2026"
    assert long_date(date(2026, 8, 17), "en") == "17 August 2026"
