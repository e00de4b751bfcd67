"""Duplicate customers (查重/撞单, C3): a new lead whose phone or e-mail is already a customer's
is refused, naming who holds that customer, or linked to that customer when the caller asks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from crm.domain.contacts import mask_name
from shared.errors import Conflict


class OnDuplicate(StrEnum):
    REFUSE = "refuse"
    LINK = "link"


@dataclass(frozen=True)
class NewCustomer:
    """No customer has this phone or e-mail: create one."""


@dataclass(frozen=True)
class LinkTo:
    customer_id: uuid.UUID
    matched_on: tuple[str, ...]


@dataclass(frozen=True)
class Refuse:
    customer_id: uuid.UUID
    matched_on: tuple[str, ...]
    # The phone and the e-mail belong to two different customers: linking would have to pick one.
    other_customer_id: uuid.UUID | None = None


Decision = NewCustomer | LinkTo | Refuse


def decide(phone_match: uuid.UUID | None, email_match: uuid.UUID | None, on_duplicate: OnDuplicate) -> Decision:
    if phone_match is None and email_match is None:
        return NewCustomer()
    if phone_match is not None and email_match is not None and phone_match != email_match:
        return Refuse(customer_id=phone_match, matched_on=("phone", "email"), other_customer_id=email_match)
    customer_id = phone_match or email_match
    assert customer_id is not None
    matched_on = tuple(name for name, match in (("phone", phone_match), ("email", email_match)) if match)
    if on_duplicate is OnDuplicate.LINK:
        return LinkTo(customer_id=customer_id, matched_on=matched_on)
    return Refuse(customer_id=customer_id, matched_on=matched_on)


@dataclass(frozen=True)
class Holder:
    """Where a known customer is now: with a rep, in a group's pool, or in a department's pool."""

    owner_id: uuid.UUID | None
    owner_name: str | None
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None

    def describe(self) -> str:
        if self.owner_id is not None:
            return f"owned by rep {mask_name(self.owner_name)} ({self.owner_id})"
        if self.group_id is not None:
            return "in the pool of a group"
        return "in the department pool"


def duplicate_conflict(refusal: Refuse, holder: Holder | None) -> Conflict:
    """409 naming the current holder; the owner's name is masked, their id is enough to ask around."""
    field = refusal.matched_on[0]
    if refusal.other_customer_id is not None:
        return Conflict("the phone number and the e-mail address belong to two different customers",
                        field=field, matched_on=list(refusal.matched_on),
                        existing_customer_ids=[str(refusal.customer_id), str(refusal.other_customer_id)])
    where = holder.describe() if holder else "in the department pool"
    extra: dict = {"field": field, "matched_on": list(refusal.matched_on),
                   "existing_customer_id": str(refusal.customer_id), "held": where}
    if holder and holder.owner_id is not None:
        extra |= {"owner_id": str(holder.owner_id), "owner": mask_name(holder.owner_name)}
    elif holder and holder.group_id is not None:
        extra |= {"group_id": str(holder.group_id)}
    return Conflict(f"this customer is already known by {' and '.join(refusal.matched_on)}, {where}; "
                    "ask for ?on_duplicate=link to add the lead to that customer", **extra)


def duplicate_elsewhere(link: LinkTo) -> Conflict:
    """409 for a link to a customer outside the caller's scope: that a duplicate exists, and on which
    key, but nothing that identifies the customer or who holds them (C10)."""
    return Conflict(f"a customer with this {' and '.join(link.matched_on)} already exists in another team's "
                    "scope; the lead cannot be linked by you: ask your manager", field=link.matched_on[0],
                    matched_on=list(link.matched_on), held="in another scope")
