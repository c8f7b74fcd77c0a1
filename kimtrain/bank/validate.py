"""Turn bank files into Items, reporting every mistake at once (file, line, item, field)."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kimtrain.bank.model import (
    CHOICE_TYPES,
    COMPETENCIES,
    DOMAINS,
    ITEM_TYPES,
    MULTIPLE,
    NUMERIC,
    SINGLE,
    TEXT,
    TRUEFALSE,
    WRITTEN,
    Criterion,
    Item,
)
from kimtrain.bank.yamlsource import Located, YamlSyntaxError, load_located
from kimtrain.errors import BankError, BankIssue

__all__ = ["check_banks", "load_banks", "suggest"]

ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$")
OPTION_ID = re.compile(r"^[A-Za-z0-9]{1,8}$")

TOP_FIELDS = {"bank", "title", "description", "version", "items"}
COMMON_FIELDS = {
    "id", "type", "domain", "competency", "points", "stem", "explanation", "en", "notes",
}
TYPE_FIELDS = {
    SINGLE: {"options", "key", "feedback"},
    MULTIPLE: {"options", "key", "feedback"},
    TRUEFALSE: {"key", "discernment_set", "labels"},
    NUMERIC: {"key", "tolerance", "unit"},
    TEXT: {"accept"},
    WRITTEN: {"rubric"},
}
EN_FIELDS = {"stem", "options", "explanation", "feedback", "labels", "unit"}
CRITERION_FIELDS = {"criterion", "levels", "en"}


def suggest(word: Any, choices: Iterable[str]) -> str:
    """The closest of ``choices`` to ``word``, or "" (for "did you mean" hints)."""
    match = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return match[0] if match else ""


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


class _FileChecker:
    """Checks one bank file; collects issues instead of stopping at the first."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.issues: list[BankIssue] = []
        self.ids: list[tuple[str, int]] = []  # every well-formed id, with its line
        self.src = Located(data=None)

    def issue(self, key: str, path: tuple = (), item: str | None = None,
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

        def bad(key: str, field: str, sub: tuple = (), **params: Any) -> None:
            self.issue(key, (*base, *(sub or (field,))), item=label, field=field, **params)

        kind = raw.get("type")
        if kind is None:
            bad("bank.field.required", "type")
        elif kind not in ITEM_TYPES:
            bad("bank.type.unknown", "type", value=kind, allowed=", ".join(ITEM_TYPES))
            kind = None

        allowed = COMMON_FIELDS | (TYPE_FIELDS.get(kind, set()) if kind else
                                   set().union(*TYPE_FIELDS.values()))
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
        if not _is_number(points) or points <= 0:
            bad("bank.points.invalid", "points", value=points)
        stem = self.text(raw, "stem", bad, required=True)
        explanation = self.text(raw, "explanation", bad, required=kind not in (None, WRITTEN))

        fields: dict[str, Any] = {}
        if kind in CHOICE_TYPES:
            fields = self.choice(raw, kind, bad)
        elif kind == TRUEFALSE:
            fields = self.truefalse(raw, bad)
        elif kind == NUMERIC:
            fields = self.numeric(raw, bad)
        elif kind == TEXT:
            fields = self.short_text(raw, bad)
        elif kind == WRITTEN:
            fields = self.written(raw, points, bad)
        en = self.english(raw, fields.get("options", {}), bad)

        if len(self.issues) > start or kind is None or raw_id is None:
            return None
        return Item(
            id=raw_id, type=kind, domain=domain, competency=competency, points=float(points),
            stem=stem, explanation=explanation, en=en, file=self.display,
            line=self.src.line(*base) or 0, **fields,
        )

    def text(self, raw: dict, name: str, bad, required: bool) -> str:
        value = raw.get(name)
        if value is None:
            if required:
                bad("bank.field.required", name)
            return ""
        if not isinstance(value, str) or not value.strip():
            bad("bank.text.empty", name)
            return ""
        return value.strip()

    def choice(self, raw: dict, kind: str, bad) -> dict[str, Any]:
        options = raw.get("options")
        if options is None:
            bad("bank.field.required", "options")
            return {}
        if not isinstance(options, dict):
            bad("bank.options.not_mapping", "options")
            return {}
        clean: dict[str, str] = {}
        for opt, text in options.items():
            if not isinstance(opt, str) or not OPTION_ID.match(opt):
                bad("bank.option.id", "options", ("options", opt), value=opt)
            elif not isinstance(text, str) or not text.strip():
                bad("bank.text.empty", f"options.{opt}", ("options", opt))
            else:
                clean[opt] = text.strip()
        if len(options) < 2:
            bad("bank.options.too_few", "options")
        key = raw.get("key")
        if key is None:
            bad("bank.field.required", "key")
        elif kind == SINGLE:
            if not isinstance(key, str) or key not in options:
                bad("bank.key.not_option", "key", value=key, options=", ".join(map(str, options)))
        else:
            if not isinstance(key, list) or not key:
                bad("bank.key.list", "key")
            else:
                for value in key:
                    if value not in options:
                        bad("bank.key.not_option", "key", value=value,
                            options=", ".join(map(str, options)))
                if len(set(map(str, key))) != len(key):
                    bad("bank.key.repeated", "key")
        feedback = raw.get("feedback") or {}
        if not isinstance(feedback, dict):
            bad("bank.feedback.not_mapping", "feedback")
            feedback = {}
        for opt, text in feedback.items():
            if opt not in options:
                bad("bank.feedback.unknown_option", f"feedback.{opt}", ("feedback", opt),
                    option=opt)
            elif not isinstance(text, str) or not text.strip():
                bad("bank.text.empty", f"feedback.{opt}", ("feedback", opt))
        return {
            "options": clean,
            "key": key if kind == SINGLE else list(key or []),
            "feedback": {k: str(v).strip() for k, v in feedback.items()},
        }

    def truefalse(self, raw: dict, bad) -> dict[str, Any]:
        key = raw.get("key")
        if key is None:
            bad("bank.field.required", "key")
        elif not isinstance(key, bool):
            bad("bank.key.bool", "key", value=key)
        labels = raw.get("labels")
        if labels is not None and (
            not isinstance(labels, list) or len(labels) != 2
            or not all(isinstance(x, str) and x.strip() for x in labels)
        ):
            bad("bank.labels.invalid", "labels")
            labels = None
        dset = raw.get("discernment_set", "")
        if dset and (not isinstance(dset, str) or not ITEM_ID.match(dset)):
            bad("bank.set.invalid", "discernment_set", value=dset)
        return {"key": key, "labels": tuple(labels) if labels else None,
                "discernment_set": dset or ""}

    def numeric(self, raw: dict, bad) -> dict[str, Any]:
        key = raw.get("key")
        if key is None:
            bad("bank.field.required", "key")
        elif not _is_number(key):
            bad("bank.key.number", "key", value=key)
        tolerance = raw.get("tolerance", 0)
        if not _is_number(tolerance) or tolerance < 0:
            bad("bank.tolerance.invalid", "tolerance", value=tolerance)
        unit = raw.get("unit", "")
        if not isinstance(unit, str):
            bad("bank.text.empty", "unit")
        return {"key": key, "tolerance": float(tolerance) if _is_number(tolerance) else 0.0,
                "unit": unit if isinstance(unit, str) else ""}

    def short_text(self, raw: dict, bad) -> dict[str, Any]:
        accept = raw.get("accept")
        if accept is None:
            bad("bank.field.required", "accept")
            return {}
        if not isinstance(accept, list) or not accept or not all(
            isinstance(a, str | int | float) and str(a).strip() for a in accept
        ):
            bad("bank.accept.invalid", "accept")
            return {}
        values = tuple(str(a).strip() for a in accept)
        return {"accept": values, "key": list(values)}

    def written(self, raw: dict, points: Any, bad) -> dict[str, Any]:
        rubric = raw.get("rubric")
        if rubric is None:
            bad("bank.field.required", "rubric")
            return {}
        if not isinstance(rubric, list) or not rubric:
            bad("bank.rubric.invalid", "rubric")
            return {}
        criteria = []
        for i, crit in enumerate(rubric):
            where = f"rubric[{i + 1}]"
            sub = ("rubric", i)
            if not isinstance(crit, dict):
                bad("bank.rubric.invalid", where, sub)
                continue
            for name in crit:
                if name not in CRITERION_FIELDS:
                    bad("bank.field.unknown", f"{where}.{name}", (*sub, name),
                        suggestion=self._hint(name, CRITERION_FIELDS))
            name = crit.get("criterion")
            levels = crit.get("levels")
            if not isinstance(name, str) or not name.strip():
                bad("bank.field.required", f"{where}.criterion", sub)
                continue
            if not isinstance(levels, dict) or len(levels) < 2 or not all(
                _is_number(p) and p >= 0 and isinstance(d, str) and d.strip()
                for p, d in levels.items()
            ):
                bad("bank.rubric.levels", f"{where}.levels", (*sub, "levels"))
                continue
            en = crit.get("en") or {}
            criteria.append(Criterion(
                name=name.strip(),
                levels={float(p): d.strip() for p, d in levels.items()},
                en={"name": en.get("criterion"),
                    "levels": {float(p): d for p, d in (en.get("levels") or {}).items()}}
                if en else {},
            ))
        if criteria and len(criteria) == len(rubric) and _is_number(points):
            total = sum(c.max_points for c in criteria)
            if not math.isclose(total, float(points)):
                bad("bank.rubric.total", "rubric", total=f"{total:g}", points=f"{points:g}")
        return {"rubric": tuple(criteria)}

    def english(self, raw: dict, options: dict[str, str], bad) -> dict[str, Any]:
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
