"""Bank checks shared by the types whose items list options (single, multiple, ordering)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kimtrain.items._base import FieldCheck

__all__ = ["OPTION_ID", "check_feedback", "check_key_list", "check_options"]

OPTION_ID = re.compile(r"^[A-Za-z0-9]{1,8}$")


def check_options(raw: Mapping[str, Any], check: FieldCheck) -> dict[str, str] | None:
    """The item's ``options`` (id -> text), every bad one reported; ``None`` when there
    is no mapping to read at all."""
    options = raw.get("options")
    if options is None:
        check.bad("bank.field.required", "options")
        return None
    if not isinstance(options, dict):
        check.bad("bank.options.not_mapping", "options")
        return None
    clean: dict[str, str] = {}
    for opt, text in options.items():
        if not isinstance(opt, str) or not OPTION_ID.match(opt):
            check.bad("bank.option.id", "options", ("options", opt), value=opt)
        elif not isinstance(text, str) or not text.strip():
            check.bad("bank.text.empty", f"options.{opt}", ("options", opt))
        else:
            clean[opt] = text.strip()
    if len(options) < 2:
        check.bad("bank.options.too_few", "options")
    return clean


def check_key_list(raw: Mapping[str, Any], options: Mapping[Any, Any],
                   check: FieldCheck) -> list[Any]:
    """A ``key`` that lists option ids, each once."""
    key = raw.get("key")
    if key is None:
        check.bad("bank.field.required", "key")
        return []
    if not isinstance(key, list) or not key:
        check.bad("bank.key.list", "key")
        return []
    for value in key:
        if value not in options:
            check.bad("bank.key.not_option", "key", value=value,
                      options=", ".join(map(str, options)))
    if len(set(map(str, key))) != len(key):
        check.bad("bank.key.repeated", "key")
    return list(key)


def check_feedback(raw: Mapping[str, Any], options: Mapping[Any, Any],
                   check: FieldCheck) -> dict[str, str]:
    """Per-option ``feedback`` (shown in practice and on a revealed feedback page)."""
    feedback = raw.get("feedback") or {}
    if not isinstance(feedback, dict):
        check.bad("bank.feedback.not_mapping", "feedback")
        return {}
    for opt, text in feedback.items():
        if opt not in options:
            check.bad("bank.feedback.unknown_option", f"feedback.{opt}", ("feedback", opt),
                      option=opt)
        elif not isinstance(text, str) or not text.strip():
            check.bad("bank.text.empty", f"feedback.{opt}", ("feedback", opt))
    return {k: str(v).strip() for k, v in feedback.items()}
