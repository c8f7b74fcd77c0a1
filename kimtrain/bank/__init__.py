"""Question banks: the Item model, YAML loading with line numbers, and validation."""

from __future__ import annotations

from kimtrain.bank.model import (
    AUTOGRADED_TYPES,
    COMPETENCIES,
    DOMAINS,
    ITEM_TYPES,
    Criterion,
    Item,
    competency_name,
    domain_name,
)
from kimtrain.bank.validate import check_banks, load_banks

__all__ = [
    "AUTOGRADED_TYPES",
    "COMPETENCIES",
    "DOMAINS",
    "ITEM_TYPES",
    "Criterion",
    "Item",
    "check_banks",
    "competency_name",
    "domain_name",
    "load_banks",
]
