"""Generated is not released: ``kimtrain feedback NAME --release`` shares the pages, each
participant's own only (:func:`feedback_for`), and ``--withdraw`` takes them back;
the certificate codes are noted for the server."""

from __future__ import annotations

import pytest

from kimtrain.cli import main
from kimtrain.errors import CourseError
from kimtrain.evaluation.results import (
    certificate_for,
    feedback_for,
    record_certificates,
    release_feedback,
    released,
    withdraw_feedback,
)


def _pages(course, name: str, codes: list[str]) -> None:
    folder = course.root / "umpan-balik" / name
    folder.mkdir(parents=True)
    for code in codes:
        (folder / f"{name}-{code}.html").write_text(f"<p>{code}</p>", encoding="utf-8")


def test_only_released_pages_and_only_ones_own(course, capsys):
    _pages(course, "pretest", ["KIM-001", "KIM-002"])
    _pages(course, "posttest", ["KIM-001"])
    assert feedback_for(course, "KIM-001") == {}  # generated, not released
    assert main(["feedback", "pretest", "--release", "--course", str(course.root)]) == 0
    assert "2 halaman umpan balik pretest dibagikan" in capsys.readouterr().out
    assert [r.assessment for r in released(course)] == ["pretest"]
    own = feedback_for(course, "KIM-002")
    assert list(own) == ["pretest"] and own["pretest"].name == "pretest-KIM-002.html"
    assert feedback_for(course, "KIM-003") == {}
    for hostile in ("../KIM-001", "KIM-001/../../x", "kim-001", ""):
        assert feedback_for(course, hostile) == {}
    release_feedback(course, "posttest")
    assert sorted(feedback_for(course, "KIM-001")) == ["posttest", "pretest"]
    assert withdraw_feedback(course, "pretest") is True
    assert list(feedback_for(course, "KIM-001")) == ["posttest"]
    assert withdraw_feedback(course, "pretest") is False


def test_release_needs_generated_pages_and_a_plain_name(course, capsys):
    with pytest.raises(CourseError) as caught:
        release_feedback(course, "pretest")
    assert "kimtrain feedback pretest" in str(caught.value)
    with pytest.raises(CourseError):
        release_feedback(course, "../pretest")
    assert main(["feedback", "pretest", "--release", "--course", str(course.root)]) != 0
    assert "Belum ada halaman umpan balik pretest" in capsys.readouterr().err


def test_certificates_are_noted_per_participant_and_form(course, tmp_path):
    from kimtrain.reports.certificates import Certificate

    def cert(code: str, pid: str, form: str) -> Certificate:
        return Certificate(code, pid, "Nama", "", form, 90.0, issued="2026-12-04",
                           file=f"sertifikat-{code}.pdf")

    record_certificates(course, [cert("AAAA-1111", "KIM-001", "posttest")], tmp_path)
    record_certificates(course, [cert("BBBB-2222", "KIM-002", "pretest")], tmp_path)
    assert [c.code for c in certificate_for(course, "KIM-001")] == ["AAAA-1111"]
    # certificates issued again for a form replace that form's earlier list
    record_certificates(course, [cert("CCCC-3333", "KIM-003", "posttest")], tmp_path)
    assert certificate_for(course, "KIM-001") == []
    note = certificate_for(course, "KIM-003")[0]
    assert note.file == str(tmp_path / "sertifikat-CCCC-3333.pdf")
    assert [c.code for c in certificate_for(course, "KIM-002")] == ["BBBB-2222"]
