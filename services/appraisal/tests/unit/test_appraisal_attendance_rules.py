"""Attendance into the score (A4, A9): org's day classifications become absence units, the
highest revision of a day wins whatever order the revisions arrive in, and the A4 presets score
70/30 to the point.

The month worked is the clock's last month, which has ended whatever the date the suite runs at."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from appraisal_builders import d, policy, sales_template
from appraisal_fakes import FakeAppraisalUnitOfWork

from appraisal.bootstrap import bootstrap
from appraisal.config import AppraisalSettings
from appraisal.domain.attendance import absence_units, attendance_source_id, supersedes
from appraisal.domain.presets import PRESETS
from appraisal.domain.scoring import IndicatorStatus, SubmittedReview, Tally, score
from appraisal.domain.templates import Rule, Source, Template, validate_template
from appraisal.entrypoints.consumers import CONSUMERS
from appraisal.service_layer import commands, inputs
from appraisal.service_layer.unit_of_work import AppraisalBus
from shared.auth import Role
from shared.clock import FixedClock, first_day, shift_month
from shared.directory import DirectoryEmployee
from shared.errors import InvalidInput
from shared.events import CloudEvent
from shared.events.org import AttendanceDayClassified, DismissalCaseRaised
from shared.testing import principal

HANDLERS = {event_type: handler for spec in CONSUMERS for event_type, handler in spec.handlers.items()}
HR = principal(Role.HR)
REP = uuid.uuid4()


def day(work_date: date, classification: str, absence: str = "0", revision: int = 1) -> AttendanceDayClassified:
    return AttendanceDayClassified(employee_id=REP, work_date=work_date, period=work_date.strftime("%Y-%m"),
                                   revision=revision, classification=classification, absence_days=Decimal(absence))


class TestUnits:
    @pytest.mark.parametrize(("classification", "absence", "full", "half"), [
        ("on_time", "0", "0", "0"),
        ("minor_lateness", "0", "0", "0"),
        ("half_day_absence", "0.5", "1", "0.5"),
        ("full_day_absence", "1", "1", "1"),
        ("leave", "0", "0", "0"),
        # A void date no longer counts, whatever an inconsistent producer left in absence_days.
        ("void", "1", "0", "0"),
    ])
    def test_units_per_classification(self, classification, absence, full, half):
        assert absence_units(classification, d(absence), half_day_counts_as_full=True) == d(full)
        assert absence_units(classification, d(absence), half_day_counts_as_full=False) == d(half)

    def test_a_half_day_counts_as_a_full_day_by_default(self):
        fact, = inputs.from_attendance_day(day(date(2026, 10, 12), "half_day_absence", "0.5"), uuid.uuid4(),
                                           policy())
        assert fact.value == d(1)

    def test_the_fact_is_keyed_by_employee_and_day_and_carries_the_revision(self):
        event_id = uuid.uuid4()
        fact, = inputs.from_attendance_day(day(date(2026, 10, 12), "full_day_absence", "1", revision=7), event_id,
                                           policy(half_day_counts_as_full=False))
        assert (fact.employee_id, fact.period, fact.kind, fact.value, fact.source_id, fact.event_id,
                fact.occurred_on, fact.revision) == (
            REP, "2026-10", Source.ABSENCE_DAYS, d(1), f"attendance:{REP}:2026-10-12", event_id,
            date(2026, 10, 12), 7)
        assert fact.source_id == attendance_source_id(REP, date(2026, 10, 12))


    def test_a_malformed_period_is_refused_not_stored(self):
        bad = day(date(2026, 10, 12), "full_day_absence", "1").model_copy(update={"period": "2026-13"})
        with pytest.raises(InvalidInput):
            inputs.from_attendance_day(bad, uuid.uuid4(), policy())


class TestRevisions:
    def test_only_a_higher_revision_supersedes(self):
        assert supersedes(2, 1) and supersedes(1, None)
        assert not supersedes(1, 2) and not supersedes(2, 2)


@dataclasses.dataclass
class Company:
    uow: FakeAppraisalUnitOfWork
    bus: AppraisalBus


def company(clock: FixedClock, template: Template | None = None) -> Company:
    uow = FakeAppraisalUnitOfWork(clock=clock)
    template = template or sales_template()
    uow.store.templates[template.key] = template
    uow.store.employees[REP] = DirectoryEmployee(employee_id=REP, name="Li", role=Role.SALES_REP, status="active",
                                                 department_id=uuid.uuid4(), group_id=None, manager_id=None)
    return Company(uow, bootstrap(AppraisalSettings(_env_file=None), uow_factory=lambda: uow, clock=clock).bus)


async def deliver(firm: Company, *events: AttendanceDayClassified | DismissalCaseRaised | CloudEvent) -> None:
    for event in events:
        envelope = event if isinstance(event, CloudEvent) else CloudEvent.wrap(event, source="/org")
        handler = HANDLERS.get(envelope.type)
        if handler is None:
            continue  # as the runner does with a type it does not handle
        async with firm.uow as uow:  # as the consumer runner does, minus the inbox
            await handler(envelope, uow, firm.bus)
            await uow.commit()


def attendance(firm: Company, period: str):
    card = firm.uow.store.scores[(REP, period)].card
    return next(line for line in card.indicators if line.source == Source.ABSENCE_DAYS)


class TestConsumer:
    async def test_an_older_revision_after_a_newer_one_changes_nothing(self, clock):
        firm, period = company(clock), shift_month(clock.month(), -1)
        work_date = first_day(period) + timedelta(days=4)
        await deliver(firm, day(work_date, "full_day_absence", "1", revision=2))
        after_newer = attendance(firm, period)
        await deliver(firm, day(work_date, "on_time", revision=1))
        assert attendance(firm, period) == after_newer
        assert (after_newer.raw_value, after_newer.points) == (d(1), d(96))

    async def test_a_correction_replaces_the_day_and_rescores(self, clock):
        firm, period = company(clock), shift_month(clock.month(), -1)
        work_date = first_day(period) + timedelta(days=4)
        await deliver(firm, day(work_date, "full_day_absence", "1", revision=1),
                      day(work_date, "leave", revision=2))
        line = attendance(firm, period)
        assert (line.raw_value, line.points, line.inputs) == (d(0), d(100), 1)
        updates = [e.data["score"] for e in firm.uow.published if e.type == "appraisal.score.updated.v1"]
        assert updates == ["19.20", "20.00"]

    async def test_revisions_in_every_order_and_repeated_end_the_same(self, clock):
        period = shift_month(clock.month(), -1)
        first, second = first_day(period) + timedelta(days=1), first_day(period) + timedelta(days=2)
        revisions = [day(first, "full_day_absence", "1", 1), day(first, "half_day_absence", "0.5", 2),
                     day(first, "on_time", revision=3), day(second, "half_day_absence", "0.5", 1),
                     day(second, "full_day_absence", "1", 2)]
        outcomes = set()
        for order in itertools.permutations(revisions):
            firm = company(clock)
            await deliver(firm, *order, order[0], order[-1])
            line = attendance(firm, period)
            outcomes.add((line.raw_value, line.points))
        assert outcomes == {(d(1), d(96))}

    async def test_other_attendance_events_are_not_inputs(self, clock):
        firm = company(clock)
        await deliver(firm, DismissalCaseRaised(case_id=uuid.uuid4(), employee_id=REP, rule="consecutive",
                                                absence_dates=[clock.today()], raised_on=clock.today()))
        assert firm.uow.store.facts == {} and firm.uow.published == []

    async def test_after_the_close_a_revision_is_kept_as_late_and_the_result_stands(self, clock):
        firm, period = company(clock), shift_month(clock.month(), -1)
        work_date = first_day(period) + timedelta(days=4)
        await deliver(firm, day(work_date, "on_time", revision=1))
        await firm.bus.handle(commands.ClosePeriod(period=period, by=HR, missing_stages_rule="zero"))
        frozen = firm.uow.store.results[(period, REP)]
        published = len(firm.uow.published)

        await deliver(firm, day(work_date, "full_day_absence", "1", revision=2))
        assert firm.uow.store.results[(period, REP)] == frozen
        assert len(firm.uow.published) == published
        fact, late = firm.uow.store.facts[(attendance_source_id(REP, work_date), Source.ABSENCE_DAYS)]
        assert (fact.value, fact.revision, late) == (d(1), 2, True)


class TestPresets:
    @pytest.mark.parametrize("key", sorted(key for key in PRESETS if key.startswith("a4_")))
    def test_each_preset_is_a_valid_70_30_template(self, key):
        preset = PRESETS[key]
        validate_template(preset.template(preset.key, None, preset.suggested_roles), Role.ALL)
        daily_work = sum((i.weight for i in preset.indicators if i.is_rated), Decimal(0))
        attendance_line, = (i for i in preset.indicators if i.source == Source.ABSENCE_DAYS)
        assert daily_work == 70
        assert (attendance_line.weight, attendance_line.rule, attendance_line.params) == (
            d(30), Rule.DEDUCTION_PER_UNIT, {"per_unit": d(4), "base": d(100)})

    def test_the_a4_weights_are_shares_of_the_70(self):
        weights = {key: {i.key: i.weight for i in preset.indicators} for key, preset in PRESETS.items()
                   if key.startswith("a4_")}
        assert weights == {
            "a4_regional_sales": {"dealer_management": 21, "weekly_report": 28, "other_management": 21,
                                  "attendance": 30},
            "a4_regional_manager": {"monthly_report": 42, "weekly_report_review": 7, "monthly_training": 7,
                                    "report_on_time": 7, "rep_deductions": 7, "attendance": 30},
        }

    def test_ratings_90_80_70_and_two_absence_days_one_a_half_score_83_60(self):
        preset = PRESETS["a4_regional_sales"]
        template = preset.template(preset.key, None, ("sales_rep",))
        units = sum((absence_units(c, d(a), half_day_counts_as_full=True)
                     for c, a in [("full_day_absence", "1"), ("half_day_absence", "0.5"), ("on_time", "0")]),
                    Decimal(0))
        ratings = {"dealer_management": d(90), "weekly_report": d(80), "other_management": d(70)}
        card = score(template, {Source.ABSENCE_DAYS: Tally(units, 3)}, [SubmittedReview("hr", ratings)], policy())
        lines = {line.key: (line.points, line.contribution, line.status) for line in card.indicators}
        # Daily work 0.3·90 + 0.4·80 + 0.3·70 = 80 → × 70 % = 56; attendance (100 − 2 × 4) × 30 % = 27.60.
        assert lines == {
            "dealer_management": (d(90), d("18.90"), IndicatorStatus.RATED),
            "weekly_report": (d(80), d("22.40"), IndicatorStatus.RATED),
            "other_management": (d(70), d("14.70"), IndicatorStatus.RATED),
            "attendance": (d(92), d("27.60"), IndicatorStatus.MEASURED),
        }
        assert card.total == d("83.60")

    def test_the_key_presets_is_reserved_for_the_listing(self):
        with pytest.raises(InvalidInput) as refused:
            validate_template(dataclasses.replace(sales_template(), key="presets"), Role.ALL)
        assert refused.value.extra["errors"][0]["field"] == "key"
