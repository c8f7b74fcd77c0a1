"""Checking a small YAML file a trainer edits: every mistake with file, line and field.

Shared by the session plan (:mod:`kimtrain.evaluation.attendance`) and the reaction
survey (:mod:`kimtrain.evaluation.survey`); the messages are the banks' own
(:class:`kimtrain.errors.BankIssue`), so they read the same as ``kimtrain bank check``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kimtrain.bank.yamlsource import Located, YamlSyntaxError, _convert
from kimtrain.errors import BankIssue

__all__ = ["EntryIssue", "YamlChecker", "load_plain"]

# Indonesian field names a trainer may write, and the field the file expects.
ALIASES = {"kegiatan": "activity", "tempat": "place", "kota": "city",
           "penyelenggara": "organiser", "penandatangan": "signer", "hari": "days",
           "tanggal": "date", "sesi": "sessions", "bagian": "part", "modul": "module",
           "materi": "module", "mulai": "start", "selesai": "end", "nama": "name",
           "jabatan": "title", "judul": "title", "pengantar": "intro", "skala": "scale",
           "butir": "items", "pernyataan": "items", "aspek": "aspect", "teks": "text",
           "terbuka": "open", "pertanyaan": "open"}


class EntryIssue(BankIssue):
    """A mistake in a plan or survey file: "entry" (not "question") where it is."""

    def render(self) -> str:
        from kimtrain.i18n import t

        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.item:
            parts.append(t("evaluation.where.entry", entry=self.item))
        if self.field:
            parts.append(t("bank.where.field", field=self.field))
        return f"{', '.join(parts)}: {t(self.key, **self.params)}"

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"


def _dates_as_text(node: yaml.Node) -> None:
    """Dates stay text (``2026-13-01`` must be a mistake with a line, not a crash)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _TIMESTAMP:
            node.tag = _STR
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _dates_as_text(child)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _dates_as_text(key)
            _dates_as_text(value)


def load_plain(path: Path) -> Located:
    """Like :func:`kimtrain.bank.yamlsource.load_located`, with dates left as text."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(str(exc.problem or exc), mark.line + 1 if mark else None) from exc
    located = Located(data=None)
    if node is not None:
        _dates_as_text(node)
        located.data = _convert(node, (), located)
    return located


class YamlChecker:
    """Reads one YAML file; collects issues instead of stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.display = self.path.name
        self.issues: list[BankIssue] = []
        self.src = Located(data=None)

    def issue(self, key: str, path: tuple[Any, ...] = (), item: str | None = None,
              field: str | None = None, **params: Any) -> None:
        self.issues.append(EntryIssue(file=self.display, key=key, params=params, item=item,
                                      field=field, line=self.src.line(*path)))

    def load(self) -> Any:
        """The file's data, or ``None`` with an issue when it cannot be read at all."""
        if not self.path.is_file():
            self.issue("bank.file.missing")
            return None
        try:
            self.src = load_plain(self.path)
        except YamlSyntaxError as exc:
            self.issues.append(BankIssue(self.display, "bank.file.yaml",
                                         {"message": exc.message}, line=exc.line))
            return None
        except UnicodeDecodeError:
            self.issue("bank.file.encoding")
            return None
        for path, line in self.src.duplicates:
            self.issues.append(BankIssue(self.display, "bank.field.duplicate", {},
                                         field=".".join(str(p) for p in path), line=line))
        return self.src.data

    def unknown(self, raw: dict[str, Any], allowed: tuple[str, ...], path: tuple[Any, ...],
                item: str | None = None) -> None:
        """Flag every key of ``raw`` that is not in ``allowed`` (with "did you mean")."""
        from kimtrain.bank.validate import suggest
        from kimtrain.i18n import t

        for name in raw:
            if name not in allowed:
                alias = ALIASES.get(str(name).lower())
                guess = alias if alias in allowed else suggest(name, allowed)
                self.issue("bank.field.unknown", (*path, name), item=item, field=str(name),
                           suggestion=t("bank.hint.did_you_mean", guess=guess) if guess else "")

    def text(self, raw: dict[Any, Any], name: str, path: tuple[Any, ...], *,
             item: str | None = None, required: bool = True, limit: int = 300) -> str:
        """A one-line text field (trimmed); an issue when missing, not text or too long."""
        value = raw.get(name, raw.get(int(name)) if name.isdigit() else None)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.issue("bank.field.required", path, item=item, field=name)
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.issue("evaluation.field.not_text", (*path, name), item=item, field=name)
            return ""
        text = str(value).strip()
        if len(text) > limit:
            self.issue("evaluation.field.too_long", (*path, name), item=item, field=name,
                       limit=limit)
            return text[:limit]
        return text
