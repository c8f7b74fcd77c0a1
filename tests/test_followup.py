"""Follow-up tasks (level 3): the task set file, hand-ins checked before anything is
stored, offline zips, rubric scoring through a workbook, and the report's shares per
skill, KIM group and kecamatan with small groups left out."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from kimtrain.cli import main
from kimtrain.course.roster import Participant, save_roster
from kimtrain.evaluation.followup import (
    FollowUpError,
    HandInRefused,
    collect_handins,
    load_handins,
    load_taskset,
    store_handin,
    write_default_taskset,
)
from kimtrain.evaluation.followup_scores import (
    FollowUpScoreError,
    export_scoring,
    import_scoring,
    load_scores,
    save_scores,
)


def png(color: tuple[int, int, int] = (200, 10, 10)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def followup(course):
    people = [Participant(f"KIM-{n:03d}", f"Orang {n} (contoh)",
                          "KIM Besar" if n <= 6 else "KIM Kecil", "Desa", "Baamang")
              for n in range(1, 10)]
    save_roster(course, people)
    write_default_taskset(course)
    return course


def test_default_task_set_loads_in_both_languages(followup):
    taskset = load_taskset(followup)
    assert [t.id for t in taskset.tasks] == ["TL-BERITA", "TL-KLARIFIKASI"]
    assert taskset.days == 30 and taskset.tasks[0].applied == 4
    assert taskset.tasks[0].max_points == 6
    assert taskset.tasks[1].text("skill", "en") == "Clarifying a hoax"


def test_task_set_mistakes_name_file_line_task_and_field(course):
    (course.root / "tindak-lanjut.yaml").write_text(
        "title: Uji\ndays: 400\ntasks:\n"
        "  - id: TL-A\n    skill: Menulis\n    prompt: Tulis\n    applied: 9\n"
        "    rubric:\n      - criterion: Isi\n        levels: {1: ada, 0: tidak}\n"
        "  - id: TL-B\n    skil: salah ketik\n    prompt: x\n"
        "    rubric:\n      - criterion: Isi\n        levels: {1: ada}\n", encoding="utf-8")
    with pytest.raises(FollowUpError) as caught:
        load_taskset(course)
    text = str(caught.value)
    assert text.startswith("Tugas tindak lanjut punya")
    assert "tindak-lanjut.yaml:2, isian 'days': harus bilangan bulat 1–366, bukan 400" in text
    assert "tindak-lanjut.yaml:7, soal TL-A, isian 'applied': harus angka" in text
    assert "tindak-lanjut.yaml:12, soal TL-B, isian 'skil': isian tidak dikenal" in text
    assert "tindak-lanjut.yaml:16, soal TL-B, isian 'rubric[1].levels': perlu" in text


def test_a_hand_in_is_checked_whole_before_anything_is_stored(followup):
    folder = followup.root / "tindak-lanjut" / "kiriman" / "KIM-001"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    html_png = b"\x89PNX<html><script>alert(1)</script>"
    for image, key in ((svg, "evfu.image.type"), (html_png, "evfu.image.type"),
                       (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "evfu.image.broken"),
                       (b"\xff\xd8\xff" + b"\0" * (6 * 1024 * 1024), "evfu.image.too_big")):
        with pytest.raises(HandInRefused) as caught:
            store_handin(followup, "KIM-001", {"TL-BERITA": ("teks", png(), "a.png"),
                                               "TL-KLARIFIKASI": ("x", image, "b.png")},
                         channel="server")
        assert caught.value.key == key
        assert not folder.exists()  # the good part was not stored either
    with pytest.raises(HandInRefused, match="terlalu panjang"):
        store_handin(followup, "KIM-001", {"TL-BERITA": ("x" * 5001, None, "")}, channel="s")
    with pytest.raises(HandInRefused) as caught:
        store_handin(followup, "KIM-001", {"TL-LAIN": ("x", None, "")}, channel="server")
    assert caught.value.key == "evfu.unknown_task"
    with pytest.raises(HandInRefused):
        store_handin(followup, "KIM-001", {"TL-BERITA": ("  ", None, "")}, channel="server")
    assert not folder.exists()


def test_a_later_hand_in_replaces_the_task_and_keeps_the_earlier_one(followup):
    store_handin(followup, "kim-002", {"TL-BERITA": ("pertama", png((1, 2, 3)), "../../x.png")},
                 channel="server")
    handin = store_handin(followup, "KIM-002", {"TL-BERITA": ("kedua", png(), "y.png"),
                                                "TL-KLARIFIKASI": ("klarifikasi", None, "")},
                          channel="offline")
    assert handin.tasks["TL-BERITA"].text == "kedua"
    assert handin.tasks["TL-BERITA"].image_name == "y.png"
    assert handin.image_path("TL-BERITA").read_bytes() == png()
    assert handin.tasks["TL-KLARIFIKASI"].image == ""
    record = json.loads((handin.folder / "kiriman.json").read_text(encoding="utf-8"))
    old = record["history"][0]
    assert old["text"] == "pertama" and old["image_name"] == "../../x.png"
    assert (handin.folder / old["image"]).read_bytes() == png((1, 2, 3))
    assert sorted(p.name for p in handin.folder.iterdir()) == [
        "TL-BERITA-1.png", "TL-BERITA.png", "kiriman.json"]  # no name from the participant


def test_offline_zips_and_folders_are_collected(followup, tmp_path):
    source = tmp_path / "masuk"
    source.mkdir()
    with zipfile.ZipFile(source / "KIM-003_tindak-lanjut.zip", "w") as archive:
        archive.writestr("dir/../TL-BERITA.txt", "Berita desa dari zip")
        archive.writestr("TL-BERITA.jpg", png())  # a PNG named .jpg: stored by its bytes
        archive.writestr("catatan.txt", "bukan tugas")
    folder = source / "KIM-004_tindak-lanjut"
    folder.mkdir()
    (folder / "TL-KLARIFIKASI.txt").write_text("Klarifikasi dari folder", encoding="utf-8")
    (source / "KIM-099_tindak-lanjut.zip").write_bytes(b"PK not a zip")
    with zipfile.ZipFile(source / "KIM-005_tindak-lanjut.zip", "w") as archive:
        archive.writestr("TL-BERITA.png", b"<svg onload=alert(1)>")
    stored, refused = collect_handins(followup, source)
    assert stored == ["KIM-003", "KIM-004"]
    reasons = dict(refused)
    assert "bukan gambar PNG" in reasons["KIM-005_tindak-lanjut.zip"]
    assert "tidak ada di daftar peserta" in reasons["KIM-099_tindak-lanjut.zip"]
    handins = load_handins(followup)
    assert handins["KIM-003"].tasks["TL-BERITA"].text == "Berita desa dari zip"
    assert handins["KIM-003"].image_path("TL-BERITA").name == "TL-BERITA.png"
    assert handins["KIM-004"].tasks["TL-KLARIFIKASI"].channel == "offline"


def test_rubric_scores_through_the_workbook(followup, tmp_path):
    from openpyxl import load_workbook

    store_handin(followup, "KIM-001", {"TL-BERITA": ("=HYPERLINK(\"x\")", png(), "a.png")},
                 channel="server")
    store_handin(followup, "KIM-002", {"TL-BERITA": ("berita", None, "")}, channel="server")
    path, listed = export_scoring(followup, tmp_path / "nilai.xlsx")
    assert listed == 2
    book = load_workbook(path)
    sheet = book["TL-BERITA"]
    assert sheet["B2"].value == "'=HYPERLINK(\"x\")"  # text, never a formula
    assert sheet["C2"].value == "tindak-lanjut/kiriman/KIM-001/TL-BERITA.png"
    sheet["D2"], sheet["E2"], sheet["F2"] = 2, 2, 1
    sheet["D3"], sheet["E3"], sheet["F3"] = 3, 1, "x"
    book.save(path)
    with pytest.raises(FollowUpScoreError) as caught:
        import_scoring(followup, path)
    text = str(caught.value)
    assert "lembar TL-BERITA, baris 3, kolom D" in text and "pilih salah satu dari 0, 1, 2" in text
    assert "kolom F" in text
    assert load_scores(followup) == {}  # nothing saved
    sheet["D3"], sheet["F3"] = 1, 0
    book.save(path)
    assert import_scoring(followup, path) == 2
    assert load_scores(followup) == {"KIM-001": {"TL-BERITA": [2.0, 2.0, 1.0]},
                                     "KIM-002": {"TL-BERITA": [1.0, 1.0, 0.0]}}


def test_report_shares_per_skill_and_group_leave_small_groups_out(followup):
    from kimtrain.reports.followup import followup_tables

    for n in range(1, 8):
        store_handin(followup, f"KIM-{n:03d}", {"TL-BERITA": ("berita", None, "")},
                     channel="server")
    # KIM-001..004 applied the news skill (≥ 4 of 6), KIM-005 not; the rest not scored
    save_scores(followup, {**{f"KIM-{n:03d}": {"TL-BERITA": [2, 1, 1]} for n in range(1, 5)},
                           "KIM-005": {"TL-BERITA": [1, 1, 1]}})
    summary, by_kim, by_kecamatan = followup_tables(followup, "id")
    news = summary.frame.iloc[0]
    assert (news["n"], news["handed"], news["scored"], news["applied"]) == (9, 7, 5, 4)
    assert news["share"] == pytest.approx(4 / 9)
    assert summary.extra["pending"] == 2
    assert by_kim.frame["group"].tolist() == ["KIM Besar"]  # KIM Kecil has 3: left out
    assert by_kim.frame.iloc[0]["TL-BERITA"] == pytest.approx(4 / 6)
    assert "(1 kelompok)" in by_kim.note
    assert by_kecamatan.frame.iloc[0]["n"] == 9


def test_no_figures_for_a_cohort_under_five(course):
    from kimtrain.reports.followup import followup_tables

    save_roster(course, [Participant(f"KIM-{n:03d}", "X") for n in range(1, 4)])
    write_default_taskset(course)
    store_handin(course, "KIM-001", {"TL-BERITA": ("b", None, "")}, channel="server")
    save_scores(course, {"KIM-001": {"TL-BERITA": [2, 2, 2]}})
    summary, by_kim, _ = followup_tables(course, "id")
    assert summary.frame[["handed", "scored", "applied", "share"]].isna().all().all()
    assert by_kim.frame.empty


def test_no_task_set_no_chapter(course):
    from kimtrain.reports.followup import followup_tables

    assert followup_tables(course, "id") == []


def test_cli_followup_messages(followup, tmp_path, capsys):
    root = str(followup.root)
    assert main(["followup", "init", "--course", root]) != 0
    assert "sudah ada; tambahkan --force" in capsys.readouterr().err
    store_handin(followup, "KIM-001", {"TL-BERITA": ("b", None, "")}, channel="server")
    assert main(["followup", "export", "--course", root, "--out",
                 str(tmp_path / "n.xlsx")]) == 0
    assert "(1 kiriman)" in capsys.readouterr().out
    assert main(["followup", "collect", "--course", root, "--from",
                 str(tmp_path / "tidak-ada")]) != 0
    assert "tidak ada" in capsys.readouterr().err


def test_default_task_set_file_ships_with_the_package():
    from kimtrain.evaluation.followup import DEFAULT

    assert Path(DEFAULT).is_file()
