"""CLI errors list what exists and suggest the fix; outside a course folder nothing
invites the trainer to make a new course."""

from __future__ import annotations

import pytest

from kimtrain.cli import main
from kimtrain.course.setup import init_course

from .cohort import tree_digest
from .synth import synth_course


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return synth_course(tmp_path_factory.mktemp("cli") / "kursus", participants=12, items=4)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_build_of_an_unknown_blueprint_lists_the_blueprints(tmp_path, capsys):
    course = init_course(tmp_path / "bimtek")
    before = tree_digest(course.root)
    code, _, err = _run(capsys, "build", "tidakada", "--course", str(course.root))
    assert code == 1
    assert "Rancangan penilaian 'tidakada' tidak ada" in err
    assert "pretest" in err and "posttest" in err and "kimtrain build pretest" in err
    code, _, err = _run(capsys, "build", "prettest", "--course", str(course.root))
    assert "Maksud Anda: pretest?" in err
    assert tree_digest(course.root) == before


def test_report_with_a_wrong_form_lists_the_graded_ones(synth, tmp_path, capsys):
    code, _, err = _run(capsys, "report", "--pre", "salah", "--post", "posttest", "--course",
                        str(synth.course.root), "--out", str(tmp_path / "laporan"))
    assert code == 1
    assert "'salah' (pada --pre) belum ada di buku nilai" in err
    assert "sudah dinilai: posttest, pretest" in err
    assert not (tmp_path / "laporan").exists()
    code, _, err = _run(capsys, "report", "--pre", "pretes", "--course", str(synth.course.root),
                        "--out", str(tmp_path / "laporan"))
    assert "Maksud Anda: pretest?" in err


def test_feedback_with_a_wrong_name_gives_the_right_advice(synth, capsys):
    code, _, err = _run(capsys, "feedback", "salah", "--course", str(synth.course.root))
    assert code == 1
    assert "'salah' tidak ada di kursus ini" in err and "posttest, pretest" in err
    assert "jalankan notebook" not in err  # the old, wrong advice
    code, _, err = _run(capsys, "feedback", "postest", "--course", str(synth.course.root))
    assert "Maksud Anda: posttest?" in err


def test_outside_a_course_folder_says_cd_not_init(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(capsys, "build", "pretest")
    assert code == 1
    assert "bukan folder kursus" in err and "cd " in err
    assert "kimtrain init" not in err.replace("'kimtrain init'", "")  # never "run init"
    assert "Buat dengan" not in err
    init_course(tmp_path / "bimtek-kim-2026")
    code, _, err = _run(capsys, "build", "pretest")
    assert "cd bimtek-kim-2026" in err


def test_init_tells_the_trainer_to_cd(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "init", "bimtek-kim-2026")
    assert code == 0 and "cd bimtek-kim-2026" in out


def test_numbers_in_cli_output_use_a_decimal_comma():
    from kimtrain.commands._output import format_points
    from kimtrain.i18n.formats import long_date, percent, seconds

    assert format_points(35.333) == "35,33" and format_points(43.0) == "43"
    assert seconds(2.8) == "2,8" and percent(82.4) == "82%"
    from datetime import date

    assert long_date(date(2026, 12, 4)) == "4 Desember 2026"
    assert percent(1234.56, 1, lang="en") == "1,234.6%" and seconds(2.8, lang="en") == "2.8"


def test_the_guide_is_a_day_script_for_a_newcomer(tmp_path):
    course = init_course(tmp_path / "bimtek-kim-2026")
    guide = (course.root / "PANDUAN.md").read_text(encoding="utf-8")
    order = ["## Cara membuka terminal", f'cd "{course.root}"', "## A. Di kantor",
             "kimtrain roster import", "kimtrain build pretest", "**Kartu peserta.**",
             "## B. Di desa",
             "**Nyalakan hotspot**", "**Nyalakan server**", "**Tampilkan QR", "/pelatih/layar",
             "kimtrain lab",
             "### Jika ada masalah", "## C. Malam harinya", "kimtrain grade pretest",
             "kimtrain feedback posttest", "kimtrain report --pre pretest --post posttest",
             "kimtrain certificates"]
    positions = [guide.index(part) for part in order]
    assert positions == sorted(positions)
    trouble = guide[guide.index("### Jika ada masalah"):guide.index("## C. Malam")]
    for case in ("data seluler", "tidak memiliki akses internet", "alamat lama",
                 "Baterai", "lupa", "PIN"):
        assert case in trouble, case
    assert "{" not in guide and "}" not in guide  # every placeholder filled
