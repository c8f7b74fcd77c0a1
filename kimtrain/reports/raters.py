"""Written tasks scored fairly: blind second rating and rater agreement per rubric.

nbgrader's formgrader (0.9.6) lists written answers as "Submission #n" with names
hidden, but a grader can reveal them with one click, and every assessment is graded on
its own page, so the trainer always knows whether an answer is from the pre- or the
post-test. There is no setting to change that (its only option is ``debug``). So
kimtrain adds a blind route beside it::

    kimtrain rating export --share 0.2      # penilaian_ganda/penilai-2.xlsx
    kimtrain rating import penilaian_ganda/penilai-2.xlsx
    kimtrain rating agreement               # weighted kappa per rubric

``export`` draws a reproducible share of the written answers of **every** assessment
(pre, post and quizzes together), gives each a random code (``J-0001``), mixes them,
and writes one sheet per rubric (parallel pre/post tasks share a rubric and so a
sheet; their task texts are labelled *Tugas A/B* in a random order). The key that
turns codes back into (assessment, participant, item) stays in the course folder
(``penilaian_ganda/kunci.json``) and never goes into the workbook. ``import`` reads a
rater's scores back (every mistake reported with sheet, row and column; nothing saved
when there is one). ``--rater 1`` writes them into the gradebook as the manual score,
so a course can also do its *first* rating blind.

Agreement between the first rater (the gradebook's manual score) and the second (the
imported sheet) is Cohen's kappa with **quadratic weights** on the task total — the
same formula as ``sklearn.metrics.cohen_kappa_score(weights="quadratic")`` — per rubric,
with n, exact agreement and a plain-language "Artinya".
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.errors import BankIssue, CourseError, IssuesError
from kimtrain.gradeids import ANSWER_PREFIX, answer_id
from kimtrain.grading.inert import plain_text
from kimtrain.i18n import t

__all__ = [
    "Agreement",
    "WrittenAnswer",
    "agreement",
    "agreement_table",
    "export_ratings",
    "import_ratings",
    "kappa_meaning",
    "quadratic_weighted_kappa",
    "written_answers",
]

FOLDER = "penilaian_ganda"
KEY_FILE = "kunci.json"
DEFAULT_SHARE = 0.2
MIN_N = 10  # fewer pairs than this: kappa is shown, but flagged as too few


class RatingError(IssuesError[BankIssue]):
    key = "rating.import.failed"


@dataclass(frozen=True)
class WrittenAnswer:
    assessment: str
    participant: str
    item: str
    text: str
    stem: str
    points: float
    rubric: tuple[tuple[str, tuple[tuple[float, str], ...]], ...]

    @property
    def signature(self) -> str:
        """Answers graded with the same rubric (parallel pre/post tasks) share this."""
        raw = json.dumps([[name, [p for p, _ in levels]] for name, levels in self.rubric],
                         ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]


# -- kappa ---------------------------------------------------------------------------

def quadratic_weighted_kappa(a: list[float], b: list[float],
                             categories: list[float] | None = None) -> float | None:
    """Cohen's kappa with quadratic weights between two raters' scores ``a`` and ``b``.

    ``categories`` are the possible scores (default: every score either rater gave),
    so the weights are (i − j)² / (k − 1)² over their ranks. ``None`` when it is not
    defined (no pairs, or no spread in the expected table)."""
    if len(a) != len(b):
        raise ValueError("a and b differ in length")
    if not a:
        return None
    cats = sorted(set(categories or []) | set(a) | set(b))
    k = len(cats)
    if k < 2:
        return None
    index = {c: i for i, c in enumerate(cats)}
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        observed[index[x]][index[y]] += 1
    n = float(len(a))
    row = [sum(r) for r in observed]
    col = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * row[i] * col[j] / n
    if den == 0:
        return None
    return 1.0 - num / den


def kappa_meaning(kappa: float | None, n: int, lang: str | None = None) -> str:
    """A plain-language reading (bands of Landis & Koch 1977)."""
    if kappa is None:
        return t("rating.meaning.none", lang=lang)
    if kappa > 0.8:
        band = "almost_perfect"
    elif kappa > 0.6:
        band = "substantial"
    elif kappa > 0.4:
        band = "moderate"
    elif kappa > 0.2:
        band = "fair"
    else:
        band = "poor"
    text = t(f"rating.meaning.{band}", lang=lang)
    if n < MIN_N:
        text += " " + t("rating.meaning.few", n=n, min=MIN_N, lang=lang)
    return text


# -- reading the course ------------------------------------------------------------

def _placeholders() -> set[str]:
    from kimtrain.assessment.build import written_placeholder

    return {written_placeholder(lang).strip() for lang in ("id", "en")}


def _assessments(course: Course) -> list[tuple[str, dict[str, Any]]]:
    from kimtrain.assessment.manifest import load_manifest

    found = []
    source = course.root / "source"
    for folder in sorted(p for p in source.iterdir() if p.is_dir()) if source.is_dir() else []:
        try:
            manifest = load_manifest(folder, folder.name)
        except CourseError:
            continue
        written = {raw["id"]: raw for raw in manifest["items"] if raw.get("type") == "written"}
        if written:
            found.append((folder.name, written))
    return found


def written_answers(course: Course) -> list[WrittenAnswer]:
    """Every non-blank written answer in the graded notebooks of ``course``."""
    blank = _placeholders()
    out: list[WrittenAnswer] = []
    for assessment, written in _assessments(course):
        for notebook in sorted((course.root / "autograded").glob(f"*/{assessment}/*.ipynb")):
            participant = notebook.parent.parent.name
            try:
                cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
            except (OSError, ValueError):
                continue
            for cell in cells:
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
                item = grade_id.removeprefix(ANSWER_PREFIX) if grade_id.startswith(ANSWER_PREFIX) \
                    else ""
                if item not in written:
                    continue
                source = cell.get("source", "")
                # the cell holds the answer as inert Markdown (kimtrain.grading.inert)
                text = plain_text("".join(source) if isinstance(source, list)
                                  else str(source)).strip()
                if not text or text in blank:
                    continue
                raw = written[item]
                rubric = tuple((c["name"], tuple((float(p), str(d)) for p, d in c["levels"]))
                               for c in raw.get("rubric") or [])
                out.append(WrittenAnswer(assessment, participant, item, text,
                                         raw.get("stem", ""), float(raw.get("points", 0)),
                                         rubric))
    return out


def _first_scores(course: Course, assessments: set[str]) -> dict[tuple[str, str, str], float]:
    """(assessment, participant, item) -> the manual score in the gradebook."""
    from kimtrain.reports.data import gradebook_cells

    scores = {}
    for assessment in sorted(assessments):
        try:
            cells = gradebook_cells(course, assessment)
        except CourseError:
            continue
        for participant, item, score, _max, needs_manual in cells:
            if score is not None and not needs_manual:
                scores[(assessment, participant, item)] = score
    return scores


# -- export --------------------------------------------------------------------------

@dataclass
class Export:
    path: Path
    key_path: Path
    drawn: int
    total: int
    per_rubric: dict[str, int] = field(default_factory=dict)


def _draw(answers: list[WrittenAnswer], share: float, seed: int) -> list[WrittenAnswer]:
    by_rubric: dict[str, list[WrittenAnswer]] = {}
    for a in answers:
        by_rubric.setdefault(a.signature, []).append(a)
    chosen = []
    for signature, group in sorted(by_rubric.items()):
        group = sorted(group, key=lambda a: (a.assessment, a.participant, a.item))
        k = min(len(group), max(1, math.ceil(share * len(group))))
        chosen.extend(random.Random(f"{seed}:{signature}").sample(group, k))
    return chosen


def export_ratings(course: Course, *, share: float = DEFAULT_SHARE, seed: int = 2026,
                   rater: str = "2", out: str | Path | None = None,
                   lang: str | None = None) -> Export:
    """Write the blind rating workbook for ``rater`` and keep its key in the course."""
    import xlsxwriter

    if not 0 < share <= 1:
        raise CourseError("rating.bad_share", share=share)
    answers = written_answers(course)
    if not answers:
        raise CourseError("rating.no_answers")
    chosen = _draw(answers, share, seed)
    random.Random(f"{seed}:order").shuffle(chosen)
    codes = [f"J-{n:04d}" for n in range(1, len(chosen) + 1)]
    folder = course.root / FOLDER
    folder.mkdir(exist_ok=True)
    path = Path(out) if out else folder / f"penilai-{rater}.xlsx"
    groups: dict[str, list[tuple[str, WrittenAnswer]]] = {}
    for code, answer in zip(codes, chosen, strict=True):
        groups.setdefault(answer.signature, []).append((code, answer))
    key: dict[str, Any] = {"seed": seed, "share": share, "rater": rater, "codes": {},
                           "sheets": {}}
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    guide = book.add_worksheet(t("rating.sheet.guide", lang=lang)[:31])
    guide.set_column(0, 0, 110)
    guide_rows = [t("rating.guide.intro", lang=lang, rater=rater)]
    for number, (signature, rows) in enumerate(sorted(groups.items()), 1):
        sheet_name = t("rating.sheet.rubric", number=number, lang=lang)[:31]
        key["sheets"][sheet_name] = signature
        sample = rows[0][1]
        tasks = sorted({a.item for _, a in rows})
        random.Random(f"{seed}:{signature}:tasks").shuffle(tasks)
        labels = {item: t("rating.task", letter=chr(ord("A") + i), lang=lang)
                  for i, item in enumerate(tasks)}
        guide_rows.append("")
        guide_rows.append(f"{sheet_name}")
        stems = {a.item: a.stem for _, a in rows}
        for item in tasks:
            guide_rows.append(f"{labels[item]}: {stems[item]}")
        for name, levels in sample.rubric:
            guide_rows.append(f"  • {name}: " + "; ".join(f"{p:g} = {d}" for p, d in levels))
        sheet = book.add_worksheet(sheet_name)
        header = [t("rating.col.code", lang=lang), t("rating.col.task", lang=lang),
                  t("rating.col.answer", lang=lang)]
        header += [f"{name} ({'/'.join(f'{p:g}' for p, _ in levels)})"
                   for name, levels in sample.rubric]
        for col, text in enumerate(header):
            sheet.write_string(0, col, text, bold)
        sheet.set_column(0, 1, 10)
        sheet.set_column(2, 2, 80)
        sheet.set_column(3, 2 + len(sample.rubric), 16)
        sheet.freeze_panes(1, 3)
        for r, (code, answer) in enumerate(rows, 1):
            sheet.write_string(r, 0, code)
            sheet.write_string(r, 1, labels[answer.item])
            sheet.write_string(r, 2, answer.text, wrap)  # text, never a formula or link
            for c, (_, levels) in enumerate(answer.rubric):
                sheet.data_validation(r, 3 + c, r, 3 + c, {
                    "validate": "list", "source": [f"{p:g}" for p, _ in levels]})
            key["codes"][code] = {"assessment": answer.assessment,
                                  "participant": answer.participant, "item": answer.item,
                                  "rubric": signature}
    for r, text in enumerate(guide_rows):
        guide.write_string(r, 0, text, wrap)
    book.close()
    key_path = folder / KEY_FILE
    old = json.loads(key_path.read_text(encoding="utf-8")) if key_path.is_file() else {}
    old[rater] = key
    key_path.write_text(json.dumps(old, ensure_ascii=False, indent=1), encoding="utf-8")
    per = {sig: len(rows) for sig, rows in groups.items()}
    return Export(path, key_path, len(chosen), len(answers), per)


# -- import --------------------------------------------------------------------------

def _key(course: Course, rater: str) -> dict[str, Any]:
    path = course.root / FOLDER / KEY_FILE
    if not path.is_file():
        raise CourseError("rating.no_key", path=str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    if rater not in data:
        raise CourseError("rating.no_key", path=f"{path} ({rater})")
    return data[rater]


def import_ratings(course: Course, path: str | Path, *, rater: str = "2") -> dict[str, float]:
    """Read a filled-in workbook; return code -> total and save it (rater 2) or write it
    into the gradebook as the manual score (rater 1). Raises :class:`RatingError`
    listing every mistake (sheet, row, column) and then saves nothing."""
    from openpyxl import load_workbook

    from kimtrain.errors import BankIssue

    key = _key(course, rater)
    answers = {(a.assessment, a.participant, a.item): a for a in written_answers(course)}
    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise CourseError("rating.unreadable", path=str(path), reason=str(exc)) from exc
    issues: list[BankIssue] = []
    totals: dict[str, float] = {}
    details: dict[str, list[float]] = {}
    for sheet_name, signature in key["sheets"].items():
        if sheet_name not in book.sheetnames:
            issues.append(BankIssue(path.name, "rating.import.no_sheet", {"sheet": sheet_name}))
            continue
        rows = list(book[sheet_name].iter_rows(values_only=True))
        for r, row in enumerate(rows[1:], 2):
            code = str(row[0]).strip() if row and row[0] is not None else ""
            if not code:
                continue
            where = {"sheet": sheet_name, "row": r}
            info = key["codes"].get(code)
            if info is None or info["rubric"] != signature:
                issues.append(BankIssue(path.name, "rating.import.unknown_code",
                                        {**where, "code": code}, item=code))
                continue
            answer = answers.get((info["assessment"], info["participant"], info["item"]))
            if answer is None:
                issues.append(BankIssue(path.name, "rating.import.gone", {**where, "code": code},
                                        item=code))
                continue
            values = list(row[3:3 + len(answer.rubric)])
            values += [None] * (len(answer.rubric) - len(values))
            if all(v is None or str(v).strip() == "" for v in values):
                continue  # not rated (yet)
            scores = []
            for c, (value, (name, levels)) in enumerate(zip(values, answer.rubric,
                                                              strict=True)):
                allowed = [p for p, _ in levels]
                try:
                    number = float(str(value).replace(",", "."))
                except ValueError:
                    number = math.nan
                if value is None or number not in allowed:
                    issues.append(BankIssue(path.name, "rating.import.bad_level", {
                        **where, "column": chr(ord("D") + c), "criterion": name,
                        "value": "" if value is None else value,
                        "allowed": ", ".join(f"{p:g}" for p in allowed)}, item=code))
                else:
                    scores.append(number)
            if len(scores) == len(answer.rubric):
                totals[code] = sum(scores)
                details[code] = scores
    if issues:
        raise RatingError(issues)
    if rater == "1":
        _write_gradebook(course, key, totals)
    folder = course.root / FOLDER
    (folder / f"nilai-penilai-{rater}.json").write_text(json.dumps(
        {"rater": rater, "source": path.name, "totals": totals, "criteria": details},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return totals


def _write_gradebook(course: Course, key: dict[str, Any], totals: dict[str, float]) -> None:
    """Rater 1's blind scores become nbgrader's manual scores (what formgrader shows)."""
    from nbgrader.api import Gradebook

    from kimtrain.course.backup import backup_gradebook

    backup_gradebook(course, reason="rating")
    with Gradebook(course.db_url, course.course_id) as gb:
        for code, total in totals.items():
            info = key["codes"][code]
            grade = gb.find_grade(answer_id(info["item"]), info["assessment"],
                                  info["assessment"], info["participant"])
            grade.manual_score = total
            grade.needs_manual_grade = False
        gb.db.commit()


# -- agreement -----------------------------------------------------------------------

@dataclass(frozen=True)
class Agreement:
    rubric: str  # sheet name in the export, e.g. "Rubrik 1"
    items: tuple[str, ...]
    n: int
    kappa: float | None
    exact: float | None
    meaning: str


def agreement(course: Course, *, rater: str = "2", lang: str | None = None
              ) -> list[Agreement]:
    """Quadratic-weighted kappa per rubric between the gradebook (rater 1) and the
    imported second rating; [] when there is no second rating yet."""
    path = course.root / FOLDER / f"nilai-penilai-{rater}.json"
    if not path.is_file():
        return []
    key = _key(course, rater)
    second = json.loads(path.read_text(encoding="utf-8"))["totals"]
    codes = key["codes"]
    first = _first_scores(course, {codes[c]["assessment"] for c in second if c in codes})
    answers = {(a.assessment, a.participant, a.item): a for a in written_answers(course)}
    out = []
    for sheet_name, signature in key["sheets"].items():
        pairs: list[tuple[float, float]] = []
        items: set[str] = set()
        levels: list[float] = []
        for code, info in codes.items():
            if info["rubric"] != signature:
                continue
            items.add(info["item"])
            where = (info["assessment"], info["participant"], info["item"])
            answer = answers.get(where)
            if answer is not None and not levels:
                levels = _totals(answer)
            if code in second and where in first:
                pairs.append((first[where], float(second[code])))
        a = [p for p, _ in pairs]
        b = [q for _, q in pairs]
        kappa = quadratic_weighted_kappa(a, b, levels or None) if pairs else None
        exact = sum(x == y for x, y in pairs) / len(pairs) if pairs else None
        out.append(Agreement(sheet_name, tuple(sorted(items)), len(pairs), kappa, exact,
                             kappa_meaning(kappa, len(pairs), lang)))
    return out


def _totals(answer: WrittenAnswer) -> list[float]:
    """Every total the rubric can give (the kappa categories)."""
    totals = {0.0}
    for _, levels in answer.rubric:
        totals = {s + p for s in totals for p, _ in levels}
    return sorted(totals)


def agreement_table(course: Course, lang: str | None = None) -> list[Any]:
    """The report's table of rater agreement ([] without a second rating)."""
    from kimtrain.reports.tables import Column, Table

    found = agreement(course, lang=lang)
    if not found:
        return []
    rows = [{"rubric": a.rubric, "items": ", ".join(a.items), "n": a.n, "kappa": a.kappa,
             "exact": a.exact, "meaning": a.meaning} for a in found]
    columns = [Column(c, t(f"rating.col.{c}", lang=lang), kind) for c, kind in (
        ("rubric", "text"), ("items", "text"), ("n", "int"), ("kappa", "num2"),
        ("exact", "share"), ("meaning", "text"))]
    return [Table.build("penilai", t("rating.table", lang=lang), columns, rows,
                        note=t("rating.note", lang=lang))]
