"""Equating pre- and post-test forms: the Rasch estimates against a reference, and
simulated cohorts whose forms differ in difficulty by a known amount and whose true
gain is known (issue 11)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kimtrain.reports.equating import FormMatrix, Link, equate
from kimtrain.reports.irt import item_fit, rasch_mml, tcc, wle

# LSAT section 6 (Bock & Lieberman 1970): counts of the 32 response patterns 00000..11111
# of 1,000 candidates, from the psych package's ``bock.table`` (Rdatasets, column Ob6).
LSAT6 = [3, 6, 2, 11, 1, 1, 3, 4, 1, 8, 0, 16, 0, 3, 2, 15, 10, 29, 14, 81, 3, 28, 15, 80,
         16, 56, 21, 173, 11, 61, 28, 298]
# The reference implementation: girth 0.8.0 ``onepl_mml(LSAT6.T)`` (MML, θ ~ N(0, 1), one
# common discrimination a), run 2026-12-04; girth is not a dependency, so its output is
# pinned here.
GIRTH_DIFFICULTY = [-3.6152392, -1.32238062, -0.31759893, -1.73006875, -2.78012917]
GIRTH_DISCRIMINATION = 0.7551730026162408


def lsat6() -> np.ndarray:
    patterns = np.array(list(itertools.product([0, 1], repeat=5)), dtype=float)
    return np.repeat(patterns, LSAT6, axis=0)


def test_rasch_mml_matches_the_reference_on_lsat6():
    x = lsat6()
    fit = rasch_mml(x)
    assert fit.converged
    # our parametrisation: P = σ(θ − b), θ ~ N(0, σ²); girth's: P = σ(a(z − b')), z ~ N(0, 1)
    assert fit.sd[0] == pytest.approx(GIRTH_DISCRIMINATION, abs=5e-4)
    assert fit.difficulty / fit.sd[0] == pytest.approx(GIRTH_DIFFICULTY, abs=1e-3)
    assert np.all(fit.se > 0.05) and np.all(fit.se < 0.15)


def test_the_e_step_over_score_classes_is_the_e_step_over_rows():
    """rasch_mml runs its E-step over classes of rows (group, items given, raw score:
    the Rasch sufficient statistic); it must give exactly what the row-by-row E-step
    gives, for two groups, two forms with anchors and items skipped at random."""
    from kimtrain.reports.irt import _Data, _Patterns

    rng = np.random.default_rng(11)
    n, k = 1200, 30
    groups = np.repeat([0, 1], n // 2)
    theta = rng.normal(0.5 * groups, 1.0)
    b = rng.normal(0, 1, k)
    x = (rng.random((n, k)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(float)
    x[: n // 2, 20:] = np.nan  # the pre-test form: items 0-19
    x[n // 2:, :10] = np.nan  # the post-test form: items 10-29 (10 anchors)
    x[rng.random(x.shape) < 0.02] = np.nan
    rows, classes = _Data(x, groups), _Patterns(x, groups)
    assert len(classes.groups) < n / 2  # fewer classes than rows
    params = (b + 0.3, np.array([0.0, 0.4]), np.array([1.1, 0.9]))
    by_row, by_class = rows.estep(*params), classes.estep(*params)
    assert by_class[0] == pytest.approx(by_row[0], rel=1e-12)  # the log-likelihood
    for a, c in zip(by_row[3:], by_class[3:], strict=True):  # prob, expected counts
        np.testing.assert_allclose(c, a, rtol=1e-10, atol=1e-10)
    assert classes.onehot.T @ by_class[1] == pytest.approx(rows.onehot.T @ by_row[1])


def test_rasch_recovers_simulated_difficulties_and_fit_is_near_one():
    rng = np.random.default_rng(5)
    b = np.linspace(-2, 2, 20)
    theta = rng.normal(0.3, 1.1, 2000)
    x = (rng.random((2000, 20)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan  # missing at random
    fit = rasch_mml(x)
    # the origin is the sample's mean ability: compare after centring on it, within 3 SE
    assert np.all(np.abs(fit.difficulty - (b - theta.mean())) < 3 * fit.se)
    assert fit.sd[0] == pytest.approx(theta.std(), abs=0.05)
    est, _se = wle(x, fit.difficulty)
    assert np.corrcoef(est, theta)[0, 1] > 0.85 and np.all(np.isfinite(est))
    infit, outfit = item_fit(x, est, fit.difficulty)
    assert np.all(np.abs(infit - 1) < 0.15) and np.all(np.abs(outfit - 1) < 0.3)
    # an item answered at random does not fit
    x[:, 0] = (rng.random(2000) < 0.5).astype(float)
    fit = rasch_mml(x)
    infit, _ = item_fit(x, wle(x, fit.difficulty)[0], fit.difficulty)
    assert infit[0] > 1.15 > np.max(infit[1:])


# -- simulated cohorts --------------------------------------------------------------------


def cohort(design: str, n: int, gain: float, harder: float, seed: int, k: int = 30,
           anchor: int = 8):
    """Pre form A and post form B, B's own items ``harder`` logits harder than A's twins,
    a true gain of ``gain`` logits; returns the two FormMatrix, the Link and the true
    gain in percentage points of form A."""
    rng = np.random.default_rng(seed)
    b_a = rng.uniform(-1.8, 1.8, k)
    b_b = b_a + harder + rng.normal(0, 0.15, k)
    names_a = [f"A{i:02d}" for i in range(k)]
    names_b = [f"B{i:02d}" for i in range(k)]
    if design == "anchor":
        b_b[:anchor] = b_a[:anchor]
        names_b[:anchor] = names_a[:anchor]
    elif design == "same":
        b_b, names_b = b_a.copy(), list(names_a)
    theta = rng.normal(0, 1, n)
    ids = [f"P{i:04d}" for i in range(n)]
    order = {p: ("AB" if i % 2 == 0 else "BA") for i, p in enumerate(ids)}
    first_is_a = np.array([design != "counterbalanced" or order[p] == "AB" for p in ids])

    def answer(ability, b):
        return (rng.random((n, k)) < 1 / (1 + np.exp(-(ability[:, None] - b)))).astype(float)

    later = theta + gain + rng.normal(0, 0.3, n)  # everyone learns, some more than others
    on_a = np.where(first_is_a[:, None], answer(theta, b_a), answer(later, b_a))
    on_b = np.where(first_is_a[:, None], answer(later, b_b), answer(theta, b_b))
    truth = 100 * float(np.mean(tcc(later, b_a) - tcc(theta, b_a)))
    link = Link(design, tuple(names_a[:anchor]) if design == "anchor" else (),
                order if design == "counterbalanced" else {})
    return (FormMatrix("A", ids, names_a, on_a), FormMatrix("B", ids, names_b, on_b), link,
            truth, first_is_a)


def raw_interval(a: FormMatrix, b: FormMatrix, first_is_a: np.ndarray) -> tuple[float, float]:
    """The naive analysis: post-occasion percent minus pre-occasion percent, paired t CI."""
    pa, pb = 100 * a.correct.mean(axis=1), 100 * b.correct.mean(axis=1)
    diff = np.where(first_is_a, pb - pa, pa - pb)
    half = 1.97 * diff.std(ddof=1) / math.sqrt(len(diff))
    return diff.mean() - half, diff.mean() + half


@pytest.mark.parametrize("design", ["anchor", "counterbalanced"])
@pytest.mark.parametrize("gain", [0.6, 0.0], ids=["gain", "no-gain"])
def test_equated_gain_recovers_the_truth_when_the_post_form_is_harder(design, gain):
    a, b, link, truth, first_is_a = cohort(design, 300, gain, harder=0.8, seed=23)
    result = equate(a, b, link, bootstrap=30)
    assert result.linked and result.method == "rasch" and result.reason is None
    assert result.ci_low <= truth <= result.ci_high, (truth, result.ci_low, result.ci_high)
    assert result.logit_ci_low <= gain <= result.logit_ci_high
    low, high = raw_interval(a, b, first_is_a)
    if design == "anchor":  # every participant met the harder form second
        assert not low <= truth <= high, (truth, low, high)
        assert result.raw_diff < truth - 8
    else:  # counterbalancing averages the forms' difficulty out of the raw difference too,
        # but the raw figure still mixes the two forms' scales
        assert result.gain == pytest.approx(truth, abs=4)
    common = [i for i in result.items if i.forms == "pre+post"]
    assert len(common) == (8 if design == "anchor" else 0)
    hard = np.mean([i.difficulty for i in result.items if i.forms == "post"])
    easy = np.mean([i.difficulty for i in result.items if i.forms == "pre"])
    assert hard - easy == pytest.approx(0.8 if design == "counterbalanced" else 0.8 * 22 / 22,
                                        abs=0.25)


def test_same_form_twice_needs_no_equating_and_recovers_the_gain():
    a, b, link, truth, _first_is_a = cohort("same", 200, 0.5, harder=0.0, seed=3)
    result = equate(a, b, link, bootstrap=30)
    assert result.method == "rasch" and result.n_common == 30
    assert result.ci_low <= truth <= result.ci_high
    small = equate(FormMatrix("A", a.participants[:20], a.items, a.correct[:20]),
                   FormMatrix("B", b.participants[:20], b.items, b.correct[:20]), link)
    assert small.method == "identity"
    assert small.gain == pytest.approx(small.raw_diff)  # nothing to equate


@pytest.mark.parametrize("design,method", [("anchor", "tucker"),
                                           ("counterbalanced", "mean_sigma")])
def test_small_cohorts_fall_back_to_linear_equating(design, method):
    a, b, link, truth, _first_is_a = cohort(design, 24, 0.6, harder=0.8, seed=21)
    result = equate(a, b, link)
    assert result.method == method and result.n_pairs == 24
    assert result.ci_low <= truth <= result.ci_high
    assert result.ci_high - result.ci_low < 30


def test_unlinked_pairs_get_no_gain():
    a, b, _, _, _ = cohort("anchor", 60, 0.5, harder=0.8, seed=1, anchor=0)
    result = equate(a, b, Link("none", reason="measure.reason.not_linked"))
    assert not result.linked and result.gain is None and result.method is None
    declared = equate(a, b, Link("anchor"))  # declared an anchor, but no item is common
    assert not declared.linked and declared.reason == "measure.reason.no_common"
    order_missing = equate(a, b, Link("counterbalanced"))
    assert order_missing.reason == "measure.reason.no_order"


def test_parameter_covariance_matches_the_item_information():
    """Without clusters, the outer-product covariance gives the item standard errors
    the expected information gives (two estimates of one quantity)."""
    from kimtrain.reports.irt import parameter_covariance

    rng = np.random.default_rng(11)
    b = np.linspace(-2, 2, 15)
    theta = rng.normal(0, 1, 3000)
    x = (rng.random((3000, 15)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(float)
    fit = rasch_mml(x)
    se = np.sqrt(np.diag(parameter_covariance(x, None, fit)))[:15]
    assert se == pytest.approx(fit.se, rel=0.15)


def test_large_cohort_gets_an_analytic_interval_as_wide_as_the_bootstrap(monkeypatch):
    """From ANALYTIC_MIN_PAIRS pairs on, the Rasch interval is the delta method's on a
    cluster-robust covariance (no bootstrap replicates); it covers the truth and is as
    wide as the bootstrap's on the same cohort."""
    import kimtrain.reports.equating as equating

    a, b, link, truth, _ = cohort("anchor", equating.ANALYTIC_MIN_PAIRS + 100, 0.6,
                                  harder=0.8, seed=31)
    analytic = equate(a, b, link)
    assert analytic.method == "rasch" and analytic.bootstrap == 0
    assert analytic.ci_low <= truth <= analytic.ci_high
    assert analytic.logit_ci_low <= 0.6 <= analytic.logit_ci_high
    monkeypatch.setattr(equating, "ANALYTIC_MIN_PAIRS", 10**9)
    booted = equate(a, b, link, bootstrap=30)
    assert booted.bootstrap >= 10 and booted.gain == pytest.approx(analytic.gain)
    ratio = (analytic.ci_high - analytic.ci_low) / (booted.ci_high - booted.ci_low)
    assert 0.6 < ratio < 1.6, ratio
