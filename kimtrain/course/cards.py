"""``kimtrain cards``: participant cards to print, cut out and hand out.

One card per participant on the roster, ten to an A4 page (two columns of five,
credit-card size, dashed lines to cut along): the name, KIM and desa, the
participant code, the PIN (see :mod:`kimtrain.serve.identity`) and the server's
address with its QR code. A participant on the roster without a PIN gets one now.
The PDF holds PINs: print it and keep or delete it; never share the file.
"""

from __future__ import annotations

import math
from pathlib import Path

from kimtrain.course.layout import Course
from kimtrain.course.roster import Participant, load_roster
from kimtrain.errors import CourseError
from kimtrain.i18n import t

__all__ = ["CARD_H", "CARD_W", "PER_PAGE", "write_cards"]

CARD_W, CARD_H = 85.0, 54.0  # mm, a bank card
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
LEFT = (210 - COLUMNS * CARD_W) / 2
TOP = (297 - ROWS * CARD_H) / 2


def _fonts() -> tuple[Path, Path] | None:
    for folder in (Path("/usr/share/fonts/truetype/dejavu"),):
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    try:
        import matplotlib  # only for its bundled DejaVu fonts, when present
    except ImportError:
        return None
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def _qr(pdf: object, url: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares (sharp at any printer resolution)."""
    import segno

    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    cell = size / len(matrix)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * cell, y + r * cell, cell, cell, style="F")  # type: ignore[attr-defined]


def _card(pdf: object, person: Participant, pin: str, url: str, x: float, y: float,
          font: str, lang: str) -> None:
    p = pdf  # fpdf.FPDF
    p.set_text_color(20, 20, 20)  # type: ignore[attr-defined]
    qr = 27.0
    _qr(p, url, x + CARD_W - qr - 4, y + 5, qr)
    width = CARD_W - qr - 11

    def text(value: str, size: float, style: str, dy: float, height: float = 5.0) -> None:
        """One line, made smaller (then shortened) until it stays left of the QR code."""
        value = value[:80]
        while True:
            p.set_font(font, style, size)  # type: ignore[attr-defined]
            if p.get_string_width(value) <= width or size <= 6:  # type: ignore[attr-defined]
                break
            size -= 0.5
        while len(value) > 1 and p.get_string_width(value) > width:  # type: ignore[attr-defined]
            value = value[:-2] + "…"
        p.set_xy(x + 5, y + dy)  # type: ignore[attr-defined]
        p.cell(width, height, value)  # type: ignore[attr-defined]

    text(t("cards.title", lang=lang), 7, "", 4)
    text(person.nama, 10.5, "B", 9)
    text(", ".join(v for v in (person.kim, person.desa) if v), 7.5, "", 14.5)
    text(t("cards.code", lang=lang), 7, "", 21)
    text(person.id, 15, "B", 25.5, 7)
    text(t("cards.pin", lang=lang), 7, "", 33)
    text(" ".join(pin[i:i + 3] for i in range(0, len(pin), 3)), 15, "B", 37.5, 7)
    p.set_font(font, "", 6.5)  # type: ignore[attr-defined]
    p.set_xy(x + CARD_W - qr - 8, y + qr + 6)  # type: ignore[attr-defined]
    p.multi_cell(qr + 6, 3, f"{t('cards.open', lang=lang)}\n{url}", align="C")  # type: ignore[attr-defined]
    p.set_xy(x + 5, y + CARD_H - 7)  # type: ignore[attr-defined]
    p.cell(CARD_W - 10, 4, t("cards.keep", lang=lang))  # type: ignore[attr-defined]


def write_cards(course: Course, out: str | Path, address: str, *,
                lang: str = "id") -> tuple[int, int]:
    """Write every participant's card to ``out``; return (cards, pages)."""
    from fpdf import FPDF

    from kimtrain.course.pins import ensure_pins, load_pins

    roster = load_roster(course)
    if not roster:
        raise CourseError("cards.empty")
    ensure_pins(course.root, [p.id for p in roster])
    pins = load_pins(course.root)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(t("cards.title", lang=lang))
    fonts = _fonts()
    font = "helvetica"
    if fonts and fonts[0].exists():
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
        font = "DejaVu"
    for index, person in enumerate(roster):
        slot = index % PER_PAGE
        if slot == 0:
            pdf.add_page()
            pdf.set_draw_color(150, 150, 150)
            pdf.set_line_width(0.2)
            with pdf.local_context():
                pdf.set_dash_pattern(dash=2, gap=1.5)
                for col in range(COLUMNS + 1):  # cut lines
                    pdf.line(LEFT + col * CARD_W, 5, LEFT + col * CARD_W, 292)
                for row in range(ROWS + 1):
                    pdf.line(5, TOP + row * CARD_H, 205, TOP + row * CARD_H)
        x = LEFT + (slot % COLUMNS) * CARD_W
        y = TOP + (slot // COLUMNS) * CARD_H
        pdf.set_fill_color(0, 0, 0)
        _card(pdf, person, pins[person.id.upper()], address, x, y, font, lang)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    out.chmod(0o600)
    return len(roster), math.ceil(len(roster) / PER_PAGE)
