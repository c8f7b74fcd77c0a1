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

import html
import re

__all__ = ["inert_markdown", "plain_text"]

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


def plain_text(markdown: str) -> str:
    """The text that :func:`inert_markdown` was given, back from a graded cell (for a
    second rater's worksheet). Leading tabs come back as spaces."""
    lines = []
    for line in markdown.split("\\\n"):
        if line == "&#160;":  # the mark of a blank line
            lines.append("")
            continue
        text = html.unescape(line)
        body = text.lstrip("\xa0")
        lines.append(" " * (len(text) - len(body)) + body)
    return "\n".join(lines)
