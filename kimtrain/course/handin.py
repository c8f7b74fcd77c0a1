"""Moved to :mod:`kimtrain.handin` (the one hand-in module); these names stay importable
from here for older code."""

from __future__ import annotations

from kimtrain.handin import (
    TIMESTAMP,
    TIMESTAMP_FORMAT,
    NewerHandIn,
    Refusal,
    clear_refusal,
    format_timestamp,
    handed_in_at,
    install,
    load_refusals,
    record_refusal,
)

__all__ = ["TIMESTAMP", "TIMESTAMP_FORMAT", "NewerHandIn", "Refusal", "clear_refusal",
           "format_timestamp", "handed_in_at", "install", "load_refusals", "record_refusal"]
