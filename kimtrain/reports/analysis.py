"""One form analysed: scores in percent, reliability, item analysis, discernment.

Conventions (also printed in the report's method notes):

* A participant's score is points over the maximum of the items graded so far;
  written tasks still waiting for a person count neither way.
* Reliability and item statistics use the items every participant has a score for
  (an item still waiting for manual grading for anyone is left out and listed),
  over all participants of the form.
* Subscores (per domain, per competency) are reported for participants only where
  that subscore's α ≥ .60; group means are reported regardless.
* Distractor analysis counts the options each participant chose; the key is the
  option(s) of the responses that earned full marks (the manifest holds no keys).
* Discernment, per "hoaks atau fakta" set: hit rate = share of the fact statements
  answered "fakta", false-alarm rate = share of the hoax statements answered
  "fakta", discernment = hit − false alarm; blank answers count in neither.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from kimtrain.reports.data import FormData, ItemInfo
from kimtrain.reports.stats import AlphaResult, ItemStats, cronbach_alpha, item_statistics, kr20

__all__ = ["SUBSCORE_MIN_ALPHA", "FormAnalysis", "analyse_form"]

SUBSCORE_MIN_ALPHA = 0.60
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
    codes = list(dict.fromkeys(getattr(item, attr) for item in items if getattr(item, attr)))
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


def _chosen(item: ItemInfo, response: Any) -> list[str]:
    if response is None:
        return []
    if item.type == "truefalse":
        return ["true" if response is True else "false"] if isinstance(response, bool) else []
    if item.type == "multiple":
        return [str(r) for r in response] if isinstance(response, list) else [str(response)]
    return [str(response)] if item.type == "single" else []


def _options(item: ItemInfo, responses: dict[str, tuple[Any, str]],
             percent_of: dict[str, float]) -> list[OptionRow]:
    if item.type == "truefalse":
        labels = item.labels or ("Benar", "Salah")
        choices = [("true", labels[0]), ("false", labels[1])]
    elif item.type in ("single", "multiple"):
        choices = list(item.options)
    else:
        return []
    counts: Counter[str] = Counter()
    totals: dict[str, list[float]] = {key: [] for key, _ in choices}
    keys: set[str] = set()
    for participant, (response, status) in responses.items():
        chosen = _chosen(item, response)
        counts.update(chosen)
        for key in chosen:
            if key in totals and participant in percent_of:
                totals[key].append(percent_of[participant])
        if status == "correct":
            keys.update(chosen)
    answered = sum(1 for response, _ in responses.values() if _chosen(item, response))
    return [OptionRow(key, label, counts[key], counts[key] / answered if answered else None,
                      float(np.mean(totals[key])) if totals[key] else None, key in keys)
            for key, label in choices]


def _discernment(form: FormData) -> list[Discernment]:
    found = []
    sets = dict.fromkeys(i.discernment_set for i in form.items
                         if i.discernment_set and i.type == "truefalse")
    for name in sets:
        keyed: list[tuple[int, bool]] = []
        for index, item in enumerate(form.items):
            if item.discernment_set != name or item.type != "truefalse":
                continue
            key = next((r for r, s in form.responses[index].values()
                        if s == "correct" and isinstance(r, bool)), None)
            if key is None:
                key = next((not r for r, s in form.responses[index].values()
                            if s == "wrong" and isinstance(r, bool)), None)
            if key is not None:
                keyed.append((index, key))
        n_true = sum(1 for _, k in keyed if k)
        n_false = len(keyed) - n_true
        if not n_true or not n_false:
            found.append(Discernment(name, n_true, n_false, 0, None, None, None,
                                     "report.reason.one_sided_set"))
            continue
        hits, alarms, per = [], [], {}
        for participant in form.participants:
            said = {True: [0, 0], False: [0, 0]}  # statement is fact -> [judged fakta, answered]
            for index, key in keyed:
                response = form.responses[index].get(participant, (None, ""))[0]
                if isinstance(response, bool):
                    said[key][0] += response
                    said[key][1] += 1
            if said[True][1] and said[False][1]:
                hit, alarm = said[True][0] / said[True][1], said[False][0] / said[False][1]
                hits.append(hit)
                alarms.append(alarm)
                per[participant] = hit - alarm
        if not per:
            found.append(Discernment(name, n_true, n_false, 0, None, None, None,
                                     "report.reason.no_answers"))
            continue
        found.append(Discernment(name, n_true, n_false, len(per), float(np.mean(hits)),
                                 float(np.mean(alarms)),
                                 float(np.mean(hits) - np.mean(alarms)), None, per))
    return found


def analyse_form(form: FormData) -> FormAnalysis:
    """Percent scores, reliability, subscores, item table and discernment of one form."""
    everything = np.ones(len(form.items), dtype=bool)
    percent = _percent(form.scores, form.max_points, everything)
    domains = {code: _percent(form.scores, form.max_points, cols)
               for code, cols in _groups_of(form.items, "domain").items()}
    competencies = {code: _percent(form.scores, form.max_points, cols)
                    for code, cols in _groups_of(form.items, "competency").items()}
    complete = ~np.isnan(form.scores).any(axis=0) if len(form.participants) else everything
    reliability = _reliability(form, complete)
    subscores = []
    for kind, attr in (("domain", "domain"), ("competency", "competency")):
        for code, cols in _groups_of(form.items, attr).items():
            use = cols & complete
            alpha = cronbach_alpha(form.scores[:, use])
            shown = alpha.alpha is not None and alpha.alpha >= SUBSCORE_MIN_ALPHA
            subscores.append(Subscore(kind, code, int(use.sum()), alpha, shown))
    stats = item_statistics(form.scores[:, complete], form.max_points[complete])
    by_column = dict(zip(np.flatnonzero(complete), stats, strict=True))
    percent_of = {p: float(v) for p, v in zip(form.participants, percent, strict=True)}
    rows = []
    for index, item in enumerate(form.items):
        item_stats = by_column.get(index)
        pending = int(form.pending[:, index].sum())
        statuses = Counter(s for _, s in form.responses[index].values())
        rows.append(ItemRow(
            info=item, stats=item_stats, graded=int((~np.isnan(form.scores[:, index])).sum()),
            pending=pending, flags=_flags(item_stats, pending),
            statuses={s: statuses.get(s, 0) for s in STATUSES},
            options=_options(item, form.responses[index], percent_of),
        ))
    return FormAnalysis(form, percent, domains, competencies, reliability, subscores, rows,
                        _discernment(form))
