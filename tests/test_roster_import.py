"""Roster import: CSV (comma/semicolon, UTF-8 with/without BOM, Windows-1252) and XLSX,
all or nothing, every problem with its row and column."""

from __future__ import annotations

import pytest

from kimtrain.course.roster import Contact, Participant, load_contacts, load_roster, save_roster
from kimtrain.course.roster_import import check_roster_file, import_roster
from kimtrain.errors import KimtrainError, RosterError

from .cohort import tree_digest

HEADER = ["No.", "ID Peserta", "Nama", "KIM", "Desa/Kelurahan", "Kecamatan", "No. HP"]
ROWS = [
    ["1", "kim-001", "Siti Aminah", "KIM Habaring Hurung", "Ketapang", "Mentawa Baru Ketapang",
     "0812 3456 7890"],
    ["2", "KIM-002", "José Ramli", "KIM Pesisir Pandaran", "Ujung Pandaran", "Teluk Sampit", ""],
]
EXPECTED = [
    Participant("KIM-001", "Siti Aminah", "KIM Habaring Hurung", "Ketapang",
                "Mentawa Baru Ketapang"),
    Participant("KIM-002", "José Ramli", "KIM Pesisir Pandaran", "Ujung Pandaran",
                "Teluk Sampit"),
]


def write_csv(path, rows, *, delimiter=",", encoding="utf-8"):
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([int(v) if v.isdigit() and len(v) < 3 else v for v in row])
    book.save(path)
    return path


@pytest.mark.parametrize("kind", ["utf8-comma", "bom-semicolon", "cp1252-semicolon", "xlsx"])
def test_every_format_reads_the_same(tmp_path, kind):
    rows = [HEADER, *ROWS]
    path = {
        "utf8-comma": lambda: write_csv(tmp_path / "p.csv", rows),
        "bom-semicolon": lambda: write_csv(tmp_path / "p.csv", rows, delimiter=";",
                                           encoding="utf-8-sig"),
        "cp1252-semicolon": lambda: write_csv(tmp_path / "p.csv", rows, delimiter=";",
                                              encoding="cp1252"),
        "xlsx": lambda: write_xlsx(tmp_path / "p.xlsx", rows),
    }[kind]()
    people, contacts = check_roster_file(path)
    assert people == EXPECTED
    assert contacts == [Contact("KIM-001", "0812 3456 7890", "")]


@pytest.mark.slow
def test_import_fills_roster_contacts_apart_and_nbgrader_students(course, tmp_path):
    from nbgrader.api import Gradebook

    save_roster(course, [Participant("KIM-900", "Lama", "KIM X", "Ketapang",
                                     "Mentawa Baru Ketapang")])
    result = import_roster(course, write_xlsx(tmp_path / "p.xlsx", [HEADER, *ROWS]))
    assert (result.added, result.updated, result.contacts) == (2, 0, 1)
    assert [p.id for p in load_roster(course)] == ["KIM-001", "KIM-002", "KIM-900"]
    assert load_contacts(course)[0].telepon == "0812 3456 7890"
    assert "0812" not in (course.root / "roster" / "peserta.csv").read_text(encoding="utf-8")
    with Gradebook(course.db_url, course.course_id) as gb:
        assert {s.id: s.first_name for s in gb.students}["KIM-002"] == "José Ramli"
    again = import_roster(course, write_csv(tmp_path / "p.csv", [HEADER, *ROWS]))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def _row(**changes):
    row = dict(zip(HEADER, ROWS[0], strict=True))
    row.update(changes)
    return list(row.values())


BAD = {
    "nik-column": ([[*HEADER, "NIK"], [*ROWS[0], "6202011234567890"]],
                   ["kolom 'NIK'", "UU PDP", "tidak memerlukan NIK"]),
    "misspelt-kecamatan": ([HEADER, _row(**{"Desa/Kelurahan": "Palangan",
                                            "Kecamatan": "Kotabesi"})],
                           ["baris 2, kolom 'Kecamatan'", "maksud Anda: Kota Besi?"]),
    "misspelt-desa": ([HEADER, _row(**{"Desa/Kelurahan": "Ketapnag"})],
                      ["baris 2, kolom 'Desa/Kelurahan'", "maksud Anda: Ketapang?"]),
    "desa-in-other-kecamatan": ([HEADER, _row(**{"Desa/Kelurahan": "Palangan"})],
                                ["baris 2", "ada di kecamatan Kota Besi, bukan Mentawa Baru"]),
    "missing-column": ([[h for h in HEADER if h != "KIM"], [v for v in ROWS[0] if "KIM " not in v]],
                       ["baris 1, kolom 'kim'", "kolom wajib ini tidak ada"]),
    "unknown-column": ([[*HEADER, "Alamat"], [*ROWS[0], "Jl. Tidar 5"]],
                       ["kolom 'Alamat'", "kolom tidak dikenal"]),
    "duplicate-id": ([HEADER, ROWS[0], _row(**{"ID Peserta": "KIM-001", "No.": "2"})],
                     ["baris 4, kolom 'ID Peserta'", "KIM-001 sudah dipakai di baris 3"]),
    "invalid-id": ([HEADER, _row(**{"ID Peserta": "KIM 001!"})],
                   ["baris 2, kolom 'ID Peserta'", "'KIM 001!' tidak valid"]),
    "empty-name": ([HEADER, _row(Nama="")], ["baris 2, kolom 'Nama': wajib diisi"]),
    "bad-phone": ([HEADER, _row(**{"No. HP": "tanya Pak RT"})],
                  ["kolom 'No. HP'", "bukan nomor telepon"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_roster_is_refused_whole_with_row_and_column(course, tmp_path, case):
    rows, fragments = BAD[case]
    save_roster(course, [Participant("KIM-900", "Lama")])
    before = tree_digest(course.root)
    path = write_csv(tmp_path / "peserta.csv", [HEADER, *ROWS[1:], *rows[1:]]
                     if case == "duplicate-id" else rows)
    with pytest.raises(RosterError) as info:
        import_roster(course, path)
    message = str(info.value)
    assert message.startswith("Daftar peserta berisi")
    for fragment in fragments:
        assert fragment in message, message
    assert tree_digest(course.root) == before  # nothing written, no gradebook created


def test_every_problem_is_listed_at_once(course, tmp_path):
    rows = [HEADER, _row(Nama=""), _row(**{"ID Peserta": "KIM-002", "Kecamatan": "Kotabesi"})]
    with pytest.raises(RosterError) as info:
        import_roster(course, write_csv(tmp_path / "p.csv", rows))
    assert len(info.value.issues) == 2
    assert {i.row for i in info.value.issues} == {2, 3}


@pytest.mark.parametrize("name,content,fragment", [
    ("peserta.ods", b"x", "format '.ods' tidak didukung"),
    ("peserta.csv", b"\r\n\r\n", "kosong"),
    ("peserta.xlsx", b"bukan excel", "tidak bisa dibaca sebagai file Excel"),
])
def test_unreadable_files(course, tmp_path, name, content, fragment):
    (tmp_path / name).write_bytes(content)
    before = tree_digest(course.root)
    with pytest.raises(KimtrainError) as info:
        import_roster(course, tmp_path / name)
    assert fragment in str(info.value)
    assert tree_digest(course.root) == before


def test_cli_reports_in_english(course, tmp_path, capsys):
    from kimtrain.cli import main

    path = write_csv(tmp_path / "p.csv", [HEADER, _row(Kecamatan="Kotabesi")])
    assert main(["--lang", "en", "roster", "import", str(path), "--course",
                 str(course.root)]) == 1
    assert "did you mean: Kota Besi?" in capsys.readouterr().err


def test_header_row_is_found_below_title_rows_and_common_headings_map(course, tmp_path):
    """Office spreadsheets: a title and a date above the headers, "Asal KIM" and
    "Kel./Desa" as headings; the file imports as if the header were on row 1."""
    header = ["No", "Kode Peserta", "Nama Lengkap", "Asal KIM", "Kel./Desa", "Kecamatan",
              "No. HP/WA"]
    rows = [["DAFTAR PESERTA BIMTEK KIM 2026"], ["Sampit, 1 Desember 2026"], [""], header,
            *[[*r[:6], r[6]] for r in ROWS]]
    for path in (write_csv(tmp_path / "p.csv", [[*r, *[""] * (7 - len(r))] for r in rows],
                           delimiter=";"),
                 write_xlsx(tmp_path / "p.xlsx", rows)):
        people, contacts = check_roster_file(path)
        assert people == EXPECTED, path
        assert contacts == [Contact("KIM-001", "0812 3456 7890", "")]
    other = ["Nama KIM", "Desa/Kel.", "Kelurahan/Desa"]
    for kim, desa in ((other[0], other[1]), ("Kelompok", other[2])):
        path = write_csv(tmp_path / "q.csv", [["ID Peserta", "Nama", kim, desa, "Kecamatan"],
                                              *[r[1:6] for r in ROWS]])
        assert check_roster_file(path)[0] == EXPECTED


def test_problems_in_a_header_below_title_rows_name_its_row(course, tmp_path):
    header = ["ID Peserta", "Nama", "KIM nya", "Desa/Kelurahan", "Kecamatan"]
    path = write_csv(tmp_path / "p.csv", [["Daftar peserta", "", "", "", ""], header,
                                          *[r[1:6] for r in ROWS]])
    before = tree_digest(course.root)
    with pytest.raises(RosterError) as info:
        import_roster(course, path)
    message = str(info.value)
    assert "baris 2, kolom 'KIM nya'" in message
    assert "ganti judulnya menjadi 'kim'" in message and "Hapus kolom" not in message
    assert len(info.value.issues) == 2  # the renamed column, and KIM therefore missing
    assert tree_digest(course.root) == before
