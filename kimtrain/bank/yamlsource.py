"""Read YAML while remembering the line of every value, so errors can point at it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[Any, ...]


@dataclass
class Located:
    """Plain Python data from a YAML file, plus the 1-based line of every path in it."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int]] = field(default_factory=list)

    def line(self, *path: Any) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get(())


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _convert(node: yaml.Node, path: Path_, out: Located) -> Any:
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader.construct_object(_LOADER, key_node, deep=True)
            child = (*path, key)
            if key in result:
                out.duplicates.append((child, key_node.start_mark.line + 1))
            out.lines[child] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, child, out)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, (*path, i), out) for i, v in enumerate(node.value)]
    return _LOADER.construct_object(node, deep=True)


# A loader used only to construct scalars with YAML's safe rules.
_LOADER = yaml.SafeLoader("")


def load_located(path: Path) -> Located:
    """Parse ``path``; raise :class:`YamlSyntaxError` with the line of a syntax error."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(str(exc.problem or exc), line) from exc
    located = Located(data=None)
    if node is not None:
        located.data = _convert(node, (), located)
    return located
