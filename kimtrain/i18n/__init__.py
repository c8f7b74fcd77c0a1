"""Translation layer: every participant- and coordinator-facing string goes through ``t``.

Bahasa Indonesia (``id``) is the default. English (``en``) is chosen by
``KIMTRAIN_LANG=en`` in the environment, by ``kimtrain --lang en`` on the command
line, or by :func:`set_language` in code. Each language is a folder of flat JSON
catalogs beside this module (``id/*.json``, ``en/*.json``, one file per area of the
product); a test keeps the two languages' keys and placeholders equal and forbids a
key in two files.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from kimtrain.context import LANG, environment_language

__all__ = ["LANGUAGES", "catalog", "catalog_files", "get_language", "set_language", "t"]

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
ENV_VAR = LANG

_HERE = Path(__file__).parent
_chosen: str | None = None


def _normalise(lang: str | None) -> str | None:
    if not lang:
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def set_language(lang: str | None) -> str:
    """Choose the language for this process; ``None`` goes back to the environment."""
    global _chosen
    if lang is not None and _normalise(lang) is None:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _chosen = _normalise(lang)
    return get_language()


def get_language() -> str:
    """The language in force: the explicit choice, else ``KIMTRAIN_LANG``, else ``id``."""
    return _chosen or _normalise(environment_language()) or DEFAULT_LANGUAGE


def catalog_files(lang: str) -> list[Path]:
    return sorted((_HERE / lang).glob("*.json"))


@cache
def catalog(lang: str) -> dict[str, str]:
    """The whole catalog of one language (read once per process)."""
    merged: dict[str, str] = {}
    for path in catalog_files(lang):
        with open(path, encoding="utf-8") as fh:
            merged.update(json.load(fh))
    return merged


def t(key: str, *, lang: str | None = None, **params: Any) -> str:
    """Translate ``key`` and fill in ``{placeholders}`` from ``params``.

    An unknown key falls back to the Indonesian catalog, then to the key itself,
    so a missing translation never hides the information from the reader.
    """
    language = _normalise(lang) or get_language()
    text = catalog(language).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return f"{text} {params}"
    return text
