from __future__ import annotations

from kimtrain.course.regions import load_regions
from kimtrain.course.roster import Contact, Participant, load_contacts, load_roster, save_roster


def test_roster_and_contacts_are_kept_apart(course):
    people = [Participant("KIM-001", "Siti (contoh)", "KIM A", "Ketapang",
                          "Mentawa Baru Ketapang")]
    save_roster(course, people, [Contact("KIM-001", telepon="0812xxxx")])
    assert load_roster(course) == people
    assert load_contacts(course)[0].telepon == "0812xxxx"
    roster_text = (course.root / "roster" / "peserta.csv").read_text(encoding="utf-8")
    assert "0812" not in roster_text and roster_text.startswith("id,nama,kim,desa,kecamatan")


def test_kotim_region_table():
    regions = load_regions()
    assert len(regions) == 185
    assert len({r.kecamatan for r in regions}) == 17
    assert {r.kind for r in regions} == {"desa", "kelurahan"}
