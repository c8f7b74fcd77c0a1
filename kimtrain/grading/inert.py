"""Participant text made inert for the places a trainer reads it.

A written answer goes into a Markdown cell that formgrader (nbconvert) and JupyterLab
render. Markdown passes raw HTML through and gives meaning to ``[x](javascript:…)``,
``![img](…)``, ``#``, ``*``, ``>``, indentation and more, so escaping ``<`` alone is
not enough. :func:`inert_markdown` writes every ASCII punctuation mark as a numeric
character reference (``&#60;``): CommonMark, mistune and marked all show such a
reference as the character itself and never read it as structure. Line breaks become
hard breaks (a trailing backslash), leading spaces become no-break
spaces (so four spaces do not start a code block), and the result renders as exactly
the text the participant typed.
"""

from __future__ import annotations

import re

__all__ = ["inert_markdown"]

_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation mark
_LEADING = re.compile(r"^[ \t]+")


def _reference(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def _line(line: str) -> str:
    body = _PUNCTUATION.sub(_reference, line)
    return _LEADING.sub(lambda m: "&#160;" * len(m.group().expandtabs(4)), body)


def inert_markdown(text: str) -> str:
    """``text`` as Markdown that renders as that very text: no markup, no links, no
    images, no math, its line breaks kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # an empty line would end the paragraph; a no-break space keeps the blank line
    lines = [_line(line) or "&#160;" for line in lines]
    return "\\\n".join(lines)
