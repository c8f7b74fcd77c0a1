"""Participant text stays text: the inert Markdown of written answers, the course's
nbconvert sanitiser, and spreadsheet cells that never become formulas."""

from __future__ import annotations

import html
import re

import nbformat
import pytest

from kimtrain.grading.inert import inert_markdown
from kimtrain.reports.excel import spreadsheet_text

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    "![gambar](http://contoh.invalid/x.png)",
    "<https://contoh.invalid>",
    "    empat spasi, bukan blok kode",
    "# bukan judul\n- bukan daftar\n1. bukan nomor\n> bukan kutipan\n===",
    "*miring* **tebal** `kode` ~~coret~~ _garis_ $x^2$ \\(y\\)",
    "&amp; &lt;b&gt; &#60;script&#62;",
    "baris satu\n\n\nbaris empat\\",
    "<pre>\n\n<script>alert(1)</script>\n</pre>",
    "<!-- komentar --> <style>body{display:none}</style>",
]


def _rendered_text(markup: str) -> str:
    """What a reader sees: tags dropped, <br> as a line break, references decoded."""
    text = re.sub(r"<br\s*/?>\n?", "\n", markup)
    text = re.sub(r"</?p>", "", text).strip("\n")
    assert "<" not in text, text  # no other element at all
    return html.unescape(text).replace("\xa0", " ")


@pytest.mark.parametrize("answer", ATTACKS, ids=range(len(ATTACKS)))
def test_a_written_answer_renders_as_exactly_the_text_typed(answer):
    from nbconvert.filters.markdown import markdown2html

    rendered = markdown2html(inert_markdown(answer))
    assert re.findall(r"<(\w+)", rendered) in ([], ["p"] + ["br"] * answer.count("\n"))
    shown = [line.rstrip() for line in _rendered_text(rendered).split("\n")]
    assert shown == [line.rstrip() for line in answer.split("\n")]  # blank lines: a space


def test_line_breaks_and_indentation_are_kept():
    assert inert_markdown("a\n\n  b") == "a\\\n&#160;\\\n&#160;&#160;b"
    assert inert_markdown("a\r\nb\rc") == "a\\\nb\\\nc"


def test_the_course_configuration_sanitises_raw_markup_in_formgrader_and_feedback(tmp_path):
    from nbconvert.exporters import HTMLExporter
    from traitlets.config.loader import PyFileConfigLoader

    from kimtrain.course import create_course

    course = create_course(tmp_path / "kursus", course_id="uji")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course.root)).load_config()
    assert config.HTMLExporter.sanitize_html is True
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        '<img src=x onerror="alert(1)"> <script>alert(2)</script> tetap teks')])
    # formgrader's own template renders Markdown cells without looking at sanitize_html;
    # it is the configured SanitizeHTML step that escapes the markup
    # it is the configured SanitizeHTML step that escapes the markup (the template's own
    # sanitising is switched off here to show that)
    config.HTMLExporter.template_name = "classic"
    config.HTMLExporter.sanitize_html = False
    body, _ = HTMLExporter(config=config).from_notebook_node(nb)
    cell = body[body.index("tetap teks") - 200: body.index("tetap teks")]
    assert "<img" not in cell and "<script>alert" not in cell
    assert "&lt;img" in cell


@pytest.mark.parametrize(("value", "shown"), [
    ("=HYPERLINK(\"http://x\",\"klik\")", "'=HYPERLINK(\"http://x\",\"klik\")"),
    ("+62 812", "'+62 812"), ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"), ("-1.5", "-1.5"), ("Siti", "Siti"), (3.0, 3.0), (None, None),
])
def test_spreadsheet_cells_never_become_formulas(value, shown):
    assert spreadsheet_text(value) == shown


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "=HYPERLINK(\"http://x\",\"klik\")", "baris satu\n\nbaris tiga",
    "    empat spasi\n* bukan daftar\n[x](javascript:alert(1))", "Rp 15.000 & 20% diskon",
])
def test_the_text_a_second_rater_reads_is_the_text_typed(text):
    from kimtrain.grading.inert import inert_markdown, plain_text

    assert plain_text(inert_markdown(text)) == text


def test_a_report_csv_keeps_typed_formulas_as_text(tmp_path):
    """write_csv changes only the cells that would read as a formula, in any column of
    text, and leaves every other cell as it was."""
    import pandas as pd

    from kimtrain.reports.excel import write_csv
    from kimtrain.reports.tables import Column, Table

    frame = pd.DataFrame({"name": ["Siti", "=HYPERLINK(\"http://x\",\"klik\")", None, "-1.5"],
                          "kim": ["KIM Maju", "KIM Maju", "+62 812", "KIM Baru"],
                          "score": [50.0, 60.0, 70.0, 80.0]})
    table = Table("uji", "Uji", [Column("name", "Nama"), Column("kim", "KIM"),
                                 Column("score", "Skor", "pct")], frame)
    lines = write_csv(table, tmp_path, "id").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1:] == ["Siti;KIM Maju;50,0", "\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\";"
                         "KIM Maju;60,0", ";'+62 812;70,0", "-1.5;KIM Baru;80,0"]
    assert frame["name"].iloc[1].startswith("=")  # the report's own table is unchanged
