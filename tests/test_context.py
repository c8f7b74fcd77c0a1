"""The session is told its context by whoever starts the kernel, through kimtrain.context."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kimtrain.context import (
    SERVER_HOST,
    Kirim,
    SessionContext,
    configure,
    current,
    from_environment,
    kernel_environment,
)
from kimtrain.serve.kernel import server_context
from kimtrain.widgets import Assessment

from .cohort import NAME, built_course

HOSTED: list[tuple[str, str | None]] = []


def record_host(session: Assessment) -> None:
    """A host's hooks, named as ``tests.test_context:record_host``."""
    HOSTED.append((session.name, session.participant))
    session.on_submit.append(lambda s, sheet: "diterima oleh tuan rumah")


@pytest.fixture
def folder(tmp_path):
    course, _ = built_course(tmp_path / "kursus", generate=False)
    return course.source_dir(NAME)


def test_a_context_travels_through_a_kernels_environment_and_back():
    context = SessionContext(served=True, course_root=Path("/kursus"), host=SERVER_HOST,
                             participant="KIM-001", kirim=Kirim.OFF, lang="en",
                             grading="autograde")
    assert from_environment(context.environment()) == context
    assert from_environment({}) == SessionContext()
    assert Kirim.parse(" ZIP ") is Kirim.ZIP and Kirim.parse("tidak") is Kirim.OFF
    assert Kirim.parse("") is Kirim.AUTO


def test_the_server_gives_its_kernels_their_context_without_a_fixed_participant():
    base = {"PATH": "/bin", "KIMTRAIN_PESERTA": "KIM-009", "JUPYTERHUB_USER": "budi",
            "KIMTRAIN_SERVER": "", "KIMTRAIN_LANG": "en"}
    env = kernel_environment(base, server_context(Path("/kursus"), lang="id"))
    assert env == {"PATH": "/bin", "KIMTRAIN_SERVER": "1", "KIMTRAIN_COURSE": "/kursus",
                   "KIMTRAIN_HOST": SERVER_HOST, "KIMTRAIN_LANG": "id"}
    assert base["KIMTRAIN_PESERTA"] == "KIM-009"  # the starter's own mapping is not changed
    assert "KIMTRAIN_SERVER" not in os.environ


def test_the_environment_is_read_when_nothing_was_configured(monkeypatch):
    monkeypatch.setenv("KIMTRAIN_PESERTA", "kim-004")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    context = current()
    assert context.fixed_participant() == "kim-004" and context.in_grading
    configure(SessionContext(hub_user="KIM-002"))
    try:
        assert current() == SessionContext(hub_user="KIM-002")
    finally:
        configure(None)
    assert current().participant == "kim-004"


def test_under_autograde_the_participant_is_the_student_folder(tmp_path):
    folder = tmp_path / "autograded" / "KIM-007" / NAME
    folder.mkdir(parents=True)
    assert SessionContext(grading="autograde").graded_participant(folder) == "KIM-007"
    assert SessionContext(grading="autograde", participant="KIM-001") \
        .graded_participant(folder) == "KIM-001"
    assert SessionContext().graded_participant(folder) is None


def test_a_session_takes_its_participant_and_host_from_the_context(folder):
    HOSTED.clear()
    host = "tests.test_context:record_host"
    session = Assessment(NAME, folder,
                         context=SessionContext(participant="kim-003", host=host))
    assert session.participant == "KIM-003"
    assert HOSTED == [(NAME, "KIM-003")]
    assert len(session.on_submit) == 1  # the host's hook; no zip outside a handout
    # while grading no host adds anything
    Assessment(NAME, folder, context=SessionContext(host=host, grading="autograde"))
    assert HOSTED == [(NAME, "KIM-003")]


def test_the_offline_zip_follows_the_context(folder):
    def hooks(context: SessionContext) -> int:
        return len(Assessment(NAME, folder, context=context).on_submit)

    assert hooks(SessionContext(kirim=Kirim.ZIP)) == 1
    assert hooks(SessionContext(kirim=Kirim.ZIP, grading="autograde")) == 0
    assert hooks(SessionContext()) == 0  # no handout marker in this folder
