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


def read_notebook(text: str) -> Any:
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


_NON_TEXT_SPLIT = {"application/javascript", "image/svg+xml"}


def _split_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    """nbformat's ``_split_mimebundle``, on a copy."""
    return {key: value.splitlines(True)
            if isinstance(value, str) and (key.startswith("text/") or key in _NON_TEXT_SPLIT)
            else value for key, value in bundle.items()}


class _BytesEncoder(json.JSONEncoder):
    """nbformat's ``BytesEncoder``: base64 (ASCII) bytes as text."""

    def default(self, o: Any) -> Any:
        if isinstance(o, bytes):
            return o.decode("ascii")
        return json.JSONEncoder.default(self, o)


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


_encode_str = json.encoder.encode_basestring  # ensure_ascii=False, as nbformat writes


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _dump(value: Any, pad: str, out: list[str]) -> None:
    """``json.dumps(indent=1, sort_keys=True, separators=(",", ": "))``, faster: the
    standard library's indenting encoder is a chain of generators in pure Python."""
    if isinstance(value, str):
        out.append(_encode_str(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = pad + " "
        out.append("{\n")
        first = True
        for key in sorted(value):
            if type(key) is not str:
                raise TypeError("key")
            item = value[key]
            head = ("" if first else ",\n") + inner + _encode_str(key) + ": "
            first = False
            if type(item) is str:  # most values: no call for them
                out.append(head + _encode_str(item))
            else:
                out.append(head)
                _dump(item, inner, out)
        out.append("\n" + pad + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = pad + " "
        if all(type(item) is str for item in value):  # lines of text: most of a notebook
            out.append("[\n" + inner + (",\n" + inner).join(map(_encode_str, value))
                       + "\n" + pad + "]")
            return
        out.append("[\n")
        first = True
        for item in value:
            if not first:
                out.append(",\n")
            first = False
            out.append(inner)
            _dump(item, inner, out)
        out.append("\n" + pad + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, bytes):
        out.append(_encode_str(value.decode("ascii")))
    else:
        raise TypeError(type(value).__name__)


def _indented(value: Any, level: int) -> str:
    pad = " " * level
    out: list[str] = [pad]
    try:
        _dump(value, pad, out)
        return "".join(out)
    except TypeError:  # anything unusual: the standard encoder, as nbformat calls it
        text = json.dumps(value, cls=_BytesEncoder, indent=1, sort_keys=True,
                          separators=(",", ": "), ensure_ascii=False)
        return pad + text.replace("\n", "\n" + pad)


def _cell_text(cell: dict[str, Any]) -> str:
    split = _split_cell(cell)
    if split.get("outputs"):  # a run code cell: new in every notebook, nothing to reuse
        return _indented(split, 2)
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


def notebook_text(nb: Any) -> str:
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
