"""Certificates: one PDF per participant who reached the cut score, and the list of codes.

Each certificate (A4 landscape) carries the participant's name and KIM group from
the roster, the score, the competencies achieved (competency score ≥ the cut; only
competencies with at least four items on the form are reported), which cut score was
used and how it was set (:mod:`kimtrain.reports.standard_setting`: set by judges with
the modified Angoff method, or a provisional fixed cut, said so), the date and a short
verification code (:func:`kimtrain.reports.privacy.verification_code`).
The PDFs are named by that code, not by the person; ``daftar-sertifikat.csv``
beside them lists every code issued with whom it was issued to — an internal list
for the coordinator, who checks a presented certificate against it.

The font is DejaVu Sans as shipped inside matplotlib, so certificates are made
offline on any machine, with every Latin character a name may need.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from kimtrain.course.layout import Course
from kimtrain.course.roster import load_roster
from kimtrain.errors import CourseError
from kimtrain.i18n import get_language, t
from kimtrain.i18n.formats import csv_separator, number
from kimtrain.oscompat import replace_with_retry
from kimtrain.reports.analysis import analyse_form
from kimtrain.reports.data import load_form
from kimtrain.reports.excel import spreadsheet_text
from kimtrain.reports.privacy import course_key, verification_code

__all__ = ["Certificate", "issue_certificates", "long_date"]

CODES_FILE = "daftar-sertifikat.csv"


@dataclass
class Certificate:
    code: str
    participant: str
    name: str
    kim: str
    form: str
    score: float
    competencies: list[str] = field(default_factory=list)
    issued: str = ""
    file: str = ""
    on_roster: bool = True
    cut: float = 0.0
    cut_method: str = ""  # angoff | manual | provisional

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def long_date(day: date, lang: str) -> str:
    """29 November 2026 (the month's name in the report language)."""
    from kimtrain.i18n.formats import long_date as _long

    return _long(day, lang)


def _fonts() -> tuple[Path, Path]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def _pdf(cert: Certificate, title: str, cut: float, day: date, lang: str,
         cut_text: str = "") -> bytes:
    from fpdf import FPDF

    regular, bold = _fonts()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_draw_color(31, 111, 139)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, 269, 182)
    pdf.set_text_color(31, 78, 95)

    def line(text: str, size: float, style: str = "", height: float = 10,
             gap: float = 0) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_x(20)
        pdf.multi_cell(257, height, text, align="C")
        if gap:
            pdf.ln(gap)

    pdf.set_y(30)
    line(t("report.cert.title", lang=lang), 30, "B", 14)
    line(t("report.cert.subtitle", lang=lang), 13, "", 8, 6)
    pdf.set_text_color(30, 30, 30)
    line(t("report.cert.given_to", lang=lang), 12, "", 8)
    line(cert.name, 24, "B", 13)
    if cert.kim:
        line(cert.kim, 13, "", 8)
    pdf.ln(4)
    line(t("report.cert.achievement", lang=lang, score=number(cert.score, 0, lang), form=title,
           cut=f"{cut:g}"), 11.5, "", 7, 3)
    if cert.competencies:
        line(t("report.cert.competencies", lang=lang), 11, "B", 7)
        for competency in cert.competencies[:8]:
            line(f"• {competency}", 9.5, "", 5.5)
        if len(cert.competencies) > 8:
            line(t("report.cert.more", lang=lang, count=len(cert.competencies) - 8), 9.5, "", 5.5)
    if cut_text:
        pdf.set_y(160)
        pdf.set_text_color(90, 90, 90)
        line(t("cut.cert.line", lang=lang, text=cut_text), 7.5, "", 4)
        pdf.set_text_color(30, 30, 30)
    pdf.set_y(172)
    line(t("report.cert.date", lang=lang, date=long_date(day, lang)), 10.5, "", 6)
    line(t("report.cert.code", lang=lang, code=cert.code), 12, "B", 7)
    pdf.set_text_color(90, 90, 90)
    line(t("report.cert.verify", lang=lang), 8, "", 4.5)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    try:
        replace_with_retry(tmp, path)  # Windows: the list may be open in Excel
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def issue_certificates(course: Course, form_name: str, out: str | Path, *,
                       cut: float | None = None, day: date | None = None,
                       lang: str | None = None) -> list[Certificate]:
    """Write a certificate for everyone at or above the cut on ``form_name``; return them.
    ``cut`` None: the cut set by judges for that form, else the provisional fixed cut."""
    from kimtrain.reports.standard_setting import cut_for

    lang = lang or get_language()
    info = cut_for(course, form_name, cut)
    cut = info.cut
    cut_text = info.describe(lang)
    day = day or date.today()
    form = analyse_form(load_form(course, form_name))
    roster = {p.id: p for p in load_roster(course)}
    key = course_key(course)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CourseError("report.out_is_file", path=str(out))
    out.mkdir(parents=True, exist_ok=True)
    title = form.data.title
    issued = []
    for index, participant in enumerate(form.data.participants):
        score = float(form.percent[index])
        if np.isnan(score) or score < cut:
            continue
        person = roster.get(participant)
        achieved = [f"{code} {t(f'competency.{code}', lang=lang)}"
                    for code, values in sorted(form.competencies.items())
                    if not np.isnan(values[index]) and values[index] >= cut]
        code = verification_code(key, course.course_id, form_name, participant)
        cert = Certificate(code=code, participant=participant,
                           name=person.nama if person and person.nama else participant,
                           kim=person.kim if person else "", form=form_name, score=score,
                           competencies=achieved, issued=day.isoformat(),
                           file=f"sertifikat-{code}.pdf", on_roster=person is not None,
                           cut=cut, cut_method=info.method)
        _write_atomic(out / cert.file, _pdf(cert, title, cut, day, lang, cut_text))
        issued.append(cert)
    _write_codes(out / CODES_FILE, issued, lang)
    return issued


def _write_codes(path: Path, issued: list[Certificate], lang: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_separator(lang), lineterminator="\n")
    writer.writerow([t(f"report.cert.col.{c}", lang=lang) for c in
                     ("code", "participant", "name", "kim", "form", "score", "issued",
                      "competencies", "file", "note")])
    for c in issued:
        writer.writerow([c.code, c.participant, spreadsheet_text(c.name),
                         spreadsheet_text(c.kim), c.form,
                         number(c.score, 1, lang),
                         long_date(date.fromisoformat(c.issued), lang),
                         "; ".join(c.competencies), c.file,
                         "" if c.on_roster else t("report.reason.not_on_roster", lang=lang)])
    _write_atomic(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
