"""Attendance: the session plan (checked like a bank), presence marks, and the list per
day as XLSX and a printable PDF, read back (openpyxl, pdftotext) and rendered (pdftoppm)."""

from __future__ import annotations

import shutil
import stat
import subprocess
import threading
from datetime import date, datetime

import pytest

from kimtrain.cli import main
from kimtrain.course.roster import save_roster
from kimtrain.demo import demo_roster
from kimtrain.evaluation.attendance import (
    PLAN_FILE,
    AttendanceError,
    load_plan,
    mark_present,
    read_day,
    write_plan_template,
)
from kimtrain.evaluation.attendance_export import export_day

from .browser import ARTIFACTS

DAY = date(2026, 12, 4)  # a Friday

PLAN = """\
activity: Bimtek KIM Kotim 2026 (contoh)
place: Aula Diskominfo, Sampit (contoh)
city: Sampit
signer: {title: Kepala Bidang IKP (contoh), name: Nama Pejabat (contoh), nip: "1980"}
days:
  - date: 2026-12-04
    sessions:
      - {part: pagi, module: 01 Mengenal KIM, start: "08.00", end: "12.00"}
      - {part: siang, module: 04 Hoaks dan cek fakta, start: "13.00", end: "16.00"}
  - date: 2026-12-05
"""


@pytest.fixture
def roster_course(course):
    save_roster(course, demo_roster(12))
    (course.root / PLAN_FILE).write_text(PLAN, encoding="utf-8")
    return course


def test_plan_is_read_with_defaults_for_a_day_without_sessions(roster_course):
    plan = load_plan(roster_course.root)
    assert plan.activity == "Bimtek KIM Kotim 2026 (contoh)"
    assert [s.key for s in plan.sessions] == ["2026-12-04/pagi", "2026-12-04/siang",
                                              "2026-12-05/pagi", "2026-12-05/siang"]
    assert plan.sessions[0].label("id") == "Pagi (08.00–12.00) · 01 Mengenal KIM"
    assert plan.sessions[2].start == "08.00" and plan.sessions[3].end == "16.00"
    assert plan.signer["title"] == "Kepala Bidang IKP (contoh)"


def test_without_a_plan_today_has_a_morning_and_an_afternoon(course):
    plan = load_plan(course.root, today=DAY)
    assert [s.key for s in plan.sessions] == ["2026-12-04/pagi", "2026-12-04/siang"]
    assert plan.activity == "kursus" and plan.source is None


def test_a_broken_plan_names_file_line_and_field_of_every_mistake(course):
    (course.root / PLAN_FILE).write_text(
        "activity: X\n"
        "tempat: Sampit\n"                       # 2: unknown field (place)
        "days:\n"
        "  - date: 2026-13-01\n"                 # 4: not a date
        "  - date: 2026-12-04\n"
        "    sessions:\n"
        "      - {part: sore}\n"                 # 7: not a part of the day
        "      - {part: pagi, start: '25.00'}\n"  # 8: not a time
        "      - {part: siang, id: a}\n"
        "      - {part: siang, id: a}\n",        # 10: id twice
        encoding="utf-8")
    with pytest.raises(AttendanceError) as caught:
        load_plan(course.root)
    text = str(caught.value)
    lines = text.splitlines()
    assert lines[0].startswith("Rencana sesi (sesi.yaml) berisi 5 kesalahan")
    assert lines[1] == ("  - sesi.yaml:2, isian 'tempat': isian tidak dikenal "
                        "(maksud Anda 'place'?)")
    assert any("sesi.yaml:4" in line and "2026-13-01" in line for line in lines)
    assert any("sesi.yaml:7" in line and "sore" in line and "pagi, siang, malam" in line
               for line in lines)
    assert any("sesi.yaml:8" in line and "25.00" in line and "start" in line for line in lines)
    assert any("sesi.yaml:10" in line and "'a'" in line for line in lines)


def test_plan_template_is_valid_and_never_overwritten(course):
    path = write_plan_template(course.root, "Bimtek", DAY, 3)
    plan = load_plan(course.root)
    assert len(plan.days) == 3 and plan.days[2].day == date(2026, 12, 6)
    before = path.read_text(encoding="utf-8")
    with pytest.raises(Exception, match="sudah ada"):
        write_plan_template(course.root, "Lain", DAY, 1)
    assert path.read_text(encoding="utf-8") == before


def test_marks_keep_the_first_time_and_survive_many_at_once(roster_course):
    plan = load_plan(roster_course.root)
    morning = plan.sessions[0]
    mark, new = mark_present(roster_course.root, morning, "kim-001",
                             now=datetime(2026, 12, 4, 8, 5, 9))
    assert new and mark.time == "08:05:09" and mark.participant == "KIM-001"
    again, new = mark_present(roster_course.root, morning, "KIM-001", via="pelatih",
                              now=datetime(2026, 12, 4, 9, 0))
    assert not new and again.time == "08:05:09" and again.via == "ponsel"
    threads = [threading.Thread(target=mark_present, args=(roster_course.root, morning,
                                                           f"KIM-{n:03d}"))
               for n in range(2, 13)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    marks = read_day(roster_course.root, DAY)
    assert sorted(m.participant for m in marks) == [f"KIM-{n:03d}" for n in range(1, 13)]
    stored = roster_course.root / ".kimtrain" / "hadir" / "2026-12-04.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert "Siti" not in stored.read_text(encoding="utf-8")  # codes only; names at export


def _marked_day(course):
    plan = load_plan(course.root)
    morning, afternoon = plan.days[0].sessions
    for n in range(1, 12):
        mark_present(course.root, morning, f"KIM-{n:03d}", via="pelatih" if n == 5 else "ponsel",
                     now=datetime(2026, 12, 4, 7, 50 + n % 10))
    for n in range(1, 10):
        mark_present(course.root, afternoon, f"KIM-{n:03d}", now=datetime(2026, 12, 4, 13, n))
    return plan


def test_export_xlsx_has_the_office_columns_and_everyone_on_the_roster(roster_course, tmp_path):
    from openpyxl import load_workbook

    plan = _marked_day(roster_course)
    roster = demo_roster(12)
    xlsx, pdf, count = export_day(plan, DAY, roster, roster_course.root, tmp_path / "hadir")
    assert count == 20
    assert stat.S_IMODE(xlsx.stat().st_mode) == 0o600 == stat.S_IMODE(pdf.stat().st_mode)
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Pagi", "Siang"]
    sheet = book["Pagi"]
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Daftar hadir peserta"
    assert rows[1][2] == ": Bimtek KIM Kotim 2026 (contoh)"
    assert rows[2][2] == ": Jumat, 4 Desember 2026"
    assert rows[3][2] == ": Aula Diskominfo, Sampit (contoh)"
    header = rows.index(["No", "Nama", "KIM", "Desa/Kecamatan", "Sesi", "Jam hadir",
                         "Tanda tangan"])
    body = rows[header + 1: header + 13]
    assert [r[1] for r in body] == [p.nama for p in roster]
    assert body[0][3] == "Ketapang / Mentawa Baru Ketapang"
    assert body[0][5] == "07.51" and body[4][5] == "07.55*"  # * = marked by the facilitator
    assert body[11][5] is None  # KIM-012 did not come: an empty row to sign on paper
    flat = [str(c) for r in rows for c in r if c is not None]
    assert "Jumlah hadir: 11 dari 12 peserta" in flat
    assert "Sampit, 4 Desember 2026" in flat and "Nama Pejabat (contoh)" in flat
    assert "Jumlah hadir: 9 dari 12 peserta" in [str(c) for r in book["Siang"].iter_rows(
        values_only=True) for c in r if c is not None]


def test_export_pdf_prints_the_list_and_room_to_sign(roster_course, tmp_path):
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is not installed")
    plan = _marked_day(roster_course)
    _, pdf, _ = export_day(plan, DAY, demo_roster(12), roster_course.root, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    assert "DAFTAR HADIR PESERTA" in pages[0]
    for word in ("Kegiatan", "Hari/tanggal", "Jumat, 4 Desember 2026", "Tempat", "Sesi",
                 "Pagi (08.00–12.00) · 01 Mengenal KIM", "No", "Nama", "KIM",
                 "Desa/Kecamatan", "Jam hadir", "Tanda tangan", "Siti Aminah (contoh)",
                 "Hendra Gunawan (contoh)", "07.55*", "Jumlah hadir: 11 dari 12 peserta",
                 "Fasilitator,", "Mengetahui,", "Sampit, 4 Desember 2026",
                 "Nama Pejabat (contoh)", "NIP 1980"):
        assert word in pages[0], word
    assert "Siang (13.00–16.00)" in text and "Jumlah hadir: 9 dari 12 peserta" in text
    out = ARTIFACTS / "attendance"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(out / "daftar-hadir")],
                   check=True)
    assert len(list(out.glob("daftar-hadir-*.png"))) == 2  # one page per session


def test_cli_exports_each_day_that_began_and_reports_a_broken_plan(roster_course, tmp_path,
                                                                  capsys):
    _marked_day(roster_course)
    out = tmp_path / "daftar"
    assert main(["attendance", "--course", str(roster_course.root), "--out", str(out),
                 "--day", "2026-12-04"]) == 0
    printed = capsys.readouterr().out
    assert "2026-12-04: 20 tanda hadir" in printed and "jangan dibagikan" in printed
    assert sorted(p.name for p in out.iterdir()) == ["daftar-hadir-2026-12-04.pdf",
                                                     "daftar-hadir-2026-12-04.xlsx"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    (roster_course.root / PLAN_FILE).write_text("days:\n  - date: kemarin\n", encoding="utf-8")
    assert main(["attendance", "--course", str(roster_course.root), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "sesi.yaml:2" in err and "kemarin" in err and "Traceback" not in err
