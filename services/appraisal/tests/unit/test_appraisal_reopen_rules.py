"""Reopening a period (issue 10 item 4) over the in-memory unit of work: HR only, with a reason,
a closed period only, nothing written when refused."""

from __future__ import annotations

import pytest
from appraisal_fakes import FakeAppraisalUnitOfWork

from appraisal.bootstrap import bootstrap
from appraisal.config import AppraisalSettings
from appraisal.domain.periods import PeriodRecord, PeriodStatus
from appraisal.service_layer import commands
from shared.auth import Role
from shared.clock import FixedClock, shift_month
from shared.errors import Conflict, Forbidden, InvalidInput
from shared.testing import principal


def bus_over(uow: FakeAppraisalUnitOfWork, clock: FixedClock):
    return bootstrap(AppraisalSettings(_env_file=None), uow_factory=lambda: uow, clock=clock).bus


@pytest.mark.parametrize(("by", "reason", "error"), [
    (principal(Role.ADMIN), "a late deal", Forbidden),
    (principal(Role.DEPARTMENT_MANAGER), "a late deal", Forbidden),
    (principal(Role.HR), "   ", InvalidInput),
], ids=["admin", "manager", "blank-reason"])
async def test_refused_unless_hr_states_a_reason(clock: FixedClock, by, reason, error):
    uow = FakeAppraisalUnitOfWork(clock=clock)
    period = shift_month(clock.month(), -1)
    uow.store.periods[period] = PeriodRecord(period, PeriodStatus.CLOSED, clock.now(), None, 0, revision=1)
    with pytest.raises(error):
        await bus_over(uow, clock).handle(commands.ReopenPeriod(period=period, reason=reason, by=by))
    assert uow.store.periods[period].is_closed and uow.published == []


async def test_an_open_period_is_not_reopened(clock: FixedClock):
    uow = FakeAppraisalUnitOfWork(clock=clock)
    with pytest.raises(Conflict, match="only a closed period"):
        await bus_over(uow, clock).handle(commands.ReopenPeriod(period=shift_month(clock.month(), -1),
                                                                reason="why", by=principal(Role.HR)))


def test_a_reopened_period_is_open_with_a_revision():
    assert PeriodRecord("2026-10", PeriodStatus.OPEN, revision=1).is_reopened
    assert not PeriodRecord("2026-10", PeriodStatus.OPEN).is_reopened
    assert not PeriodRecord("2026-10", PeriodStatus.CLOSED, revision=1).is_reopened
