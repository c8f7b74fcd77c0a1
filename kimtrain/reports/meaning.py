""""Artinya: …" — what a statistic means, in words a non-statistician understands.

Each function takes a value and returns one sentence from the catalogs
(``results.mean.*``), choosing the wording from the value itself, so a surprising
value (a negative α, an interval that crosses zero, a group too small to show) is
explained where it appears instead of shown bare.
"""

from __future__ import annotations

from typing import Any

from kimtrain.i18n import t
from kimtrain.reports.tables import cell_text

__all__ = ["alpha_meaning", "effect_words", "stat_meaning"]


def effect_words(d: float, lang: str | None) -> str:
    """Cohen's usual words for an effect size (|d| < .2 very small … ≥ .8 large)."""
    size = abs(d)
    key = ("tiny" if size < 0.2 else "small" if size < 0.5 else "medium" if size < 0.8
           else "large")
    return t(f"results.effect.{key}", lang=lang)


def alpha_meaning(alpha: float | None, lang: str | None) -> str:
    """Reliability in words; a negative or missing α explained."""
    if alpha is None:
        return t("results.mean.alpha_none", lang=lang)
    if alpha < 0:
        return t("results.mean.alpha_negative", lang=lang)
    key = ("low" if alpha < 0.6 else "fair" if alpha < 0.7 else "good" if alpha < 0.9
           else "high")
    return t(f"results.mean.alpha_{key}", lang=lang, value=cell_text(alpha, "num2", lang or "id"))


def stat_meaning(key: str, value: Any, lang: str, *, low: float | None = None,
                 high: float | None = None) -> str:
    """The "Artinya" of one row of the statistics table (``report.sum.<key>``)."""
    if value is None or (isinstance(value, float) and value != value):
        return t("results.mean.missing", lang=lang)
    if key in ("mean_pre", "mean_post"):
        return t("results.mean.mean", lang=lang, value=cell_text(value, "pct", lang))
    if key in ("sd_pre", "sd_post"):
        return t("results.mean.sd", lang=lang, value=cell_text(value, "pct", lang))
    if key == "completion":
        return t("results.mean.completion", lang=lang, value=cell_text(value, "share", lang))
    if key == "diff":
        word = "up" if value > 0 else "down" if value < 0 else "same"
        return t(f"results.mean.diff_{word}", lang=lang,
                 value=cell_text(abs(value), "pct", lang))
    if key in ("ci_low", "ci_high"):
        if low is not None and high is not None and low <= 0 <= high:
            return t("results.mean.ci_zero", lang=lang)
        return t("results.mean.ci", lang=lang)
    if key == "t":
        return t("results.mean.t", lang=lang)
    if key == "p":
        word = "small" if value < 0.05 else "large"
        return t(f"results.mean.p_{word}", lang=lang, value=cell_text(value, "p", lang))
    if key == "d_z":
        return t("results.mean.d_z", lang=lang, words=effect_words(float(value), lang))
    if key == "g":
        return t("results.mean.g", lang=lang, value=cell_text(100 * value, "pct", lang))
    if key == "band":
        return t("results.mean.band", lang=lang)
    if key == "c":
        return t("results.mean.c", lang=lang)
    if key.startswith("mastery"):
        return t("results.mean.mastery", lang=lang, value=cell_text(value, "share", lang))
    if key in ("enrolled", "n_pre", "n_post", "n_pairs"):
        return t("results.mean.count", lang=lang)
    return ""
