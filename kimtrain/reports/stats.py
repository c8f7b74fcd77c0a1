"""The statistics of a coordinator report, as pure functions of numbers.

Formulas (``shared/context/measurement.md``; Moodle's ``question/classes/statistics``):

* Cronbach's α = k/(k−1)·(1 − Σσ²ᵢ/σ²_T), with Feldt's CI
  1 − (1−α)·F⁻¹(q; n−1, (n−1)(k−1)). Missing values: ``listwise`` drops persons
  with any missing item and uses their true n for the CI (pingouin keeps the n
  before deletion); ``pairwise`` uses pairwise covariances, exactly as pingouin.
* KR-20 = k/(k−1)·(1 − Σpᵢqᵢ/σ²_T) with σ²_T over n (the same divisor as pq, so it
  equals α on 0/1 data); only for items scored all-or-nothing.
* SEM = SD_T·√(1−α).
* Items (Moodle): facility = mean mark / max mark; SD of the mark (sample);
  discrimination index = 100·corr(mark, rest of test); discriminative efficiency =
  100·cov(mark, rest)/cov_max, cov_max pairing the sorted marks with the sorted
  rest marks; point-biserial = corr(mark, total); α if the item is deleted;
  upper−lower D over the top and bottom 27 % by total (ties broken by row order).
* Gains: paired difference with its t-based 95 % CI, d_z = mean/SD of the
  differences; Hake's class gain ⟨g⟩ = (post−pre)/(100−pre) of the means, bands
  high > .70 ≥ medium ≥ .30 > low; Marx & Cummings' c per person (a gain divided
  by 100−pre, a loss by pre, 0 for no change, undefined when pre = post = 0 or 100).

A value that cannot be computed is ``None`` together with a ``reason`` — a key
``report.reason.*`` in the catalogs — never a silent NaN.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = [
    "AlphaResult",
    "ItemStats",
    "PairedStats",
    "alpha_if_deleted",
    "class_gain",
    "cronbach_alpha",
    "gain_band",
    "individual_gain",
    "item_statistics",
    "kr20",
    "normalized_change",
    "paired_stats",
    "sem",
]

HIGH_GAIN, MEDIUM_GAIN = 0.7, 0.3


@dataclass(frozen=True)
class AlphaResult:
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    k: int
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _feldt(alpha: float, n: int, k: int, ci: float) -> tuple[float | None, float | None]:
    from scipy.special import fdtri  # inverse F CDF; scipy.stats costs a second to import

    if n < 2:
        return None, None
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - ci) / 2
    return (1 - (1 - alpha) * float(fdtri(df1, df2, 1 - tail)),
            1 - (1 - alpha) * float(fdtri(df1, df2, tail)))


def cronbach_alpha(data: Any, nan_policy: str = "listwise", ci: float = 0.95) -> AlphaResult:
    """α of a persons × items matrix (NaN = missing) with its Feldt CI."""
    x = np.asarray(data, dtype=float)
    if x.ndim != 2:
        raise ValueError("a persons × items matrix is needed")
    n, k = x.shape
    if nan_policy == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
        n = x.shape[0]
        cov = np.cov(x, rowvar=False, ddof=1) if n >= 2 and k >= 2 else None
    elif nan_policy == "pairwise":
        import pandas as pd

        cov = pd.DataFrame(x).cov().to_numpy() if n >= 2 and k >= 2 else None
    else:
        raise ValueError(f"nan_policy must be listwise or pairwise, not {nan_policy!r}")
    if k < 2:
        reason = "report.reason.no_items" if k == 0 else "report.reason.one_item"
        return AlphaResult(None, None, None, n, k, reason)
    if n < 2 or cov is None:
        return AlphaResult(None, None, None, n, k, "report.reason.too_few")
    total = float(np.nansum(cov))
    if not total > 0:
        return AlphaResult(None, None, None, n, k, "report.reason.zero_variance")
    alpha = k / (k - 1) * (1 - float(np.nansum(np.diag(cov))) / total)
    low, high = _feldt(alpha, n, k, ci)
    return AlphaResult(alpha, low, high, n, k)


def kr20(data: Any, max_points: Any) -> tuple[float | None, str | None]:
    """KR-20 of complete all-or-nothing items (score 0 or max); else ``None`` and why."""
    x = np.asarray(data, dtype=float)
    n, k = x.shape
    if k < 2:
        return None, "report.reason.one_item"
    if n < 2:
        return None, "report.reason.too_few"
    p = x / np.asarray(max_points, dtype=float)
    if not np.all((p == 0) | (p == 1)):
        return None, "report.reason.not_dichotomous"
    total_var = float(p.sum(axis=1).var(ddof=0))
    if total_var == 0:
        return None, "report.reason.zero_variance"
    mean = p.mean(axis=0)
    return k / (k - 1) * (1 - float((mean * (1 - mean)).sum()) / total_var), None


def sem(sd: float | None, alpha: float | None) -> float | None:
    """Standard error of measurement; ``None`` when α is unknown or negative."""
    if sd is None or alpha is None or alpha < 0:
        return None
    return sd * math.sqrt(1 - min(alpha, 1.0))


@dataclass(frozen=True)
class ItemStats:
    facility: float | None  # 0..1
    sd: float | None  # of the mark, as a fraction of the item's maximum
    discrimination: float | None  # Moodle: 100 × corr(mark, rest)
    efficiency: float | None  # Moodle: 100 × cov / cov_max
    point_biserial: float | None  # corr(mark, total)
    alpha_if_deleted: float | None
    upper_lower: float | None  # D over the 27 % groups
    n: int
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(num: np.ndarray, den: np.ndarray) -> list[float | None]:
    return [float(a / b) if b > 1e-12 else None for a, b in zip(num, den, strict=True)]


def alpha_if_deleted(cov: np.ndarray) -> list[float | None]:
    """α of the remaining items when each one is left out, from their covariance matrix."""
    k = cov.shape[0]
    if k < 3:
        return [None] * k
    total, trace = cov.sum(), np.trace(cov)
    rest_total = total - 2 * cov.sum(axis=1) + np.diag(cov)
    rest_trace = trace - np.diag(cov)
    return [(k - 1) / (k - 2) * (1 - float(rt / tt)) if tt > 1e-12 else None
            for rt, tt in zip(rest_trace, rest_total, strict=True)]


def item_statistics(data: Any, max_points: Any, upper_share: float = 0.27) -> list[ItemStats]:
    """Moodle's item statistics over complete rows of a persons × items mark matrix."""
    x = np.asarray(data, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    top = np.asarray(max_points, dtype=float)
    if n < 2:
        return [ItemStats(None, None, None, None, None, None, None, n, "report.reason.too_few")
                for _ in range(k)]
    total = x.sum(axis=1)
    rest = total[:, None] - x
    dx = x - x.mean(axis=0)
    dr = rest - rest.mean(axis=0)
    dt = total - total.mean()
    var_x = (dx**2).sum(axis=0) / (n - 1)
    var_r = (dr**2).sum(axis=0) / (n - 1)
    cov_xr = (dx * dr).sum(axis=0) / (n - 1)
    sx, sr = np.sort(x, axis=0), np.sort(rest, axis=0)
    cov_max = ((sx - sx.mean(axis=0)) * (sr - sr.mean(axis=0))).sum(axis=0) / (n - 1)
    cov_xt = (dx * dt[:, None]).sum(axis=0) / (n - 1)
    var_t = float((dt**2).sum() / (n - 1))
    discrimination = _ratio(100 * cov_xr, np.sqrt(var_x * var_r))
    efficiency = _ratio(100 * cov_xr, cov_max)
    point_biserial = _ratio(cov_xt, np.sqrt(var_x * var_t))
    deleted = alpha_if_deleted(np.cov(x, rowvar=False, ddof=1).reshape(k, k))
    group = max(1, round(upper_share * n))
    order = np.argsort(-total, kind="stable")
    upper, lower = x[order[:group]] / top, x[order[-group:]] / top
    d_values = upper.mean(axis=0) - lower.mean(axis=0)
    out = []
    for i in range(k):
        reason = None
        if var_x[i] == 0:
            reason = "report.reason.item_constant"
        elif k == 1:
            reason = "report.reason.one_item"
        out.append(ItemStats(
            facility=float(x[:, i].mean() / top[i]) if top[i] else None,
            sd=float(math.sqrt(var_x[i]) / top[i]) if top[i] else None,
            discrimination=discrimination[i], efficiency=efficiency[i],
            point_biserial=point_biserial[i], alpha_if_deleted=deleted[i],
            upper_lower=float(d_values[i]), n=n, reason=reason,
        ))
    return out


@dataclass(frozen=True)
class PairedStats:
    n: int
    mean_diff: float | None
    sd_diff: float | None
    ci_low: float | None
    ci_high: float | None
    t: float | None
    p: float | None
    d_z: float | None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def paired_stats(pre: Any, post: Any, ci: float = 0.95) -> PairedStats:
    """Mean of post − pre with its t-based CI, paired t test and d_z."""
    from scipy.special import stdtr, stdtrit  # Student t CDF and its inverse

    diff = np.asarray(post, dtype=float) - np.asarray(pre, dtype=float)
    n = int(diff.size)
    if n == 0:
        return PairedStats(0, None, None, None, None, None, None, None, "report.reason.no_pairs")
    mean = float(diff.mean())
    if n < 2:
        return PairedStats(n, mean, None, None, None, None, None, None, "report.reason.too_few")
    sd = float(diff.std(ddof=1))
    if sd == 0:
        return PairedStats(n, mean, 0.0, mean, mean, None, None, None,
                           "report.reason.same_difference")
    se = sd / math.sqrt(n)
    half = float(stdtrit(n - 1, 0.5 + ci / 2)) * se
    t_value = mean / se
    p_value = float(2 * stdtr(n - 1, -abs(t_value)))
    return PairedStats(n, mean, sd, mean - half, mean + half, t_value, p_value, mean / sd)


def class_gain(mean_pre: float | None, mean_post: float | None) -> tuple[float | None, str | None]:
    """Hake's ⟨g⟩ from the class means in percent; undefined when the pre mean is 100."""
    if mean_pre is None or mean_post is None:
        return None, "report.reason.no_pairs"
    if mean_pre >= 100:
        return None, "report.reason.pre_full"
    return (mean_post - mean_pre) / (100 - mean_pre), None


def gain_band(g: float | None) -> str | None:
    """``high`` above .70, ``medium`` from .30 to .70 (both ends), ``low`` below .30."""
    if g is None:
        return None
    if g > HIGH_GAIN:
        return "high"
    return "medium" if g >= MEDIUM_GAIN else "low"


def normalized_change(pre: Any, post: Any) -> np.ndarray:
    """Marx & Cummings' c per person (percent scores); NaN where pre = post = 0 or 100,
    or where either score is missing."""
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    c = np.zeros_like(pre)
    up, down = post > pre, post < pre
    with np.errstate(divide="ignore", invalid="ignore"):
        c[up] = (post[up] - pre[up]) / (100 - pre[up])
        c[down] = (post[down] - pre[down]) / pre[down]
    c[(pre == post) & ((pre == 0) | (pre == 100))] = np.nan
    c[np.isnan(pre) | np.isnan(post)] = np.nan  # one form missing: no change to speak of
    return c


def individual_gain(pre: Any, post: Any) -> np.ndarray:
    """Hake's g per person; NaN where pre = 100 (undefined)."""
    pre = np.asarray(pre, dtype=float)
    post = np.asarray(post, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (post - pre) / (100 - pre)
    g[pre >= 100] = np.nan
    return g
