"""The one exception tree of kimtrain.

::

    KimtrainError                 message key + parameters, rendered by kimtrain.i18n
    ├── IssuesError               one or more BankIssue (file, line, item id, field)
    │   ├── BankError             question-bank files
    │   ├── BlueprintError        assessment blueprints
    │   └── RosterError           a participant list (row and column of each problem)
    ├── AnswerError               an answer that does not fit its item
    ├── StoreError                the answer store cannot be read or written
    ├── SubmittedAlready          an answer after "Kirim" (the sheet is locked)
    ├── RefusedWithLink           refused, with the page to open instead (its link)
    ├── CourseError               a course folder that is missing or malformed
    └── NbgraderError             an nbgrader step that failed (its log attached)

Every error is rendered in the user's language at the moment it is printed, so a
language switch after the error was raised still takes effect. The CLI catches
``KimtrainError`` and prints ``str(error)``; nothing here prints a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

__all__ = [
    "AnswerError",
    "BankError",
    "BankIssue",
    "BlueprintError",
    "CourseError",
    "IssuesError",
    "KimtrainError",
    "KimtrainWarning",
    "NbgraderError",
    "RefusedWithLink",
    "RosterError",
    "StoreError",
    "SubmittedAlready",
]


class KimtrainWarning(UserWarning):
    """A warning raised by kimtrain itself (tests turn these into errors)."""


class KimtrainError(Exception):
    """Base class: a message key from the i18n catalogs plus its parameters."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.key)

    def __str__(self) -> str:
        from kimtrain.i18n import t

        return t(self.key, **self.params)


@dataclass(frozen=True)
class BankIssue:
    """One mistake in a question bank, located as precisely as the format allows."""

    file: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    item: str | None = None
    field: str | None = None
    line: int | None = None

    def render(self) -> str:
        from kimtrain.i18n import t

        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.item:
            parts.append(t("bank.where.item", item=self.item))
        if self.field:
            parts.append(t("bank.where.field", field=self.field))
        return f"{', '.join(parts)}: {t(self.key, **self.params)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "item": self.item,
            "field": self.field,
            "message": self.render(),
        }


class Issue(Protocol):
    """One mistake in a file (a bank's :class:`BankIssue`, a roster's row), said in words."""

    def render(self) -> str: ...


IssueT = TypeVar("IssueT", bound=Issue)


class IssuesError(KimtrainError, Generic[IssueT]):
    """A file (or several) with mistakes; ``issues`` lists every one of them."""

    key = "bank.invalid"

    def __init__(self, issues: Sequence[IssueT]) -> None:
        self.issues = list(issues)
        super().__init__(count=len(self.issues))

    def __str__(self) -> str:
        from kimtrain.i18n import t

        lines = [t(self.key, count=len(self.issues))]
        lines += [f"  - {issue.render()}" for issue in self.issues]
        return "\n".join(lines)


class BankError(IssuesError["BankIssue"]):
    key = "bank.invalid"


class BlueprintError(IssuesError["BankIssue"]):
    key = "blueprint.invalid"


class RosterError(IssuesError[Issue]):
    key = "roster.invalid"


class AnswerError(KimtrainError):
    key = "answer.invalid"


class StoreError(KimtrainError):
    key = "store.unreadable"


class CourseError(KimtrainError):
    key = "course.invalid"


class NbgraderError(KimtrainError):
    """An nbgrader step failed; ``log`` holds what nbgrader said."""

    key = "nbgrader.failed"

    def __init__(self, key: str | None = None, log: str = "", **params: Any) -> None:
        self.log = log
        super().__init__(key, **params)


class SubmittedAlready(KimtrainError):
    """The participant has sent the sheet ("Kirim"); its answers are locked."""

    key = "widget.already_submitted"


class RefusedWithLink(KimtrainError):
    """Refused, with where to go instead: ``link`` is ``{"href": ..., "text": ...}`` (an
    address of this server and its words), or empty when there is no page to link."""

    def __init__(self, key: str | None = None, link: dict[str, str] | None = None,
                 **params: Any) -> None:
        self.link = dict(link or {})
        super().__init__(key, **params)
