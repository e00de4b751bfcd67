"""Coefficient bands (A5) at their boundaries, ranking and the retraining flags (A6)."""

from __future__ import annotations

import pytest
from appraisal_builders import d, policy

from appraisal.domain.policy import CoefficientBand
from appraisal.domain.results import Flag, coefficient_for, flags_for, ranks, validate_bands

BANDS = policy().bands


@pytest.mark.parametrize(("score", "coefficient"), [
    ("100", "1.5"), ("90", "1.5"), ("89.99", "1.2"), ("89.5", "1.2"), ("80", "1.2"), ("79.99", "1.0"),
    ("70", "1.0"), ("69.99", "0.8"), ("60", "0.8"), ("59.99", "0.5"), ("0", "0.5"),
])
def test_the_band_is_decided_on_the_exact_score(score: str, coefficient: str):
    assert coefficient_for(d(score), BANDS) == d(coefficient)


def test_bands_are_configurable():
    bands = (CoefficientBand(d(75), d(2)), CoefficientBand(d(0), d(1)))
    assert coefficient_for(d("74.99"), bands) == d(1)
    assert coefficient_for(d(75), bands) == d(2)


@pytest.mark.parametrize("bands", [
    (),
    (CoefficientBand(d(60), d("0.8")), CoefficientBand(d(90), d("1.5")), CoefficientBand(d(0), d("0.5"))),
    (CoefficientBand(d(90), d("1.5")), CoefficientBand(d(60), d("0.8"))),
], ids=["none", "unordered", "no-floor"])
def test_incoherent_bands_are_refused(bands):
    with pytest.raises(ValueError):
        validate_bands(bands)


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    assert ranks({"a": d(80), "b": d(95), "c": d(80), "d": d(10)}) == {"b": 1, "a": 2, "c": 2, "d": 4}


class TestRetrainingFlags:
    def test_score_below_60_flags_retraining(self):
        assert flags_for(d("59.99"), [], policy()) == [Flag.RETRAINING_SCORE_BELOW_MINIMUM]

    def test_exactly_60_is_not_below_the_minimum(self):
        assert flags_for(d(60), [], policy()) == []

    def test_third_consecutive_month_below_70_flags_retraining(self):
        assert flags_for(d("69.99"), [d(65), d("69.99")], policy()) == [Flag.RETRAINING_CONSECUTIVE_LOW_SCORES]

    def test_two_low_months_are_not_yet_three(self):
        assert flags_for(d(65), [d(65)], policy()) == []
        assert flags_for(d(65), [d(65), d(70)], policy()) == []

    def test_a_month_without_result_breaks_the_run(self):
        assert flags_for(d(65), [None, d(65)], policy()) == []

    def test_both_flags_at_once(self):
        assert flags_for(d(50), [d(50), d(50)], policy()) == [
            Flag.RETRAINING_SCORE_BELOW_MINIMUM, Flag.RETRAINING_CONSECUTIVE_LOW_SCORES]

    def test_the_run_length_is_a_setting(self):
        assert flags_for(d(65), [d(65)], policy(low_score_months=2)) == [Flag.RETRAINING_CONSECUTIVE_LOW_SCORES]
