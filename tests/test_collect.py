"""Offline hand-ins: the "Kirim" zip and ``kimtrain collect NAME --from DIR``."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from kimtrain.answers import FileAnswerStore
from kimtrain.course.collect import collect_zips, read_submission
from kimtrain.course.handin import load_refusals
from kimtrain.course.roster import Participant, save_roster
from kimtrain.widgets import Assessment
from kimtrain.widgets.offline import MARKER, write_submission

from .cohort import NAME, answer_sheet, built_course, tree_digest


@pytest.fixture
def setup(tmp_path):
    """A built course (no nbgrader needed to collect) with two rostered participants, and
    a laptop folder holding the assessment."""
    course, items = built_course(tmp_path / "kursus", generate=False)
    save_roster(course, [Participant("KIM-001", "Siti"), Participant("KIM-002", "Budi")])
    laptop = tmp_path / "laptop" / NAME
    shutil.copytree(course.folder("source", NAME), laptop)
    return course, items, laptop, tmp_path / "zips"


def hand_in(laptop, participant, answers, zips, *, name=None):
    answer_sheet(laptop, participant, answers)
    sheet = FileAnswerStore(laptop).load(NAME, participant)
    path = write_submission(laptop, sheet, course="uji", items=19)
    zips.mkdir(exist_ok=True)
    target = zips / (name or path.name)
    shutil.copy(path, target)
    return target


def test_zip_has_fixed_name_manifest_and_checksums(setup):
    _, _, laptop, zips = setup
    path = hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, zips)
    assert path.name == "KIM-001_pretest.zip"
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert sorted(zf.namelist()) == ["jawaban__pretest__KIM-001.json", "manifest.json",
                                         "pretest.ipynb"]
    assert manifest["participant"] == "KIM-001" and manifest["assessment"] == NAME
    assert set(manifest["files"]) == {"jawaban__pretest__KIM-001.json", "pretest.ipynb"}
    assert read_submission(path).sheet.value("AMAN-APK-01") == "B"


@pytest.mark.parametrize("env,marker,active", [
    ({}, False, False),
    ({}, True, True),
    ({"KIMTRAIN_KIRIM": "zip"}, False, True),
    ({"KIMTRAIN_KIRIM": "off"}, True, False),
    ({"KIMTRAIN_SERVER": "1"}, True, False),
])
def test_when_the_zip_hook_is_active(setup, monkeypatch, env, marker, active):
    _, _, laptop, _ = setup
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if marker:
        (laptop / MARKER).write_text('{"mode": "zip", "course": "uji"}', encoding="utf-8")
    session = Assessment(NAME, laptop)
    assert len(session.on_submit) == (1 if active else 0)


def test_kirim_writes_the_zip_and_tells_the_participant(setup):
    _, _, laptop, _ = setup
    (laptop / MARKER).write_text('{"mode": "zip", "course": "uji"}', encoding="utf-8")
    session = Assessment(NAME, laptop)
    session.identify("kim-002")
    session.answer("AMAN-APK-01", "A")
    session.kirim()
    widget = session.submit_widget
    session._on_submit_tap(widget)  # asks once more: items are empty
    session._on_submit_tap(widget)
    assert "KIM-002_pretest.zip" in widget.result["summary"]
    assert read_submission(laptop / "KIM-002_pretest.zip").sheet.submitted_at


def test_good_zips_are_imported_and_rerun_changes_nothing(setup):
    course, _, laptop, zips = setup
    hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, zips)
    hand_in(laptop, "KIM-002", {"AMAN-APK-01": "A"}, zips)
    report = collect_zips(course, NAME, zips)
    assert report.imported == [("KIM-001_pretest.zip", "KIM-001"),
                               ("KIM-002_pretest.zip", "KIM-002")]
    folder = course.folder("submitted", "KIM-001", NAME)
    assert {"pretest.ipynb", "jawaban__pretest__KIM-001.json", "timestamp.txt"} <= {
        p.name for p in folder.iterdir()}
    before = tree_digest(course.folder("submitted"))
    again = collect_zips(course, NAME, zips)
    assert again.imported == []
    assert [p.kind for p in again.problems] == ["already_collected"] * 2
    assert tree_digest(course.folder("submitted")) == before


def _damage_member(path):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["jawaban__pretest__KIM-001.json"] = members[
        "jawaban__pretest__KIM-001.json"].replace(b'"B"', b'"C"')
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


# A refused zip names its participant (from its manifest, else its file name), and the
# refusal is kept in .kimtrain/penolakan/ for `kimtrain grade` (issue 9, item 9).
BAD = {
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:200]), "corrupt", "KIM-001",
                  "tidak bisa dibuka"),
    "not-a-zip-inside": (lambda p: p.write_bytes(b"PK\x03\x04 rusak"), "corrupt", "KIM-001",
                         "tidak bisa dibuka"),
    "checksum-mismatch": (_damage_member, "corrupt", "KIM-001",
                          "jawaban__pretest__KIM-001.json tidak cocok dengan checksum"),
    "unknown-participant": ("KIM-777", "unknown_participant", "KIM-777", ""),
    "not-zip": (lambda p: p.rename(p.with_suffix(".rar")), "not_zip", None, ""),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_hand_ins_are_reported_and_change_nothing(setup, case):
    course, _, laptop, zips = setup
    damage, kind, participant, why = BAD[case]
    good = hand_in(laptop, "KIM-002", {"AMAN-APK-01": "B"}, zips)
    collect_zips(course, NAME, zips)
    good.unlink()
    before = tree_digest(course.root)
    if isinstance(damage, str):
        hand_in(laptop, damage, {"AMAN-APK-01": "B"}, zips)
    else:
        damage(hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, zips))
    report = collect_zips(course, NAME, zips)
    assert report.imported == []
    assert [p.kind for p in report.problems] == [kind]
    assert report.problems[0].participant == participant
    assert why in report.problems[0].detail  # the reason, in the trainer's language
    refusals = load_refusals(course.root, NAME)
    assert list(refusals) == (["KIM-001"] if kind == "corrupt" else [])
    after = {k: v for k, v in tree_digest(course.root).items()
             if not k.startswith(".kimtrain/penolakan/")}
    assert after == before


def test_wrong_assessment_is_reported(setup):
    course, _, laptop, zips = setup
    hand_in(laptop, "KIM-001", {}, zips)
    before = tree_digest(course.root)
    (course.root / "source" / "posttest").mkdir()
    report = collect_zips(course, "posttest", zips)
    assert [(p.kind, p.detail) for p in report.problems] == [("wrong_assessment", NAME)]
    (course.root / "source" / "posttest").rmdir()
    assert tree_digest(course.root) == before


def test_duplicates_keep_the_newest_and_older_never_replaces_newer(setup):
    course, _, laptop, zips = setup
    older = hand_in(laptop, "KIM-001", {"AMAN-APK-01": "A"}, zips, name="old.zip")
    # the participant's answers were re-opened on another laptop and sent again, later
    sheet_path = laptop / "jawaban__pretest__KIM-001.json"
    sheet_path.unlink()
    newer = hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, zips,
                    name="KIM-001_pretest (1).zip")
    report = collect_zips(course, NAME, zips)
    assert report.imported == [(newer.name, "KIM-001")]
    assert [(p.file, p.kind, p.detail) for p in report.problems] == [
        ("old.zip", "duplicate", newer.name)]
    imported = FileAnswerStore(course.folder("submitted", "KIM-001", NAME)).load(NAME, "KIM-001")
    assert imported.value("AMAN-APK-01") == "B"
    # later, only the older zip turns up again (forwarded on WhatsApp): it is refused
    newer.unlink()
    before = tree_digest(course.root)
    report = collect_zips(course, NAME, zips)
    assert [(p.file, p.kind) for p in report.problems] == [("old.zip", "older")]
    assert tree_digest(course.root) == before
    assert older.exists()
