"""Pre and post forms on one scale before any gain is reported.

Designs (declared in the blueprints, :mod:`kimtrain.assessment.design`):

* ``anchor`` — the forms share a block of common items (≥ 20 %, every domain);
* ``counterbalanced`` — half the roster takes form A first and B second, half the
  reverse (the assignment is recorded in the course, ``roster/urutan.csv``);
* ``same`` — one form, given twice;
* anything else is *not linked*: no gain is computed at all.

Methods, in this order:

* **Rasch concurrent calibration** (:func:`kimtrain.reports.irt.rasch_mml`) when at
  least :data:`RASCH_MIN_PAIRS` participants took both occasions: one row per person
  and occasion, items shared by id (the anchor links the forms), one normal ability
  distribution per occasion (pre: N(0, σ²), post: N(μ, σ²)). Under counterbalancing
  both forms are taken at each occasion by randomly equivalent halves, which fixes
  the forms' relative difficulty. The gain is μ in logits and, on the familiar scale,
  the change of the expected percent on the pre-test form (its test characteristic
  curve averaged over each occasion's ability distribution).
* **Linear** for smaller cohorts: Tucker (anchor; Kolen & Brennan 2014, ch. 4,
  synthetic weights ½), mean–sigma over both orders (counterbalanced), identity (same
  form). The post-test scores are put on the pre-test form's percent scale.

Uncertainty: a bootstrap over participants (pairs kept together; the calibration or
the linear function is re-estimated in every replicate): for Rasch the estimate ±
1.96 bootstrap standard deviations over :data:`BOOTSTRAP` replicates, for the linear
methods the 95 % percentile interval over 500 replicates. From
:data:`ANALYTIC_MIN_PAIRS` pairs on, the Rasch interval is analytic instead: the
estimate ± 1.96 standard errors by the delta method, from the covariance of the
calibration's parameters (outer product of each person's gradient, pre and post rows
of one person summed); ``bootstrap`` is then 0.
Scores are the share of automatically scored items answered fully right (written tasks
are left out: a person scores them, knowing the occasion).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from kimtrain.reports.irt import FIT_HIGH, FIT_LOW, RaschFit, item_fit, rasch_mml, tcc, wle

__all__ = ["DESIGNS", "RASCH_MIN_PAIRS", "EquatedGain", "FormMatrix", "ItemCalibration",
           "Link", "equate"]

DESIGNS = ("anchor", "counterbalanced", "same")
RASCH_MIN_PAIRS = 30
BOOTSTRAP = 30
# from this many pairs the Rasch interval is analytic (delta method on the parameters'
# covariance, irt.parameter_covariance): a bootstrap would get fewer than BOOTSTRAP
# replicates (each one a full calibration) and the interval is narrow anyway
ANALYTIC_MIN_PAIRS = 20000 // BOOTSTRAP
_QUAD = np.linspace(-6, 6, 121)


@dataclass(frozen=True)
class Link:
    """How a pair of forms is linked, as read from the built assessments."""

    design: str  # one of DESIGNS, or "none"
    anchor: tuple[str, ...] = ()
    order: dict[str, str] = field(default_factory=dict)  # counterbalanced: id -> AB/BA
    reason: str | None = None  # why the pair is not linked (an i18n key)

    @property
    def linked(self) -> bool:
        return self.design in DESIGNS and self.reason is None


@dataclass
class FormMatrix:
    """One form: 1 = fully right, 0 = not, NaN = not scored yet / not taken."""

    name: str
    participants: list[str]
    items: list[str]
    correct: np.ndarray


@dataclass
class ItemCalibration:
    item: str
    forms: str  # "pre", "post" or "pre+post" (a common item)
    difficulty: float | None  # logits
    se: float | None
    infit: float | None
    outfit: float | None
    n: int
    misfit: bool = False


@dataclass
class EquatedGain:
    """The gain on one scale, for the report and the one-page summary."""

    design: str
    linked: bool
    method: str | None = None  # rasch | tucker | mean_sigma | identity
    reason: str | None = None
    n_pairs: int = 0
    n_common: int = 0
    pre_mean: float | None = None  # percent on the pre-test form's scale
    post_mean: float | None = None  # equated, same scale
    gain: float | None = None  # percentage points on that scale
    ci_low: float | None = None
    ci_high: float | None = None
    gain_logit: float | None = None  # Rasch only
    logit_ci_low: float | None = None
    logit_ci_high: float | None = None
    raw_diff: float | None = None  # post − pre of the unequated percents, same people
    bootstrap: int = 0
    items: list[ItemCalibration] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)  # the pairs
    pre_equated: np.ndarray | None = None  # per pair, percent on the pre scale
    post_equated: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("pre_equated", "post_equated"):
            value = getattr(self, key)
            out[key] = None if value is None else [float(v) for v in value]
        return out


def _occasions(pre: FormMatrix, post: FormMatrix, link: Link) -> Any:
    """Rows per (person, occasion) over the union of items, with the occasion (0 pre,
    1 post) and which form each row took (0 = the pre-named form A, 1 = form B)."""
    items = list(dict.fromkeys([*pre.items, *post.items]))
    col = {item: i for i, item in enumerate(items)}
    a_rows = {p: r for r, p in enumerate(pre.participants)}
    b_rows = {p: r for r, p in enumerate(post.participants)}
    people = list(dict.fromkeys([*pre.participants, *post.participants]))
    x, occasion, form, who = [], [], [], []
    for person in people:
        order = link.order.get(person, "AB") if link.design == "counterbalanced" else "AB"
        if link.design == "counterbalanced" and person not in link.order:
            continue
        for which, (matrix, rows) in enumerate(((pre, a_rows), (post, b_rows))):
            if person not in rows:
                continue
            row = np.full(len(items), np.nan)
            row[[col[i] for i in matrix.items]] = matrix.correct[rows[person]]
            x.append(row)
            occasion.append(which if order == "AB" else 1 - which)
            form.append(which)
            who.append(person)
    return (items, np.array(x).reshape(-1, len(items)), np.array(occasion, dtype=int),
            np.array(form, dtype=int), who)


def _share(x: np.ndarray) -> np.ndarray:
    """Percent right per row over the items it took (NaN for a row that took none)."""
    taken = (~np.isnan(x)).sum(axis=1)
    right = np.nansum(x, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(taken > 0, 100 * right / np.maximum(taken, 1), np.nan)


def _pairs(who: list[str], occasion: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    first = {p: r for r, (p, o) in enumerate(zip(who, occasion, strict=True)) if o == 0}
    second = {p: r for r, (p, o) in enumerate(zip(who, occasion, strict=True)) if o == 1}
    both = [p for p in first if p in second]
    return both, np.array([first[p] for p in both], dtype=int), \
        np.array([second[p] for p in both], dtype=int)


def _expected_pct(mean: float, sd: float, b_ref: np.ndarray) -> float:
    w = np.exp(-0.5 * ((_QUAD - mean) / sd) ** 2)
    return float(100 * (w / w.sum()) @ tcc(_QUAD, b_ref))


def _rasch(x: np.ndarray, occasion: np.ndarray, ref: np.ndarray,
           start: RaschFit | None = None, tol: float = 1e-6) -> tuple[RaschFit, float, float]:
    fit = rasch_mml(x, occasion, start=start, tol=tol, em_steps=0 if start else 10)
    b_ref = fit.difficulty[ref]
    pre = _expected_pct(0.0, fit.sd[0], b_ref)
    post = _expected_pct(fit.mean[1], fit.sd[1], b_ref)
    return fit, pre, post


def _linear(design: str, x: np.ndarray, occasion: np.ndarray, form: np.ndarray,
            ref_cols: np.ndarray, common_cols: np.ndarray, first: np.ndarray,
            second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A function mapping the post-form percent onto the pre-form percent scale, and
    the two percent score vectors of the pairs."""
    a_cols = ref_cols
    b_cols = ~ref_cols | common_cols
    score_a = _share(x[:, a_cols])
    score_b = _share(x[:, b_cols])
    on_a = form == 0
    if design == "same":
        def convert(y: np.ndarray) -> np.ndarray:
            return y
    elif design == "counterbalanced":
        xa, yb = score_a[on_a], score_b[~on_a]
        slope = xa.std(ddof=1) / yb.std(ddof=1) if yb.std(ddof=1) > 0 else 1.0
        mu_x, mu_y = xa.mean(), yb.mean()

        def convert(y: np.ndarray) -> np.ndarray:
            return slope * (y - mu_y) + mu_x
    else:  # Tucker, anchor V internal to both forms
        v = _share(x[:, common_cols])
        g1, g2 = occasion == 0, occasion == 1
        x1, v1, y2, v2 = score_a[g1], v[g1], score_b[g2], v[g2]
        var_v1, var_v2 = v1.var(ddof=1), v2.var(ddof=1)
        gamma1 = np.cov(x1, v1)[0, 1] / var_v1 if var_v1 > 0 else 0.0
        gamma2 = np.cov(y2, v2)[0, 1] / var_v2 if var_v2 > 0 else 0.0
        dm, dv = v1.mean() - v2.mean(), var_v1 - var_v2
        w1 = w2 = 0.5
        mu_x = x1.mean() - w2 * gamma1 * dm
        mu_y = y2.mean() + w1 * gamma2 * dm
        var_x = x1.var(ddof=1) - w2 * gamma1**2 * dv + w1 * w2 * gamma1**2 * dm**2
        var_y = y2.var(ddof=1) + w1 * gamma2**2 * dv + w1 * w2 * gamma2**2 * dm**2
        slope = np.sqrt(var_x / var_y) if var_y > 0 and var_x > 0 else 1.0

        def convert(y: np.ndarray) -> np.ndarray:
            return slope * (y - mu_y) + mu_x
    pre = np.where(on_a[first], score_a[first], convert(score_b[first]))
    post = np.where(on_a[second], score_a[second], convert(score_b[second]))
    return pre, post


def _check(pre: FormMatrix, post: FormMatrix, link: Link) -> tuple[str | None, set[str]]:
    if not link.linked:
        return link.reason or "measure.reason.not_linked", set()
    common = set(pre.items) & set(post.items)
    if link.design == "same" and set(pre.items) != set(post.items):
        return "measure.reason.same_differs", common
    if link.design == "anchor" and not common:
        return "measure.reason.no_common", common
    if link.design == "counterbalanced" and not link.order:
        return "measure.reason.no_order", common
    return None, common


def equate(pre: FormMatrix, post: FormMatrix, link: Link, *, bootstrap: int = BOOTSTRAP,
           seed: int = 2026, rasch_min: int = RASCH_MIN_PAIRS) -> EquatedGain:
    """The gain from ``pre`` to ``post`` on one scale, with its bootstrap interval."""
    reason, common = _check(pre, post, link)
    if reason:
        return EquatedGain(link.design, False, reason=reason)
    items, x, occasion, form, who = _occasions(pre, post, link)
    ref = np.array([i in set(pre.items) for i in items])
    common_cols = np.array([i in common for i in items])
    people, first, second = _pairs(who, occasion)
    n_pairs = len(people)
    out = EquatedGain(link.design, True, n_pairs=n_pairs, n_common=len(common),
                      participants=people, bootstrap=bootstrap)
    if n_pairs < 5:
        out.linked, out.reason = True, "measure.reason.too_few_pairs"
        return out
    raw_a = _share(x[:, ref])
    raw_b = _share(x[:, ~ref | common_cols])
    raw = np.where(form == 0, raw_a, raw_b)
    out.raw_diff = float(np.nanmean(raw[second] - raw[first]))
    rng = np.random.default_rng(seed)
    by_person: dict[str, list[int]] = {}
    for r, p in enumerate(who):
        by_person.setdefault(p, []).append(r)
    persons = list(by_person)
    if n_pairs >= rasch_min:
        out.method = "rasch"
        fit, pre_pct, post_pct = _rasch(x, occasion, ref)
        theta, _ = wle(x, fit.difficulty)
        b_ref = fit.difficulty[ref]
        out.pre_equated = 100 * tcc(theta[first], b_ref)
        out.post_equated = 100 * tcc(theta[second], b_ref)
        out.pre_mean, out.post_mean = pre_pct, post_pct
        out.gain, out.gain_logit = post_pct - pre_pct, float(fit.mean[1])
        infit, outfit = item_fit(x, theta, fit.difficulty)
        pre_set = set(pre.items)
        for i, item in enumerate(items):
            where = "pre+post" if item in common else ("pre" if item in pre_set else "post")
            misfit = any(np.isfinite(v) and not FIT_LOW <= v <= FIT_HIGH
                         for v in (infit[i], outfit[i]))
            out.items.append(ItemCalibration(item, where, float(fit.difficulty[i]),
                                             float(fit.se[i]), _num(infit[i]), _num(outfit[i]),
                                             int(fit.n[i]), misfit))
        if n_pairs >= ANALYTIC_MIN_PAIRS:
            _analytic_interval(out, x, occasion, who, ref, fit)
            return out
        gains: list[float] = []
        logits: list[float] = []
        replicates = max(10, min(bootstrap, 20000 // max(n_pairs, 1)))
        out.bootstrap = replicates
        for _ in range(replicates):
            rows = np.concatenate([by_person[persons[j]]
                                   for j in rng.integers(0, len(persons), len(persons))])
            f, a, b = _rasch(x[rows], occasion[rows], ref, start=fit, tol=1e-4)
            gains.append(b - a)
            logits.append(f.mean[1])
        out.ci_low, out.ci_high = _normal_interval(out.gain, gains)
        out.logit_ci_low, out.logit_ci_high = _normal_interval(out.gain_logit, logits)
        return out
    out.method = {"same": "identity", "anchor": "tucker",
                  "counterbalanced": "mean_sigma"}[link.design]
    pre_eq, post_eq = _linear(link.design, x, occasion, form, ref, common_cols, first, second)
    out.pre_equated, out.post_equated = pre_eq, post_eq
    out.pre_mean, out.post_mean = float(pre_eq.mean()), float(post_eq.mean())
    out.gain = out.post_mean - out.pre_mean
    gains = []
    for _ in range(max(bootstrap, 500)):
        pick = [persons[j] for j in rng.integers(0, len(persons), len(persons))]
        picked: list[int] = []
        f_idx: list[int] = []
        s_idx: list[int] = []
        for p in pick:
            mine = by_person[p]
            occ = list(occasion[mine])
            if sorted(occ) == [0, 1]:
                f_idx.append(len(picked) + occ.index(0))
                s_idx.append(len(picked) + occ.index(1))
            picked.extend(mine)
        if len(f_idx) < 3:
            continue
        rows_ = np.array(picked)
        with np.errstate(all="ignore"):
            pre_b, post_b = _linear(link.design, x[rows_], occasion[rows_], form[rows_], ref,
                           common_cols, np.array(f_idx), np.array(s_idx))
        gains.append(float(np.mean(post_b) - np.mean(pre_b)))
    out.bootstrap = len(gains)
    out.ci_low, out.ci_high = _interval(gains)
    return out


def _analytic_interval(out: EquatedGain, x: np.ndarray, occasion: np.ndarray,
                       who: list[str], ref: np.ndarray, fit: RaschFit) -> None:
    """estimate ± 1.96 delta-method standard errors of the gain (percent and logits)."""
    from kimtrain.reports.irt import parameter_covariance

    k = fit.difficulty.size
    cov = parameter_covariance(x, occasion, fit, clusters=who)
    params = np.concatenate([fit.difficulty, fit.mean[1:], np.log(fit.sd)])

    def gain(v: np.ndarray) -> float:
        b_ref = v[:k][ref]
        sd = np.exp(v[k + 1:k + 3])
        return _expected_pct(float(v[k]), float(sd[1]), b_ref) - \
            _expected_pct(0.0, float(sd[0]), b_ref)

    grad = np.zeros_like(params)
    for j in range(params.size):
        step = np.zeros_like(params)
        step[j] = 1e-5
        grad[j] = (gain(params + step) - gain(params - step)) / 2e-5
    half = 1.959964 * float(np.sqrt(max(grad @ cov @ grad, 0.0)))
    half_logit = 1.959964 * float(np.sqrt(max(cov[k, k], 0.0)))
    assert out.gain is not None and out.gain_logit is not None
    out.ci_low, out.ci_high = out.gain - half, out.gain + half
    out.logit_ci_low, out.logit_ci_high = out.gain_logit - half_logit, \
        out.gain_logit + half_logit
    out.bootstrap = 0


def _num(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _normal_interval(estimate: float, values: list[float]) -> tuple[float | None,
                                                                     float | None]:
    """estimate ± 1.96 × the bootstrap standard deviation (few replicates suffice)."""
    values = [v for v in values if np.isfinite(v)]
    if len(values) < 10:
        return None, None
    half = 1.959964 * float(np.std(values, ddof=1))
    return estimate - half, estimate + half


def _interval(values: list[float]) -> tuple[float | None, float | None]:
    values = [v for v in values if np.isfinite(v)]
    if len(values) < 20:
        return None, None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)
