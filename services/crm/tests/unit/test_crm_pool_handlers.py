"""Claims through the use case on the in-memory unit of work: the per-day cap counts on the company's
day, and a refusal leaves nothing behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from crm_fakes import FakeUnitOfWork, fake_bus
from test_crm_handlers import EAST, Company, pooled

from crm.service_layer.pool_commands import ClaimLead
from shared.clock import FixedClock
from shared.errors import RuleViolation


@pytest.fixture
def uow(clock: FixedClock) -> FakeUnitOfWork:
    return FakeUnitOfWork(clock=clock)


async def test_claims_per_day_are_capped_and_the_next_day_starts_afresh(uow: FakeUnitOfWork) -> None:
    company = Company(uow)
    bus = fake_bus(uow, pool_claims_per_day=1, rep_open_lead_cap=5)
    first, second = await pooled(bus, company, 2)
    rep = company.reps[0]

    await bus.handle(ClaimLead(by=rep, lead_id=first))
    published = len(uow.published)
    with pytest.raises(RuleViolation) as refused:
        await bus.handle(ClaimLead(by=rep, lead_id=second))
    assert refused.value.extra["cap"] == 1
    assert len(uow.published) == published
    assert uow.store.leads[second].owner_id is None

    uow.clock.advance(timedelta(days=1))
    claimed = await bus.handle(ClaimLead(by=rep, lead_id=second))
    assert (claimed.owner_id, claimed.group_id) == (rep.employee_id, EAST)
    assert uow.published_types()[-2:] == ["crm.lead.assigned.v1", "crm.lead.claimed.v1"]
