"""A big report uses the laptop's second core (``kimtrain.reports.background``): the
first form is read, the forms equated and the workbook written by forked children. That
may only make it faster: the report is the same as one made in a single process, and a
child that fails in any way is done again here, so its error (if any) is the one a user
would see."""

from __future__ import annotations

import os
import sys

import pytest
from openpyxl import load_workbook

from kimtrain.reports import ReportOptions, build_report, report, write_report, writer
from kimtrain.reports.background import Background, can_fork

from .synth import synth_course

needs_fork = pytest.mark.skipif(not can_fork(),
                                reason="one core or no fork: everything runs here")


def _where() -> int:
    return os.getpid()


def _only_here() -> int:
    """Fails in any child process: the parent's pid is the test process's."""
    if os.getpid() != _PARENT:
        raise RuntimeError("the child fails")
    return os.getpid()


def _dies_in_child() -> int:
    if os.getpid() != _PARENT:
        os._exit(9)  # as if killed for memory: no word back
    return os.getpid()


_PARENT = os.getpid()


@needs_fork
def test_the_call_runs_in_a_child_and_its_value_comes_back():
    job = Background(_where)
    assert job.forked
    assert job.result() not in (os.getpid(), None)
    assert not job.redone


@needs_fork
@pytest.mark.parametrize("function", [_only_here, _dies_in_child])
def test_a_failed_child_is_done_again_here(function):
    job = Background(function)
    assert job.forked
    assert job.result() == os.getpid()
    assert job.redone


def test_unwanted_or_stopped_it_runs_here():
    assert not Background(_where, wanted=False).forked
    assert Background(_where, wanted=False).result() == os.getpid()
    job = Background(_where)
    job.stop()
    assert job.result() == os.getpid()


def test_an_error_is_the_one_the_call_raises_here():
    def bad() -> None:
        raise ValueError("the same words")

    with pytest.raises(ValueError, match="the same words"):
        Background(bad).result()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return synth_course(tmp_path_factory.mktemp("latar") / "kursus", participants=40,
                        items=8, only_pre=3, only_post=2, notebooks=False).course


def _workbook(path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


@needs_fork
@pytest.mark.skipif(sys.platform == "win32", reason="no fork")
def test_a_report_made_with_children_is_the_report_made_alone(course, tmp_path,
                                                                 monkeypatch):
    options = ReportOptions(pre="pretest", post="posttest")
    alone = build_report(course, options)
    one = write_report(alone, tmp_path / "sendiri")
    forks: list[str] = []
    jobs: list[Background] = []
    real_init = Background.__init__

    def counted(self, function, *args, wanted=True):
        real_init(self, function, *args, wanted=wanted)
        jobs.append(self)
        if self.forked:
            forks.append(function.__name__)

    monkeypatch.setattr(Background, "__init__", counted)
    monkeypatch.setattr(report, "BACKGROUND_ROSTER", 0)
    monkeypatch.setattr(writer, "BACKGROUND_CELLS", 0)
    together = build_report(course, options)
    two = write_report(together, tmp_path / "bersama")
    assert forks == ["_form", "measure", "write_xlsx"]  # really made by children
    assert not any(job.redone for job in jobs)  # and none of them done again here
    assert list(together.forms) == ["pre", "post"]
    for a, b in zip(alone.tables, together.tables, strict=True):
        assert a.key == b.key and a.frame.equals(b.frame), a.key
    assert _workbook(one.xlsx) == _workbook(two.xlsx)
    for a, b in zip(one.csv, two.csv, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert not list((tmp_path / "bersama").glob(".*.tmp"))
