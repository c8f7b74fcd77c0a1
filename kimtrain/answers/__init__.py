"""The answer store (durable, atomic, keyed by assessment and participant) and answer shapes."""

from __future__ import annotations

from kimtrain.answers.store import (
    Answer,
    AnswerSheet,
    AnswerStore,
    FileAnswerStore,
    MemoryAnswerStore,
    participant_id,
    read_sheet,
    sheet_filename,
)
from kimtrain.answers.values import is_blank, normalise_response, normalise_text, parse_number

__all__ = [
    "Answer",
    "AnswerSheet",
    "AnswerStore",
    "FileAnswerStore",
    "MemoryAnswerStore",
    "is_blank",
    "normalise_response",
    "normalise_text",
    "parse_number",
    "participant_id",
    "read_sheet",
    "sheet_filename",
]
