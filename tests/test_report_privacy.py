"""No name, phone number, NIK, e-mail, address or roster code in any default output
(UU PDP): checked by searching every file the report writes, the workbook's XML included."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kimtrain.reports import ReportOptions, build_report, write_report

from .synth import synth_course

NIK = re.compile(rb"(?<![\d.])\d{16}(?![\d.])")  # not the digits of a decimal
PHONE = re.compile(rb"(?<![\d.])(?:\+62|62|0)8\d{7,11}(?!\d)")


def _texts(files: list[Path]) -> dict[str, bytes]:
    """Every output as bytes; a workbook as the concatenation of its XML parts."""
    out = {}
    for path in files:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                out[path.name] = b"\n".join(book.read(n) for n in book.namelist())
        else:
            out[str(path)] = path.read_bytes()
    return out


def _personal_data(course_root: Path, roster, contacts) -> list[bytes]:
    """Names, roster codes, phones, e-mails, plus an NIK and an address for everyone,
    written where a careless report could pick them up (the contacts file)."""
    rows = []
    secrets = []
    for n, (person, contact) in enumerate(zip(roster, contacts, strict=True)):
        nik = f"620201{n:010d}"
        address = f"Jalan Uji Privasi No. {n + 7}"
        rows.append({"id": contact.id, "telepon": contact.telepon, "email": contact.email,
                     "nik": nik, "alamat": address})
        secrets += [person.nama, person.id, contact.telepon, contact.email, nik, address]
    with open(course_root / "roster" / "kontak.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [s.encode("utf-8") for s in secrets]


@pytest.fixture(scope="module")
def course_with_secrets(tmp_path_factory):
    synth = synth_course(tmp_path_factory.mktemp("privasi") / "kursus", participants=30,
                         items=8, only_pre=2, small_group=2)
    return synth, _personal_data(synth.course.root, synth.roster, synth.contacts)


def test_no_personal_data_in_any_default_output(course_with_secrets, tmp_path):
    synth, secrets = course_with_secrets
    files = write_report(build_report(synth.course, ReportOptions(pre="pretest",
                                                                  post="posttest")), tmp_path)
    texts = _texts(files.all())
    assert len(texts) == len(files.all()) > 20
    for name, data in texts.items():
        found = [s.decode() for s in secrets if s in data]
        assert not found, f"{name} holds {found[:3]}"
        assert not NIK.search(data), name
        assert not PHONE.search(data), name
    people = (tmp_path / "csv" / "peserta.csv").read_text(encoding="utf-8-sig")
    assert re.search(r"^P-[A-Z2-7]{8};", people, re.MULTILINE)  # Indonesian Excel: ";"


def test_names_only_in_the_participant_sheet_when_asked(course_with_secrets, tmp_path):
    synth, _ = course_with_secrets
    files = write_report(build_report(synth.course, ReportOptions(
        pre="pretest", post="posttest", names=True)), tmp_path)
    name = synth.roster[5].nama.encode("utf-8")
    holders = {Path(n).name for n, data in _texts(files.all()).items() if name in data}
    assert holders == {"peserta.csv", "laporan.xlsx"}
    with zipfile.ZipFile(files.xlsx) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        strings = book.read("xl/sharedStrings.xml")
    assert name in strings and len(sheets) > 10
    assert synth.contacts[5].telepon.encode() not in b"".join(_texts(files.all()).values())


@pytest.mark.slow
def test_report_on_the_demo_course(tmp_path):
    """The acceptance run: `kimtrain demo`, then `kimtrain report` on its course."""
    from kimtrain.demo import demo_roster, run_demo

    result = run_demo(tmp_path / "demo")
    out = tmp_path / "laporan"
    done = subprocess.run([sys.executable, "-m", "kimtrain", "report", "--course",
                           str(result.course.root), "--pre", "pretest", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Laporan selesai" in done.stdout and not done.stderr.strip()
    html = (out / "laporan.html").read_text(encoding="utf-8")
    assert "KIM Habaring Hurung" in html and "Analisis butir soal" in html
    assert (out / "laporan.xlsx").stat().st_size > 10_000
    assert sorted(p.name for p in (out / "grafik").glob("*.png")) == [
        "butir.png", "distribusi.png", "domain.png", "kompetensi.png"]  # one test: no change chart
    files = [p for p in out.rglob("*") if p.is_file()]
    texts = _texts(files)
    for person in demo_roster(12):
        for secret in (person.nama, person.id):
            assert not [n for n, d in texts.items() if secret.encode() in d], secret
