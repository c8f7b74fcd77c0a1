"""The attendance list as offices file it: one XLSX workbook and one PDF per day.

Each session of the day is one table (a sheet in the workbook, a page or more in
the PDF, A4 landscape) headed by the activity, the day and date, the place and the
session: No, Nama, KIM, Desa/Kecamatan, Sesi, Jam hadir and Tanda tangan (the
signature column, numbered left and right in turn as on paper lists). Everyone on
the roster is listed, so an absent participant's row stays empty and the page can
be signed on paper as well; a time marked ``*`` was marked by the facilitator.
Under the table: how many were present, and room for the facilitator and the
official to sign.

The files carry names by nature, like the certificates' list of codes: they are
written with mode 0600 into a folder of their own (``daftar-hadir/`` by default)
and are for the office's report, not for a WhatsApp group.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kimtrain.course.roster import Participant
from kimtrain.errors import CourseError
from kimtrain.evaluation.attendance import Day, Mark, Plan, Session, read_day
from kimtrain.i18n import t
from kimtrain.i18n.formats import long_date

__all__ = ["AttendanceRow", "day_rows", "export_day", "weekday_date"]


@dataclass(frozen=True)
class AttendanceRow:
    number: int
    participant: str
    name: str
    kim: str
    place: str  # desa / kecamatan
    session: str  # short label: "Pagi"
    time: str  # "08.12", "08.12*" (marked by the facilitator) or ""
    present: bool


def weekday_date(day: date, lang: str) -> str:
    """``Jumat, 4 Desember 2026``."""
    return f"{t(f'attendance.weekday.{day.weekday()}', lang=lang)}, {long_date(day, lang)}"


def day_rows(session: Session, roster: list[Participant], marks: list[Mark],
             lang: str) -> list[AttendanceRow]:
    """Everyone on the roster for one session, in roster order."""
    found = {m.participant: m for m in marks if m.session == session.key}
    short = t(f"attendance.part.{session.part}", lang=lang)
    rows = []
    for number, person in enumerate(roster, 1):
        mark = found.get(person.id.upper())
        time = "" if mark is None else mark.time[:5].replace(":", ".") + (
            "*" if mark.via == "pelatih" else "")
        place = " / ".join(v for v in (person.desa, person.kecamatan) if v)
        rows.append(AttendanceRow(number, person.id, person.nama, person.kim, place, short,
                                  time, mark is not None))
    return rows


def _columns(lang: str) -> list[str]:
    return [t(f"attendance.col.{c}", lang=lang) for c in
            ("no", "name", "kim", "place", "session", "time", "sign")]


def _header_lines(plan: Plan, session: Session, lang: str) -> list[tuple[str, str]]:
    lines = [(t("attendance.head.activity", lang=lang), plan.activity),
             (t("attendance.head.date", lang=lang), weekday_date(session.day, lang)),
             (t("attendance.head.place", lang=lang), plan.place or "." * 40),
             (t("attendance.head.session", lang=lang), session.label(lang))]
    return lines


def _sign_lines(plan: Plan, day: date, lang: str) -> tuple[list[str], list[str], int]:
    """The facilitator's block (left), the official's block (right) and which line of
    the right block is the official's name (printed bold)."""
    signer = plan.signer or {}
    city = plan.city or "." * 16
    left = ["", "", t("attendance.sign.facilitator", lang=lang), "", "", "",
            "(" + "." * 36 + ")"]
    right = [f"{city}, {long_date(day, lang)}", t("attendance.sign.known", lang=lang),
             signer.get("title") or "." * 36, "", "", "",
             signer.get("name") or "(" + "." * 36 + ")"]
    if signer.get("nip"):
        right.append(f"NIP {signer['nip']}")
    return left, right, 6


def _xlsx(plan: Plan, day: Day, roster: list[Participant], marks: list[Mark],
          lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.page import PageMargins

    from kimtrain.reports.excel import spreadsheet_text

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    widths = (5, 30, 24, 30, 10, 11, 26)
    for session in day.sessions:
        title = t(f"attendance.part.{session.part}", lang=lang)
        sheet = book.create_sheet((f"{title} {session.id}" if session.id != session.part
                                   else title)[:31])
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        for i, width in enumerate(widths, 1):
            sheet.column_dimensions[chr(64 + i)].width = width
        sheet.merge_cells("A1:G1")
        sheet["A1"] = t("attendance.head.title", lang=lang)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        row = 2
        for label, value in _header_lines(plan, session, lang):
            sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            sheet.cell(row=row, column=3, value=spreadsheet_text(f": {value}"))
            sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=7)
            row += 1
        row += 1
        head_row = row
        for col, label in enumerate(_columns(lang), 1):
            cell = sheet.cell(row=row, column=col, value=label)
            cell.font = Font(bold=True)
            cell.border = box
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        rows = day_rows(session, roster, marks, lang)
        for r in rows:
            row += 1
            sign = f"{r.number}." if r.number % 2 else f"{'':>14}{r.number}."
            values = [r.number, spreadsheet_text(r.name), spreadsheet_text(r.kim),
                      spreadsheet_text(r.place), r.session, r.time, sign]
            for col, value in enumerate(values, 1):
                cell = sheet.cell(row=row, column=col, value=value)
                cell.border = box
                cell.alignment = Alignment(vertical="top", wrap_text=col in (2, 3, 4))
            sheet.row_dimensions[row].height = 26
        sheet.print_title_rows = f"{head_row}:{head_row}"
        row += 2
        present = sum(1 for r in rows if r.present)
        sheet.cell(row=row, column=1, value=t("attendance.count", lang=lang, present=present,
                                              total=len(rows)))
        if any(r.time.endswith("*") for r in rows):
            row += 1
            sheet.cell(row=row, column=1, value=t("attendance.note.manual", lang=lang))
        left, right, _ = _sign_lines(plan, session.day, lang)
        start = row + 2
        for i, text in enumerate(left):
            sheet.cell(row=start + i, column=2, value=spreadsheet_text(text))
        for i, text in enumerate(right):
            sheet.cell(row=start + i, column=6, value=spreadsheet_text(text))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pdf(plan: Plan, day: Day, roster: list[Participant], marks: list[Mark],
         lang: str) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from kimtrain.course.cards import _fonts

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(f"{t('attendance.head.title', lang=lang)} {day.day.isoformat()}")
    fonts = _fonts()
    font = "helvetica"
    if fonts and fonts[0].exists():
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
        font = "DejaVu"
    pdf.alias_nb_pages()

    widths = (9, 58, 46, 66, 18, 22, 54)  # 273 mm: A4 landscape less the margins
    for session in day.sessions:
        pdf.add_page()
        pdf.set_font(font, "B", 14)
        pdf.cell(0, 8, t("attendance.head.title", lang=lang).upper(), align="C",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for label, value in _header_lines(plan, session, lang):
            pdf.set_font(font, "B", 10)
            pdf.cell(38, 5.5, label)
            pdf.set_font(font, "", 10)
            pdf.multi_cell(0, 5.5, f": {value}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        rows = day_rows(session, roster, marks, lang)
        pdf.set_font(font, "", 9)
        heading = FontFace(emphasis="BOLD", fill_color=(228, 237, 241))
        with pdf.table(col_widths=widths, line_height=4.5, headings_style=heading,
                       text_align=("CENTER", "LEFT", "LEFT", "LEFT", "CENTER", "CENTER",
                                   "LEFT"), padding=1.5) as table:
            head = table.row()
            for label in _columns(lang):
                head.cell(label)
            for r in rows:
                line = table.row()
                for value in (str(r.number), r.name, r.kim, r.place, r.session, r.time):
                    line.cell(value)
                # paper lists put the numbers for signing left and right in turn
                line.cell(f"{r.number}." if r.number % 2 else f"{' ' * 22}{r.number}.")
        pdf.ln(2)
        present = sum(1 for r in rows if r.present)
        pdf.set_font(font, "", 10)
        pdf.cell(0, 6, t("attendance.count", lang=lang, present=present, total=len(rows)),
                 new_x="LMARGIN", new_y="NEXT")
        if any(r.time.endswith("*") for r in rows):
            pdf.set_font(font, "", 8.5)
            pdf.cell(0, 5, t("attendance.note.manual", lang=lang), new_x="LMARGIN",
                     new_y="NEXT")
        left, right, name_line = _sign_lines(plan, session.day, lang)
        step = 4.6
        height = step * max(len(left), len(right)) + 2
        if pdf.get_y() + height > pdf.h - 10:
            pdf.add_page()
        top = pdf.get_y() + 2
        pdf.set_font(font, "", 10)
        for i, text in enumerate(left):
            pdf.set_xy(20, top + i * step)
            pdf.cell(90, step, text, align="C")
        for i, text in enumerate(right):
            pdf.set_xy(180, top + i * step)
            pdf.set_font(font, "B" if i == name_line else "", 10)
            pdf.cell(95, step, text, align="C")
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def _write_private(path: Path, data: bytes) -> None:
    from kimtrain.answers.store import atomic_write

    atomic_write(path, data)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def export_day(plan: Plan, when: date, roster: list[Participant], course_root: str | Path,
               out: str | Path, *, lang: str = "id") -> tuple[Path, Path, int]:
    """Write ``daftar-hadir-<date>.xlsx`` and ``.pdf`` for one day into ``out``;
    return both paths and how many marks the day has."""
    day = plan.day(when)
    if day is None:
        raise CourseError("attendance.export.no_day", date=when.isoformat())
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CourseError("report.out_is_file", path=str(out))
    out.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(out, 0o700)
    marks = read_day(course_root, when)
    stem = f"daftar-hadir-{when.isoformat()}"
    xlsx, pdf = out / f"{stem}.xlsx", out / f"{stem}.pdf"
    _write_private(xlsx, _xlsx(plan, day, roster, marks, lang))
    _write_private(pdf, _pdf(plan, day, roster, marks, lang))
    return xlsx, pdf, len(marks)
