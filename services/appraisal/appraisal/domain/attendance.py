"""Attendance as an appraisal input (A4, A9): how org's classification of a working day becomes
absence units on the attendance indicator, and which of two classifications of one day counts.

org classifies each working day and classifies it again after a correction, a leave approval or
a calendar change, each time with a higher revision. Appraisal keeps one fact per employee and
day, replaced by a higher revision only, so redelivery and reordering change nothing."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)
ONE = Decimal(1)

# The classification org sends when a date is no longer one of the employee's working days:
# whatever an earlier revision said about it stops counting.
VOID = "void"


def attendance_source_id(employee_id: uuid.UUID, work_date: date) -> str:
    """One fact per employee and day, whatever revision last classified it."""
    return f"attendance:{employee_id}:{work_date.isoformat()}"


def absence_units(classification: str, absence_days: Decimal, *, half_day_counts_as_full: bool) -> Decimal:
    """Units the attendance indicator deducts for one day.

    Only absence (旷工) deducts: leave, an on-time day and a minor lateness weigh nothing here
    (minor lateness costs pay, P6, not points). A4 counts a half day as a whole one; a company
    that weighs it by half turns the policy off.
    """
    if classification == VOID or absence_days <= ZERO:
        return ZERO
    return ONE if half_day_counts_as_full else absence_days


def supersedes(incoming: int, stored: int | None) -> bool:
    """A classification replaces the stored one only when it is newer: an older or equal revision
    arriving late (reordered or redelivered) changes nothing."""
    return stored is None or incoming > stored
