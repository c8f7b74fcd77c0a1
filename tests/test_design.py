"""Linked pre/post forms: blueprints declare the design, an incomplete pair is refused
with file, line and field in Indonesian, and counterbalanced orders are balanced."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kimtrain.assessment.blueprint import load_blueprint
from kimtrain.assessment.design import assign_orders, load_orders, save_orders
from kimtrain.course.roster import Participant
from kimtrain.errors import BlueprintError

from .conftest import ASSESSMENTS, STARTER_BANK

BANK = STARTER_BANK.as_posix()
# starter bank: aman and media items, two domains
PRE = ["AMAN-APK-01", "HF-BANSOS-01", "MEDIA-SIFT-01", "AMAN-OTP-01", "HF-BANK-01"]
POST = ["AMAN-SANDI-01", "HF-BANSOS-02", "MEDIA-SIFT-01", "AMAN-AKUN-01", "HF-BANK-01"]


def write(folder: Path, name: str, items: list[str], linking: str | None) -> Path:
    listed = "\n".join(f"  - {i}" for i in items)
    text = (f"name: {name}\ntitle: Tes {name}\ninstructions: Jawab semua soal.\n"
            f"banks: [{BANK}]\nitems:\n{listed}\n")
    if linking:
        text += "linking:\n" + linking
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def anchor(pair: str, items: str = "[MEDIA-SIFT-01, HF-BANK-01]") -> str:
    return f"  design: anchor\n  pair: {pair}\n  anchor: {items}\n"


def refused(path: Path) -> list[str]:
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    return [issue.render() for issue in info.value.issues]


def test_the_shipped_pre_and_post_test_are_an_anchor_pair():
    blueprints = ASSESSMENTS / "blueprints"
    pre = load_blueprint(blueprints / "pretest.yaml")
    post = load_blueprint(blueprints / "posttest.yaml")
    assert pre.linking.design == post.linking.design == "anchor"
    common = {i.id for i in pre.items} & {i.id for i in post.items}
    assert common == set(pre.linking.anchor) == set(post.linking.anchor)
    assert len(common) >= 0.2 * len(pre.items)
    assert {i.domain for i in pre.items if i.id in common} == {i.domain for i in pre.items}
    assert all(i.type != "written" for i in pre.items if i.id in common)  # scored blind
    for item_id in common:
        assert [i.id for i in pre.items].index(item_id) == [i.id for i in post.items].index(
            item_id)


def test_a_complete_anchor_pair_loads(tmp_path):
    write(tmp_path, "awal", PRE, anchor("akhir"))
    write(tmp_path, "akhir", POST, anchor("awal"))
    pre = load_blueprint(tmp_path / "awal.yaml")
    assert pre.linking.anchor == ("MEDIA-SIFT-01", "HF-BANK-01")


def test_an_incomplete_anchor_design_is_refused_with_line_and_field(tmp_path):
    write(tmp_path, "akhir", POST, anchor("awal", "[MEDIA-SIFT-01]"))
    path = write(tmp_path, "awal", PRE, anchor("akhir", "[MEDIA-SIFT-01]"))
    messages = refused(path)
    text = "\n".join(messages)
    assert "ada di kedua bentuk tetapi tidak terdaftar sebagai jangkar: HF-BANK-01" in text
    assert "belum ada jangkar untuk: aman" in text
    assert all(m.startswith(f"{path}:") and "isian" in m for m in messages), messages


def test_moved_anchors_and_a_missing_pair_are_refused(tmp_path):
    moved = [*POST[:2], POST[4], POST[3], POST[2]]  # the two anchors swap places
    write(tmp_path, "akhir", moved, anchor("awal"))
    text = "\n".join(refused(write(tmp_path, "awal", PRE, anchor("akhir"))))
    assert "harus bernomor sama di kedua bentuk (di sini nomor 3, di 'akhir' nomor 5)" in text
    (tmp_path / "akhir.yaml").unlink()
    text = "\n".join(refused(write(tmp_path, "awal", PRE, anchor("akhir"))))
    assert "rancangan pasangan 'akhir' tidak ditemukan" in text


def test_short_anchor_block_is_refused(tmp_path):
    eleven = ["AMAN-APK-01", "HF-BANSOS-01", "MEDIA-SIFT-01", "AMAN-OTP-01", "HF-BANK-01",
              "AMAN-NIK-01", "AMAN-WA-01", "MEDIA-JENIS-01", "MEDIA-JENIS-02", "HF-VIDEO-01",
              "MEDIA-BANSOS-01"]
    other = ["AMAN-SANDI-01", "HF-BANSOS-02", "MEDIA-SIFT-01", "AMAN-AKUN-01", "HF-BANK-01",
             "HF-BANK-02", "HF-TILANG-01", "MEDIA-SIFT-02", "UMKM-BAYAR-01",
             "KIM-KLARIFIKASI-01", "AMAN-WA-01"]
    other[6] = "AMAN-WA-01"
    other[10] = "HF-TILANG-01"
    write(tmp_path, "akhir", other, anchor("awal"))
    text = "\n".join(refused(write(tmp_path, "awal", eleven, anchor("akhir"))))
    assert "hanya 2 soal jangkar; perlu minimal 3 (20% dari 11 soal)" in text


@pytest.mark.parametrize("linking,expected", [
    ("  design: jangkar\n  pair: akhir\n", "desain 'jangkar' tidak dikenal"),
    ("  design: anchor\n  pair: akhir\n", "memerlukan daftar soal jangkar"),
    ("  design: same\n", "'pair' harus nama rancangan pasangannya"),
])
def test_bad_linking_fields_name_the_field(tmp_path, linking, expected):
    write(tmp_path, "akhir", POST, anchor("awal"))
    messages = refused(write(tmp_path, "awal", PRE, linking))
    assert any(expected in m and "linking" in m for m in messages), messages


def test_same_and_counterbalanced_pairs(tmp_path):
    same = "  design: same\n  pair: {}\n"
    write(tmp_path, "akhir", PRE, same.format("awal"))
    assert load_blueprint(write(tmp_path, "awal", PRE, same.format("akhir"))).linking.design \
        == "same"
    write(tmp_path, "akhir", POST, same.format("awal"))
    assert "soal yang sama dengan urutan yang sama" in "\n".join(
        refused(write(tmp_path, "awal", PRE, same.format("akhir"))))
    both = "  design: counterbalanced\n  pair: {}\n"
    write(tmp_path, "akhir", POST, both.format("awal"))
    assert "ada di kedua bentuk: HF-BANK-01, MEDIA-SIFT-01" in "\n".join(
        refused(write(tmp_path, "awal", PRE, both.format("akhir"))))
    write(tmp_path, "akhir", POST, anchor("awal"))
    assert "desain berbeda dengan pasangan 'akhir'" in "\n".join(
        refused(write(tmp_path, "awal", PRE, both.format("akhir"))))


def test_counterbalanced_orders_are_balanced_within_kim_groups(tmp_path):
    people = [Participant(f"KIM-{n:03d}", f"Warga {n} (contoh)", f"KIM {n % 3}", "Ketapang",
                          "Mentawa Baru Ketapang") for n in range(31)]
    orders = assign_orders(people, seed=4)
    assert set(orders) == {p.id for p in people}
    for kim in {p.kim for p in people}:
        mine = Counter(orders[p.id] for p in people if p.kim == kim)
        assert abs(mine["AB"] - mine["BA"]) <= 1
    total = Counter(orders.values())
    assert abs(total["AB"] - total["BA"]) <= 1
    path = save_orders(tmp_path / "roster" / "urutan.csv", "bentuk-a", "bentuk-b", orders)
    assert load_orders(path, "bentuk-a", "bentuk-b") == orders
    flipped = load_orders(path, "bentuk-b", "bentuk-a")
    assert all(flipped[p] != orders[p] for p in orders)
    assert load_orders(path, "lain", "bentuk-b") == {}


def test_building_a_counterbalanced_form_records_the_orders_once(tmp_path, capsys):
    from kimtrain.cli import main
    from kimtrain.course import create_course
    from kimtrain.course.roster import save_roster
    from kimtrain.reports.measurement import read_link

    course = create_course(tmp_path / "kursus", course_id="uji")
    both = "  design: counterbalanced\n  pair: {}\n"
    write(course.root / "blueprints", "bentuk-a", PRE[:3], both.format("bentuk-b"))
    write(course.root / "blueprints", "bentuk-b", [*POST[3:], "AMAN-NIK-01"],
          both.format("bentuk-a"))
    people = [Participant(f"KIM-{n:03d}", f"Warga {n} (contoh)", f"KIM {n % 2}", "Ketapang",
                          "Mentawa Baru Ketapang") for n in range(8)]
    save_roster(course, people)
    assert main(["build", "bentuk-a", "--course", str(course.root)]) == 0
    path = course.root / "roster" / "urutan.csv"
    assert "urutan disimpan" in capsys.readouterr().out and path.exists()
    before = path.read_text(encoding="utf-8")
    assert main(["build", "bentuk-b", "--course", str(course.root)]) == 0
    assert path.read_text(encoding="utf-8") == before  # never re-drawn
    link = read_link(course, "bentuk-a", "bentuk-b")
    assert link.design == "counterbalanced" and link.linked
    assert Counter(link.order.values()) == {"AB": 4, "BA": 4}
