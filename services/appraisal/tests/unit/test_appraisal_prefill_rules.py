"""The reports' pre-filled figures (A8) without a database: which facts fill which field."""

from __future__ import annotations

from decimal import Decimal

from appraisal.domain.plans import PREFILLED, REPORT_FIELDS
from appraisal.domain.prefill import prefilled_figures
from appraisal.domain.templates import Source


def test_visits_and_new_customers_are_filled_from_their_facts_as_whole_counts():
    figures = prefilled_figures({Source.SALES_AMOUNT: Decimal("12000.00"), Source.COLLECTIONS: Decimal("3000.50"),
                                 Source.VISITS: Decimal("4.00"), Source.NEW_CUSTOMERS: Decimal("1.00"),
                                 Source.CALLS_DIALLED: Decimal("80.00")})
    assert figures == {"sales_volume": Decimal("12000.00"), "collections": Decimal("3000.50"),
                       "customer_visits": Decimal("4"), "new_customers": Decimal("1")}
    assert str(figures["customer_visits"]) == "4" and str(figures["new_customers"]) == "1"


def test_a_field_without_facts_is_zero_and_every_prefilled_field_is_a_report_field():
    empty = prefilled_figures({})
    assert {field: str(value) for field, value in empty.items()} == {
        "sales_volume": "0.00", "collections": "0.00", "customer_visits": "0", "new_customers": "0"}
    assert set(PREFILLED) <= set(REPORT_FIELDS)
    assert set(PREFILLED) == {"sales_volume", "collections", "customer_visits", "new_customers"}


def test_money_is_shown_in_cents_rounded_half_up():
    figures = prefilled_figures({Source.SALES_AMOUNT: Decimal("10.005"), Source.COLLECTIONS: Decimal("-2.004")})
    assert (str(figures["sales_volume"]), str(figures["collections"])) == ("10.01", "-2.00")
