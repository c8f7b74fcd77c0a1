"""The village archive's checks that need no grading: an unsafe, unlisted or changed
member refuses the whole archive before anything is written."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from kimtrain.course.archive import FORMAT, MANIFEST, import_course
from kimtrain.errors import CourseError

from .cohort import tree_digest


def _archive(path: Path, members: dict[str, bytes], listed: dict[str, bytes] | None = None,
             course_id: str = "uji") -> Path:
    listed = members if listed is None else listed
    manifest = {"format": FORMAT, "course_id": course_id, "forms": [],
                "files": {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                          for n, d in listed.items()}}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(MANIFEST, json.dumps(manifest))
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(("members", "listed", "key"), [
    ({"../../evil.py": b"x"}, None, "archive.unsafe"),
    ({"submitted/../../evil.py": b"x"}, None, "archive.unsafe"),
    ({"/etc/passwd": b"x"}, None, "archive.unsafe"),
    ({"bank/x.yaml": b"x"}, None, "archive.unsafe"),
    ({"submitted/KIM-001/pretest/a.json": b"x"}, {}, "archive.extra"),
    ({"submitted/KIM-001/pretest/a.json": b"y"},
     {"submitted/KIM-001/pretest/a.json": b"x"}, "archive.tampered"),
    ({}, {"submitted/KIM-001/pretest/a.json": b"x"}, "archive.tampered"),
], ids=["parent", "inner-parent", "absolute", "outside", "unlisted", "changed", "removed"])
def test_a_bad_archive_is_refused_and_nothing_written(course, tmp_path, members, listed, key):
    before = tree_digest(course.root)
    archive = _archive(tmp_path / "a.zip", members, listed)
    with pytest.raises(CourseError) as caught:
        import_course(course, archive)
    assert caught.value.key == key
    assert tree_digest(course.root) == before
    assert not (tmp_path / "evil.py").exists()


def test_not_an_archive_and_another_course(course, tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"bukan zip")
    with pytest.raises(CourseError) as caught:
        import_course(course, junk)
    assert caught.value.key == "archive.not_archive"
    other = _archive(tmp_path / "b.zip", {"roster/peserta.csv": b"id\n"}, course_id="lain")
    with pytest.raises(CourseError) as caught:
        import_course(course, other)
    assert caught.value.key == "archive.wrong_course"
    assert not (course.root / "roster" / "peserta.csv").exists()
