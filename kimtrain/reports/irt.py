"""A small, tested Rasch implementation (numpy only) for linking pre- and post-test forms.

Why our own and not a library (compared 2026-12): ``girth`` 0.8.0 (numpy/scipy, last
release 2021, unmaintained; one population only, so it cannot calibrate a pre and a
post occasion concurrently with their own ability distributions); ``py-irt`` (needs
torch and pyro — far too heavy for a trainer's laptop); R's ``ltm``/``mirt`` (not
Python). The model needed here is small: ~100 items, tens to thousands of people.

* :func:`rasch_mml` — marginal maximum likelihood (Bock & Aitkin's EM on a fixed
  41-point grid from −6 to 6) for P(x = 1) = 1 / (1 + exp(−(θ − b))). Rows may belong
  to several groups (here: the pre and the post occasion), each with its own normal
  ability distribution N(μ_g, σ_g²); μ of group 0 is fixed at 0 (that fixes the
  scale's origin), every other μ_g and σ_g is estimated. Items are shared by id, so a
  concurrent calibration of two forms with common items puts them on one scale, and
  μ_post − μ_pre *is* the gain in logits. NaN = not administered (ignorable).
  Item standard errors are 1/√(expected information) at convergence.
* :func:`wle` — Warm's weighted likelihood estimate of each row's θ (finite for all-
  right and all-wrong rows), with its standard error.
* :func:`item_fit` — infit and outfit mean squares (Wright & Masters), expected 1;
  values below 0.7 or above 1.3 are flagged by the report.

Checked against girth's MML on the LSAT-6 data of Bock & Lieberman (1970) in
``tests/test_equating.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["RaschFit", "item_fit", "rasch_mml", "tcc", "wle"]

NODES = np.linspace(-6.0, 6.0, 41)
FIT_LOW, FIT_HIGH = 0.7, 1.3


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class RaschFit:
    difficulty: np.ndarray  # b per item (logits)
    se: np.ndarray  # standard error of b
    mean: np.ndarray  # μ per group (group 0 fixed at 0)
    sd: np.ndarray  # σ per group
    n: np.ndarray  # responses per item
    iterations: int
    converged: bool
    loglik: float
    extra: dict[str, Any] = field(default_factory=dict)


def _dot(spec: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A product of small matrices without BLAS threads: on a busy two-core laptop a
    threaded BLAS is many times slower for matrices this size."""
    return np.einsum(spec, a, b, optimize=False)


def _normal_weights(mean: float, sd: float) -> np.ndarray:
    w = np.exp(-0.5 * ((NODES - mean) / max(sd, 1e-3)) ** 2)
    return w / w.sum()


def rasch_mml(x: Any, groups: Any = None, *, max_iter: int = 1000, tol: float = 1e-5,
              start: RaschFit | None = None) -> RaschFit:
    """Rasch MML by EM over a persons × items matrix of 0/1 (NaN = not administered)."""
    x = np.asarray(x, dtype=float)
    rows = x.shape[0]
    g = np.zeros(rows, dtype=int) if groups is None else np.asarray(groups, dtype=int)
    n_groups = int(g.max()) + 1 if rows else 1
    observed = (~np.isnan(x)).astype(float)
    ones = np.where(observed > 0, x, 0.0)
    zeros = observed - ones
    n_item = observed.sum(axis=0)
    if start is not None:
        b, mean, sd = start.difficulty.copy(), start.mean.copy(), start.sd.copy()
    else:
        p = (ones.sum(axis=0) + 0.5) / (n_item + 1.0)
        b = -np.log(p / (1 - p))
        mean, sd = np.zeros(n_groups), np.ones(n_groups)
    onehot = np.zeros((rows, n_groups))
    onehot[np.arange(rows), g] = 1.0
    converged, loglik, iteration = False, -np.inf, 0
    while iteration < max_iter:
        iteration += 1
        prob = _sigmoid(NODES[:, None] - b[None, :])  # nodes × items
        logl = _dot("ri,qi->rq", ones, np.log(prob)) + _dot("ri,qi->rq", zeros,
                                                             np.log1p(-prob))
        prior = np.stack([_normal_weights(m, s) for m, s in zip(mean, sd, strict=True)])
        logpost = logl + np.log(prior[g] + 1e-300)
        top = logpost.max(axis=1, keepdims=True)
        post = np.exp(logpost - top)
        marginal = post.sum(axis=1, keepdims=True)
        post /= marginal
        loglik = float((np.log(marginal) + top).sum())
        # M step, items: Newton on Σ_q r_qi − n_qi·P_qi(b) = 0
        expected_n = _dot("rq,ri->qi", post, observed)  # nodes × items
        expected_r = _dot("rq,ri->qi", post, ones)
        new_b = b.copy()
        for _ in range(20):
            pq = _sigmoid(NODES[:, None] - new_b[None, :])
            grad = (expected_r - expected_n * pq).sum(axis=0)  # d/d(−b)
            info = (expected_n * pq * (1 - pq)).sum(axis=0)
            step = np.where(info > 1e-10, grad / np.maximum(info, 1e-10), 0.0)
            new_b -= np.clip(step, -1.0, 1.0)
            if np.abs(step).max() < 1e-9:
                break
        # M step, groups: the posterior mean and SD of θ in each group (μ_0 stays 0)
        weight = _dot("rg,rq->gq", onehot, post)  # groups × nodes
        total = weight.sum(axis=1)
        m1 = weight @ NODES / np.maximum(total, 1e-12)
        m2 = weight @ NODES**2 / np.maximum(total, 1e-12)
        new_mean = m1.copy()
        new_mean[0] = 0.0
        new_sd = np.sqrt(np.maximum(m2 - 2 * new_mean * m1 + new_mean**2, 0.05**2))
        change = max(np.abs(new_b - b).max(), np.abs(new_mean - mean).max(),
                     np.abs(new_sd - sd).max())
        b, mean, sd = new_b, new_mean, new_sd
        if change < tol:
            converged = True
            break
    prob = _sigmoid(NODES[:, None] - b[None, :])
    info = (expected_n * prob * (1 - prob)).sum(axis=0)
    se = np.where(info > 0, 1 / np.sqrt(np.maximum(info, 1e-12)), np.nan)
    return RaschFit(b, se, mean, sd, n_item, iteration, converged, loglik)


def wle(x: Any, difficulty: Any, *, bound: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """Warm's WLE of θ per row (NaN where a row has no responses) and its SE."""
    x = np.asarray(x, dtype=float)
    b = np.asarray(difficulty, dtype=float)
    observed = ~np.isnan(x)
    ones = np.where(observed, x, 0.0)
    low = np.full(x.shape[0], -bound)
    high = np.full(x.shape[0], bound)

    def score(theta: np.ndarray) -> np.ndarray:
        p = _sigmoid(theta[:, None] - b[None, :])
        q = p * (1 - p) * observed
        info = q.sum(axis=1)
        j = (q * (1 - 2 * p)).sum(axis=1)
        resid = (ones - p * observed).sum(axis=1)
        return resid + j / (2 * np.maximum(info, 1e-12))

    for _ in range(60):  # bisection: the WLE score function decreases in θ (Rasch)
        mid = (low + high) / 2
        up = score(mid) > 0
        low = np.where(up, mid, low)
        high = np.where(up, high, mid)
    theta = (low + high) / 2
    p = _sigmoid(theta[:, None] - b[None, :])
    info = (p * (1 - p) * observed).sum(axis=1)
    none = observed.sum(axis=1) == 0
    theta[none] = np.nan
    se = np.where(info > 0, 1 / np.sqrt(np.maximum(info, 1e-12)), np.nan)
    se[none] = np.nan
    return theta, se


def item_fit(x: Any, theta: Any, difficulty: Any) -> tuple[np.ndarray, np.ndarray]:
    """Infit and outfit mean squares per item (NaN where an item has no responses)."""
    x = np.asarray(x, dtype=float)
    theta = np.asarray(theta, dtype=float)
    use = ~np.isnan(x) & ~np.isnan(theta)[:, None]
    p = _sigmoid(np.nan_to_num(theta)[:, None] - np.asarray(difficulty, dtype=float)[None, :])
    var = p * (1 - p)
    resid2 = np.where(use, (np.nan_to_num(x) - p) ** 2, 0.0)
    n = use.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        outfit = np.where(n > 0, (np.where(use, resid2 / var, 0.0)).sum(axis=0) / n, np.nan)
        infit = np.where(n > 0, resid2.sum(axis=0) / np.where(use, var, 0.0).sum(axis=0),
                         np.nan)
    return infit, outfit


def tcc(theta: Any, difficulty: Any) -> np.ndarray:
    """Expected share of the items answered right at each θ (the test characteristic
    curve divided by the number of items)."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    b = np.asarray(difficulty, dtype=float)
    return _sigmoid(theta[:, None] - b[None, :]).mean(axis=1)
