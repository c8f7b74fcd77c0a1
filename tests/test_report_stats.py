"""Every statistic against reference values: pingouin's documented α examples, the gain toy
case in shared/context/measurement.md, and small cases computed by hand (in the comments)."""

from __future__ import annotations

import numpy as np
import pingouin as pg
import pytest

from kimtrain.reports.stats import (
    class_gain,
    cronbach_alpha,
    gain_band,
    individual_gain,
    item_statistics,
    kr20,
    normalized_change,
    paired_stats,
    sem,
)


def test_alpha_pairwise_matches_pingouin_docs():
    data = pg.read_dataset("cronbach_wide_missing")
    result = cronbach_alpha(data.to_numpy(), nan_policy="pairwise")
    assert result.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.435, 0.909)
    assert result.n == 12 and result.k == 11


def test_alpha_listwise_uses_the_true_n_for_the_ci():
    data = pg.read_dataset("cronbach_wide_missing")
    result = cronbach_alpha(data.to_numpy(), nan_policy="listwise")
    assert result.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert result.n == 9  # pingouin reports [0.581, 0.933] because it keeps n = 12
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.533, 0.947)


def test_alpha_median_imputed_and_long_format_match_pingouin_docs():
    data = pg.read_dataset("cronbach_wide_missing")
    imputed = cronbach_alpha(data.fillna(data.median()).to_numpy())
    assert imputed.alpha == pytest.approx(0.7380191693290734, abs=1e-12)
    assert (round(imputed.ci_low, 3), round(imputed.ci_high, 3)) == (0.447, 0.911)
    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot(index="Subj", columns="Items", values="Scores").to_numpy()
    result = cronbach_alpha(wide)
    assert result.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.195, 0.84)


def test_kr20_uses_one_divisor_and_equals_alpha_on_binary_items():
    data = pg.read_dataset("cronbach_wide_missing").dropna().to_numpy()
    value, reason = kr20(data, np.ones(data.shape[1]))
    assert reason is None
    assert value == pytest.approx(0.801695, abs=1e-6)
    # the divisor trap the notes warn about: population Σpq with a sample σ²_T
    p = data.mean(axis=0)
    k = data.shape[1]
    trap = k / (k - 1) * (1 - (p * (1 - p)).sum() / data.sum(axis=1).var(ddof=1))
    assert trap == pytest.approx(0.834840, abs=1e-6) and value != pytest.approx(trap)


# A Guttman pattern, by hand:       item1 item2 item3  total
#   p1                               1     1     1      3
#   p2                               1     1     0      2
#   p3                               1     0     0      1
#   p4                               0     0     0      0
# item variances .25, 1/3, .25; total variance 5/3 -> α = 3/2·(1 − (5/6)/(5/3)) = .75
# item1: cov(mark, rest) = .25, var(rest) = 11/12 -> discrimination 100·.25/√(.25·11/12)
#        = 52.2233; sorted marks and rests pair the same way -> efficiency 100;
#        corr(mark, total) = .5/√(.25·5/3) = .774597; α without item1 = .727273
# item2: cov = var(mark) = 1/3, var(rest) = 2/3 -> discrimination 70.7107
# upper and lower 27 % of 4 = 1 person each: D = 1 for every item
GUTTMAN = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float)


def test_item_statistics_by_hand():
    stats = item_statistics(GUTTMAN, [1, 1, 1])
    assert [s.facility for s in stats] == [0.75, 0.5, 0.25]
    assert stats[0].sd == pytest.approx(0.5)
    assert stats[0].discrimination == pytest.approx(52.2233, abs=1e-4)
    assert stats[1].discrimination == pytest.approx(70.7107, abs=1e-4)
    assert stats[2].discrimination == pytest.approx(52.2233, abs=1e-4)
    assert [round(s.efficiency, 6) for s in stats] == [100.0, 100.0, 100.0]
    assert stats[0].point_biserial == pytest.approx(0.774597, abs=1e-6)
    assert stats[0].alpha_if_deleted == pytest.approx(0.727273, abs=1e-6)
    assert [s.upper_lower for s in stats] == [1.0, 1.0, 1.0]
    assert cronbach_alpha(GUTTMAN).alpha == pytest.approx(0.75)
    assert kr20(GUTTMAN, [1, 1, 1])[0] == pytest.approx(0.75)


def test_a_reversed_item_has_negative_discrimination_and_partial_credit_uses_points():
    reversed_item = np.column_stack([GUTTMAN, [0, 0, 1, 1]])
    stats = item_statistics(reversed_item, [1, 1, 1, 1])
    assert stats[3].discrimination < 0 and stats[3].upper_lower == -1.0
    # the same marks in points out of 2 (partial credit) keep facility as a share of the max
    doubled = item_statistics(GUTTMAN * 2, [2, 2, 2])
    assert [s.facility for s in doubled] == [0.75, 0.5, 0.25]
    assert doubled[0].discrimination == pytest.approx(52.2233, abs=1e-4)
    assert kr20(GUTTMAN * [1, 1, 0.5], [1, 1, 1]) == (None, "report.reason.not_dichotomous")


def test_the_gain_toy_case_from_the_notes():
    pre = np.array([40, 60, 80, 100, 50.0])
    post = np.array([70, 80, 70, 100, 50.0])
    g, reason = class_gain(pre.mean(), post.mean())
    assert reason is None and g == pytest.approx(0.2353, abs=1e-4)
    assert np.nanmean(individual_gain(pre, post)) == pytest.approx(0.125)
    c = normalized_change(pre, post)
    assert np.isnan(c[3]) and np.nanmean(c) == pytest.approx(0.21875)
    paired = paired_stats(pre, post)
    assert paired.d_z == pytest.approx(0.4869, abs=1e-4)
    assert paired.t == pytest.approx(1.0887, abs=1e-4)
    assert paired.p == pytest.approx(0.3375, abs=1e-4)
    # CI by hand: 8 ± t(.975, 4)·√270/√5 = 8 ± 2.776445·7.348469
    assert paired.ci_low == pytest.approx(8 - 2.776445 * 7.348469, abs=1e-4)
    assert paired.ci_high == pytest.approx(8 + 2.776445 * 7.348469, abs=1e-4)


def test_hake_bands_at_their_boundaries():
    assert [gain_band(g) for g in (0.29, 0.30, 0.70, 0.71, -0.2)] == [
        "low", "medium", "medium", "high", "low"]
    assert gain_band(None) is None


def test_edge_cases_give_defined_results_with_a_reason():
    # pre = 100 %: the class gain is undefined, c drops the person, g is NaN
    assert class_gain(100.0, 100.0) == (None, "report.reason.pre_full")
    assert np.isnan(normalized_change([100], [100])[0]) and np.isnan(normalized_change([0], [0])[0])
    assert normalized_change([100], [90])[0] == pytest.approx(-0.1)
    assert np.isnan(individual_gain([100], [90])[0])
    # a participant with only one of the two forms has no change at all
    assert np.isnan(normalized_change([np.nan, 50], [60, np.nan])).all()
    assert np.isnan(individual_gain([np.nan], [60])[0])
    # zero variance
    assert cronbach_alpha(np.ones((5, 4))).reason == "report.reason.zero_variance"
    constant = item_statistics(np.column_stack([GUTTMAN, np.ones(4)]), [1, 1, 1, 1])
    assert constant[3].reason == "report.reason.item_constant"
    assert constant[3].discrimination is None and constant[3].efficiency is None
    assert paired_stats([50, 60], [60, 70]).reason == "report.reason.same_difference"
    assert paired_stats([50, 60], [60, 70]).ci_low == 10.0
    # one item
    one = cronbach_alpha(GUTTMAN[:, :1])
    assert one.alpha is None and one.reason == "report.reason.one_item"
    assert item_statistics(GUTTMAN[:, :1], [1])[0].discrimination is None
    assert kr20(GUTTMAN[:, :1], [1]) == (None, "report.reason.one_item")
    # too few people
    assert cronbach_alpha(GUTTMAN[:1]).reason == "report.reason.too_few"
    assert paired_stats([], []).reason == "report.reason.no_pairs"
    assert paired_stats([40], [60]).reason == "report.reason.too_few"
    assert item_statistics(GUTTMAN[:1], [1, 1, 1])[0].reason == "report.reason.too_few"
    # SEM
    assert sem(10.0, 0.75) == pytest.approx(5.0)
    assert sem(10.0, None) is None and sem(10.0, -0.2) is None
