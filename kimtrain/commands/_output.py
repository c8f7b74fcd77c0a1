"""Printing helpers shared by the command modules."""

from __future__ import annotations


def say(text: str = "") -> None:
    print(text, flush=True)


def format_points(value: float) -> str:
    """1.0 -> "1", 0.6667 -> "0,67" (Indonesian) or "0.67" (English)."""
    from kimtrain.i18n.formats import points

    return points(value)


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """Aligned plain text: the first column left-aligned, the others right-aligned."""
    table = [header, *rows]
    widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
