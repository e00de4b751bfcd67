"""The annual score (A1) without a database: the mean of the monthly scores, the stated rule for
months without a result, one rounding half-up to the cent."""

from __future__ import annotations

import pytest
from appraisal_builders import d

from appraisal.domain.annual import MissingMonths, annual_score, months_of, parse_year
from shared.errors import InvalidInput


def test_twelve_months_give_their_exact_mean():
    monthly = {month: d(60 + index) for index, month in enumerate(months_of(2025))}  # 60 … 71
    assert annual_score(monthly, 2025, MissingMonths.EMPLOYED_MONTHS) == (d("65.50"), months_of(2025), [])
    assert annual_score(monthly, 2025, MissingMonths.ZERO)[0] == d("65.50")


def test_months_without_a_result_follow_the_stated_rule():
    second_half = {month: d(80) for month in months_of(2025)[6:]}
    assert annual_score(second_half, 2025, MissingMonths.EMPLOYED_MONTHS)[0] == d("80.00")
    score, scored, missing = annual_score(second_half, 2025, MissingMonths.ZERO)
    assert score == d("40.00") and len(scored) == 6 and missing == months_of(2025)[:6]


def test_the_mean_is_rounded_once_half_up():
    # 3 months: (70.00 + 70.00 + 70.01) ÷ 3 = 70.00333… → 70.00; (70.01 + 70.01 + 70.00) ÷ 3 → 70.01.
    months = months_of(2025)
    assert annual_score({months[0]: d("70.00"), months[1]: d("70.00"), months[2]: d("70.01")}, 2025,
                        MissingMonths.EMPLOYED_MONTHS)[0] == d("70.00")
    # 2 months: (70.00 + 70.01) ÷ 2 = 70.005 → 70.01 (half-up, where banker's rounding gives 70.00).
    assert annual_score({months[0]: d("70.00"), months[1]: d("70.01")}, 2025,
                        MissingMonths.EMPLOYED_MONTHS)[0] == d("70.01")


def test_months_of_other_years_and_bad_years_are_refused():
    assert annual_score({"2024-12": d(90), "2025-01": d(50)}, 2025, MissingMonths.EMPLOYED_MONTHS)[0] == d("50.00")
    with pytest.raises(ValueError):
        annual_score({"2024-12": d(90)}, 2025, MissingMonths.EMPLOYED_MONTHS)
    with pytest.raises(InvalidInput):
        parse_year(1899)
