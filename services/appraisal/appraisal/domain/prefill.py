"""The system's own figures pre-filled beside the employee's in the weekly and monthly reports (A8).

Each pre-filled report field is the sum of one kind of the employee's own facts that occurred in
the week or month: sales and collections from crm's deals and payments, customer visits from
crm.visit.logged, new customers from crm.deal.won with ``new_customer``. A cancelled deal takes its
amount back but not the new customer (crm.deal.cancelled does not say whether it was one), as the
appraisal's own new-customer indicator counts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from appraisal.domain.templates import Source

# Report field → the kind of fact that fills it.
PREFILLED_SOURCES: Mapping[str, str] = {
    "sales_volume": Source.SALES_AMOUNT,
    "collections": Source.COLLECTIONS,
    "customer_visits": Source.VISITS,
    "new_customers": Source.NEW_CUSTOMERS,
}
# Counts, shown as whole numbers: a report reads "3 visits", not "3.00"; the rest are money, in cents.
COUNTED = frozenset({"customer_visits", "new_customers"})
CENT = Decimal("0.01")


def prefilled_figures(sums: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Every pre-filled field, zero when no fact of its kind occurred."""
    figures = {}
    for field, kind in PREFILLED_SOURCES.items():
        value = sums.get(kind, Decimal(0))
        figures[field] = (value.quantize(Decimal(1)) if field in COUNTED
                          else value.quantize(CENT, rounding=ROUND_HALF_UP))
    return figures
