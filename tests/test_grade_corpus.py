"""The corpus parity test (issue 14): every bad-submission class we know, graded both by
plain nbgrader autograde (the course's own configuration, kernels, one participant per
call as ``nbgrader autograde pretest --student=ID`` would) and by ``kimtrain grade``,
then compared row by row in the gradebook and file by file in ``autograded/``.

Classes and what "parity" means for each (:data:`CORPUS`):

* ``same`` — identical gradebook rows (grades, comments, needs_manual_grade,
  auto_score, late penalty, submission timestamp), identical formgrader summaries
  (``submission_dicts``), identical autograded notebooks after normalising volatile
  fields, identical other files in ``autograded/``.
* ``repaired`` — plain nbgrader 0.9.6 *fails* on this participant (or leaves a deleted
  question out) (known nbgrader bugs,
  asserted by their message); kimtrain repairs the notebook before nbgrader's checks.
  Parity is then with plain nbgrader on the intact twin (the same answers, notebook
  untouched): same rows and same notebook, participant id aside.

  - duplicated grade cell: ``DeduplicateIds`` wipes the first copy's nbgrader metadata
    (jupyter/nbgrader#1083), then ``OverwriteCells`` fails on it with
    ``KeyError: 'grade_id'`` (``SchemaTooOldError`` without ``add_missing_cells``).
    kimtrain keeps the first copy and drops the later ones.
  - deleted locked question cell (no failure): nbgrader grades it without the cell
    (``add_missing_cells`` restores grade and task cells only); kimtrain puts the
    question back from ``source/`` too. The gradebook rows are also the same as plain
    nbgrader's for that participant.
  - deleted grade cell: the course sets ``OverwriteCells.add_missing_cells = True``, and
    nbgrader 0.9.6's ``add_missing_cells`` raises ``KeyError`` when the grade cell
    follows a locked cell, which every kimtrain grade cell does. kimtrain's
    ``DropDuplicateCells`` puts the cell back from ``source/`` first.
* ``refused`` — kimtrain's screening refuses the submission (flag shown to the
  coordinator) where plain nbgrader fails on it but leaves a submission whose grades
  are NULL, which formgrader lists as 0 points: a corrupt answer sheet (the course's
  ``FillWrittenAnswers`` step raises ``StoreError``) and an invalid notebook
  (``NotJSONError``). kimtrain writes nothing for that participant: no rows, no files.

* ``absent`` — no notebook in the hand-in at all: nbgrader matches nothing ("No
  notebooks were matched") and writes nothing; kimtrain refuses it and writes nothing.

The ``same`` class also holds: a hand-in without ``timestamp.txt``; the participant's
own extra files and folders (copied), an ignored checkpoint folder (not copied) and an
edited course file (``source/``'s copy wins); an answer sheet saved under another name
(graded blank both ways); a late hand-in within an extension granted before grading (no
penalty; the submission existed already, so its rows are updated, not inserted); and a
regrade of a newer hand-in after a trainer gave a manual score and extra credit (kept,
marked for review, the late penalty taken on the new total). The ``refused`` class also
holds an empty notebook file, JSON that is no notebook and a notebook saved under
another name (nbgrader leaves a submission of NULL grades each time).

Volatile fields normalised in notebooks: ``metadata.kimtrain`` (kimtrain's own note of
how the notebook was graded) and each cell's ``metadata.execution`` (nbclient's
timestamps, written only when a kernel ran); every output, execution count, cell source,
other cell metadata, cell id and the notebook's ``language_info`` are compared as
written. In the ``repaired`` comparison the participant id is replaced (it is in the
result payloads) and the ids of the repaired cells are dropped (a restored cell gets a
new id; of two copies of one id nbformat renames one at random).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from kimtrain.course.grade import GRADED, NOT_GRADED, UNCHANGED, grade_cohort

from .cohort import (
    NAME,
    built_course,
    cell_index,
    notebook,
    right,
    save_notebook,
    submit_by_hand,
    wrong,
)

pytestmark = pytest.mark.slow

DUE = "2026-05-01 10:00:00.000000 UTC"
ON_TIME = "2026-05-01 09:00:00.000000 UTC"
LATE = "2026-05-01 11:30:00.000000 UTC"

SAME, REPAIRED, REFUSED, ABSENT = "same", "repaired", "refused", "absent"
# participant -> (class, twin for repaired cases, nbgrader's failure message)
CORPUS: dict[str, tuple[str, str, str]] = {
    "C-RIGHT": (SAME, "", ""),
    "C-WRONG": (SAME, "", ""),
    "C-PARTIAL": (SAME, "", ""),
    "C-BLANK": (SAME, "", ""),
    "C-WRITTEN": (SAME, "", ""),
    "C-NOSHEET": (SAME, "", ""),
    "C-LOCKED": (SAME, "", ""),
    "C-TAMPER": (SAME, "", ""),
    "C-MDCHANGE": (SAME, "", ""),
    "C-LATE": (SAME, "", ""),
    "C-CODE": (SAME, "", ""),
    "C-DELETED": (REPAIRED, "C-RIGHT", "in add_missing_grade_cells"),
    "C-DUP": (REPAIRED, "C-RIGHT", "exists multiple times"),
    "C-DELSOAL": (REPAIRED, "C-RIGHT", ""),
    "C-NOSTAMP": (SAME, "", ""),
    "C-EXTRA": (SAME, "", ""),
    "C-SHEETNAME": (SAME, "", ""),
    "C-EXTENDED": (SAME, "", ""),
    "C-REGRADE": (SAME, "", ""),
    "C-SHEETBAD": (REFUSED, "", "StoreError"),
    "C-INVALID": (REFUSED, "", "NotJSONError"),
    "C-EMPTYNB": (REFUSED, "", "does not appear to be JSON"),
    "C-NOTNB": (REFUSED, "", "missing a key"),
    "C-NBNAME": (REFUSED, "", "No notebooks found"),
    "C-MISSING": (ABSENT, "", "No notebooks were matched"),
}
# manual scores a trainer gave between the first grading and a regrade (both ways)
MANUAL = {"C-REGRADE": ("nilai_AMAN-OTP-01", 0.5, 0.25)}
PARTIAL = {"AMAN-NIK-01": ["A", "B"], "MEDIA-BANSOS-01": ["A", "B", "E"]}


def _code_cell(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source, "id": "tambahan"}


def _make_corpus(course, items) -> None:
    all_right = {i: right(item) for i, item in items.items()}

    def edit(pid, answers, change, stamp=ON_TIME):
        folder = submit_by_hand(course, pid, answers, stamp=stamp)
        if change is not None:
            nb = notebook(folder)
            change(nb, folder)
            save_notebook(folder, nb)
        return folder

    edit("C-RIGHT", all_right, None)
    edit("C-WRONG", {i: wrong(item) for i, item in items.items()}, None)
    edit("C-PARTIAL", {i: PARTIAL.get(i, right(item)) for i, item in items.items()}, None)
    edit("C-BLANK", {}, None)
    edit("C-WRITTEN", {i: right(item) for i, item in items.items() if item.type == "written"},
         None)
    (edit("C-NOSHEET", all_right, None) / f"jawaban__{NAME}__C-NOSHEET.json").unlink()

    def locked(nb, folder):
        nb["cells"][cell_index(nb, "soal_AMAN-APK-01")]["source"] = "print('hai')"
    edit("C-LOCKED", all_right, locked)

    def tamper(nb, folder):
        cell = nb["cells"][cell_index(nb, "nilai_AMAN-APK-01")]
        cell["source"] = ("from kimtrain.grading.cell import grade_item\ngrade_item({'assessment':"
                          " 'pretest', 'id': 'AMAN-APK-01', 'type': 'single', 'points': 100,"
                          " 'key': 'B'})")
        cell["metadata"]["nbgrader"]["points"] = 100
    edit("C-TAMPER", {i: PARTIAL.get(i, wrong(item)) for i, item in items.items()}, tamper)

    def markdown(nb, folder):
        nb["cells"][cell_index(nb, "soal_AMAN-OTP-01")]["cell_type"] = "markdown"
        nb["cells"][cell_index(nb, "soal_AMAN-OTP-01")].pop("outputs")
        nb["cells"][cell_index(nb, "soal_AMAN-OTP-01")].pop("execution_count")
    edit("C-MDCHANGE", all_right, markdown)
    edit("C-DELSOAL", all_right,
         lambda nb, f: nb["cells"].pop(cell_index(nb, "soal_AMAN-APK-01")))
    edit("C-LATE", all_right, None, stamp=LATE)

    def code(nb, folder):
        nb["cells"].insert(3, _code_cell("angka = 6 * 7\nprint('hasil', angka)"))
    edit("C-CODE", all_right, code)
    edit("C-DELETED", all_right,
         lambda nb, f: nb["cells"].pop(cell_index(nb, "nilai_AMAN-APK-01")))
    def duplicate(nb, folder):  # copy-pasted right below itself
        at = cell_index(nb, "nilai_AMAN-OTP-01")
        nb["cells"].insert(at + 1, json.loads(json.dumps(nb["cells"][at])))
    edit("C-DUP", all_right, duplicate)
    (edit("C-NOSTAMP", all_right, None) / "timestamp.txt").unlink()

    def extra(nb, folder):  # the participant's own files, and a course file edited
        (folder / "catatan.txt").write_text("catatan peserta (contoh)\n", encoding="utf-8")
        (folder / "data").mkdir()
        (folder / "data" / "tabel.csv").write_text("a,b\n1,2\n", encoding="utf-8")
        (folder / ".ipynb_checkpoints").mkdir()
        (folder / ".ipynb_checkpoints" / f"{NAME}-checkpoint.ipynb").write_text(
            "{}", encoding="utf-8")
        (folder / "kimtrain_soal.json").write_text("{}", encoding="utf-8")
    edit("C-EXTRA", all_right, extra)
    folder = edit("C-SHEETNAME", all_right, None)  # sheet saved under another name
    sheet = folder / f"jawaban__{NAME}__C-SHEETNAME.json"
    sheet.rename(folder / f"jawaban__{NAME}__C-SHEETNAME (1).json")
    edit("C-EXTENDED", all_right, None, stamp=LATE)  # late, but given an extension
    edit("C-REGRADE", {i: PARTIAL.get(i, right(item)) for i, item in items.items()}, None)
    folder = submit_by_hand(course, "C-EMPTYNB", all_right)
    (folder / f"{NAME}.ipynb").write_text("", encoding="utf-8")
    folder = submit_by_hand(course, "C-NOTNB", all_right)
    (folder / f"{NAME}.ipynb").write_text('{"jawaban": "A"}', encoding="utf-8")
    folder = submit_by_hand(course, "C-NBNAME", all_right)
    (folder / f"{NAME}.ipynb").rename(folder / f"{NAME} (1).ipynb")
    folder = submit_by_hand(course, "C-MISSING", all_right)
    (folder / f"{NAME}.ipynb").unlink()
    folder = submit_by_hand(course, "C-SHEETBAD", all_right)
    (folder / f"jawaban__{NAME}__C-SHEETBAD.json").write_text('{"jawaban": ', encoding="utf-8")
    folder = submit_by_hand(course, "C-INVALID", all_right)
    (folder / f"{NAME}.ipynb").write_text('{"cells": [', encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from nbgrader.api import Gradebook

    from kimtrain.course import open_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.errors import NbgraderError

    root = tmp_path_factory.mktemp("corpus")
    course, items = built_course(root / "kimtrain")
    with open(course.config_file, "a", encoding="utf-8") as fh:
        fh.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_assignment(NAME, duedate=DUE)
        gb.update_or_create_student("C-EXTENDED")
        gb.add_submission(NAME, "C-EXTENDED")  # the extension needs the submission
        gb.grant_extension(NAME, "C-EXTENDED", hours=2)
    _make_corpus(course, items)
    shutil.copytree(course.root, root / "nbgrader")  # same corpus, before any grading
    plain = open_course(root / "nbgrader")
    assert plain.db_url != course.db_url

    nbgrader = Nbgrader(plain)  # the course's own configuration, kernels
    failures: dict[str, str] = {}
    for pid in CORPUS:
        try:
            nbgrader.autograde(NAME, pid)
        except NbgraderError as exc:
            failures[pid] = exc.log
    summary = grade_cohort(course, NAME)
    # a trainer's manual scores, then a regrade of those participants, both ways
    for graded in (plain, course):
        with Gradebook(graded.db_url, graded.course_id) as gb:
            for pid, (cell, manual, extra) in MANUAL.items():
                grade = gb.find_grade(cell, NAME, NAME, pid)
                grade.manual_score, grade.extra_credit = manual, extra
                gb.db.commit()
    for pid in MANUAL:
        (plain.folder("submitted", pid, NAME) / "timestamp.txt").write_text(LATE)
        (course.folder("submitted", pid, NAME) / "timestamp.txt").write_text(LATE)
        nbgrader.autograde(NAME, pid, force=False)  # newer hand-in: graded again
    again = grade_cohort(course, NAME)  # not forced: only the newer hand-in is graded
    unchanged = {o.participant for o in again.outcomes if o.status == UNCHANGED}
    return {"kimtrain": course, "nbgrader": plain, "failures": failures,
            "unchanged": unchanged,
            "outcomes": {o.participant: o for o in summary.outcomes}}


# -- what is compared ----------------------------------------------------------------------

_GRADES = """
SELECT st.id, nb.name, bc.name, g.auto_score, g.manual_score, g.extra_credit,
       g.needs_manual_grade
FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN student st ON sa.student_id = st.id
JOIN notebook nb ON sn.notebook_id = nb.id JOIN base_cell bc ON g.cell_id = bc.id"""
_COMMENTS = """
SELECT st.id, nb.name, bc.name, c.auto_comment, c.manual_comment
FROM comment c JOIN submitted_notebook sn ON c.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN student st ON sa.student_id = st.id
JOIN notebook nb ON sn.notebook_id = nb.id JOIN base_cell bc ON c.cell_id = bc.id"""
_NOTEBOOKS = """
SELECT st.id, nb.name, sn.flagged, sn.late_submission_penalty, sa.timestamp, sa.extension
FROM submitted_notebook sn JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN student st ON sa.student_id = st.id JOIN notebook nb ON sn.notebook_id = nb.id"""


def _rows(course, query: str, pid: str) -> list[tuple]:
    db = course.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return sorted(tuple(r[1:]) for r in conn.execute(query) if r[0] == pid)


def _formgrader(course, pid: str) -> list[dict]:
    """What formgrader's submission lists show for ``pid`` (ids aside)."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        shown = [d for d in gb.submission_dicts(NAME) if d["student"] == pid]
        shown += [d for d in gb.notebook_submission_dicts(NAME, NAME) if d["student"] == pid]
    return [{k: v for k, v in d.items() if k not in ("id", "student")} for d in shown]


def _gradebook(course, pid: str) -> dict:
    return {"grades": _rows(course, _GRADES, pid), "comments": _rows(course, _COMMENTS, pid),
            "notebooks": _rows(course, _NOTEBOOKS, pid), "formgrader": _formgrader(course, pid)}


def _normalised(path: Path, pid: str = "", restored: set[str] = frozenset()) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"].pop("kimtrain", None)
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
        if (cell["metadata"].get("nbgrader") or {}).get("grade_id") in restored:
            cell.pop("id", None)
    text = json.dumps(nb, sort_keys=True, ensure_ascii=False)
    return json.loads(text.replace(pid, "<peserta>")) if pid else json.loads(text)


def _files(course, pid: str) -> dict[str, bytes]:
    folder = course.folder("autograded", pid, NAME)
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix != ".ipynb"}


def _without_self(rows: dict, pid: str) -> dict:
    return json.loads(json.dumps(rows, default=str).replace(pid, "<peserta>"))


# -- the test ------------------------------------------------------------------------------

def test_corpus_covers_every_class(corpus):
    assert set(corpus["outcomes"]) >= set(CORPUS)
    kinds = {pid: {f.kind for f in corpus["outcomes"][pid].flags} for pid in CORPUS}
    assert "deleted_cells" in kinds["C-DELETED"] and "duplicated_cells" in kinds["C-DUP"]
    assert "edited_locked_cells" in kinds["C-LOCKED"] and "tampered_tests" in kinds["C-TAMPER"]
    assert "sheet_unreadable" in kinds["C-SHEETBAD"]
    assert "invalid_notebook" in kinds["C-INVALID"]
    assert "missing_notebook" in kinds["C-MISSING"] and "missing_notebook" in kinds["C-NBNAME"]
    assert "empty_file" in kinds["C-EMPTYNB"] and "invalid_notebook" in kinds["C-NOTNB"]
    assert "no_answers" in kinds["C-SHEETNAME"]
    assert corpus["outcomes"]["C-CODE"].mode == "kernel"
    assert corpus["outcomes"]["C-CODE"].via == "nbgrader"  # code of its own: a kernel
    for pid, (kind, _, _) in CORPUS.items():  # every other notebook: graded in bulk
        if kind in (SAME, REPAIRED) and pid != "C-CODE":
            assert corpus["outcomes"][pid].via in ("template", "steps"), pid
            assert corpus["outcomes"][pid].mode == "kernelfree", pid
    # hand-ins that are the release byte for byte: from the template (no nbgrader);
    # any edited notebook: nbgrader's own steps, in memory
    for pid in ("C-RIGHT", "C-WRONG", "C-BLANK", "C-WRITTEN", "C-LATE", "C-NOSTAMP"):
        assert corpus["outcomes"][pid].via == "template", pid
    for pid in ("C-LOCKED", "C-TAMPER", "C-DUP", "C-DELETED", "C-MDCHANGE"):
        assert corpus["outcomes"][pid].via == "steps", pid
    # beyond parity: the protections themselves held (both ways agree, see below)
    grades = {r[1]: r for r in _rows(corpus["kimtrain"], _GRADES, "C-TAMPER")}
    assert grades["nilai_AMAN-APK-01"][2] in (0.0, 1.0)  # not 100, key from the gradebook
    written = [r for r in _rows(corpus["kimtrain"], _GRADES, "C-WRITTEN")
               if r[1].startswith("jawaban_")]
    assert written and all(r[5] for r in written)  # needs manual grading


@pytest.mark.parametrize("pid", [p for p, (kind, _, _) in CORPUS.items() if kind == SAME])
def test_same_as_nbgrader(corpus, pid):
    kim, plain = corpus["kimtrain"], corpus["nbgrader"]
    assert pid not in corpus["failures"], corpus["failures"].get(pid, "")[-2000:]
    assert corpus["outcomes"][pid].status == GRADED
    expected = _gradebook(plain, pid)
    assert expected["grades"], "nbgrader recorded no grades"
    assert _gradebook(kim, pid) == expected
    graded = f"{NAME}.ipynb"
    assert (_normalised(kim.folder("autograded", pid, NAME, graded))
            == _normalised(plain.folder("autograded", pid, NAME, graded)))
    assert _files(kim, pid) == _files(plain, pid)


@pytest.mark.parametrize("pid", [p for p, (kind, _, _) in CORPUS.items() if kind == REPAIRED])
def test_repaired_where_nbgrader_fails(corpus, pid):
    kim, plain = corpus["kimtrain"], corpus["nbgrader"]
    _, twin, error = CORPUS[pid]
    if error:
        assert error in corpus["failures"].get(pid, ""), "nbgrader 0.9.6 no longer fails here"
        assert not plain.folder("autograded", pid, NAME).exists()
    else:
        assert pid not in corpus["failures"]
    assert corpus["outcomes"][pid].status == GRADED
    assert (_without_self(_gradebook(kim, pid), pid)
            == _without_self(_gradebook(plain, twin), twin))
    if not error:  # nbgrader graded it: its rows for this participant are the same too
        assert _gradebook(kim, pid) == _gradebook(plain, pid)
    restored = {"nilai_AMAN-APK-01", "soal_AMAN-APK-01", "nilai_AMAN-OTP-01"}
    graded = f"{NAME}.ipynb"
    assert (_normalised(kim.folder("autograded", pid, NAME, graded), pid, restored)
            == _normalised(plain.folder("autograded", twin, NAME, graded), twin, restored))


@pytest.mark.parametrize("pid", [p for p, (kind, _, _) in CORPUS.items() if kind == REFUSED])
def test_refused_and_nothing_written(corpus, pid):
    kim = corpus["kimtrain"]
    outcome = corpus["outcomes"][pid]
    assert outcome.status == NOT_GRADED and any(f.fatal for f in outcome.flags)
    assert _gradebook(kim, pid) == {"grades": [], "comments": [], "notebooks": [],
                                   "formgrader": []}
    assert not kim.folder("autograded", pid, NAME).exists()
    # plain nbgrader: a submission row that formgrader lists as 0 points
    shown = _formgrader(corpus["nbgrader"], pid)
    assert shown and all(d["score"] == 0 for d in shown)
    assert all(r[3] is None for r in _rows(corpus["nbgrader"], _GRADES, pid))
    _, _, error = CORPUS[pid]
    if error:
        assert error in corpus["failures"].get(pid, "")
        assert not corpus["nbgrader"].folder("autograded", pid, NAME).exists()


def test_late_penalty_applied_both_ways(corpus):
    for course in (corpus["kimtrain"], corpus["nbgrader"]):
        (late,) = _rows(course, _NOTEBOOKS, "C-LATE")
        (on_time,) = _rows(course, _NOTEBOOKS, "C-RIGHT")
        (extended,) = _rows(course, _NOTEBOOKS, "C-EXTENDED")
        assert late[2] and late[2] > 0 and not on_time[2]
        assert extended[4] and not extended[2]  # late, within its extension: no penalty


@pytest.mark.parametrize("pid", [p for p, (kind, _, _) in CORPUS.items() if kind == ABSENT])
def test_absent_written_by_neither(corpus, pid):
    """No notebook at all: nbgrader matches nothing and writes nothing; nor does kimtrain."""
    assert corpus["outcomes"][pid].status == NOT_GRADED
    assert CORPUS[pid][2] in corpus["failures"].get(pid, "")
    empty = {"grades": [], "comments": [], "notebooks": [], "formgrader": []}
    for course in (corpus["kimtrain"], corpus["nbgrader"]):
        assert _gradebook(course, pid) == empty
        assert not course.folder("autograded", pid, NAME).exists()


def test_regrade_keeps_manual_scores_and_skips_the_unchanged(corpus):
    """A second ``kimtrain grade`` (not forced) grades only the newer hand-in, as
    nbgrader's own rule says, and keeps the trainer's manual score and extra credit."""
    graded = {p for p, (kind, _, _) in CORPUS.items() if kind in (SAME, REPAIRED)}
    assert corpus["unchanged"] == graded - set(MANUAL)
    for pid, (cell, manual, extra) in MANUAL.items():
        rows = {r[1]: r for r in _rows(corpus["kimtrain"], _GRADES, pid)}
        assert rows[cell][3:5] == (manual, extra) and rows[cell][5]  # needs manual review
        (notebook_row,) = _rows(corpus["kimtrain"], _NOTEBOOKS, pid)
        assert notebook_row[2] and notebook_row[2] > 0  # late now: penalty on the new total
