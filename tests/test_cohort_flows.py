"""Both hand-out/hand-in flows end to end through the CLI and real nbgrader:
(a) nbgrader's exchange, (b) the offline "Kirim" zip."""

from __future__ import annotations

import pytest

from kimtrain.cli import main
from kimtrain.course import open_course
from kimtrain.course.gradebook import cell_scores
from kimtrain.course.roster import load_roster

from .cohort import NAME, answer_sheet

pytestmark = pytest.mark.slow

ROSTER = ("ID Peserta;Nama;KIM;Desa/Kelurahan;Kecamatan;Email\n"
          "KIM-001;Siti;KIM Habaring Hurung;Ketapang;Mentawa Baru Ketapang;siti@contoh.id\n"
          "KIM-002;Budi;KIM Habaring Hurung;Ketapang;Mentawa Baru Ketapang;\n")


@pytest.fixture
def course(tmp_path, capsys):
    root = tmp_path / "kursus"
    assert main(["init", str(root), "--course-id", "uji"]) == 0
    assert "PANDUAN.md" in capsys.readouterr().out
    assert "UU PDP" in (root / "PANDUAN.md").read_text(encoding="utf-8")
    (tmp_path / "peserta.csv").write_text(ROSTER, encoding="utf-8-sig")
    assert main(["roster", "import", str(tmp_path / "peserta.csv"), "--course", str(root)]) == 0
    assert main(["build", NAME, "--course", str(root)]) == 0
    return open_course(root)


def _scores(course):
    return {(c.participant, c.item): c.score for c in cell_scores(course, NAME)}


def test_init_with_a_hub_database_url(tmp_path, capsys):
    root = tmp_path / "hub"
    # issue 13: no password is ever written into the course (peer auth or ~/.pgpass)
    assert main(["init", str(root), "--db-url", "postgresql://kim:rahasia@db/kim"]) == 1
    assert "~/.pgpass" in capsys.readouterr().err and not root.exists()
    assert main(["init", str(root), "--db-url", "postgresql://kim@db/kim"]) == 0
    # psycopg 3 (the postgres extra), not SQLAlchemy's default psycopg2
    assert open_course(root).db_url == "postgresql+psycopg://kim@db/kim"
    assert main(["init", str(tmp_path / "x"), "--db-url", "bukan-url"]) == 1


def test_exchange_flow(course, tmp_path, capsys):
    from kimtrain.course.nbgrader_api import Nbgrader

    assert main(["release", NAME, "--course", str(course.root)]) == 0
    nbgrader = Nbgrader(course)
    for pid, choice in (("KIM-001", "B"), ("KIM-002", "A")):
        home = tmp_path / "peserta" / pid
        folder = nbgrader.fetch(NAME, pid, home)
        answer_sheet(folder, pid, {"AMAN-APK-01": choice, "HF-BANSOS-01": False})
        nbgrader.submit(NAME, pid, home)
    assert main(["collect", NAME, "--course", str(course.root)]) == 0
    assert main(["grade", NAME, "--course", str(course.root), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2 dinilai" in out and "0 TIDAK dinilai" in out
    scores = _scores(course)
    assert scores[("KIM-001", "AMAN-APK-01")] == 1.0
    assert scores[("KIM-002", "AMAN-APK-01")] == 0.0
    assert scores[("KIM-002", "HF-BANSOS-01")] == 1.0
    assert main(["feedback", NAME, "--course", str(course.root)]) == 0
    assert course.folder("feedback", "KIM-001", NAME, f"{NAME}.html").is_file()


def test_zip_flow(course, tmp_path, capsys, monkeypatch):
    from kimtrain.widgets import Assessment

    usb = tmp_path / "flashdisk"
    assert main(["release", NAME, "--course", str(course.root), "--offline", str(usb)]) == 0
    zips = tmp_path / "zips"
    zips.mkdir()
    for pid, choice in (("KIM-001", "B"), ("KIM-002", "A"), ("KIM-999", "B")):
        monkeypatch.chdir(usb / NAME)
        session = Assessment(NAME)  # what the notebook's first cell does
        session.identify(pid)
        session.answer("AMAN-APK-01", choice)
        session.kirim()
        widget = session.submit_widget
        session._on_submit_tap(widget)
        session._on_submit_tap(widget)  # "Tetap kirim"
        (usb / NAME / f"{pid}_{NAME}.zip").rename(zips / f"{pid}_{NAME}.zip")
    capsys.readouterr()
    assert main(["collect", NAME, "--course", str(course.root), "--from", str(zips)]) == 2
    out = capsys.readouterr().out
    assert "KIM-999" in out and "tidak ada di daftar peserta" in out
    assert "2 kiriman diimpor" in out
    assert main(["grade", NAME, "--course", str(course.root), "--quiet"]) == 0
    scores = _scores(course)
    assert scores[("KIM-001", "AMAN-APK-01")] == 1.0
    assert scores[("KIM-002", "AMAN-APK-01")] == 0.0
    assert {p.id for p in load_roster(course)} == {"KIM-001", "KIM-002"}
    assert not any(p == "KIM-999" for p, _ in scores)
