"""Cut scores set by judges, not assumed: a modified Angoff worksheet (XLSX out, XLSX in).

Each judge writes, for every item of a form, the chance (0–100 %) that a *minimally
competent* participant — one who just deserves a certificate — answers it correctly
(for a written task or a multiple-response item: the share of its points such a
participant would earn). The cut of the form, in percent of its points, is the
point-weighted mean of the ratings; each judge's own cut gives the spread, reported as
the standard error of the cut (SD of the judges' cuts / √judges).

* :func:`write_worksheet` — ``<form>-angoff.xlsx`` with instructions and one column per
  judge (items from the built form's public manifest: no keys);
* :func:`set_cut` — reads a filled worksheet, checks every cell (sheet, row, column and
  what is wrong, in the user's language; nothing is saved unless all is well) and saves
  ``standar/<form>.json`` in the course;
* :func:`load_cut` / :func:`cut_for` — the cut a report or certificate uses, with how it
  was set; without a saved cut, :data:`PROVISIONAL_CUT` % is used and said to be a
  provisional fixed cut.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from kimtrain.assessment.manifest import load_manifest
from kimtrain.course.layout import Course
from kimtrain.defaults import DEFAULT_CUT
from kimtrain.errors import CourseError
from kimtrain.i18n import get_language, t

__all__ = ["PROVISIONAL_CUT", "CutScore", "cut_for", "load_cut", "set_cut",
           "write_worksheet"]

PROVISIONAL_CUT = DEFAULT_CUT
SHEET = "Penilaian"
FIRST_JUDGE_COLUMN = 7  # after No, Soal, Domain, Kompetensi, Jenis, Poin, Pertanyaan


@dataclass
class CutScore:
    form: str
    cut: float  # percent of the form's points
    method: str  # "angoff" | "provisional" | "manual"
    judges: int = 0
    se: float | None = None
    judge_cuts: list[float] = field(default_factory=list)
    set_on: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self, lang: str | None = None) -> str:
        """One sentence: which cut and how it was set."""
        cut = f"{self.cut:.1f}".replace(".", "," if (lang or get_language()) == "id" else ".")
        if self.method == "angoff":
            se = "–" if self.se is None else f"{self.se:.1f}"
            return t("cut.describe.angoff", lang=lang, cut=cut, form=self.form,
                     judges=self.judges, se=se, date=self.set_on)
        if self.method == "manual":
            return t("cut.describe.manual", lang=lang, cut=cut, form=self.form)
        return t("cut.describe.provisional", lang=lang, cut=cut, form=self.form)


def _path(course: Course, form: str) -> Path:
    return course.root / "standar" / f"{form}.json"


def _items(course: Course, form: str) -> list[dict[str, Any]]:
    return load_manifest(course.source_dir(form), form)["items"]


def write_worksheet(course: Course, form: str, out: str | Path, *, judges: int = 5,
                    lang: str | None = None) -> Path:
    """The Angoff worksheet of ``form`` for ``judges`` judges."""
    import xlsxwriter

    if not 1 <= judges <= 30:
        raise CourseError("cut.bad_judges", judges=judges)
    items = _items(course, form)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    book = xlsxwriter.Workbook(str(tmp))
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format({"bold": True, "bg_color": "#E4EDF1", "border": 1,
                            "text_wrap": True})
    entry = book.add_format({"bg_color": "#FFF6E6", "border": 1})
    guide = book.add_worksheet(t("cut.sheet.guide", lang=lang))
    guide.set_column(0, 0, 110)
    guide.write(0, 0, t("cut.guide.title", lang=lang, form=form), bold)
    for row, n in enumerate(range(1, 7), start=2):
        guide.write(row, 0, t(f"cut.guide.{n}", lang=lang), wrap)
    sheet = book.add_worksheet(SHEET)
    labels = [t(f"cut.col.{c}", lang=lang) for c in
              ("no", "item", "domain", "competency", "type", "points", "stem")]
    labels += [t("cut.col.judge", lang=lang, n=j + 1) for j in range(judges)]
    sheet.write_row(0, 0, labels, head)
    for r, item in enumerate(items, start=1):
        sheet.write_row(r, 0, [r, item["id"], item.get("domain", ""),
                               item.get("competency", ""), item.get("type", ""),
                               float(item.get("points", 1))])
        sheet.write_string(r, 6, str(item.get("stem", "")), wrap)
        for j in range(judges):
            sheet.write_blank(r, FIRST_JUDGE_COLUMN + j, None, entry)
    sheet.set_column(6, 6, 60)
    sheet.set_column(FIRST_JUDGE_COLUMN, FIRST_JUDGE_COLUMN + judges - 1, 10)
    sheet.freeze_panes(1, 2)
    sheet.data_validation(1, FIRST_JUDGE_COLUMN, len(items), FIRST_JUDGE_COLUMN + judges - 1,
                          {"validate": "decimal", "criteria": "between", "minimum": 0,
                           "maximum": 100})
    book.close()
    os.replace(tmp, out)
    return out


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def set_cut(course: Course, form: str, worksheet: str | Path, *,
            day: date | None = None) -> CutScore:
    """Read a filled worksheet; save and return the form's cut. Every problem is listed
    (sheet, row, column); nothing is saved unless the whole worksheet is right."""
    from openpyxl import load_workbook

    path = Path(worksheet)
    if not path.is_file():
        raise CourseError("cut.no_file", path=str(path))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip or XML damage: say so, in the user's words
        raise CourseError("cut.unreadable", path=str(path), reason=str(exc)) from exc
    if SHEET not in book.sheetnames:
        raise CourseError("cut.no_sheet", path=str(path), sheet=SHEET)
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    items = {item["id"]: float(item.get("points", 1)) for item in _items(course, form)}
    problems: list[str] = []
    header = rows[0] if rows else ()
    judge_columns = [c for c in range(FIRST_JUDGE_COLUMN, len(header)) if header[c]]
    ratings: dict[str, list[float | None]] = {}
    for r, row in enumerate(rows[1:], start=2):
        item = str(row[1]) if len(row) > 1 and row[1] is not None else ""
        if not item:
            continue
        if item not in items:
            problems.append(t("cut.problem.unknown_item", path=path.name, sheet=SHEET, row=r,
                              item=item, form=form))
            continue
        values: list[float | None] = []
        for c in judge_columns:
            value = row[c] if c < len(row) else None
            where: dict[str, Any] = {"path": path.name, "sheet": SHEET, "row": r,
                                     "col": _column_name(c),
                     "item": item}
            if value is None or (isinstance(value, str) and not value.strip()):
                values.append(None)
                continue
            try:
                number = float(str(value).replace(",", ".").rstrip("% "))
            except ValueError:
                problems.append(t("cut.problem.not_number", value=value, **where))
                values.append(math.nan)  # reported once: not also "missing"
                continue
            if not 0 <= number <= 100 or math.isnan(number):
                problems.append(t("cut.problem.range", value=value, **where))
            values.append(number)
        ratings[item] = values
    missing = [i for i in items if i not in ratings]
    if missing:
        problems.append(t("cut.problem.missing_items", path=path.name, items=", ".join(missing)))
    # a judge column counts when it has any rating; then it must be complete
    used = [j for j in range(len(judge_columns))
            if any(v[j] is not None for v in ratings.values())]
    for j in used:
        empty = [i for i, v in ratings.items() if v[j] is None]
        if empty:
            problems.append(t("cut.problem.incomplete", path=path.name, sheet=SHEET,
                              col=_column_name(judge_columns[j]), judge=header[judge_columns[j]],
                              items=", ".join(empty[:5]) + (" …" if len(empty) > 5 else "")))
    if not used and not problems:
        problems.append(t("cut.problem.no_ratings", path=path.name))
    if problems:
        raise CourseError("cut.invalid", count=len(problems),
                          problems="\n".join(f"  - {p}" for p in problems))
    total = sum(items.values())
    # every judge in ``used`` rated every item (an incomplete column is a problem above)
    judge_cuts = [100 * sum(items[i] * cast(float, ratings[i][j]) / 100 for i in items) / total
                  for j in used]
    cut = sum(judge_cuts) / len(judge_cuts)
    se = None
    if len(judge_cuts) > 1:
        mean = cut
        sd = math.sqrt(sum((c - mean) ** 2 for c in judge_cuts) / (len(judge_cuts) - 1))
        se = sd / math.sqrt(len(judge_cuts))
    result = CutScore(form, cut, "angoff", len(judge_cuts), se, judge_cuts,
                      (day or date.today()).isoformat(), path.name)
    target = _path(course, form)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n",
                   encoding="utf-8")
    os.replace(tmp, target)
    return result


def load_cut(course: Course, form: str) -> CutScore | None:
    """The cut saved by :func:`set_cut`, or None."""
    path = _path(course, form)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return CutScore(**data)
    except (ValueError, TypeError) as exc:
        raise CourseError("cut.unreadable", path=str(path), reason=str(exc)) from exc


def cut_for(course: Course, form: str, explicit: float | None = None) -> CutScore:
    """The cut to use for ``form``: one given on the command line, else the one set by
    the judges, else the provisional fixed cut (and every one says which it is)."""
    if explicit is not None:
        if not 0 < explicit <= 100:
            raise CourseError("report.bad_cut", cut=explicit)
        return CutScore(form, float(explicit), "manual")
    return load_cut(course, form) or CutScore(form, PROVISIONAL_CUT, "provisional")
