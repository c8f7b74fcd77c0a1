"""The whole lifecycle on a real PostgreSQL server (issue 13): roster, release, hand-in,
grade, feedback, report, certificates, backup and restore, two courses in one server,
two graders at once — plus kimtrain's tables (responses, roster) read by the report
without any notebook, and the same on the SQLite default where it differs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kimtrain.assessment.blueprint import load_blueprint
from kimtrain.cli import main
from kimtrain.course import open_course
from kimtrain.course.gradebook import cell_scores

from .cohort import NAME, answer_sheet, right, wrong
from .conftest import TEST_BLUEPRINT
from .pgserver import pg_cluster  # noqa: F401 (the session fixture)

pytestmark = pytest.mark.slow

KIMS = ("KIM Habaring Hurung", "KIM Sahabat")
# six participants of one KIM and desa (a group of five or more is reported), one other
ROSTER_HEAD = "ID Peserta;Nama;KIM;Desa/Kelurahan;Kecamatan\n"
PEOPLE = [(f"KIM-00{n}", f"Peserta {n}", KIMS[0], "Ketapang", "Mentawa Baru Ketapang")
          for n in range(1, 7)] + [("KIM-007", "Peserta 7", KIMS[1], "Baamang Hulu", "Baamang")]
# how many items each participant gets right (of the form's items)
RIGHT = {"KIM-001": 99, "KIM-002": 99, "KIM-003": 5, "KIM-004": 3, "KIM-005": 0,
         "KIM-006": 99, "KIM-007": 2}


def _make_course(root: Path, url: str | None, course_id: str, tmp: Path) -> object:
    args = ["init", str(root), "--course-id", course_id]
    if url:
        args += ["--db-url", url]
    assert main(args) == 0
    roster = tmp / f"peserta-{course_id}.csv"
    roster.write_text(ROSTER_HEAD + "".join(";".join(p) + "\n" for p in PEOPLE),
                      encoding="utf-8")
    assert main(["roster", "import", str(roster), "--course", str(root)]) == 0
    text = TEST_BLUEPRINT.read_text(encoding="utf-8")
    (root / "blueprints" / f"{NAME}.yaml").write_text(
        text.replace("../../assessments/bank/starter.yaml", "../bank/starter.yaml"),
        encoding="utf-8")
    assert main(["build", NAME, "--course", str(root)]) == 0
    assert main(["release", NAME, "--course", str(root)]) == 0
    course = open_course(root)
    from kimtrain.course.nbgrader_api import Nbgrader

    nbgrader = Nbgrader(course)
    items = list(load_blueprint(TEST_BLUEPRINT).items)
    for pid, _, *_ in PEOPLE:
        home = tmp / f"home-{course_id}" / pid
        folder = nbgrader.fetch(NAME, pid, home)
        answers = {item.id: (right(item) if n < RIGHT[pid] else wrong(item))
                   for n, item in enumerate(items) if item.type != "written"}
        answer_sheet(folder, pid, answers)
        nbgrader.submit(NAME, pid, home)
    assert main(["collect", NAME, "--course", str(root)]) == 0
    return course


@pytest.fixture(scope="module")
def pg_course(pg_cluster, tmp_path_factory):  # noqa: F811
    tmp = tmp_path_factory.mktemp("pg")
    url = pg_cluster.create_database("kim_sampit")
    course = _make_course(tmp / "sampit", url, "sampit", tmp)
    assert main(["grade", NAME, "--course", str(course.root), "--quiet", "--jobs", "2"]) == 0
    return course, tmp


def test_the_course_lives_in_postgresql(pg_course, pg_cluster):  # noqa: F811
    course, _ = pg_course
    assert course.db_url.startswith("postgresql+psycopg:///kim_sampit?host=")
    assert "password" not in (course.root / "nbgrader_config.py").read_text()
    assert not (course.root / "gradebook.db").exists()
    counts = pg_cluster.psql("SELECT count(*) FROM grade; SELECT count(*) FROM "
                             "kimtrain_participant; SELECT count(DISTINCT participant) "
                             "FROM kimtrain_response", "kim_sampit").split()
    assert int(counts[0]) > 0 and counts[1:] == ["7", "7"]
    scores = {(c.participant, c.item): c.score for c in cell_scores(course, NAME)}
    items = [i for i in load_blueprint(TEST_BLUEPRINT).items if i.type != "written"]
    assert scores[("KIM-001", items[0].id)] == items[0].points
    assert scores[("KIM-005", items[0].id)] == 0.0
    # kimtrain's schema by Alembic, in its own version table beside nbgrader's
    assert pg_cluster.psql("SELECT version_num FROM kimtrain_alembic_version",
                           "kim_sampit").strip() == "0001"
    assert pg_cluster.psql("SELECT count(*) FROM alembic_version", "kim_sampit").strip() == "1"
    # the report's connection cannot write
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from kimtrain.course.database import engine

    readonly = engine(course.db_url, readonly=True)
    try:
        with readonly.connect() as conn, pytest.raises(DBAPIError, match="read-only"):
            conn.execute(text("DELETE FROM kimtrain_response"))
    finally:
        readonly.dispose()
    # the chosen option is stored, not only the score
    chosen = pg_cluster.psql(f"SELECT response FROM kimtrain_response WHERE participant = "
                             f"'KIM-005' AND item = '{items[0].id}'", "kim_sampit").strip()
    assert chosen and chosen != "null"



def test_responses_and_totals_go_in_pieces(pg_course, pg_cluster, monkeypatch):  # noqa: F811
    """kimtrain grade keeps memory flat by writing responses a chunk of participants at a
    time and by reading the summary's grades through a server-side cursor in batches:
    with chunks of 2 participants and batches of 3 rows (7 participants, so every
    boundary falls inside a participant) the stored rows and the totals stay the same."""
    from kimtrain.course import gradebook, tables

    course, _ = pg_course
    query = ("SELECT participant, item, position, response, points, max_points, status "
             "FROM kimtrain_response ORDER BY participant, item")
    before = pg_cluster.psql(query, "kim_sampit")
    totals = gradebook.participant_scores(course, NAME)
    monkeypatch.setattr(tables, "CHUNK", 2)
    monkeypatch.setattr(gradebook, "_BATCH", 3)
    assert main(["db", "sync", NAME, "--course", str(course.root)]) == 0
    assert pg_cluster.psql(query, "kim_sampit") == before
    assert len(before.splitlines()) > 7 * 3
    assert gradebook.participant_scores(course, NAME) == totals
    # the same totals as summing cell_scores (every cell read at once)
    by_hand: dict[str, float] = {}
    for cell in gradebook.cell_scores(course, NAME):
        by_hand[cell.participant] = by_hand.get(cell.participant, 0.0) + (cell.score or 0.0)
    assert {t.participant: t.score for t in totals} == by_hand
    assert len(totals) == 7

def test_feedback_report_certificates_on_postgresql(pg_course, capsys):
    course, tmp = pg_course
    root = str(course.root)
    assert main(["feedback", NAME, "--course", root]) == 0
    assert course.folder("feedback", "KIM-001", NAME, f"{NAME}.html").is_file()
    # the report reads the database only: the graded notebooks are moved away
    hidden = tmp / "autograded-hidden"
    shutil.move(course.root / "autograded", hidden)
    try:
        from kimtrain.reports.data import load_form

        form = load_form(course, NAME)
        assert len(form.participants) == 7 and len(form.results) > 0
        assert main(["report", "--pre", NAME, "--course", root, "--out",
                     str(tmp / "laporan")]) == 0
    finally:
        shutil.move(hidden, course.root / "autograded")
    assert (tmp / "laporan" / "ringkasan.html").is_file()
    assert main(["certificates", "--form", NAME, "--course", root, "--cut", "50",
                 "--out", str(tmp / "sertifikat")]) == 0
    assert list((tmp / "sertifikat").glob("*.pdf"))


def test_backup_and_restore_with_pg_dump(pg_course, pg_cluster, capsys):  # noqa: F811
    course, _ = pg_course
    root = str(course.root)
    before = pg_cluster.psql("SELECT count(*) FROM grade WHERE auto_score > 0", "kim_sampit")
    capsys.readouterr()
    assert main(["db", "backup", "--course", root]) == 0
    dump = Path(capsys.readouterr().out.split(": ", 1)[1].strip())
    assert dump.suffix == ".dump" and dump.read_bytes().startswith(b"PGDMP")
    pg_cluster.psql("UPDATE grade SET auto_score = 0; DELETE FROM kimtrain_response",
                    "kim_sampit")
    assert main(["db", "restore", str(dump), "--course", root]) == 0
    after = pg_cluster.psql("SELECT count(*) FROM grade WHERE auto_score > 0", "kim_sampit")
    assert after == before and int(after) > 0
    assert int(pg_cluster.psql("SELECT count(*) FROM kimtrain_response", "kim_sampit")) > 0
    # a SQLite copy is not a backup of this database: refused, nothing changes
    wrong_kind = course.root / "backups" / "bukan.db"
    wrong_kind.write_bytes(b"SQLite format 3\0" + bytes(100))
    assert main(["db", "restore", str(wrong_kind), "--course", root]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert pg_cluster.psql("SELECT count(*) FROM grade WHERE auto_score > 0",
                           "kim_sampit") == before


@pytest.fixture(scope="module")
def baamang(pg_cluster, tmp_path_factory):  # noqa: F811
    """A second course in the same PostgreSQL server, graded."""
    tmp = tmp_path_factory.mktemp("pg2")
    url = pg_cluster.create_database("kim_baamang")
    other = _make_course(tmp / "baamang", url, "baamang", tmp)
    assert main(["grade", NAME, "--course", str(other.root), "--quiet"]) == 0
    return other


@pytest.fixture(scope="module")
def laptop(tmp_path_factory):
    """A village laptop's course: the SQLite default, graded."""
    tmp = tmp_path_factory.mktemp("laptop")
    course = _make_course(tmp / "laptop", None, "laptop", tmp)
    assert main(["grade", NAME, "--course", str(course.root), "--quiet"]) == 0
    return course


def test_two_courses_in_one_server(pg_course, baamang, pg_cluster):  # noqa: F811
    """Every course has a pretest: each has its own database in the same cluster."""
    course, _ = pg_course
    other = baamang
    for db in ("kim_sampit", "kim_baamang"):
        assert pg_cluster.psql("SELECT name FROM assignment", db).split() == [NAME]
    assert len({c.participant for c in cell_scores(other, NAME)}) == 7
    assert len({c.participant for c in cell_scores(course, NAME)}) == 7


def test_two_graders_at_once_the_second_is_refused(pg_course, capsys):
    """A grader holding the course's advisory lock (another connection, as another
    process or machine would) makes a second `kimtrain grade` stop at once, clearly."""
    from kimtrain.course.lock import grading_lock

    course, _ = pg_course
    before = {(c.participant, c.item): c.score for c in cell_scores(course, NAME)}
    with grading_lock(course):
        capsys.readouterr()
        assert main(["grade", NAME, "--course", str(course.root), "--force"]) == 1
        err = capsys.readouterr().err
        assert "sedang berjalan" in err and "Traceback" not in err
    assert {(c.participant, c.item): c.score for c in cell_scores(course, NAME)} == before
    # a real second process, while this one holds the lock
    code = ("import sys; from kimtrain.cli import main; "
            "sys.exit(main(['grade', 'pretest', '--course', sys.argv[1], '--force']))")
    with grading_lock(course):
        proc = subprocess.run([sys.executable, "-c", code, str(course.root)],
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "sedang berjalan" in proc.stderr
    # released: grading runs again
    assert main(["grade", NAME, "--course", str(course.root), "--quiet"]) == 0


def test_sqlite_graders_lock_and_tables(laptop, capsys):
    """The laptop default: a file lock, kimtrain's tables in gradebook.db, backup and
    restore of the SQLite file."""
    from kimtrain.course.lock import grading_lock
    from kimtrain.course.tables import read_responses, read_roster

    course = laptop
    root = str(course.root)
    assert {r["id"] for r in read_roster(course)} == {p[0] for p in PEOPLE}
    assert {r[0] for r in read_responses(course, NAME)} == {p[0] for p in PEOPLE}
    # a roster corrected after grading reaches the stored groups at once
    fixed = course.root.parent / "peserta-baru.csv"
    fixed.write_text(ROSTER_HEAD + "KIM-007;Peserta 7;KIM Sahabat Baru;Baamang Hulu;Baamang\n",
                     encoding="utf-8")
    assert main(["roster", "import", str(fixed), "--course", root]) == 0
    assert {r["id"]: r["kim"] for r in read_roster(course)}["KIM-007"] == "KIM Sahabat Baru"
    with grading_lock(course):
        capsys.readouterr()
        assert main(["grade", NAME, "--course", root]) == 1
        assert "sedang berjalan" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["db", "backup", "--course", root]) == 0
    copy = Path(capsys.readouterr().out.split(": ", 1)[1].strip())
    import sqlite3

    with sqlite3.connect(course.root / "gradebook.db") as conn:
        conn.execute("DELETE FROM kimtrain_response")
    assert main(["db", "restore", str(copy), "--course", root]) == 0
    assert len(read_responses(course, NAME)) > 0


def test_a_missing_driver_is_a_sentence_not_a_traceback(tmp_path):
    code = ("import sys; sys.modules['psycopg'] = None; from kimtrain.cli import main; "
            "sys.exit(main(['init', sys.argv[1], '--db-url', "
            "'postgresql:///kim?host=/var/run/postgresql']))")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "k")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert 'pip install "kimtrain[postgres]"' in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "k").exists()


def _grades(pg_cluster, db: str) -> str:  # noqa: F811
    return pg_cluster.psql("SELECT b.name, s.student_id, g.auto_score FROM grade g "
                           "JOIN base_cell b ON b.id = g.cell_id JOIN submitted_notebook n "
                           "ON n.id = g.notebook_id JOIN submitted_assignment s "
                           "ON s.id = n.assignment_id ORDER BY 1, 2", db)


def test_village_archive_to_central_server(laptop, pg_cluster, tmp_path, capsys):  # noqa: F811
    """The laptop's hand-ins and grades travel in a verified archive; the central
    PostgreSQL course imports them, grades to the same scores, and a second import
    changes nothing; a tampered archive is refused whole."""
    from kimtrain.course.tables import read_responses

    from .cohort import tree_digest

    archive = tmp_path / "laptop-kiriman.zip"
    assert main(["db", "export", "--course", str(laptop.root), "--out", str(archive)]) == 0
    central_root = tmp_path / "pusat"
    url = pg_cluster.create_database("kim_pusat_laptop")
    assert main(["init", str(central_root), "--course-id", "laptop", "--db-url", url]) == 0
    capsys.readouterr()
    assert main(["db", "import", str(archive), "--course", str(central_root)]) == 0
    out = capsys.readouterr().out
    assert "7 peserta" in out and "0 sudah ada" in out
    central = open_course(central_root)
    laptop_scores = {(c.participant, c.item): c.score for c in cell_scores(laptop, NAME)}
    assert {(c.participant, c.item): c.score for c in cell_scores(central, NAME)} \
        == laptop_scores
    assert sorted(repr(r) for r in read_responses(central, NAME)) \
        == sorted(repr(r) for r in read_responses(laptop, NAME))
    grades = _grades(pg_cluster, "kim_pusat_laptop")
    digest = tree_digest(central_root / "submitted")
    # twice: nothing new, nothing changed
    assert main(["db", "import", str(archive), "--course", str(central_root)]) == 0
    assert " 0 file baru" in capsys.readouterr().out.replace(":", " ")
    assert _grades(pg_cluster, "kim_pusat_laptop") == grades
    assert tree_digest(central_root / "submitted") == digest
    # tampered: one hand-in's answer sheet changed after export, manifest kept
    import zipfile

    tampered = tmp_path / "diubah.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("submitted/KIM-005/") and \
                    info.filename.endswith(".json"):
                data = data.replace(b'"A"', b'"B"').replace(b'"C"', b'"B"') + b" "
            dst.writestr(info, data)
    capsys.readouterr()
    assert main(["db", "import", str(tampered), "--course", str(central_root)]) == 1
    err = capsys.readouterr().err
    assert "ditolak" in err and "checksum" in err and "KIM-005" in err
    assert _grades(pg_cluster, "kim_pusat_laptop") == grades
    assert tree_digest(central_root / "submitted") == digest
    # another course's archive is refused too
    other = tmp_path / "lain"
    assert main(["init", str(other), "--course-id", "lain"]) == 0
    assert main(["db", "import", str(archive), "--course", str(other)]) == 1


def test_province_rollup_over_three_courses(pg_course, baamang, laptop, tmp_path):
    """Three courses, three databases (two PostgreSQL, one SQLite): one report by
    kabupaten, kecamatan and KIM, small groups left out, no participant listed."""
    course, _ = pg_course
    for c, name in ((course, "Kotawaringin Timur"), (baamang, "Kotawaringin Timur"),
                    (laptop, "Seruyan (contoh)")):
        assert main(["db", "kabupaten", name, "--course", str(c.root)]) == 0
    out = tmp_path / "provinsi"
    assert main(["report", "--pre", NAME, "--out", str(out), "--course", str(course.root),
                 "--course", str(baamang.root), "--course", str(laptop.root)]) == 0
    from kimtrain.reports.province import province_report

    result = province_report([course, baamang, laptop], {"pre": NAME})
    assert result.participants == 21
    kab = {g.group: g for g in result.levels["kabupaten"]}
    assert kab["Kotawaringin Timur"].n_pre == 14 and kab["Seruyan (contoh)"].n_pre == 7
    kims = {g.group: g.n_pre for g in result.levels["kim"]}
    assert kims == {"Kotawaringin Timur / KIM Habaring Hurung": 12,
                    "Seruyan (contoh) / KIM Habaring Hurung": 6}
    assert result.suppressed["kim"] == 2  # KIM Sahabat: 2 and 1 participants
    # the mean is the participants' mean percent, from the gradebooks
    from kimtrain.course.gradebook import participant_scores

    pcts = [p.percent for c in (course, baamang) for p in participant_scores(c, NAME)]
    assert kab["Kotawaringin Timur"].pre_mean == pytest.approx(sum(pcts) / len(pcts))
    text = (out / "provinsi.html").read_text(encoding="utf-8")
    assert "Seruyan (contoh) / KIM Habaring Hurung" in text
    assert "KIM Sahabat" not in text and "KIM-00" not in text
    assert "kurang dari 5 peserta" in text
    for csv in out.glob("*.csv"):
        assert "KIM-00" not in csv.read_text(encoding="utf-8-sig")


def test_a_form_read_by_a_second_process_on_postgresql(pg_course):
    """A big report reads its first form in a forked child (reports/background.py) while
    this process reads the other: on PostgreSQL each opens its own connection, and the
    child's form is the one this process reads."""
    import numpy as np

    from kimtrain.reports.background import Background, can_fork
    from kimtrain.reports.report import _form

    if not can_fork():
        pytest.skip("one core or no fork: a report reads its forms one after the other")
    course, _ = pg_course
    job = Background(_form, course, NAME)
    assert job.forked
    here = _form(course, NAME)  # at the same time, in this process
    there = job.result()
    assert not job.redone
    assert there.data.participants == here.data.participants and len(here.data.participants) == 7
    np.testing.assert_array_equal(there.data.scores, here.data.scores)
    assert there.data.results.equals(here.data.results)


_UPGRADE = """
import sys
from kimtrain.course import open_course
from kimtrain.course.tables import upgrade
print(upgrade(open_course(sys.argv[1])), "nbgrader" in sys.modules)
"""


def test_kimtrain_tables_import_nbgrader_only_to_make_its_tables(tmp_path):
    """Creating kimtrain's tables needs nbgrader's schema first; where it is there
    already (any course nbgrader has touched), nbgrader is not imported: its import
    (nbformat's jsonschema) cost the first `kimtrain grade` of a course over a second."""
    import sqlite3

    root = tmp_path / "kursus"
    assert main(["init", str(root)]) == 0
    db = root / "gradebook.db"
    db.unlink(missing_ok=True)  # nothing at all: nbgrader makes its schema

    def upgrade() -> list[str]:
        done = subprocess.run([sys.executable, "-c", _UPGRADE, str(root)], text=True,
                              capture_output=True, check=True)
        return done.stdout.split()

    assert upgrade() == ["0001", "True"]
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"grade", "assignment", "kimtrain_response"} <= names
        for table in ("kimtrain_response", "kimtrain_form", "kimtrain_participant",
                      "kimtrain_setting", "kimtrain_alembic_version"):
            conn.execute(f"DROP TABLE {table}")
    assert upgrade() == ["0001", "False"]  # nbgrader's tables are there: not imported
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM kimtrain_response").fetchone() == (0,)
