"""Errors that say what exists and how to fix it: "ada: pretest, posttest; maksud Anda …?"

A trainer who types ``kimtrain build tidakada`` or ``kimtrain report --pre salah``
should see the names that do exist in this course and the command that would work,
not only that something is missing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from kimtrain.course.layout import Course
from kimtrain.errors import KimtrainError
from kimtrain.i18n import t

__all__ = ["blueprint_names", "check_built", "check_graded", "graded_names", "listing"]


def listing(names: Iterable[str], wanted: str) -> dict[str, str]:
    """``available`` (comma-separated, or "none") and ``hint`` (a close name, or empty)."""
    names = sorted(set(names))
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.5)
    return {"available": ", ".join(names) if names else t("results.err.none"),
            "hint": t("results.err.did_you_mean", name=close[0]) if close else ""}


def blueprint_names(course: Course) -> list[str]:
    folder = course.root / "blueprints"
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def built_names(course: Course) -> list[str]:
    folder = course.root / "source"
    return sorted(p.parent.name for p in folder.glob("*/kimtrain_soal.json"))


def graded_names(course: Course) -> list[str]:
    """Assessments with at least one graded submission in the gradebook."""
    from sqlalchemy import text

    from kimtrain.course.database import engine as open_engine

    engine = open_engine(course.db_url, readonly=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT DISTINCT assignment.name FROM assignment JOIN submitted_assignment "
                "ON submitted_assignment.assignment_id = assignment.id "
                "WHERE assignment.course_id = :course"), {"course": course.course_id}).all()
    except Exception:  # no gradebook yet, or a locked one: nothing to list
        return []
    finally:
        engine.dispose()
    return sorted(str(r[0]) for r in rows)


def check_blueprint(course: Course, name: str) -> None:
    if not course.blueprint(name).exists():
        raise KimtrainError("results.err.no_blueprint", name=name,
                            folder=str(course.root / "blueprints"),
                            **listing(blueprint_names(course), name))


def check_built(course: Course, name: str) -> None:
    built = built_names(course)
    if name not in built:
        key = "results.err.not_built" if course.blueprint(name).exists() \
            else "results.err.unknown_assessment"
        raise KimtrainError(key, name=name, **listing(built, name))


def check_graded(course: Course, name: str, option: str = "") -> None:
    graded = graded_names(course)
    if name not in graded:
        key = "results.err.not_graded_built" if name in built_names(course) \
            else "results.err.not_graded"
        where = t("results.err.option", option=option) if option else ""
        raise KimtrainError(key, name=name, option=where, **listing(graded, name))
