"""The one-page summary: key figures on the same people, and sentences a Kepala Dinas reads.

Everything here is plain data computed from the participant frame and the groups
(:mod:`.groups`), so the source of the gain can change (a later equating of the two
forms only has to change the frame's ``pre``/``post`` columns) without touching the
words. Rules:

* **Same people.** With a pre-test and a post-test, every figure that is compared
  with another — the two means, the two mastery rates, the change and its interval,
  the competency means and each group's change — is over the participants who took
  both tests (the *pairs*), and the page says so. With one test, over its takers.
* **Uncertainty in words.** The 95 % interval of the change is said as a sentence:
  "almost certainly up", "the data cannot yet tell" (it crosses zero), "down".
* **Small groups stay hidden.** A group (or a competency mean) over fewer than
  :data:`~kimtrain.reports.privacy.MIN_GROUP` people is never named.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kimtrain.i18n import t
from kimtrain.reports.groups import LEVELS, GroupStats, role_cut
from kimtrain.reports.privacy import MIN_GROUP
from kimtrain.reports.tables import Column, Table, cell_text

__all__ = ["KeyFigures", "Summary", "follow_up_frame", "key_figures", "key_table",
           "summarize"]

WEAKEST = 3


@dataclass(frozen=True)
class KeyFigures:
    """The cohort's headline numbers, all over ``basis`` (``pairs``, ``pre`` or ``post``)."""

    basis: str
    enrolled: int
    n_pre: int
    n_post: int
    n_pairs: int
    n: int  # people behind every figure below
    pre_mean: float | None = None
    post_mean: float | None = None
    mastery_pre: float | None = None  # share 0..1
    mastery_post: float | None = None
    masters_pre: int | None = None  # people at or above the cut
    masters_post: int | None = None
    diff: float | None = None  # post − pre, percentage points
    ci_low: float | None = None
    ci_high: float | None = None
    # how the two tests were put on one scale: a method name ("rasch", …) when the
    # change comes from equated scores; "unlinked" when the forms are not linked, so
    # the raw change may be a difference between the tests; None: nothing known
    scale: str | None = None
    equated_gain: float | None = None  # the change on one scale, when linked

    @property
    def latest(self) -> str:
        return "pre" if self.basis == "pre" else "post"

    @property
    def diff_shown(self) -> float | None:
        """The change as the page prints it: the difference of the two means as printed
        (one decimal), so "56,5 → 68,9" never reads "+12,5". The exact change and its
        interval are in the statistics appendix."""
        if self.pre_mean is None or self.post_mean is None or self.diff is None:
            return None
        return round(round(self.post_mean, 1) - round(self.pre_mean, 1), 1)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Competency:
    code: str
    name: str
    mean: float  # percent, latest form, over the same people as the key figures
    n: int
    kind: str = "competency"  # or "domain", when no competency has enough items


@dataclass(frozen=True)
class GroupChange:
    level: str
    group: str
    diff: float
    n_pairs: int
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def unsure(self) -> bool:
        """The 95 % interval of the change includes zero."""
        return (self.ci_low is not None and self.ci_high is not None
                and self.ci_low <= 0 <= self.ci_high)


@dataclass
class Summary:
    figures: KeyFigures
    weakest: list[Competency] = field(default_factory=list)
    least: GroupChange | None = None
    changes: list[GroupChange] = field(default_factory=list)  # every shown group, sorted
    follow_up: int = 0
    sentences: list[str] = field(default_factory=list)


def _people(frame: pd.DataFrame, roles: list[str]) -> tuple[str, pd.DataFrame]:
    if len(roles) == 2:
        return "pairs", frame[frame["pre"].notna() & frame["post"].notna()]
    role = roles[0]
    return role, frame[frame[role].notna()]


def key_figures(frame: pd.DataFrame, cohort: GroupStats, roles: list[str],
                cut: float | dict[str, float], equated: Any = None) -> KeyFigures:
    """The headline numbers over the same people (the pairs when there are two tests).
    ``equated`` (an equated gain with ``linked``, ``method``, ``pre_mean``, ``post_mean``,
    ``gain``, ``ci_low``, ``ci_high`` over the same pairs) replaces the raw means and
    change when the forms are linked; when they are not, the figures stay raw and
    ``scale`` says so."""
    basis, people = _people(frame, roles)
    n = len(people)
    values: dict[str, Any] = {}
    if n >= MIN_GROUP:
        for role in roles:
            scores = people[role].to_numpy(dtype=float)
            values[f"{role}_mean"] = float(scores.mean())
            values[f"mastery_{role}"] = float((scores >= role_cut(cut, role)).mean())
            values[f"masters_{role}"] = int((scores >= role_cut(cut, role)).sum())
        if basis == "pairs" and cohort.paired is not None:
            values.update(diff=cohort.paired.mean_diff, ci_low=cohort.paired.ci_low,
                          ci_high=cohort.paired.ci_high)
        if basis == "pairs" and equated is not None:
            if getattr(equated, "linked", False) and getattr(equated, "method", None) \
                    and getattr(equated, "gain", None) is not None:
                # the means stay raw (they match every table); the change that counts,
                # and its interval, are the equated ones, said as such
                values.update(equated_gain=equated.gain, ci_low=equated.ci_low,
                              ci_high=equated.ci_high, scale=equated.method)
            else:
                values["scale"] = "unlinked"
    return KeyFigures(basis, cohort.enrolled, cohort.n_pre, cohort.n_post, cohort.n_pairs, n,
                      **values)


def _weakest(frame: pd.DataFrame, roles: list[str], lang: str | None) -> list[Competency]:
    _, people = _people(frame, roles)
    role = "post" if "post" in roles else "pre"
    for kind, tag in (("competency", "comp"), ("domain", "dom")):
        # competencies first; the domains when fewer than three competencies have enough
        # items to be reported (a competency needs four items on the form)
        found = []
        prefix = f"{role}_{tag}_"
        for column in frame.columns:
            if not str(column).startswith(prefix):
                continue
            values = people[column].dropna()
            if len(values) >= MIN_GROUP:
                code = str(column)[len(prefix):]
                found.append(Competency(code, t(f"{kind}.{code}", lang=lang),
                                        float(values.mean()), len(values), kind))
        if len(found) >= WEAKEST or (kind == "domain" and found):
            return sorted(found, key=lambda c: (c.mean, c.code))[:WEAKEST]
    return []


def _changes(groups: list[GroupStats]) -> list[GroupChange]:
    shown = [GroupChange(g.level, g.group, g.paired.mean_diff, g.n_pairs, g.paired.ci_low,
                         g.paired.ci_high) for g in groups
             if g.level in LEVELS and not g.suppressed and g.group and g.paired is not None
             and g.paired.mean_diff is not None]
    return sorted(shown, key=lambda c: (c.diff, c.level, c.group))


def follow_up_frame(frame: pd.DataFrame, roles: list[str],
                    cut: float | dict[str, float]) -> pd.DataFrame:
    """Who needs a follow-up: below the cut on the latest test they took, or missed the
    post-test. Columns ``reason`` (a catalog key) and ``latest`` (the score); lowest first,
    those without a post-test among them."""
    latest_role = "post" if "post" in roles else "pre"
    rows = frame[frame[roles].notna().any(axis=1)]
    latest = rows[latest_role]
    if len(roles) == 2:
        latest = rows["post"].fillna(rows["pre"])
    reason = pd.Series("", index=rows.index, dtype=object)
    below = latest < role_cut(cut, latest_role)
    if len(roles) == 2:  # those without a post-test are measured by the pre-test's cut
        below = below.where(rows["post"].notna(), rows["pre"] < role_cut(cut, "pre"))
    reason[below] = f"results.follow.below_{latest_role}"
    if len(roles) == 2:
        missed_post = rows["post"].isna()
        reason[missed_post] = "results.follow.missed_post"
        reason[missed_post & below] = "results.follow.missed_post_below"
    out = pd.DataFrame({"reason": reason, "latest": latest})
    out = out[out["reason"] != ""]
    return out.sort_values(["latest"], kind="stable")


def _label(c: Competency) -> str:
    return f"{c.code} {c.name}" if c.kind == "competency" else c.name


def _fmt(value: Any, kind: str, lang: str) -> str:
    return cell_text(value, kind, lang)


def _sentences(s: Summary, roles: list[str], cuts: float | dict[str, float],
               lang: str) -> list[str]:
    f = s.figures
    cut = role_cut(cuts, f.latest)
    out = []
    if f.basis == "pairs":
        out.append(t("results.say.who_pairs", lang=lang, enrolled=f.enrolled, n_pre=f.n_pre,
                     n_post=f.n_post, n=f.n))
    else:
        out.append(t("results.say.who_one", lang=lang, enrolled=f.enrolled, n=f.n,
                     form=t(f"report.role.short.{f.basis}", lang=lang)))
    if f.n < MIN_GROUP:
        out.append(t("results.say.too_few", lang=lang, n=f.n, min=MIN_GROUP))
        return out
    if f.basis == "pairs" and f.diff is not None:
        change = t("results.say.mean_change", lang=lang, pre=_fmt(f.pre_mean, "pct", lang),
                   post=_fmt(f.post_mean, "pct", lang), diff=_fmt(f.diff_shown, "pp", lang))
        if f.scale == "unlinked":  # a raw change between two unlinked tests: say so
            change += " " + t("results.say.unlinked", lang=lang)
        elif f.ci_low is not None and f.ci_high is not None:
            if f.equated_gain is not None:
                change += " " + t("results.say.equated", lang=lang,
                                  method=t(f"results.scale.{f.scale}", lang=lang),
                                  gain=_fmt(f.equated_gain, "pp", lang))
            key = ("up" if f.ci_low > 0 else "down" if f.ci_high < 0 else "unsure")
            change += " " + t(f"results.say.ci_{key}", lang=lang,
                              low=_fmt(f.ci_low, "pp", lang), high=_fmt(f.ci_high, "pp", lang))
        out.append(change)
        if f.scale != "unlinked":  # mastery on two unlinked tests is not a change
            out.append(t("results.say.mastery_change", lang=lang, cut=f"{cut:g}",
                         pre=_fmt(f.mastery_pre, "share", lang),
                         post=_fmt(f.mastery_post, "share", lang), a=f.masters_pre,
                         b=f.masters_post, n=f.n))
    else:
        role = f.latest
        out.append(t("results.say.mean_one", lang=lang,
                     mean=_fmt(getattr(f, f"{role}_mean"), "pct", lang), cut=f"{cut:g}",
                     share=_fmt(getattr(f, f"mastery_{role}"), "share", lang),
                     a=getattr(f, f"masters_{role}"), n=f.n))
    if s.weakest:
        listed = "; ".join(f"{_label(c)} ({_fmt(c.mean, 'pct', lang)})" for c in s.weakest)
        key = "weakest" if s.weakest[0].kind == "competency" else "weakest_domains"
        out.append(t(f"results.say.{key}", lang=lang, list=listed,
                     form=t(f"report.role.short.{f.latest}", lang=lang)))
    if s.least is not None:
        out.append(t("results.say.least", lang=lang,
                     level=t(f"results.level.{s.least.level}", lang=lang),
                     group=s.least.group, diff=_fmt(s.least.diff, "pp", lang),
                     n=s.least.n_pairs) + (
            " " + t("results.say.least_unsure", lang=lang) if s.least.unsure else ""))
    elif "pre" in roles and "post" in roles:
        out.append(t("results.say.no_groups", lang=lang, min=MIN_GROUP))
    if s.weakest:
        weakest = s.weakest[0]
        module = (t(f"results.module.{weakest.code[0]}", lang=lang)
                  if weakest.kind == "competency"
                  else t(f"results.module.dom.{weakest.code}", lang=lang))
        out.append(t(f"results.say.advice_{weakest.kind}", lang=lang, code=weakest.code,
                     name=weakest.name, module=module, count=s.follow_up))
    elif s.follow_up:
        out.append(t("results.say.advice_follow", lang=lang, count=s.follow_up))
    return out


def summarize(frame: pd.DataFrame, groups: list[GroupStats], roles: list[str],
              cut: float | dict[str, float], lang: str, equated: Any = None) -> Summary:
    """Key figures, weakest competencies, the least-improved group and the sentences."""
    figures = key_figures(frame, groups[0], roles, cut, equated)
    summary = Summary(figures)
    if figures.n >= MIN_GROUP:
        summary.weakest = _weakest(frame, roles, lang)
    summary.changes = _changes(groups)
    for level in LEVELS:  # the least-improved KIM first; else desa; else kecamatan
        found = [c for c in summary.changes if c.level == level]
        if found:
            summary.least = found[0]
            break
    summary.follow_up = len(follow_up_frame(frame, roles, cut))
    summary.sentences = _sentences(summary, roles, cut, lang)
    return summary


def key_table(summary: Summary, roles: list[str], cut: float | dict[str, float],
              lang: str) -> Table:
    """The key figures as label/value rows (the sentences quote exactly these values)."""
    f = summary.figures
    rows: list[dict[str, Any]] = []

    def add(key: str, value: Any, kind: str, **params: Any) -> None:
        rows.append({"measure": t(f"results.key.{key}", lang=lang, **params), "value": value,
                     "kind": kind})

    add("enrolled", f.enrolled, "int")
    for role in roles:
        add(f"n_{role}", getattr(f, f"n_{role}"), "int")
    add(f"basis_{f.basis}", f.n, "int")
    for role in roles:
        add(f"mean_{role}", getattr(f, f"{role}_mean"), "pct")
    if f.basis == "pairs":
        add("diff", f.diff_shown, "pp")
        if f.equated_gain is not None:
            add("diff_equated", f.equated_gain, "pp",
                method=t(f"results.scale.{f.scale}", lang=lang))
        add("ci", None if f.ci_low is None else
            f"{_fmt(f.ci_low, 'pp', lang)} … {_fmt(f.ci_high, 'pp', lang)}", "text")
    if f.scale != "unlinked":  # without a link, mastery rates are not compared
        for role in roles:
            add(f"mastery_{role}", getattr(f, f"mastery_{role}"), "share",
                cut=f"{role_cut(cut, role):g}")
    for c in summary.weakest:
        add(c.kind, c.mean, "pct", code=c.code, name=c.name)
    frame = pd.DataFrame(rows, columns=["measure", "value", "kind"])
    return Table("angka_utama", t("results.key.title", lang=lang, basis=t(
        f"results.basis.{f.basis}", lang=lang, n=f.n)), [
        Column("measure", t("report.col.measure", lang=lang)),
        Column("value", t("report.col.value", lang=lang), "mixed")], frame,
        note=t(f"results.key.note_{f.basis}", lang=lang, n=f.n))


def change_values(summary: Summary) -> np.ndarray:
    """The shown groups' changes, lowest first (for the chart and the tests)."""
    return np.array([c.diff for c in summary.changes], dtype=float)
