"""Course folders, nbgrader's configuration and lifecycle, and reading the gradebook."""

from __future__ import annotations

from kimtrain.course.layout import Course, assessments_dir, create_course, open_course

__all__ = ["Course", "assessments_dir", "create_course", "open_course"]
