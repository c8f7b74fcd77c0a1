"""Participants joined with the roster, and statistics per group.

Groups are the cohort, each KIM group, each desa/kelurahan and each kecamatan of
the roster (participants graded but not on the roster form a group of their own).
For each: n enrolled (on the roster), n who took the pre-test, the post-test and
both (matched pairs); mean and SD per form; for the pairs the paired difference
with its 95 % CI, d_z, Hake's ⟨g⟩ from the pairs' means with its band and the mean
of Marx & Cummings' c; and the mastery rate (score ≥ cut) per form.

A group with fewer than :data:`~kimtrain.reports.privacy.MIN_GROUP` participants
with a result is suppressed whole; in a larger group a statistic over fewer than
that many people (say, 3 matched pairs) is suppressed too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kimtrain.course.roster import Participant
from kimtrain.reports.analysis import FormAnalysis
from kimtrain.reports.privacy import MIN_GROUP
from kimtrain.reports.stats import (
    PairedStats,
    class_gain,
    gain_band,
    normalized_change,
    paired_stats,
)

__all__ = ["LEVELS", "GroupStats", "group_table", "participant_frame", "rollup"]

LEVELS = ("kim", "desa", "kecamatan")
ROLES = ("pre", "post")


@dataclass
class GroupStats:
    level: str
    group: str
    enrolled: int
    n_pre: int = 0
    n_post: int = 0
    n_pairs: int = 0
    pre_mean: float | None = None
    pre_sd: float | None = None
    post_mean: float | None = None
    post_sd: float | None = None
    paired: PairedStats | None = None
    g: float | None = None
    g_band: str | None = None
    c_mean: float | None = None
    mastery_pre: float | None = None
    mastery_post: float | None = None
    suppressed: bool = False
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def participant_frame(roster: list[Participant],
                      forms: dict[str, FormAnalysis]) -> pd.DataFrame:
    """One row per participant on the roster or with a result: group columns, then per
    form (``pre``/``post``) the score %, domain %, competency % and discernment."""
    listed = {p.id: p for p in roster}
    ids = list(dict.fromkeys([*listed, *(pid for f in forms.values()
                                         for pid in f.data.participants)]))
    frame = pd.DataFrame(index=pd.Index(ids, name="participant"))
    frame["on_roster"] = [pid in listed for pid in ids]
    for level in LEVELS:
        frame[level] = [getattr(listed[pid], level) if pid in listed else "" for pid in ids]
    columns: dict[str, Any] = {}
    for role, form in forms.items():
        where = pd.Index(form.data.participants)

        def put(name: str, values: np.ndarray, where: pd.Index = where) -> None:
            columns[name] = pd.Series(values, index=where, dtype=float).reindex(frame.index)

        put(f"{role}", form.percent)
        put(f"{role}_pending", form.data.pending.sum(axis=1).astype(float))
        for code, values in form.domains.items():
            put(f"{role}_dom_{code}", values)
        for code, values in form.competencies.items():
            put(f"{role}_comp_{code}", values)
        for result in form.discernment:
            series = pd.Series(result.per_participant, dtype=float)
            columns[f"{role}_disc_{result.set}"] = series.reindex(frame.index)
    return pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)


def _mean_sd(values: np.ndarray) -> tuple[float | None, float | None]:
    if not len(values):
        return None, None
    return float(values.mean()), (float(values.std(ddof=1)) if len(values) > 1 else None)


def role_cut(cut: float | dict[str, float], role: str) -> float:
    """The cut of one form: one number for both, or one per role (each form's own cut
    set by judges)."""
    return cut[role] if isinstance(cut, dict) else cut


def group_stats(frame: pd.DataFrame, level: str, group: str,
                cut: float | dict[str, float]) -> GroupStats:
    """The statistics of the participants in ``frame`` (already the group's rows)."""
    enrolled = int(frame["on_roster"].sum())
    stats = GroupStats(level, group, enrolled)
    pre = frame["pre"].to_numpy() if "pre" in frame else np.full(len(frame), np.nan)
    post = frame["post"].to_numpy() if "post" in frame else np.full(len(frame), np.nan)
    took_pre, took_post = ~np.isnan(pre), ~np.isnan(post)
    stats.n_pre, stats.n_post = int(took_pre.sum()), int(took_post.sum())
    both = took_pre & took_post
    stats.n_pairs = int(both.sum())
    if int((took_pre | took_post).sum()) < MIN_GROUP:
        stats.suppressed = True
        stats.reasons.append("report.reason.small_group")
        return stats
    for role, values, took in (("pre", pre, took_pre), ("post", post, took_post)):
        if f"{role}" not in frame:
            continue
        if took.sum() < MIN_GROUP:
            stats.reasons.append(f"report.reason.small_{role}")
            continue
        mean, sd = _mean_sd(values[took])
        setattr(stats, f"{role}_mean", mean)
        setattr(stats, f"{role}_sd", sd)
        setattr(stats, f"mastery_{role}",
                float((values[took] >= role_cut(cut, role)).mean()))
    if "pre" in frame and "post" in frame:
        if stats.n_pairs < MIN_GROUP:
            stats.reasons.append("report.reason.small_pairs")
        else:
            stats.paired = paired_stats(pre[both], post[both])
            if stats.paired.reason:
                stats.reasons.append(stats.paired.reason)
            stats.g, reason = class_gain(float(pre[both].mean()), float(post[both].mean()))
            stats.g_band = gain_band(stats.g)
            if reason:
                stats.reasons.append(reason)
            c = normalized_change(pre[both], post[both])
            stats.c_mean = float(np.nanmean(c)) if (~np.isnan(c)).any() else None
            if stats.c_mean is None:
                stats.reasons.append("report.reason.no_change_defined")
    return stats


def group_table(frame: pd.DataFrame, cut: float | dict[str, float]) -> list[GroupStats]:
    """The cohort first, then every group of every level in name order."""
    out = [group_stats(frame, "cohort", "", cut)]
    for level in LEVELS:
        for group, rows in frame.groupby(level, sort=True):
            out.append(group_stats(rows, level, str(group), cut))
    return out


def rollup(frame: pd.DataFrame, prefix: str, codes: list[str], level: str) -> pd.DataFrame:
    """Mean % per group of ``level`` (or the cohort) × domain/competency code, per form,
    with the number of participants behind each mean; groups under the minimum are left
    out, and a mean over fewer people is empty. Columns: group, code, n_pre, pre,
    n_post, post, n_pairs, diff."""
    roles = [r for r in ROLES if r in frame]
    keys = pd.Series("", index=frame.index) if level == "cohort" else frame[level]
    took = frame[roles].notna().any(axis=1).groupby(keys).sum()
    big = took[took >= MIN_GROUP].index
    pieces = []
    for code in codes:
        columns = {role: f"{role}_{prefix}_{code}" for role in roles
                   if f"{role}_{prefix}_{code}" in frame}
        if not columns:
            continue
        part = pd.DataFrame({role: frame[c] for role, c in columns.items()})
        if len(columns) == 2:
            part["diff"] = part["post"] - part["pre"]
        stats = part.groupby(keys).agg(["count", "mean"])
        out = pd.DataFrame({"group": stats.index.astype(str), "code": code})
        for role in columns:
            out[f"n_{role}"] = stats[(role, "count")].to_numpy()
            out[role] = stats[(role, "mean")].where(
                stats[(role, "count")] >= MIN_GROUP).to_numpy()
        if len(columns) == 2:
            out["n_pairs"] = stats[("diff", "count")].to_numpy()
            out["diff"] = stats[("diff", "mean")].where(
                stats[("diff", "count")] >= MIN_GROUP).to_numpy()
        pieces.append(out[stats.index.isin(big)])
    if not pieces:
        return pd.DataFrame()
    order = {code: i for i, code in enumerate(codes)}
    data = pd.concat(pieces, ignore_index=True)
    data = data.assign(_o=data["code"].map(order)).sort_values(["group", "_o"], kind="stable")
    return data.drop(columns="_o").reset_index(drop=True)
