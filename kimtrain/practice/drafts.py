"""Draft checkers: instant, rule-based feedback on a text a participant writes.

A checker reads an Indonesian draft (a village news item, a comment, an
announcement post, a product listing) and returns a :class:`DraftCheck`: a list of
things the draft should have (each found or not, with where or a hint) and a list
of flagged words (opinion words, insults, overclaims). It is a writing aid for
practice, not a grade: the rules look for words and patterns, and say so.

::

    from kimtrain.practice import Pemeriksa
    Pemeriksa("berita")        # a text box + "Periksa draf"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kimtrain.errors import KimtrainError
from kimtrain.i18n import get_language, t
from kimtrain.widgets.practice import DraftWidget

__all__ = ["CHECKERS", "Check", "DraftCheck", "Flag", "Pemeriksa", "check_draft"]


@dataclass(frozen=True)
class Check:
    """One thing a draft should have: ``ok`` with what was found, or a hint."""

    name: str
    ok: bool
    found: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "found": self.found}


@dataclass(frozen=True)
class Flag:
    """A word or pattern worth a second look, with the reason (a catalog key)."""

    word: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"word": self.word, "reason": self.reason}


@dataclass(frozen=True)
class DraftCheck:
    """The result of checking one draft with one checker (``kind``)."""

    kind: str
    checks: tuple[Check, ...]
    flags: tuple[Flag, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.checks if c.ok)

    @property
    def missing(self) -> list[str]:
        return [c.name for c in self.checks if not c.ok]

    @property
    def verdict(self) -> str:
        if not self.passed:
            return "wrong"
        return "correct" if not self.missing and not self.flags else "partial"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "verdict": self.verdict, "passed": self.passed,
                "checks": [c.to_dict() for c in self.checks],
                "flags": [f.to_dict() for f in self.flags]}

    def for_widget(self, lang: str) -> dict[str, Any]:
        """The card's view: translated labels, hints for what is missing, flag notes."""
        rows = []
        for c in self.checks:
            label = t(f"draft.{self.kind}.{c.name}", lang=lang)
            detail = (t("draft.found", lang=lang, found=c.found) if c.ok and c.found else
                      "" if c.ok else t(f"draft.{self.kind}.{c.name}.hint", lang=lang))
            rows.append([c.ok, label, detail])
        summary = t("draft.summary", lang=lang, passed=self.passed, total=len(self.checks))
        if self.flags:
            summary += " " + t("draft.flagged", lang=lang, count=len(self.flags))
        elif not self.missing:
            summary += " " + t("draft.all_good", lang=lang)
        return {"verdict": self.verdict, "summary": summary, "checks": rows,
                "flags": [[f.word, t(f"draft.flag.{f.reason}", lang=lang)] for f in self.flags],
                "note": t("draft.note", lang=lang)}


# -- helpers the checkers share ----------------------------------------------------------
QUOTED = re.compile(r"[\"“”«»][^\"“”«»]*[\"“”«»]")


def words_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A case-insensitive whole-word pattern for ``words`` (longest first)."""
    alternatives = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


def first_match(pattern: re.Pattern[str], text: str) -> str:
    m = pattern.search(text)
    return m.group(0).strip() if m else ""


def outside_quotes(text: str) -> str:
    """The text with quoted speech blanked out: a source's own words are not the writer's."""
    return QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip() for p in parts if len(p.split()) >= 2]


ACRONYMS = frozenset({
    "KIM", "NIK", "RT", "RW", "BPD", "PKK", "WIB", "COD", "UMKM", "BPJS", "DTKS", "PKH", "BLT",
    "BPNT", "KTP", "OTP", "PIN", "BMKG", "ITE", "PDP", "SK", "TPI", "KPU", "BPOM", "BRI", "BNI",
    "MBG", "CKG", "PAUD", "SD", "SMP", "SMA", "APK", "POLRI", "TNI", "PMI", "HUT", "ASN", "PLN",
    "PDAM", "KIA", "DPT", "TPS", "KPPS", "LKBN", "SARA", "BBM", "LPG", "RSUD", "BUMDES", "PUPR",
    "WA", "KK", "BPBD", "KUA", "TK", "SMK", "MTS", "MAN", "ATM", "QRIS", "SMS", "DTSEN", "OJK",
    "IASC",
})


def shouting(text: str) -> list[str]:
    """Words written in capitals to shout: a capitalised word of five letters or more, or
    several capitalised words together (acronyms such as KIA or BPJS are not shouting)."""
    words = [w for w in re.findall(r"\b[A-Z]{3,}\b", text) if w not in ACRONYMS]
    return words if len(words) >= 2 else [w for w in words if len(w) >= 5]


def flags_for(pattern: re.Pattern[str], text: str, reason: str) -> list[Flag]:
    seen: dict[str, Flag] = {}
    for m in pattern.finditer(text):
        word = m.group(0).lower()
        seen.setdefault(word, Flag(word, reason))
    return list(seen.values())


# -- the registry and the widget ----------------------------------------------------------
Checker = Callable[[str], DraftCheck]
CHECKERS: dict[str, Checker] = {}


def register(kind: str) -> Callable[[Checker], Checker]:
    def add(fn: Checker) -> Checker:
        CHECKERS[kind] = fn
        return fn
    return add


def check_draft(kind: str, text: str) -> DraftCheck:
    """Check ``text`` with the checker named ``kind`` (berita, komentar, pengumuman, produk)."""
    _load_checkers()
    if kind not in CHECKERS:
        raise KimtrainError("draft.unknown_kind", kind=kind, known=", ".join(sorted(CHECKERS)))
    return CHECKERS[kind](text)


def _load_checkers() -> None:
    # Importing the checker modules registers them: berita; komentar, pengumuman, produk.
    import kimtrain.practice.news
    import kimtrain.practice.posts  # noqa: F401


def Pemeriksa(kind: str, contoh: str = "", *, lang: str | None = None,
              show: bool = True) -> DraftWidget | None:
    """Show a text box whose draft is checked by the ``kind`` checker on "Periksa draf".

    ``contoh`` pre-fills the box (for example a hostile comment to rewrite). The box is
    displayed and ``None`` returned; with ``show=False`` it is returned unshown.
    """
    _load_checkers()
    if kind not in CHECKERS:
        raise KimtrainError("draft.unknown_kind", kind=kind, known=", ".join(sorted(CHECKERS)))
    language = lang or get_language()

    def on_check(widget: DraftWidget, text: str) -> None:
        if not text.strip():
            widget.result = {"verdict": "invalid", "summary": t("draft.empty", lang=language)}
            return
        widget.result = check_draft(kind, text).for_widget(language)

    labels = {"title": t(f"draft.{kind}.title", lang=language),
              "prompt": t(f"draft.{kind}.prompt", lang=language),
              "check": t("draft.check", lang=language),
              "badge": t("practice.badge", lang=language),
              "badge_hint": t("practice.badge_hint", lang=language),
              "answer": t("widget.answer", lang=language)}
    widget = DraftWidget(on_check=on_check, labels=labels, text=contoh)
    if not show:
        return widget
    from IPython.display import display

    display(widget)
    return None
