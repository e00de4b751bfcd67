"""Customer credit (C11): a rating, and a flag (bad credit, abnormal) with its reason, kept on the
customer with a log of every change; flagged customers are listed for the weekly report, and a deal
for one is recorded with a warning (never refused: the manager decides, knowingly)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shared.errors import InvalidInput, RuleViolation


@dataclass(frozen=True)
class Credit:
    rating: str | None = None
    flag: str | None = None
    reason: str | None = None
    changed_by: uuid.UUID | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class CreditChange:
    id: uuid.UUID
    customer_id: uuid.UUID
    rating: str | None
    flag: str | None
    reason: str
    changed_by: uuid.UUID
    changed_at: datetime


def change_credit(current: Credit, *, rating: str | None, flag: str | None, clear_flag: bool, reason: str | None,
                  ratings: tuple[str, ...], flags: tuple[str, ...], by: uuid.UUID, at: datetime) -> Credit:
    """The new credit: a rating from the company's scale, a flag from its list or cleared; a reason always."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("reason", "say why the customer's credit changes")
    if rating is not None and rating not in ratings:
        raise InvalidInput("rating", f"one of: {', '.join(ratings)}")
    if flag is not None and flag not in flags:
        raise InvalidInput("flag", f"one of: {', '.join(flags)}")
    if flag is not None and clear_flag:
        raise InvalidInput("flag", "either flag the customer or clear the flag")
    new_rating = rating if rating is not None else current.rating
    new_flag = None if clear_flag else (flag if flag is not None else current.flag)
    if (new_rating, new_flag) == (current.rating, current.flag):
        raise RuleViolation("the customer's credit is already so", rating=current.rating, flag=current.flag)
    return Credit(rating=new_rating, flag=new_flag, reason=text, changed_by=by, changed_at=at)


def deal_warnings(credit: Credit) -> list[str]:
    if credit.flag is None:
        return []
    return [f"the customer is flagged {credit.flag}: {credit.reason}"]
