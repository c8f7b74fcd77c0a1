"""Hand-ins under faults (issue 9, items 2 and 9): written whole and fsynced, never over a
newer hand-in; re-packed zips accepted, extra members reported, every refusal with its
real cause, and a refused participant listed as refused by ``kimtrain grade``."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from datetime import UTC, datetime

import pytest

import kimtrain.handin as handin
from kimtrain.answers import FileAnswerStore
from kimtrain.course.collect import collect_zips
from kimtrain.course.roster import Participant, save_roster
from kimtrain.errors import StoreError
from kimtrain.handin import NewerHandIn, install, load_refusals
from kimtrain.i18n import t
from kimtrain.serve.submission import place_submission, submitted_folder, sweep
from kimtrain.widgets.offline import write_submission

from .cohort import NAME, answer_sheet, built_course, tree_digest

EARLY = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
LATE = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def setup(tmp_path):
    course, _items = built_course(tmp_path / "kursus", generate=False)
    save_roster(course, [Participant("KIM-001", "Siti"), Participant("KIM-002", "Budi")])
    laptop = tmp_path / "laptop" / NAME
    shutil.copytree(course.folder("source", NAME), laptop)
    return course, laptop, tmp_path / "zips"


# -- atomic, durable, never over a newer one ---------------------------------------------

@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names fsynced files via /proc")
def test_a_hand_in_is_staged_fsynced_and_swapped_in_whole(tmp_path, monkeypatch):
    target = tmp_path / "submitted" / "KIM-001" / NAME
    install(target, {"a.ipynb": b"lama", "b.json": b"{}"}, EARLY)
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    install(target, {"a.ipynb": b"baru", "b.json": b"{}"}, LATE)
    assert (target / "a.ipynb").read_bytes() == b"baru"
    assert (target / "timestamp.txt").read_text() == "2026-05-01 10:00:00.000000 UTC"
    names = [os.path.basename(p) for p in synced]
    assert {"a.ipynb", "b.json", "timestamp.txt"} <= set(names)  # every file
    assert str(target.parent) in synced  # the parent, after the swap
    assert any(n.startswith(f".{NAME}.") and n.endswith(".tmp") for n in names)  # staging
    assert sorted(p.name for p in target.parent.iterdir()) == [f".{NAME}.lock", NAME]


def test_a_failure_mid_copy_leaves_the_previous_hand_in_as_it_was(tmp_path, monkeypatch):
    target = tmp_path / "submitted" / "KIM-001" / NAME
    install(target, {"a.ipynb": b"lama"}, EARLY)
    before = tree_digest(target)
    calls = []

    def failing(path, data):  # the disk fills up on the second file
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        path.write_bytes(data[: len(data) // 2])

    monkeypatch.setattr(handin, "_write", failing)
    with pytest.raises(OSError):
        install(target, {"a.ipynb": b"baru", "b.json": b"{}"}, LATE)
    assert tree_digest(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == [f".{NAME}.lock", NAME]


def test_install_never_replaces_a_newer_or_unreadable_hand_in(tmp_path):
    target = tmp_path / "submitted" / "KIM-001" / NAME
    install(target, {"a.ipynb": b"baru"}, LATE)
    before = tree_digest(target)
    for moment in (EARLY, LATE):
        with pytest.raises(NewerHandIn):
            install(target, {"a.ipynb": b"lama"}, moment)
    (target / "timestamp.txt").write_text("bukan waktu", encoding="utf-8")
    with pytest.raises(NewerHandIn):
        install(target, {"a.ipynb": b"lama"}, datetime(2030, 1, 1, tzinfo=UTC))
    assert {k: v for k, v in tree_digest(target).items() if k != "timestamp.txt"} == {
        k: v for k, v in before.items() if k != "timestamp.txt"}


def test_a_served_kirim_never_replaces_a_newer_nbgrader_hand_in(setup, tmp_path):
    course, _laptop, _zips = setup
    served = tmp_path / "served"
    shutil.copytree(course.folder("source", NAME), served)
    answer_sheet(served, "KIM-001", {"AMAN-APK-01": "A"})  # "Kirim" now (2026-12…)
    # ... but nbgrader already holds a hand-in made later (a participant's own, on a hub)
    target = submitted_folder(course.root, NAME, "KIM-001")
    target.mkdir(parents=True)
    (target / f"{NAME}.ipynb").write_text("{}", encoding="utf-8")
    (target / "timestamp.txt").write_text("2099-01-01 08:00:00.000000 UTC", encoding="utf-8")
    before = tree_digest(target)
    with pytest.raises(StoreError) as info:
        place_submission(course.root, served, NAME, "KIM-001")
    message = t(info.value.key, **info.value.params)
    assert "lebih baru" in message and "2099-01-01T08:00:00+00:00" in message
    assert sweep(course.root, served, NAME) == []  # the server's safety net keeps it too
    assert tree_digest(target) == before

    (target / "timestamp.txt").write_text("2020-01-01 08:00:00.000000 UTC", encoding="utf-8")
    place_submission(course.root, served, NAME, "KIM-001")  # an older one is replaced
    assert (target / "jawaban__pretest__KIM-001.json").is_file()
    placed = tree_digest(target)
    place_submission(course.root, served, NAME, "KIM-001")  # the same Kirim: no change
    assert sweep(course.root, served, NAME) == []
    assert tree_digest(target) == placed


# -- offline zips ---------------------------------------------------------------------------

def hand_in(laptop, participant, answers, zips):
    answer_sheet(laptop, participant, answers)
    sheet = FileAnswerStore(laptop).load(NAME, participant)
    path = write_submission(laptop, sheet, course="uji", items=19)
    zips.mkdir(exist_ok=True)
    return shutil.move(str(path), zips / path.name)


def repack(path, *, folder="", extra=None, replace=None):
    """What a phone's or a laptop's zip tool does: the same files, re-packed."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members.update(replace or {})
    members.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        if folder:
            zf.writestr(folder, b"")  # the folder entry some tools write
        for name, data in members.items():
            zf.writestr(folder + name, data)
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize("folder", ["KIM-001_pretest/", "Kiriman/KIM-001_pretest/"])
def test_a_zip_repacked_in_a_folder_is_accepted(setup, folder):
    course, laptop, zips = setup
    repack(hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, zips), folder=folder,
           extra={"__MACOSX/._manifest.json": b"\x00\x05"} if "/" in folder[:-1] else None)
    report = collect_zips(course, NAME, zips)
    assert report.imported == [("KIM-001_pretest.zip", "KIM-001")]
    assert report.problems == []
    sheet = FileAnswerStore(course.folder("submitted", "KIM-001", NAME)).load(NAME, "KIM-001")
    assert sheet.value("AMAN-APK-01") == "B"


def test_members_not_in_the_manifest_are_reported_and_not_imported(setup):
    course, laptop, zips = setup
    repack(hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, zips),
           extra={"catatan.txt": b"halo", "lain/skrip.py": b"import os"})
    report = collect_zips(course, NAME, zips)
    assert report.imported == [("KIM-001_pretest.zip", "KIM-001")]
    assert [(p.kind, p.detail) for p in report.problems] == [
        ("extra_members", "catatan.txt, lain/skrip.py")]
    names = {p.name for p in course.folder("submitted", "KIM-001", NAME).iterdir()}
    assert "catatan.txt" not in names and "lain" not in names


def _cut_sheet_at_source(path):
    """The laptop wrote a cut-short answer sheet and the zip was made from it: the
    checksums match the cut-short file."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    sheet = "jawaban__pretest__KIM-001.json"
    members[sheet] = members[sheet][: len(members[sheet]) // 2]
    manifest = json.loads(members["manifest.json"])
    import hashlib

    manifest["files"][sheet] = {"sha256": hashlib.sha256(members[sheet]).hexdigest(),
                                "size": len(members[sheet])}
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _cut_sheet_in_zip(path):
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("jawaban__pretest__KIM-001.json")
    repack(path, replace={"jawaban__pretest__KIM-001.json": sheet[:40]})


def _drop_notebook(path):
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if not n.endswith(".ipynb")}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _bad_manifest(path):
    repack(path, replace={"manifest.json": b'{"format": "kimtrain-kiriman", "files": {'})


CAUSES = {
    "sheet cut short before zipping": (
        _cut_sheet_at_source, "lembar jawaban jawaban__pretest__KIM-001.json terpotong"),
    "sheet cut short in the zip": (
        _cut_sheet_in_zip, "file jawaban__pretest__KIM-001.json terpotong: hanya 40 dari"),
    "notebook missing": (_drop_notebook, "file pretest.ipynb yang disebut manifest tidak ada"),
    "manifest cut short": (_bad_manifest, "manifest.json terpotong atau rusak"),
}


@pytest.mark.parametrize("case", CAUSES)
def test_every_refusal_names_its_real_cause_and_is_remembered(setup, case):
    course, laptop, zips = setup
    damage, why = CAUSES[case]
    damage(hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, zips))
    report = collect_zips(course, NAME, zips)
    assert report.imported == []
    [problem] = report.problems
    assert (problem.kind, problem.participant) == ("corrupt", "KIM-001")
    assert why in problem.detail, problem.detail
    if "sheet" in case:
        assert "manifest" not in problem.detail.split(";")[0]  # not "a manifest problem"
    assert not course.folder("submitted", "KIM-001").exists()
    refusal = load_refusals(course.root, NAME)["KIM-001"]
    assert why in refusal.render() and refusal.file == "KIM-001_pretest.zip"


def test_a_good_zip_later_clears_the_refusal(setup):
    course, laptop, zips = setup
    _drop_notebook(hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, zips))
    collect_zips(course, NAME, zips)
    assert "KIM-001" in load_refusals(course.root, NAME)
    hand_in(laptop, "KIM-001", {"AMAN-APK-01": "C"}, zips)  # the participant sends again
    assert collect_zips(course, NAME, zips).imported == [("KIM-001_pretest.zip", "KIM-001")]
    assert load_refusals(course.root, NAME) == {}


@pytest.mark.slow
def test_grade_lists_a_refused_hand_in_as_refused_with_its_reason(tmp_path):
    from kimtrain.course.grade import NOT_SUBMITTED, REFUSED, grade_cohort

    course, _items = built_course(tmp_path / "kursus")
    save_roster(course, [Participant("KIM-001", "Siti"), Participant("KIM-002", "Budi")])
    laptop = tmp_path / "laptop" / NAME
    shutil.copytree(course.folder("release", NAME), laptop)
    _cut_sheet_in_zip(hand_in(laptop, "KIM-001", {"AMAN-APK-01": "B"}, tmp_path / "zips"))
    collect_zips(course, NAME, tmp_path / "zips")
    summary = grade_cohort(course, NAME, jobs=1)
    status = {o.participant: o for o in summary.outcomes}
    assert status["KIM-002"].status == NOT_SUBMITTED
    assert status["KIM-001"].status == REFUSED
    [flag] = status["KIM-001"].flags
    assert "KIM-001_pretest.zip" in flag.detail and "terpotong" in flag.detail
    from kimtrain.commands.grade import summary_table

    assert "kiriman DITOLAK" in summary_table(summary)
