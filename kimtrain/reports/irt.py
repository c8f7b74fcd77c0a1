"""A small, tested Rasch implementation (numpy only) for linking pre- and post-test forms.

Why our own and not a library (compared 2026-12): ``girth`` 0.8.0 (numpy/scipy, last
release 2021, unmaintained; one population only, so it cannot calibrate a pre and a
post occasion concurrently with their own ability distributions); ``py-irt`` (needs
torch and pyro — far too heavy for a trainer's laptop); R's ``ltm``/``mirt`` (not
Python). The model needed here is small: ~100 items, tens to thousands of people.

* :func:`rasch_mml` — marginal maximum likelihood on a fixed 41-point grid from −6 to
  6 (a few of Bock & Aitkin's EM steps, then L-BFGS with the exact gradient) for
  P(x = 1) = 1 / (1 + exp(−(θ − b))). Rows may belong
  to several groups (here: the pre and the post occasion), each with its own normal
  ability distribution N(μ_g, σ_g²); μ of group 0 is fixed at 0 (that fixes the
  scale's origin), every other μ_g and σ_g is estimated. Items are shared by id, so a
  concurrent calibration of two forms with common items puts them on one scale, and
  μ_post − μ_pre *is* the gain in logits. NaN = not administered (ignorable). Its
  E-step runs over classes of rows with the same group, items given and raw score (the
  Rasch sufficient statistic; exact, and hundreds of classes instead of 10,000 rows).
  Item standard errors are 1/√(expected information) at convergence.
* :func:`wle` — Warm's weighted likelihood estimate of each row's θ (finite for all-
  right and all-wrong rows), with its standard error.
* :func:`parameter_covariance` — the covariance of the fitted parameters, a
  cluster-robust sandwich built from each row's score vector (outer products of
  gradients; a person's pre and post rows form one cluster): the analytic alternative
  to a bootstrap over persons for large cohorts, at the cost of one more E-step.
* :func:`item_fit` — infit and outfit mean squares (Wright & Masters), expected 1;
  values below 0.7 or above 1.3 are flagged by the report.

Checked against girth's one-parameter MML (the reference implementation) on the LSAT-6
data of Bock & Lieberman (1970) in ``tests/test_equating.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["RaschFit", "item_fit", "parameter_covariance", "rasch_mml", "tcc", "wle"]

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


class _Data:
    """The response matrix in the forms the likelihood needs."""

    def __init__(self, x: np.ndarray, groups: np.ndarray) -> None:
        self.observed = (~np.isnan(x)).astype(float)
        self.ones = np.where(self.observed > 0, x, 0.0)
        self.zeros = self.observed - self.ones
        self.groups = groups
        self.n_groups = int(groups.max()) + 1 if len(groups) else 1
        self.onehot = np.zeros((len(groups), self.n_groups))
        self.onehot[np.arange(len(groups)), groups] = 1.0
        self.size = self.onehot.sum(axis=0)

    def _posterior(self, logl: np.ndarray, mean: np.ndarray, sd: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """From each row's log-likelihood at the nodes: the groups' priors, each row's
        posterior over the nodes and its log marginal likelihood."""
        prior = np.stack([_normal_weights(m, s) for m, s in zip(mean, sd, strict=True)])
        logpost = logl + np.log(prior[self.groups] + 1e-300)
        top = logpost.max(axis=1, keepdims=True)
        post = np.exp(logpost - top)
        marginal = post.sum(axis=1, keepdims=True)
        post /= marginal
        return prior, post, (np.log(marginal) + top)[:, 0]

    def estep(self, b: np.ndarray, mean: np.ndarray, sd: np.ndarray
              ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Log-likelihood, posterior over the nodes per row, the priors, and the
        expected counts (responses, right answers) per node and item."""
        prob = _sigmoid(NODES[:, None] - b[None, :])  # nodes × items
        logl = (_dot("ri,qi->rq", self.ones, np.log(prob))
                + _dot("ri,qi->rq", self.zeros, np.log1p(-prob)))
        prior, post, marginal = self._posterior(logl, mean, sd)
        loglik = float(marginal.sum())
        expected_n = _dot("rq,ri->qi", post, self.observed)
        expected_r = _dot("rq,ri->qi", post, self.ones)
        return loglik, post, prior, prob, expected_n, expected_r


class _Patterns(_Data):
    """The rows grouped by all that their posterior over θ depends on. Under the Rasch
    model a row's raw score is sufficient for θ: log P(x | θ) = r·θ − Σ x_i·b_i −
    Σ_{i given} log(1 + e^(θ − b_i)). So rows with the same group, the same items given
    and the same score share one posterior, and the E-step runs over these classes (a
    few hundred at most) instead of the rows (ten thousand for 5,000 pairs). Every
    quantity is exact: the expected counts use each class's number of rows and its sums
    of answers per item, and the log-likelihood adds back Σ_i (Σ_r x_ri)·b_i."""

    def __init__(self, x: np.ndarray, groups: np.ndarray) -> None:
        given = ~np.isnan(x)
        answers = np.where(given, x, 0.0)
        score = answers.sum(axis=1)
        key = np.column_stack([groups, given, score])
        classes, inverse, count = np.unique(key, axis=0, return_inverse=True,
                                            return_counts=True)
        inverse = inverse.reshape(-1)
        self.n_groups = int(groups.max()) + 1 if len(groups) else 1
        self.groups = classes[:, 0].astype(int)
        self.pattern = classes[:, 1:-1]  # the items each class was given (0/1)
        self.score = classes[:, -1]
        self.observed = self.pattern * count[:, None]  # responses per class and item
        self.ones = np.zeros_like(self.observed)
        np.add.at(self.ones, inverse, answers)  # right answers per class and item
        self.right = answers.sum(axis=0)  # per item, for the Σ x·b term
        self.onehot = np.zeros((len(classes), self.n_groups))
        self.onehot[np.arange(len(classes)), self.groups] = count
        self.count = count.astype(float)
        self.size = self.onehot.sum(axis=0)

    def estep(self, b: np.ndarray, mean: np.ndarray, sd: np.ndarray
              ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        prob = _sigmoid(NODES[:, None] - b[None, :])  # nodes × items
        softplus = -np.log1p(-prob)  # log(1 + e^(θ − b))
        logl = self.score[:, None] * NODES[None, :] - self.pattern @ softplus.T
        prior, post, marginal = self._posterior(logl, mean, sd)
        loglik = float(self.count @ marginal - self.right @ b)
        expected_n = post.T @ self.observed
        expected_r = post.T @ self.ones
        return loglik, post, prior, prob, expected_n, expected_r


def _pack(b: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    return np.concatenate([b, mean[1:], np.log(sd)])


def _unpack(v: np.ndarray, k: int, n_groups: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    b = v[:k]
    mean = np.concatenate([[0.0], v[k:k + n_groups - 1]])
    sd = np.exp(v[k + n_groups - 1:])
    return b, mean, sd


def rasch_mml(x: Any, groups: Any = None, *, max_iter: int = 500, tol: float = 1e-6,
              start: RaschFit | None = None, em_steps: int = 10) -> RaschFit:
    """Rasch MML of a persons × items matrix of 0/1 (NaN = not administered): a few EM
    steps from the start values, then quasi-Newton (L-BFGS) on the marginal
    log-likelihood with its exact gradient (EM alone crawls along weakly identified
    directions, such as the offset between two forms linked only by group equivalence)."""
    from scipy.optimize import minimize

    x = np.asarray(x, dtype=float)
    rows, k = x.shape
    g = np.zeros(rows, dtype=int) if groups is None else np.asarray(groups, dtype=int)
    data = _Patterns(x, g)
    n_item = data.observed.sum(axis=0)
    if start is not None:
        b, mean, sd = start.difficulty.copy(), start.mean.copy(), start.sd.copy()
    else:
        p = (data.ones.sum(axis=0) + 0.5) / (n_item + 1.0)
        b = -np.log(p / (1 - p))
        mean, sd = np.zeros(data.n_groups), np.ones(data.n_groups)
    for _ in range(em_steps):
        _, post, _, _, expected_n, expected_r = data.estep(b, mean, sd)
        for _ in range(10):  # items: Newton on Σ_q r_qi − n_qi·P_qi(b) = 0
            pq = _sigmoid(NODES[:, None] - b[None, :])
            info = (expected_n * pq * (1 - pq)).sum(axis=0)
            step = (expected_r - expected_n * pq).sum(axis=0) / np.maximum(info, 1e-10)
            b = b - np.clip(step, -1.0, 1.0)
        weight = data.onehot.T @ post  # groups: posterior mean and SD (μ_0 stays 0)
        total = np.maximum(weight.sum(axis=1), 1e-12)
        m1, m2 = weight @ NODES / total, weight @ NODES**2 / total
        mean = np.concatenate([[0.0], m1[1:]])
        sd = np.sqrt(np.maximum(m2 - 2 * mean * m1 + mean**2, 0.05**2))

    def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
        b_, mean_, sd_ = _unpack(v, k, data.n_groups)
        loglik, post, prior, prob, expected_n, expected_r = data.estep(b_, mean_, sd_)
        grad_b = (expected_r - expected_n * prob).sum(axis=0)  # of −loglik
        z = (NODES[None, :] - mean_[:, None]) / sd_[:, None]  # groups × nodes
        weight = data.onehot.T @ post  # groups × nodes: expected persons per node
        d_mean = (weight * z).sum(axis=1) / sd_ - data.size * (prior * z).sum(axis=1) / sd_
        d_logsd = (weight * z**2).sum(axis=1) - data.size * (prior * z**2).sum(axis=1)
        grad = np.concatenate([grad_b, -d_mean[1:], -d_logsd])
        return -loglik, grad

    bounds = [(-8.0, 8.0)] * k + [(-5.0, 5.0)] * (data.n_groups - 1) + \
        [(np.log(0.05), np.log(5.0))] * data.n_groups
    result = minimize(objective, _pack(b, mean, sd), jac=True, method="L-BFGS-B",
                      bounds=bounds, options={"maxiter": max_iter, "gtol": tol,
                                              "ftol": 1e-12})
    b, mean, sd = _unpack(result.x, k, data.n_groups)
    loglik, _, _, prob, expected_n, _ = data.estep(b, mean, sd)
    info = (expected_n * prob * (1 - prob)).sum(axis=0)
    se = np.where(info > 0, 1 / np.sqrt(np.maximum(info, 1e-12)), np.nan)
    return RaschFit(b, se, mean, sd, n_item, int(result.nit), bool(result.success), loglik)


def parameter_covariance(x: Any, groups: Any, fit: RaschFit, clusters: Any = None
                         ) -> np.ndarray:
    """Covariance of the free parameters ``(b_1..b_k, μ_1.., log σ_0..)`` at ``fit``.

    Without ``clusters``: the inverse of Σ_r s_r s_rᵀ (s_r: the gradient of row r's
    log-likelihood; the outer-product estimate of the information). With ``clusters``
    (one label per row, here the person): the cluster-robust sandwich A⁻¹ B A⁻¹ with
    A = Σ_r s_r s_rᵀ and B = Σ_c (Σ_{r∈c} s_r)(Σ_{r∈c} s_r)ᵀ, because the model treats
    a person's pre and post rows as independent and they are not."""
    x = np.asarray(x, dtype=float)
    g = np.zeros(len(x), dtype=int) if groups is None else np.asarray(groups, dtype=int)
    data = _Data(x, g)
    _, post, prior, prob, _, _ = data.estep(fit.difficulty, fit.mean, fit.sd)
    scores = [data.observed * (post @ prob) - data.ones]  # ∂ log L_r / ∂ b
    z = (NODES[None, :] - fit.mean[:, None]) / fit.sd[:, None]  # groups × nodes
    own = data.onehot  # rows × groups
    d_mean = own * ((post @ z.T) - (prior * z).sum(axis=1)[None, :]) / fit.sd[None, :]
    d_logsd = own * ((post @ (z**2).T) - (prior * z**2).sum(axis=1)[None, :])
    scores += [d_mean[:, 1:], d_logsd]
    per_row = np.concatenate(scores, axis=1)
    bread = np.linalg.pinv(per_row.T @ per_row)  # the information, as the model sees it
    if clusters is None:
        return np.asarray(bread)
    _, index = np.unique(np.asarray(clusters), return_inverse=True)
    summed = np.zeros((int(index.max()) + 1, per_row.shape[1]))
    np.add.at(summed, index, per_row)
    return np.asarray(bread @ (summed.T @ summed) @ bread)


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
