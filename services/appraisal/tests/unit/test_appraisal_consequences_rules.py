"""A6's consequences without a database: a retraining case judged on the results after the flagged
month, a dismissal case when they still fail, and HR's decision. The closes run through the
handlers over the in-memory unit of work; the month closed last is the clock's last month."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from appraisal_builders import sales_template
from appraisal_fakes import FakeAppraisalUnitOfWork

from appraisal.bootstrap import bootstrap
from appraisal.config import AppraisalSettings
from appraisal.domain.consequences import CaseStatus, DismissalCase, MonthlyScore, RetrainingCase, decide, judge
from appraisal.entrypoints.consumers import CONSUMERS
from appraisal.service_layer import commands
from appraisal.service_layer.unit_of_work import AppraisalBus
from shared.auth import Role
from shared.clock import FixedClock, first_day, shift_month
from shared.directory import DirectoryEmployee
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events import CloudEvent
from shared.events.appraisal import DismissalCaseOpened
from shared.events.crm import DealWon
from shared.testing import principal

HANDLERS = {event_type: handler for spec in CONSUMERS for event_type, handler in spec.handlers.items()}
HR = principal(Role.HR)
REP = uuid.uuid4()
AT = datetime(2026, 11, 3, tzinfo=UTC)


def case(period: str = "2026-06") -> RetrainingCase:
    return RetrainingCase(id=uuid.uuid4(), employee_id=REP, period=period,
                          flags=("retraining:score_below_minimum",), opened_at=AT)


class TestJudge:
    def test_one_month_after_it_decides(self):
        assert judge(case(), {}, 1, Decimal(70)) is None
        assert judge(case(), {"2026-06": Decimal(10)}, 1, Decimal(70)) is None  # the flagged month itself
        failed = judge(case(), {"2026-07": Decimal("69.99")}, 1, Decimal(70))
        assert (failed.status, failed.judged_on) == (CaseStatus.FAILED, (MonthlyScore("2026-07", Decimal("69.99")),))
        assert judge(case(), {"2026-07": Decimal(70)}, 1, Decimal(70)).status == CaseStatus.PASSED

    def test_with_two_months_every_one_must_fail_and_any_one_passes(self):
        assert judge(case(), {"2026-07": Decimal(50)}, 2, Decimal(70)) is None
        assert judge(case(), {"2026-08": Decimal(50)}, 2, Decimal(70)) is None
        assert judge(case(), {"2026-07": Decimal(50), "2026-08": Decimal(55)}, 2, Decimal(70)).status == \
            CaseStatus.FAILED
        assert judge(case(), {"2026-08": Decimal(80)}, 2, Decimal(70)).status == CaseStatus.PASSED

    def test_a_december_flag_is_judged_on_january(self):
        assert judge(case("2026-12"), {"2027-01": Decimal(1)}, 1, Decimal(70)).status == CaseStatus.FAILED


class TestDecide:
    def dismissal(self) -> DismissalCase:
        return DismissalCase(id=uuid.uuid4(), employee_id=REP, retraining_case_id=uuid.uuid4(),
                             retraining_period="2026-06", retraining_flags=("retraining:score_below_minimum",),
                             failing=(MonthlyScore("2026-07", Decimal(40)),), failing_below=Decimal(70), opened_at=AT)

    def test_a_decision_needs_a_known_verdict_and_a_reason_and_is_taken_once(self):
        with pytest.raises(InvalidInput, match="decision"):
            decide(self.dismissal(), "fire", "poor results", HR.employee_id, AT)
        with pytest.raises(InvalidInput, match="reason"):
            decide(self.dismissal(), "dismiss", "   ", HR.employee_id, AT)
        decided = decide(self.dismissal(), "retain", " improved since ", HR.employee_id, AT)
        assert (decided.status, decided.decision, decided.reason) == ("decided", "retain", "improved since")
        with pytest.raises(Conflict):
            decide(decided, "dismiss", "changed our mind", HR.employee_id, AT)


class Company:
    def __init__(self, clock: FixedClock, **settings) -> None:
        self.uow = FakeAppraisalUnitOfWork(clock=clock)
        self.uow.store.templates["sales"] = sales_template()
        self.uow.store.employees[REP] = DirectoryEmployee(
            employee_id=REP, name="Li", role=Role.SALES_REP, status="active", department_id=uuid.uuid4(),
            group_id=None, manager_id=None)
        self.bus: AppraisalBus = bootstrap(AppraisalSettings(_env_file=None, **settings),
                                           uow_factory=lambda: self.uow, clock=clock).bus

    async def close(self, period: str) -> None:
        await self.bus.handle(commands.ClosePeriod(period=period, by=HR, missing_stages_rule="zero"))

    def cases(self) -> list[RetrainingCase]:
        return sorted(self.uow.store.retraining.values(), key=lambda c: c.period)

    def dismissals(self) -> list[DismissalCase]:
        return list(self.uow.store.dismissals.values())


def months(clock: FixedClock, count: int) -> list[str]:
    """The ``count`` months before the clock's, oldest first."""
    return [shift_month(clock.month(), -n) for n in range(count, 0, -1)]


class TestCloses:
    # Without inputs a rep scores 20 (attendance alone, reviews counted 0): below 60 every month.
    async def test_a_flag_opens_a_case_and_the_next_failing_month_a_dismissal_case(self, clock: FixedClock):
        firm = Company(clock)
        flagged, after = months(clock, 2)
        await firm.close(flagged)
        [opened] = firm.cases()
        assert (opened.period, opened.status, opened.flags) == (flagged, CaseStatus.OPEN,
                                                                ("retraining:score_below_minimum",))
        assert firm.dismissals() == []

        await firm.close(after)
        [settled] = firm.cases()  # the second flag belongs to the open case: no new one
        assert (settled.status, settled.judged_on) == (CaseStatus.FAILED, (MonthlyScore(after, Decimal(20)),))
        [dismissal] = firm.dismissals()
        assert (dismissal.retraining_case_id, dismissal.failing, dismissal.failing_below, dismissal.status) == (
            opened.id, settled.judged_on, Decimal(70), "open")
        [event] = [e.payload(DismissalCaseOpened) for e in firm.uow.published
                   if e.type == DismissalCaseOpened.event_type]
        assert (event.case_id, event.employee_id, event.retraining_period, event.failing_periods,
                event.failing_scores) == (dismissal.id, REP, flagged, [after], [Decimal(20)])

    async def test_a_result_at_the_bar_passes_the_case_and_a_later_flag_opens_a_new_one(self, clock: FixedClock):
        firm = Company(clock, dismissal_failing_below=Decimal(20))
        flagged, after, later = months(clock, 3)
        await firm.close(flagged)
        await firm.close(after)
        first = firm.cases()[0]
        assert (first.status, firm.dismissals()) == (CaseStatus.PASSED, [])
        # ``after`` was flagged too but judged the open case; the next flag opens a new case.
        assert [c.period for c in firm.cases()] == [flagged]
        await firm.close(later)
        assert [(c.period, c.status) for c in firm.cases()] == [(flagged, CaseStatus.PASSED),
                                                                 (later, CaseStatus.OPEN)]

    async def test_with_two_months_to_follow_the_case_waits_then_fails(self, clock: FixedClock):
        firm = Company(clock, retraining_follow_up_months=2)
        flagged, first, second = months(clock, 3)
        await firm.close(flagged)
        await firm.close(first)
        assert [(c.period, c.status) for c in firm.cases()] == [(flagged, CaseStatus.OPEN)]
        await firm.close(second)
        assert [c.status for c in firm.cases()] == [CaseStatus.FAILED]
        assert [item.period for item in firm.dismissals()[0].failing] == [first, second]

    async def test_closed_out_of_order_the_case_is_judged_when_its_month_closes(self, clock: FixedClock):
        firm = Company(clock, retraining_score=Decimal(50))
        flagged, after = months(clock, 2)
        # ``after`` scores 52.50 (sales 30 + a contract 2.50 + attendance 20): not flagged, still failing.
        won = DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP, amount=Decimal(100000),
                      signed_on=first_day(after))
        async with firm.uow as uow:
            await HANDLERS[DealWon.event_type](CloudEvent.wrap(won, source="/crm"), uow, firm.bus)
            await uow.commit()
        await firm.close(after)
        assert firm.cases() == []
        await firm.close(flagged)
        [judged] = firm.cases()
        assert (judged.period, judged.status, judged.judged_on) == (
            flagged, CaseStatus.FAILED, (MonthlyScore(after, Decimal("52.50")),))
        assert len(firm.dismissals()) == 1


class TestDecisionHandler:
    async def test_only_hr_decides_an_existing_case(self, clock: FixedClock):
        firm = Company(clock)
        flagged, after = months(clock, 2)
        await firm.close(flagged)
        await firm.close(after)
        [dismissal] = firm.dismissals()
        with pytest.raises(Forbidden):
            await firm.bus.handle(commands.DecideDismissalCase(case_id=dismissal.id, decision="dismiss",
                                                               reason="no", by=principal(Role.DEPARTMENT_MANAGER)))
        with pytest.raises(NotFound):
            await firm.bus.handle(commands.DecideDismissalCase(case_id=uuid.uuid4(), decision="dismiss",
                                                               reason="no", by=HR))
        decided = await firm.bus.handle(commands.DecideDismissalCase(
            case_id=dismissal.id, decision="dismiss", reason="no improvement after retraining", by=HR))
        assert firm.dismissals() == [decided] and decided.decided_by == HR.employee_id


def test_the_follow_up_and_the_bar_are_configuration(monkeypatch):
    defaults = AppraisalSettings(_env_file=None).policy()
    assert (defaults.retraining_follow_up_months, defaults.dismissal_failing_below) == (1, Decimal(70))
    monkeypatch.setenv("APPRAISAL_RETRAINING_FOLLOW_UP_MONTHS", "2")
    monkeypatch.setenv("APPRAISAL_DISMISSAL_FAILING_BELOW", "65.5")
    changed = AppraisalSettings(_env_file=None).policy()
    assert (changed.retraining_follow_up_months, changed.dismissal_failing_below) == (2, Decimal("65.5"))
