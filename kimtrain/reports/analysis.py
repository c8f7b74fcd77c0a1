"""One form analysed: scores in percent, reliability, item analysis, discernment.

Conventions (also printed in the report's method notes):

* A participant's score is points over the maximum of the items graded so far;
  written tasks still waiting for a person count neither way.
* Reliability and item statistics use the items every participant has a score for
  (an item still waiting for manual grading for anyone is left out and listed),
  over all participants of the form.
* Subscores (per domain, per competency) are reported for participants only where
  that subscore's α ≥ .60; group means are reported regardless.
* A competency is reported at all only where the form has at least
  :data:`MIN_COMPETENCY_ITEMS` items for it (one or two items cannot support a claim
  about a competency); otherwise its items count in their domain only.
* Distractor analysis counts the options each participant chose; the key is the
  option(s) of the responses that earned full marks (the manifest holds no keys).
* Discernment, per "hoaks atau fakta" set: hit rate = share of the fact statements
  answered "fakta", false-alarm rate = share of the hoax statements answered
  "fakta", discernment = hit − false alarm; blank answers count in neither.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kimtrain import items as item_types
from kimtrain.reports.data import FormData, ItemInfo
from kimtrain.reports.stats import AlphaResult, ItemStats, cronbach_alpha, item_statistics, kr20

__all__ = ["MIN_COMPETENCY_ITEMS", "SUBSCORE_MIN_ALPHA", "FormAnalysis", "analyse_form"]

SUBSCORE_MIN_ALPHA = 0.60
MIN_COMPETENCY_ITEMS = 4
FACILITY_LOW, FACILITY_HIGH = 0.20, 0.90
DISCRIMINATION_LOW, EFFICIENCY_LOW = 20.0, 15.0
STATUSES = ("correct", "partial", "wrong", "blank", "invalid", "manual")


@dataclass
class OptionRow:
    option: str
    label: str
    count: int
    share: float | None
    mean_total: float | None  # mean score % of those who chose it
    is_key: bool


@dataclass
class ItemRow:
    info: ItemInfo
    stats: ItemStats | None
    graded: int
    pending: int
    flags: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    options: list[OptionRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Reliability:
    n: int
    k: int
    mean: float | None  # percent
    sd: float | None  # percent
    alpha: AlphaResult
    kr20: float | None
    kr20_reason: str | None
    sem: float | None  # percent
    left_out: list[str] = field(default_factory=list)


@dataclass
class Subscore:
    kind: str  # "domain" | "competency"
    code: str
    k: int
    alpha: AlphaResult
    shown: bool


@dataclass
class Discernment:
    set: str
    n_true: int
    n_false: int
    n: int
    hit: float | None
    false_alarm: float | None
    discernment: float | None
    reason: str | None
    per_participant: dict[str, float] = field(default_factory=dict)


@dataclass
class FormAnalysis:
    data: FormData
    percent: np.ndarray
    domains: dict[str, np.ndarray]
    competencies: dict[str, np.ndarray]
    reliability: Reliability
    subscores: list[Subscore]
    items: list[ItemRow]
    discernment: list[Discernment]

    @property
    def name(self) -> str:
        return self.data.name

    def subscore_shown(self, kind: str, code: str) -> bool:
        return any(s.shown for s in self.subscores if s.kind == kind and s.code == code)


def _percent(scores: np.ndarray, max_points: np.ndarray, columns: np.ndarray) -> np.ndarray:
    part = scores[:, columns]
    graded = ~np.isnan(part)
    top = (graded * max_points[columns]).sum(axis=1)
    got = np.nansum(part, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(top > 0, 100.0 * got / np.where(top > 0, top, 1), np.nan)


def _groups_of(items: list[ItemInfo], attr: str) -> dict[str, np.ndarray]:
    """Item masks per domain or competency, in the pillars' fixed order (C, E, A, B, M, K)."""
    from kimtrain.bank.model import COMPETENCIES, DOMAINS

    order = {code: n for n, code in enumerate([*DOMAINS, *COMPETENCIES])}
    codes = sorted(dict.fromkeys(getattr(item, attr) for item in items if getattr(item, attr)),
                   key=lambda code: order.get(code, len(order)))
    return {code: np.array([getattr(item, attr) == code for item in items]) for code in codes}


def _reliability(form: FormData, complete: np.ndarray) -> Reliability:
    x = form.scores[:, complete]
    top = form.max_points[complete]
    alpha = cronbach_alpha(x)
    total = x.sum(axis=1) * 100 / top.sum() if top.sum() else np.zeros(len(x))
    sd = float(total.std(ddof=1)) if len(total) > 1 else None
    value, reason = kr20(x, top) if x.size else (None, "report.reason.one_item")
    sem = None
    if sd is not None and alpha.alpha is not None and alpha.alpha >= 0:
        sem = sd * float(np.sqrt(1 - min(alpha.alpha, 1.0)))
    left_out = [item.id for item, ok in zip(form.items, complete, strict=True) if not ok]
    mean = float(total.mean()) if len(x) else None
    return Reliability(n=len(x), k=int(complete.sum()), mean=mean, sd=sd, alpha=alpha,
                       kr20=value, kr20_reason=reason, sem=sem,
                       left_out=left_out)


def _flags(stats: ItemStats | None, pending: int) -> list[str]:
    flags = []
    if pending:
        flags.append("report.flag.pending")
    if stats is None:
        return flags
    if stats.facility is not None and stats.facility < FACILITY_LOW:
        flags.append("report.flag.hard")
    if stats.facility is not None and stats.facility > FACILITY_HIGH:
        flags.append("report.flag.easy")
    if stats.reason == "report.reason.item_constant":
        flags.append("report.flag.constant")
    elif stats.discrimination is not None and stats.discrimination < 0:
        flags.append("report.flag.negative")
    elif stats.discrimination is not None and stats.discrimination < DISCRIMINATION_LOW:
        flags.append("report.flag.low_discrimination")
    if stats.efficiency is not None and stats.efficiency < EFFICIENCY_LOW:
        flags.append("report.flag.low_efficiency")
    return flags


def _choices(form: FormData) -> pd.DataFrame:
    """One row per option chosen: row (participant), col (item), option, correct. Each
    item type says which options a response chose (:mod:`kimtrain.items`)."""
    res = form.results
    if res.empty:
        return pd.DataFrame(columns=["row", "col", "option", "correct"])
    kinds = [_kind(item) for item in form.items]
    kind = np.array([k.name if k else "" for k in kinds], dtype=object)[res["col"].to_numpy()]
    parts = []
    for item_type in {k.name: k for k in kinds if k is not None}.values():
        part = res[kind == item_type.name]
        if part.empty:
            continue
        listed = part.assign(option=part["response"].map(item_type.chosen_options))
        listed = listed.explode("option")
        parts.append(pd.DataFrame({"row": listed["row"], "col": listed["col"],
                                   "option": listed["option"],
                                   "correct": listed["status"] == "correct"}))
    if not parts:
        return pd.DataFrame(columns=["row", "col", "option", "correct"])
    chosen = pd.concat(parts, ignore_index=True)
    chosen = chosen[chosen["option"].notna()]
    return chosen.astype({"option": str})


def _kind(item: ItemInfo) -> item_types.ItemType | None:
    """The item's type; ``None`` for an item graded but no longer in the manifest."""
    return item_types.get(item.type, item.id) if item.type else None


def _options(form: FormData, percent: np.ndarray) -> list[list[OptionRow]]:
    """Per item: each option's count, share of those who answered, mean score % of its
    choosers, and whether it is (part of) the key."""
    chosen = _choices(form)
    chosen = chosen.assign(total=percent[chosen["row"].to_numpy(dtype=int)])
    counts = chosen.groupby(["col", "option"]).agg(count=("row", "size"),
                                                  mean_total=("total", "mean"),
                                                  key=("correct", "any"))
    answered = chosen.groupby("col")["row"].nunique()
    out: list[list[OptionRow]] = []
    for index, item in enumerate(form.items):
        kind = _kind(item)
        options = kind.analysis_options(item.options, item.labels) if kind else []
        if not options:
            out.append([])
            continue
        total = int(answered.get(index, 0))
        rows = []
        for key, label in options:
            found = counts.loc[(index, key)] if (index, key) in counts.index else None
            count = int(found["count"]) if found is not None else 0
            rows.append(OptionRow(key, label, count, count / total if total else None,
                                  float(found["mean_total"]) if found is not None else None,
                                  bool(found["key"]) if found is not None else False))
        out.append(rows)
    return out


def _discernment(form: FormData) -> list[Discernment]:
    found = []
    res = form.results
    sets = dict.fromkeys(i.discernment_set for i in form.items
                         if i.discernment_set and i.type == "truefalse")
    for name in sets:
        members = [i for i, item in enumerate(form.items)
                   if item.discernment_set == name and item.type == "truefalse"]
        part = res[res["col"].isin(members) & res["response"].map(
            lambda r: isinstance(r, bool)).to_numpy()]
        judged = part["response"].astype(bool)
        # the key: what the full-marks answers said (or the opposite of the wrong ones)
        key_votes = np.where(part["status"] == "correct", judged,
                             np.where(part["status"] == "wrong", ~judged, np.nan))
        keys = pd.Series(key_votes, index=part.index).groupby(part["col"]).first()
        keys = keys.dropna().astype(bool)
        n_true, n_false = int(keys.sum()), int((~keys).sum())
        if not n_true or not n_false:
            found.append(Discernment(name, n_true, n_false, 0, None, None, None,
                                     "report.reason.one_sided_set"))
            continue
        part = part[part["col"].isin(keys.index)]
        is_fact = part["col"].map(keys)
        said_fact = part["response"].astype(bool)
        per = pd.DataFrame({"row": part["row"], "fact": is_fact, "said": said_fact})
        hit = per[per["fact"]].groupby("row")["said"].mean()
        alarm = per[~per["fact"]].groupby("row")["said"].mean()
        both = hit.index.intersection(alarm.index)
        if not len(both):
            found.append(Discernment(name, n_true, n_false, 0, None, None, None,
                                     "report.reason.no_answers"))
            continue
        hit, alarm = hit[both], alarm[both]
        people = {form.participants[r]: float(d) for r, d in (hit - alarm).items()}
        found.append(Discernment(name, n_true, n_false, len(both), float(hit.mean()),
                                 float(alarm.mean()), float(hit.mean() - alarm.mean()), None,
                                 people))
    return found


def analyse_form(form: FormData) -> FormAnalysis:
    """Percent scores, reliability, subscores, item table and discernment of one form."""
    everything = np.ones(len(form.items), dtype=bool)
    percent = _percent(form.scores, form.max_points, everything)
    domains = {code: _percent(form.scores, form.max_points, cols)
               for code, cols in _groups_of(form.items, "domain").items()}
    competencies = {code: _percent(form.scores, form.max_points, cols)
                    for code, cols in _groups_of(form.items, "competency").items()
                    if cols.sum() >= MIN_COMPETENCY_ITEMS}
    complete = ~np.isnan(form.scores).any(axis=0) if len(form.participants) else everything
    reliability = _reliability(form, complete)
    subscores = []
    for kind, attr in (("domain", "domain"), ("competency", "competency")):
        for code, cols in _groups_of(form.items, attr).items():
            use = cols & complete
            alpha = cronbach_alpha(form.scores[:, use])
            shown = alpha.alpha is not None and alpha.alpha >= SUBSCORE_MIN_ALPHA and (
                kind == "domain" or cols.sum() >= MIN_COMPETENCY_ITEMS)
            subscores.append(Subscore(kind, code, int(use.sum()), alpha, shown))
    stats = item_statistics(form.scores[:, complete], form.max_points[complete])
    by_column = dict(zip(np.flatnonzero(complete).tolist(), stats, strict=True))
    options = _options(form, percent)
    statuses = form.results.groupby(["col", "status"]).size()
    rows = []
    for index, item in enumerate(form.items):
        item_stats = by_column.get(index)
        pending = int(form.pending[:, index].sum())
        rows.append(ItemRow(
            info=item, stats=item_stats, graded=int((~np.isnan(form.scores[:, index])).sum()),
            pending=pending, flags=_flags(item_stats, pending),
            statuses={s: int(statuses.get((index, s), 0)) for s in STATUSES},
            options=options[index],
        ))
    return FormAnalysis(form, percent, domains, competencies, reliability, subscores, rows,
                        _discernment(form))
