"""The four packages a participant's answers pass through import only downwards.

From the bottom up (README, "How it fits together")::

    widgets  <  grading  <  course  <  serve

``widgets`` runs in every participant's kernel and imports none of the others;
``grading`` may use ``widgets`` (the session's static view while grading); ``course``
may use both; ``serve`` (the workshop server) may use all three. Below them all sit
the shared modules (``kimtrain.context``, ``kimtrain.handin``, ``answers``, ``i18n``,
``errors``…), which import none of the four. Every import counts, at module level or
inside a function, so a late import cannot hide an upward dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kimtrain"
LAYERS = ["widgets", "grading", "course", "serve"]
BELOW_ALL = ["context.py", "handin.py", "gradeids.py", "defaults.py", "itemshape.py", "answers",
             "errors.py", "i18n", "oscompat.py"]


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every ``kimtrain.*`` module imported by ``path`` (line, dotted name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("kimtrain")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.startswith("kimtrain"):
            found.append((node.lineno, node.module))
            # "from kimtrain import serve" imports a package too
            if node.module == "kimtrain":
                found += [(node.lineno, f"kimtrain.{a.name}") for a in node.names]
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _files(where: str) -> list[Path]:
    target = PACKAGE / where
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


def upward_imports(files: list[Path], own: str | None) -> list[str]:
    """``file:line imports module`` for each import of a layer above ``own`` (``None``:
    below every layer, so any of the four is upward)."""
    rank = LAYERS.index(own) if own else -1
    bad = []
    for path in files:
        for line, module in _imports(path):
            layer = _layer(module)
            if layer is not None and layer != own and LAYERS.index(layer) > rank:
                where = path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE) \
                    else path.name
                bad.append(f"{where}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_the_layers_below_it(layer):
    assert upward_imports(_files(layer), layer) == []


@pytest.mark.parametrize("shared", BELOW_ALL)
def test_the_shared_modules_import_none_of_the_four(shared):
    assert upward_imports(_files(shared), None) == []


def test_the_context_module_imports_nothing_of_kimtrain():
    # every layer (the participant kernel's widgets included) reads its context there
    assert _imports(PACKAGE / "context.py") == []


def test_the_check_finds_an_upward_import(tmp_path):
    """The check itself can fail: a late (function-level) import of serve in widgets
    and a ``from kimtrain import course`` in grading are both reported."""
    widget = tmp_path / "w.py"
    widget.write_text("def f():\n    from kimtrain.serve.kernel import attach\n",
                      encoding="utf-8")
    grading = tmp_path / "g.py"
    grading.write_text("from kimtrain import course\nimport kimtrain.widgets.views\n",
                       encoding="utf-8")
    assert upward_imports([widget], "widgets") == ["w.py:2 imports kimtrain.serve.kernel"]
    assert upward_imports([grading], "grading") == ["g.py:1 imports kimtrain.course"]
    assert upward_imports([grading], None) == ["g.py:1 imports kimtrain.course",
                                               "g.py:2 imports kimtrain.widgets.views"]


def test_no_package_level_cycle_between_the_four():
    """Which layer imports which, drawn as a graph, has no cycle (the order above
    forbids one; this says so directly, naming the cycle if one appears)."""
    edges: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    for layer in LAYERS:
        for path in _files(layer):
            for _, module in _imports(path):
                target = _layer(module)
                if target is not None and target != layer:
                    edges[layer].add(target)
    seen: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        if node in trail:
            raise AssertionError(" -> ".join([*trail[trail.index(node):], node]))
        if node in seen:
            return
        for nxt in sorted(edges[node]):
            visit(nxt, [*trail, node])
        seen.add(node)

    for layer in LAYERS:
        visit(layer, [])
