"""Turn bank files into Items, reporting every mistake at once (file, line, item, field)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kimtrain import items as item_types
from kimtrain.answers.values import is_number
from kimtrain.bank.model import COMPETENCIES, DOMAINS, ITEM_TYPES, Item
from kimtrain.bank.yamlsource import Located, YamlSyntaxError, load_located
from kimtrain.errors import BankError, BankIssue

__all__ = ["check_banks", "load_banks", "suggest"]

ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$")

TOP_FIELDS = {"bank", "title", "description", "version", "items"}
COMMON_FIELDS = {
    "id", "type", "domain", "competency", "points", "stem", "explanation", "en", "notes",
}
EN_FIELDS = {"stem", "options", "explanation", "feedback", "labels", "unit"}


def suggest(word: Any, choices: Iterable[str]) -> str:
    """The closest of ``choices`` to ``word``, or "" (for "did you mean" hints)."""
    match = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return match[0] if match else ""


class _ItemCheck:
    """What an item type reports its mistakes through (:class:`kimtrain.items.FieldCheck`)."""

    def __init__(self, checker: _FileChecker, base: tuple[Any, ...], label: str) -> None:
        self.checker, self.base, self.label = checker, base, label

    def bad(self, key: str, field: str, sub: tuple[Any, ...] = (), **params: Any) -> None:
        self.checker.issue(key, (*self.base, *(sub or (field,))), item=self.label,
                           field=field, **params)

    def hint(self, name: Any, choices: Iterable[str]) -> str:
        return self.checker._hint(name, choices)


class _FileChecker:
    """Checks one bank file; collects issues instead of stopping at the first."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.issues: list[BankIssue] = []
        self.ids: list[tuple[str, int]] = []  # every well-formed id, with its line
        self.src = Located(data=None)

    def issue(self, key: str, path: tuple[Any, ...] = (), item: str | None = None,
              field: str | None = None, **params: Any) -> None:
        self.issues.append(
            BankIssue(file=self.display, key=key, params=params, item=item, field=field,
                      line=self.src.line(*path))
        )

    # -- the file ---------------------------------------------------------------
    def run(self) -> list[Item]:
        if not self.path.is_file():
            self.issue("bank.file.missing")
            return []
        try:
            self.src = load_located(self.path)
        except YamlSyntaxError as exc:
            self.issues.append(BankIssue(self.display, "bank.file.yaml",
                                         {"message": exc.message}, line=exc.line))
            return []
        except UnicodeDecodeError:
            self.issue("bank.file.encoding")
            return []
        for path, line in self.src.duplicates:
            self.issues.append(BankIssue(self.display, "bank.field.duplicate", {},
                                         field=".".join(str(p) for p in path), line=line))
        data = self.src.data
        items_ok = isinstance(data, dict) and isinstance(data.get("items"), list)
        if not items_ok or not data["items"]:
            self.issue("bank.file.no_items")
            return []
        for name in data:
            if name not in TOP_FIELDS:
                self.issue("bank.field.unknown", (name,), field=str(name),
                           suggestion=self._hint(name, TOP_FIELDS))
        items = []
        for index, raw in enumerate(data["items"]):
            item = self.item(index, raw)
            if item is not None:
                items.append(item)
        self.issues.sort(key=lambda issue: issue.line or 0)
        return items

    def _hint(self, name: Any, choices: Iterable[str]) -> str:
        from kimtrain.i18n import t

        guess = suggest(name, choices)
        return t("bank.hint.did_you_mean", guess=guess) if guess else ""

    # -- one item ---------------------------------------------------------------
    def item(self, index: int, raw: Any) -> Item | None:
        base = ("items", index)
        label = f"#{index + 1}"
        if not isinstance(raw, dict):
            self.issue("bank.item.not_mapping", base, item=label)
            return None
        raw_id = raw.get("id")
        if raw_id is None:
            self.issue("bank.field.required", base, item=label, field="id")
        elif not isinstance(raw_id, str) or not ITEM_ID.match(raw_id):
            self.issue("bank.id.pattern", (*base, "id"), item=label, field="id", value=raw_id)
        else:
            label = raw_id
            self.ids.append((raw_id, self.src.line(*base, "id") or 0))
        start = len(self.issues)

        check = _ItemCheck(self, base, label)
        bad = check.bad

        kind = raw.get("type")
        if kind is None:
            bad("bank.field.required", "type")
        elif kind not in ITEM_TYPES:
            bad("bank.type.unknown", "type", value=kind, allowed=", ".join(ITEM_TYPES))
            kind = None
        item_type = item_types.get(kind) if kind else None

        allowed = COMMON_FIELDS | (item_type.fields if item_type else
                                   set().union(*(k.fields for k in item_types.all_types())))
        for name in raw:
            if name not in allowed:
                bad("bank.field.unknown", str(name), suggestion=self._hint(name, allowed))

        domain = raw.get("domain")
        if domain is None:
            bad("bank.field.required", "domain")
        elif domain not in DOMAINS:
            bad("bank.domain.unknown", "domain", value=domain, allowed=", ".join(DOMAINS))
        competency = raw.get("competency")
        if competency is None:
            bad("bank.field.required", "competency")
        elif competency not in COMPETENCIES:
            bad("bank.competency.unknown", "competency", value=competency,
                suggestion=self._hint(competency, COMPETENCIES))
        elif domain in DOMAINS and COMPETENCIES[competency] != domain:
            bad("bank.competency.domain", "competency", value=competency,
                expected=COMPETENCIES[competency], domain=domain)

        points = raw.get("points", 1)
        if not is_number(points) or points <= 0:
            bad("bank.points.invalid", "points", value=points)
        stem = self.text(raw, "stem", bad, required=True)
        explanation = self.text(raw, "explanation", bad,
                                required=item_type is not None and item_type.autograded)

        fields = item_type.validate(raw, check) if item_type else {}
        en = self.english(raw, fields.get("options", {}), bad)

        if len(self.issues) > start or kind is None or raw_id is None:
            return None
        return Item(
            id=raw_id, type=kind, domain=str(domain), competency=str(competency),
            points=float(points), stem=stem, explanation=explanation, en=en, file=self.display,
            line=self.src.line(*base) or 0, **fields,
        )

    def text(self, raw: dict[str, Any], name: str, bad: Callable[..., None],
             required: bool) -> str:
        value = raw.get(name)
        if value is None:
            if required:
                bad("bank.field.required", name)
            return ""
        if not isinstance(value, str) or not value.strip():
            bad("bank.text.empty", name)
            return ""
        return value.strip()

    def english(self, raw: dict[str, Any], options: dict[str, str],
                bad: Callable[..., None]) -> dict[str, Any]:
        en = raw.get("en")
        if en is None:
            return {}
        if not isinstance(en, dict):
            bad("bank.en.not_mapping", "en")
            return {}
        for name, value in en.items():
            if name not in EN_FIELDS:
                bad("bank.field.unknown", f"en.{name}", ("en", name),
                    suggestion=self._hint(name, EN_FIELDS))
            elif name in ("options", "feedback"):
                if not isinstance(value, dict) or not set(value) <= set(options):
                    bad("bank.en.options", f"en.{name}", ("en", name))
            elif name == "labels":
                if not isinstance(value, list) or len(value) != 2:
                    bad("bank.labels.invalid", "en.labels", ("en", name))
            elif not isinstance(value, str) or not value.strip():
                bad("bank.text.empty", f"en.{name}", ("en", name))
        return dict(en)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_banks(paths: Iterable[str | Path]) -> tuple[list[Item], list[BankIssue]]:
    """Load every bank in ``paths``; return the good items and every issue found."""
    items: list[Item] = []
    issues: list[BankIssue] = []
    seen: dict[str, str] = {}  # id -> "file:line" of its first use
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")) if p.is_dir() else [p])
    for path in files:
        checker = _FileChecker(path, _display(path))
        found = checker.run()
        issues.extend(checker.issues)
        duplicated = set()
        for item_id, line in checker.ids:
            if item_id in seen:
                duplicated.add(item_id)
                issues.append(BankIssue(checker.display, "bank.id.duplicate",
                                        {"other": seen[item_id]}, item=item_id, field="id",
                                        line=line))
            else:
                seen[item_id] = f"{checker.display}:{line}"
        items.extend(item for item in found if item.id not in duplicated)
    return items, issues


def load_banks(paths: Iterable[str | Path]) -> list[Item]:
    """Like :func:`check_banks`, but raise :class:`BankError` listing every issue."""
    items, issues = check_banks(paths)
    if issues:
        raise BankError(issues)
    return items
