"""Consequences of the results (A6; issue 10 item 7): retraining, then a dismissal case.

A6 (seed 002: 连续三个月考核分低于70分,或者一个月低于60分……要进行转岗和再次培训,培训后仍然不能胜任的则淘汰):
a result flagged for retraining opens a retraining case for the employee. org's training work
carries the retraining out (it opens its retraining assignment from the same flags on
``appraisal.result.finalized.v1``); appraisal's case follows the results that come after it.

The case is judged on the results of the ``follow_up_months`` months after the flagged one
(AppraisalPolicy.retraining_follow_up_months, default 1: the month of the retraining itself):

- any of them at or above ``failing_below`` (default 70, A6's bar): the case is passed;
- every one of them below it: still failing after retraining — the case is failed and a
  dismissal case opens for HR, who records the decision with a reason. Nothing else happens
  by itself: no transfer, no dismissal, no change of pay;
- otherwise (a month not closed yet, or without a result) the case waits.

While a case is open a new flag opens no second one (the flag belongs to the same story), and a
period closed again after a reopen finds its case already there. A settled case stays settled:
the results it was judged on are in it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from appraisal.domain.periods import Period
from shared.errors import Conflict, InvalidInput

RETRAINING_FLAG_PREFIX = "retraining:"


class CaseStatus:
    OPEN = "open"  # waiting for the results after the flagged month
    PASSED = "passed"
    FAILED = "failed"  # a dismissal case was opened


class Decision:
    """HR's decision on a dismissal case."""

    DISMISS = "dismiss"
    RETAIN = "retain"
    ALL = (DISMISS, RETAIN)


@dataclass(frozen=True)
class MonthlyScore:
    period: str
    score: Decimal


@dataclass(frozen=True)
class RetrainingCase:
    id: uuid.UUID
    employee_id: uuid.UUID
    period: str  # the month whose result flagged retraining
    flags: tuple[str, ...]
    opened_at: datetime
    status: str = CaseStatus.OPEN
    # The results after ``period`` it was judged on, once settled.
    judged_on: tuple[MonthlyScore, ...] = ()
    settled_at: datetime | None = None


@dataclass(frozen=True)
class DismissalCase:
    id: uuid.UUID
    employee_id: uuid.UUID
    retraining_case_id: uuid.UUID
    retraining_period: str
    retraining_flags: tuple[str, ...]
    failing: tuple[MonthlyScore, ...]
    failing_below: Decimal
    opened_at: datetime
    decision: str | None = None
    reason: str | None = None
    decided_by: uuid.UUID | None = None
    decided_at: datetime | None = None

    @property
    def status(self) -> str:
        return "open" if self.decision is None else "decided"


def retraining_flags(flags: Sequence[str]) -> tuple[str, ...]:
    return tuple(flag for flag in flags if flag.startswith(RETRAINING_FLAG_PREFIX))


def follow_up_periods(period: str, months: int) -> list[str]:
    """The months after the flagged one whose results judge the case."""
    current = Period.parse(period)
    following = []
    for _ in range(months):
        current = current.next()
        following.append(str(current))
    return following


@dataclass(frozen=True)
class Verdict:
    status: str  # CaseStatus.PASSED or FAILED
    judged_on: tuple[MonthlyScore, ...]


def judge(case: RetrainingCase, scores: Mapping[str, Decimal], months: int, failing_below: Decimal
          ) -> Verdict | None:
    """None while the case must wait; ``scores`` holds the employee's frozen results by month."""
    periods = follow_up_periods(case.period, months)
    known = tuple(MonthlyScore(period, scores[period]) for period in periods if period in scores)
    passing = [item for item in known if item.score >= failing_below]
    if passing:
        return Verdict(CaseStatus.PASSED, known)
    if len(known) == len(periods):
        return Verdict(CaseStatus.FAILED, known)
    return None


def decide(case: DismissalCase, decision: str, reason: str, by: uuid.UUID, at: datetime) -> DismissalCase:
    if decision not in Decision.ALL:
        raise InvalidInput("decision", f"must be one of {', '.join(Decision.ALL)}")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "a decision on a dismissal case states its reason")
    if case.decision is not None:
        raise Conflict("this dismissal case has already been decided", case_id=str(case.id),
                       decision=case.decision)
    return replace(case, decision=decision, reason=reason, decided_by=by, decided_at=at)
