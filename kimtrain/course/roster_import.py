"""``kimtrain roster import FILE``: a coordinator's participant list, checked whole.

Reads CSV (comma or semicolon; UTF-8 with or without BOM, or Windows-1252 as Excel
saves it) and XLSX (the first sheet). The header row is found below title rows (the
first of the first 15 rows that names three known columns). Columns, in any order, with the usual
Indonesian headings accepted (``ID peserta``, ``Nama``, ``KIM``,
``Desa/Kelurahan``, ``Kecamatan``; optional ``Telepon``/``No. HP``/``WA`` and
``Email``; a ``No.`` counter column is ignored). A column holding NIK, KK or KTP
numbers refuses the whole file: the training does not need them (UU PDP 27/2022,
Pasal 16). Other unknown columns are refused too, so nothing is stored that the
purpose does not need.

The import is all or nothing: every problem is listed with its row and column and
nothing is written until the file is clean. Desa/kelurahan and kecamatan are
checked against the region table (Kotawaringin Timur by default) with a
"maksud Anda" suggestion for misspellings. A clean file is merged into the roster
(same id: updated; others kept), the participants are added to nbgrader's student
table, contact details go to ``roster/kontak.csv`` only, and every participant without
a PIN gets one (kept in ``.kimtrain/pin.json``, see kimtrain.course.pins).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimtrain.answers.store import participant_id
from kimtrain.course.layout import Course
from kimtrain.course.regions import DEFAULT_REGIONS, Region, load_regions
from kimtrain.course.roster import Contact, Participant, load_contacts, load_roster, save_roster
from kimtrain.errors import KimtrainError, RosterError

__all__ = ["ImportResult", "RosterIssue", "import_roster", "read_roster_file"]

FIELDS = ("id", "nama", "kim", "desa", "kecamatan")
CONTACT_FIELDS = ("telepon", "email")
_ALIASES = {
    "id": ("id", "idpeserta", "kodepeserta", "kode", "nopeserta", "nomorpeserta",
           "participantid", "participant", "noidpeserta", "kodeid"),
    "nama": ("nama", "namalengkap", "namapeserta", "name", "fullname", "namaanggota"),
    "kim": ("kim", "namakim", "kelompokkim", "kelompok", "kimgroup", "group", "asalkim",
            "kimasal", "namakelompok", "namakelompokinformasimasyarakat",
            "kelompokinformasimasyarakat"),
    "desa": ("desa", "kelurahan", "desakelurahan", "desakel", "village", "keldesa",
             "kelurahandesa", "asaldesa", "namadesa", "desakelurahanasal", "asaldesakelurahan",
             "desaasal", "kelds", "dskel"),
    "kecamatan": ("kecamatan", "kec", "district", "subdistrict", "asalkecamatan",
                  "kecamatanasal", "namakecamatan"),
    "telepon": ("telepon", "telp", "nohp", "nomorhp", "hp", "wa", "nowa", "whatsapp",
                "nomorwa", "phone", "notelepon", "nomortelepon", "nohpwa", "nomorhpwa",
                "notelp", "nomortelp", "hpwa", "telpwa", "notelphp"),
    "email": ("email", "surel", "alamatemail", "mail"),
    "_skip": ("no", "nomor", "nourut", "number"),
}
_FORBIDDEN = ("nik", "nonik", "nomornik", "nomorindukkependudukan", "ktp", "noktp",
              "nomorktp", "kk", "nokk", "nomorkk", "kartukeluarga", "nomorkartukeluarga")
_COLUMN = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{5,19}$")
_EMAIL_PART = re.compile(r"[^@\s]+")
MAX_CELL = 200  # characters in one roster cell: names, groups, places, contacts


def _email_ok(text: str) -> bool:
    """``name@host.domain``. (The single pattern this replaces backtracked: 25 s on a
    40,000-character cell.)"""
    local, at, domain = text.partition("@")
    return bool(at and _EMAIL_PART.fullmatch(local) and _EMAIL_PART.fullmatch(domain)
                and "." in domain[1:-1])


@dataclass(frozen=True)
class RosterIssue:
    """One problem in the file: where it is (row, column) and what is wrong."""

    file: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def render(self) -> str:
        from kimtrain.i18n import t

        where = [self.file]
        if self.row is not None:
            where.append(t("roster.where.row", row=self.row))
        if self.column:
            where.append(t("roster.where.column", column=self.column))
        return f"{', '.join(where)}: {t(self.key, **self.params)}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column,
                "message": self.render()}


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    contacts: int

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "contacts": self.contacts}


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).strip().lower())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_roster_file(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (spreadsheet row number, cells) of every non-empty row."""
    path = Path(path)
    if not path.is_file():
        raise KimtrainError("roster.import.missing", path=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        rows = _read_csv(path)
    else:
        raise KimtrainError("roster.import.format", path=str(path), suffix=path.suffix)
    numbered = [(n, [_cell(v) for v in row]) for n, row in rows]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise KimtrainError("roster.import.empty", path=str(path))
    start = _header_index(numbered)
    (_, header), body = numbered[start], numbered[start + 1:]
    return header, body


def header_row(path: str | Path) -> int:
    """The spreadsheet row number of the header :func:`read_roster_file` chose."""
    path = Path(path)
    rows = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    numbered = [(n, [_cell(v) for v in row]) for n, row in rows]
    numbered = [(n, row) for n, row in numbered if any(row)]
    return numbered[_header_index(numbered)][0] if numbered else 1


def _field_like(key: str) -> str | None:
    """The column a heading most resembles ("kimnya" -> kim), or None."""
    for alias, name in _COLUMN.items():
        if name != "_skip" and len(alias) >= 3 and alias in key:
            return name
    close = difflib.get_close_matches(key, [a for a, n in _COLUMN.items() if n != "_skip"],
                                      n=1, cutoff=0.75)
    return _COLUMN[close[0]] if close else None


HEADER_SEARCH = 15  # office spreadsheets put a title, a date or a logo row above the headers


def _header_index(numbered: list[tuple[int, list[str]]]) -> int:
    """The first row (among the first few) that names at least three of the known columns;
    the first row when none does (its columns are then reported one by one)."""
    for index, (_, row) in enumerate(numbered[:HEADER_SEARCH]):
        known = {_COLUMN.get(_header_key(cell)) for cell in row} - {None, "_skip"}
        if len(known) >= 3 or any(_header_key(cell) in _FORBIDDEN for cell in row):
            return index
    return 0


def _read_csv(path: Path) -> list[tuple[int, list[Any]]]:
    text = _decode(path.read_bytes())
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


def _read_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise KimtrainError("roster.import.unreadable", path=str(path), reason=str(exc)) from exc
    try:
        sheet = book.worksheets[0]
        return [(n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()


class _Regions:
    """Look-ups in a region table, forgiving case and spacing, with suggestions."""

    def __init__(self, regions: list[Region]) -> None:
        self.kecamatan = {self.key(r.kecamatan): r.kecamatan for r in regions}
        self.desa: dict[str, list[Region]] = {}
        for r in regions:
            self.desa.setdefault(self.key(r.name), []).append(r)

    @staticmethod
    def key(text: str) -> str:
        """Exact up to case and spacing: "kota  besi" is Kota Besi, "Kotabesi" is not."""
        return " ".join(text.lower().split())

    @staticmethod
    def suggest(text: str, names: Iterable[str]) -> str | None:
        def loose(name: str) -> str:
            return re.sub(r"[^a-z0-9]", "", name.lower())

        by_key = {loose(n): n for n in names}
        close = difflib.get_close_matches(loose(text), list(by_key), n=1, cutoff=0.6)
        return by_key[close[0]] if close else None


def _check_row(file: str, row: int, values: dict[str, str], regions: _Regions | None,
               issues: list[RosterIssue], headers: dict[str, str]) -> dict[str, str]:
    def bad(name: str, key: str, **params: Any) -> None:
        issues.append(RosterIssue(file, key, params, row, headers.get(name, name)))

    too_long = {name for name, value in values.items() if len(value) > MAX_CELL}
    for name in sorted(too_long):  # refused before any other check reads it
        bad(name, "safety.roster_cell_too_long", length=len(values[name]), limit=MAX_CELL)
    values = {name: ("" if name in too_long else value) for name, value in values.items()}
    clean = dict(values)
    for name in FIELDS:
        if not values.get(name) and name not in too_long:
            bad(name, "roster.field.required")
    if values.get("id"):
        try:
            clean["id"] = participant_id(values["id"])
        except KimtrainError:
            bad("id", "roster.id.invalid", value=values["id"])
    phone = values.get("telepon", "")
    if phone and not _PHONE.match(phone):
        bad("telepon", "roster.phone.invalid", value=phone)
    email = values.get("email", "")
    if email and not _email_ok(email):
        bad("email", "roster.email.invalid", value=email)
    if regions is None:
        return clean
    kecamatan = values.get("kecamatan", "")
    if kecamatan:
        found = regions.kecamatan.get(regions.key(kecamatan))
        if found is None:
            guess = regions.suggest(kecamatan, regions.kecamatan.values())
            bad("kecamatan", "roster.kecamatan.unknown", value=kecamatan,
                hint=_hint(guess))
        else:
            clean["kecamatan"] = found
    desa = values.get("desa", "")
    if desa:
        matches = regions.desa.get(regions.key(desa), [])
        in_kecamatan = [r for r in matches if r.kecamatan == clean.get("kecamatan")]
        if in_kecamatan:
            clean["desa"] = in_kecamatan[0].name
        elif matches and clean.get("kecamatan") in regions.kecamatan.values():
            bad("desa", "roster.desa.other_kecamatan", value=desa,
                found=", ".join(sorted({r.kecamatan for r in matches})),
                kecamatan=clean["kecamatan"])
        elif matches:
            clean["desa"] = matches[0].name
        else:
            pool = [r.name for group in regions.desa.values() for r in group
                    if r.kecamatan == clean.get("kecamatan")] or \
                   [group[0].name for group in regions.desa.values()]
            bad("desa", "roster.desa.unknown", value=desa,
                hint=_hint(regions.suggest(desa, pool)))
    return clean


def _hint(guess: str | None) -> str:
    from kimtrain.i18n import t

    return t("roster.hint.did_you_mean", guess=guess) if guess else ""


def check_roster_file(path: str | Path, *, regions: str | Path | None = DEFAULT_REGIONS
                      ) -> tuple[list[Participant], list[Contact]]:
    """Read and check the whole file; raise :class:`RosterError` listing every problem."""
    path = Path(path)
    file = path.name
    header, body = read_roster_file(path)
    head = header_row(path)
    issues: list[RosterIssue] = []
    columns: dict[int, str] = {}
    headers: dict[str, str] = {}
    for index, title in enumerate(header):
        key = _header_key(title)
        if not key:
            if any(index < len(cells) and cells[index] for _, cells in body):
                issues.append(RosterIssue(file, "roster.column.no_header", {}, head,
                                          f"#{index + 1}"))
            continue
        if key in _FORBIDDEN:
            raise RosterError([RosterIssue(file, "roster.column.nik", {}, head, title)])
        name = _COLUMN.get(key)
        if name is None:
            like = _field_like(key)
            if like:  # a heading that almost names a column: rename it, do not delete it
                issues.append(RosterIssue(file, "results.roster.column_like",
                                          {"field": _ALIASES[like][0]}, head, title))
            else:
                issues.append(RosterIssue(file, "roster.column.unknown", {}, head, title))
        elif name == "_skip":
            continue
        elif name in headers:
            issues.append(RosterIssue(file, "roster.column.repeated",
                                      {"other": headers[name]}, head, title))
        else:
            columns[index], headers[name] = name, title
    for name in FIELDS:
        if name not in headers:
            issues.append(RosterIssue(file, "roster.column.missing", {}, head,
                                      _ALIASES[name][0]))
    if issues:
        raise RosterError(issues)

    table = _Regions(load_regions(regions)) if regions else None
    people: list[Participant] = []
    contacts: list[Contact] = []
    first_row: dict[str, int] = {}
    for row, cells in body:
        values = {name: (cells[i] if i < len(cells) else "") for i, name in columns.items()}
        clean = _check_row(file, row, values, table, issues, headers)
        pid = clean.get("id", "")
        if pid and pid in first_row:
            issues.append(RosterIssue(file, "roster.id.duplicate",
                                      {"value": pid, "other": first_row[pid]}, row,
                                      headers["id"]))
        elif pid:
            first_row[pid] = row
        people.append(Participant(*(clean.get(name, "") for name in FIELDS)))
        if clean.get("telepon") or clean.get("email"):
            contacts.append(Contact(pid, clean.get("telepon", ""), clean.get("email", "")))
    if issues:
        raise RosterError(issues)
    return people, contacts


def import_roster(course: Course, path: str | Path, *,
                  regions: str | Path | None = DEFAULT_REGIONS) -> ImportResult:
    """Check ``path`` whole, then merge it into the course roster and nbgrader's
    student table. Nothing is written when the file has any problem."""
    people, contacts = check_roster_file(path, regions=regions)
    existing = {p.id: p for p in load_roster(course)}
    added = sum(1 for p in people if p.id not in existing)
    updated = sum(1 for p in people if p.id in existing and existing[p.id] != p)
    merged = dict(existing)
    merged.update({p.id: p for p in people})
    known_contacts = {c.id: c for c in load_contacts(course)}
    known_contacts.update({c.id: c for c in contacts})

    from kimtrain.course.nbgrader_api import add_students

    add_students(course, [(p.id, p.nama) for p in people])
    save_roster(course, sorted(merged.values(), key=lambda p: p.id),
                sorted(known_contacts.values(), key=lambda c: c.id))
    from kimtrain.course.pins import ensure_pins

    ensure_pins(course.root, list(merged))  # each participant's PIN for the served tests
    return ImportResult(added, updated, len(people) - added - updated, len(contacts))
