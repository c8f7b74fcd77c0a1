"""Read and write notebooks the way nbgrader's autograde does, without its per-call costs.

:func:`read_notebook` gives the same :class:`~nbformat.NotebookNode` as
``nbformat.reads(text, as_version=4)`` for a current (4.5) notebook whose cell ids are
all present and unique, without validating it against the schema again (the
submission is validated once, when it is screened); any other notebook goes through
``nbformat.reads`` itself (it upgrades old notebooks and repairs duplicate ids).

:func:`notebook_text` gives the same text as ``nbformat.writes(nb, version=4)`` plus
the final newline nbconvert's ``NotebookExporter`` adds, which is what nbgrader writes
to ``autograded/``. The JSON layout (``indent=1``, sorted keys, lines split) is
produced by the standard library's pure-Python encoder, a few milliseconds per
notebook; most cells are the same in every participant's notebook, so each cell's
text is kept by its compact JSON (the C encoder) and reused.
"""

from __future__ import annotations

import json
import re
from typing import Any

from nbformat import NotebookNode

__all__ = ["notebook_text", "read_notebook"]

_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
_CACHE_LIMIT = 8192
_cells: dict[str, str] = {}


def _fast_readable(data: Any) -> bool:
    if not isinstance(data, dict) or data.get("nbformat") != 4 or data.get("nbformat_minor") != 5:
        return False
    cells = data.get("cells")
    if not isinstance(cells, list) or not isinstance(data.get("metadata"), dict):
        return False
    ids: set[str] = set()
    for cell in cells:
        if not isinstance(cell, dict):
            return False
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not _ID.match(cell_id) or cell_id in ids:
            return False
        ids.add(cell_id)
    return True


def read_notebook(text: str) -> NotebookNode:
    """``nbformat.reads(text, as_version=4)``, minus the second schema validation."""
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines, strip_transient

    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not _fast_readable(data):
        return nbformat.reads(text, as_version=4)
    nb = rejoin_lines(nbformat.from_dict(data))
    return strip_transient(nb)


def _split_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    from nbformat.v4.rwbase import _split_mimebundle

    return dict(_split_mimebundle(dict(bundle)))


def _split_cell(cell: dict[str, Any]) -> dict[str, Any]:
    """One cell as ``split_lines`` and ``strip_transient`` leave it (a new dict)."""
    out = dict(cell)
    if isinstance(out.get("source"), str):
        out["source"] = out["source"].splitlines(True)
    if "metadata" in out and "trusted" in out["metadata"]:
        out["metadata"] = {k: v for k, v in out["metadata"].items() if k != "trusted"}
    if "attachments" in out:
        out["attachments"] = {k: _split_bundle(v) for k, v in out["attachments"].items()}
    if out.get("cell_type") == "code" and "outputs" in out:
        outputs = []
        for output in out["outputs"]:
            output = dict(output)
            kind = output.get("output_type")
            if kind in ("execute_result", "display_data"):
                output["data"] = _split_bundle(output.get("data", {}))
            elif kind == "stream" and isinstance(output.get("text"), str):
                output["text"] = output["text"].splitlines(True)
            outputs.append(output)
        out["outputs"] = outputs
    return out


def _indented(value: Any, level: int) -> str:
    from nbformat.v4.nbjson import BytesEncoder

    text = json.dumps(value, cls=BytesEncoder, indent=1, sort_keys=True, separators=(",", ": "),
                      ensure_ascii=False)
    pad = " " * level
    return pad + text.replace("\n", "\n" + pad)


def _cell_text(cell: dict[str, Any]) -> str:
    split = _split_cell(cell)
    try:
        key = json.dumps(split, sort_keys=True, ensure_ascii=False)
    except TypeError:  # bytes in an output: only the nbformat encoder takes them
        return _indented(split, 2)
    text = _cells.get(key)
    if text is None:
        if len(_cells) >= _CACHE_LIMIT:
            _cells.clear()
        text = _cells[key] = _indented(split, 2)
    return text


def notebook_text(nb: NotebookNode) -> str:
    """What nbgrader's autograde writes for ``nb`` (``nbformat.writes`` + newline)."""
    rest = {k: v for k, v in nb.items() if k != "cells"}
    rest["metadata"] = {k: v for k, v in nb.get("metadata", {}).items()
                        if k not in ("orig_nbformat", "orig_nbformat_minor", "signature")}
    cells = nb.get("cells", [])
    rest["cells"] = []
    text = _indented(rest, 0)
    head = '{\n "cells": [],'
    if cells and text.startswith(head):
        body = ",\n".join(_cell_text(cell) for cell in cells)
        text = '{\n "cells": [\n' + body + "\n ]," + text[len(head):]
    elif cells:
        text = _indented({**rest, "cells": [_split_cell(cell) for cell in cells]}, 0)
    return text if text.endswith("\n") else text + "\n"
