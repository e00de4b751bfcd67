"""Duplicate decisions (C3): new customer, link, or refuse naming the holder."""

from __future__ import annotations

import uuid

from crm.domain.dedupe import Holder, LinkTo, NewCustomer, OnDuplicate, Refuse, decide, duplicate_conflict

KNOWN, OTHER = uuid.uuid4(), uuid.uuid4()


def test_no_match_is_a_new_customer() -> None:
    assert decide(None, None, OnDuplicate.REFUSE) == NewCustomer()


def test_a_match_is_refused_by_default_and_linked_on_request() -> None:
    assert decide(KNOWN, None, OnDuplicate.REFUSE) == Refuse(KNOWN, ("phone",))
    assert decide(None, KNOWN, OnDuplicate.LINK) == LinkTo(KNOWN, ("email",))
    assert decide(KNOWN, KNOWN, OnDuplicate.LINK) == LinkTo(KNOWN, ("phone", "email"))


def test_phone_and_email_of_two_customers_are_refused_even_when_linking() -> None:
    decision = decide(KNOWN, OTHER, OnDuplicate.LINK)
    assert decision == Refuse(KNOWN, ("phone", "email"), other_customer_id=OTHER)


def test_the_refusal_names_the_owner_masked() -> None:
    owner = uuid.uuid4()
    conflict = duplicate_conflict(Refuse(KNOWN, ("phone",)), Holder(owner, "Wang Wei", uuid.uuid4(), None))
    assert conflict.status == 409
    assert (conflict.extra["owner"], conflict.extra["owner_id"]) == ("Wang **", str(owner))
    assert "Wang Wei" not in conflict.detail and "owned by rep Wang **" in conflict.detail


def test_the_refusal_says_when_the_customer_is_in_a_pool() -> None:
    in_group = duplicate_conflict(Refuse(KNOWN, ("email",)), Holder(None, None, uuid.uuid4(), uuid.uuid4()))
    assert in_group.extra["held"] == "in the pool of a group" and "owner_id" not in in_group.extra
    in_department = duplicate_conflict(Refuse(KNOWN, ("email",)), Holder(None, None, None, uuid.uuid4()))
    assert in_department.extra["held"] == "in the department pool"
    assert in_department.extra["field"] == "email"
