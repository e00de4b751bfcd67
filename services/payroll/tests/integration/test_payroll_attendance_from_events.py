"""Attendance into pay on the real database: org's classified days and calendars delivered as the
consumer runner delivers them (redelivered, reordered), a run's P6 and proration lines to the cent,
and a correction after the lock paid once in the next run."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from decimal import Decimal

from payroll_world import SALES, PayrollWorld, amounts, closed, finalized, hired

from payroll.service_layer import commands
from shared.calendar import Calendars
from shared.clock import Clock, first_day, last_day, shift_month
from shared.events import CloudEvent
from shared.events.envelope import REGISTRY
from shared.events.org import (
    AttendanceDayClassified,
    DismissalCaseRaised,
    EmployeeHired,
    EmployeeLeft,
    WorkingCalendarSet,
)
from shared.kafka import ensure_topics, new_producer
from shared.runtime import run_consumers

D = Decimal
ANN, BAO, CAT = uuid.UUID(int=0xA), uuid.UUID(int=0xB), uuid.UUID(int=0xC)
FULL = {"classification": "full_day_absence", "absence_days": D(1)}
HALF = {"classification": "half_day_absence", "absence_days": D("0.5"), "late_minutes": 20}
ON_TIME = {"classification": "on_time"}


def classified(employee_id: uuid.UUID, work_date: date, revision: int = 1, **facts) -> AttendanceDayClassified:
    facts = {"classification": "on_time", **facts}
    return AttendanceDayClassified(employee_id=employee_id, work_date=work_date, period=work_date.strftime("%Y-%m"),
                                   revision=revision, **facts)


def lateness(times: int = 1) -> dict:
    return {"classification": "minor_lateness", "minor_latenesses": times, "late_minutes": 5 * times}


def leave(paid: bool) -> dict:
    return {"classification": "leave", "leave_type": "annual" if paid else "personal", "leave_paid": paid,
            "leave_days": D(1)}


def calendar_of_22_working_days(period: str, revision: int = 1) -> WorkingCalendarSet:
    """The period's year with holidays or make-up Saturdays so that the period has exactly 22 working
    days, whatever month the clock puts it in (Monday to Friday gives 20 to 23)."""
    weekdays = Calendars().working_days_of_month(period)
    weekend_days = [first_day(period) + timedelta(days=n) for n in range((last_day(period) - first_day(period)).days
                                                                        + 1)]
    weekend_days = [day for day in weekend_days if day.isoweekday() == 6]
    holidays = weekdays[:max(0, len(weekdays) - 22)]
    makeup = weekend_days[:max(0, 22 - len(weekdays))]
    return WorkingCalendarSet(year=first_day(period).year, revision=revision, weekend=[6, 7], holidays=holidays,
                              makeup_working_days=makeup, work_starts_at="09:00", work_ends_at="18:00")


async def day_row(world: PayrollWorld, employee_id: uuid.UUID, work_date: date):
    (row,) = await world.query("SELECT * FROM attendance_days WHERE employee_id = :e AND work_date = :d",
                               e=employee_id, d=work_date)
    return row


async def test_the_highest_revision_of_a_day_is_kept_whatever_the_order_and_redelivery(
        world: PayrollWorld, period: str, clock: Clock) -> None:
    work_date = Calendars().working_days_of_month(period)[3]
    second = await world.deliver(classified(ANN, work_date, 2, **FULL))
    await world.deliver(classified(ANN, work_date, 1, **ON_TIME))  # older, arriving late
    await world.deliver(second)  # redelivered: the inbox absorbs it
    assert world.duplicates == 1

    row = await day_row(world, ANN, work_date)
    assert (row.revision, row.classification, row.absence_days, row.period) == (2, "full_day_absence", D("1.0"),
                                                                                period)
    assert row.event_id == second.id
    assert row.changed_at == clock.now()
    assert row.settled_run_id is None

    await world.deliver(classified(ANN, work_date, 3, **leave(paid=True)))
    row = await day_row(world, ANN, work_date)
    assert (row.revision, row.classification, row.leave_paid, row.absence_days) == (3, "leave", True, D("0.0"))


async def test_the_highest_revision_of_a_years_calendar_is_kept(world: PayrollWorld, period: str) -> None:
    year = first_day(period).year
    newer = WorkingCalendarSet(year=year, revision=2, weekend=[6, 7], holidays=[date(year, 10, 1)],
                               makeup_working_days=[date(year, 9, 27)], work_starts_at="09:00", work_ends_at="18:00")
    older = newer.model_copy(update={"revision": 1, "holidays": [], "makeup_working_days": []})
    envelope = await world.deliver(newer)
    await world.deliver(older)
    await world.deliver(envelope)

    (row,) = await world.query("SELECT * FROM working_calendars")
    assert (row.year, row.revision, row.holidays, row.makeup_working_days, row.weekend) == (
        year, 2, [f"{year}-10-01"], [f"{year}-09-27"], [6, 7])
    assert world.duplicates == 1


async def test_a_run_lines_each_deduction_with_its_days_and_prorates_the_base(world: PayrollWorld,
                                                                              period: str) -> None:
    await world.deliver(calendar_of_22_working_days(period))
    await world.set_plan(monthly_base="6000.00", performance_standard="2000.00", bonus_base="1000.00")
    wd = await _working_days(world, period)  # as payroll now holds the calendar
    assert len(wd) == 22

    await world.deliver(hired(ANN, period, name="An"))
    await world.deliver(EmployeeHired(employee_id=BAO, name="Bao", role="sales_rep", department_id=SALES,
                                      hired_on=wd[-10]))
    await world.deliver(hired(CAT, period, name="Cat"))
    await world.deliver(EmployeeLeft(employee_id=CAT, left_on=wd[9], department_id=SALES))

    ann_days = {wd[2]: FULL, wd[3]: {**HALF, "minor_latenesses": 1, "early_minutes": 10},
                wd[4]: lateness(2), wd[5]: leave(paid=False), wd[6]: leave(paid=True), wd[7]: ON_TIME}
    for work_date, facts in ann_days.items():
        await world.deliver(classified(ANN, work_date, **facts))
    await world.deliver(classified(BAO, wd[-9], **FULL))
    for employee_id in (ANN, BAO, CAT):
        await world.deliver(finalized(employee_id, period, score="80", coefficient="1.0"))
    await world.deliver(closed(period, count=3))

    slips = await world.payslips()
    assert amounts(slips[ANN]) == {
        "P1.base_salary": D("6000.00"), "P2.performance_pay": D("2000.00"), "P3.bonus": D("1000.00"),
        "P4.commission": D("0.00"),
        "P6.absence_wage": D("-413.79"),   # 6000 ÷ 21.75 × 1.5
        "P6.unpaid_leave": D("-275.86"),   # 6000 ÷ 21.75
        "P6.absence_fixed": D("-300.00"),  # 200 + 100
        "P6.minor_lateness": D("-150.00"),  # 3 × 50
    }
    assert slips[ANN].gross == D("7860.35")
    lines = {line["rule"]: line for line in slips[ANN].lines}
    assert lines["P6.absence_wage"]["inputs"]["dates"] == [wd[2].isoformat(), wd[3].isoformat()]
    assert lines["P6.minor_lateness"]["inputs"]["dates"] == [wd[3].isoformat(), wd[4].isoformat()]
    assert lines["P6.unpaid_leave"]["inputs"]["dates"] == [wd[5].isoformat()]
    assert wd[6].isoformat() not in str(lines)  # paid leave costs nothing
    assert f"({wd[2].isoformat()}, {wd[3].isoformat()} ×0.5)" in lines["P6.absence_wage"]["calculation"]
    assert lines["P6.absence_fixed"]["kind"] == "attendance_deduction"

    # Hired for the last 10 of 22 working days, absent on one of them: 6000 × 10 ÷ 22, a day's wage of the full base.
    assert amounts(slips[BAO]) == {
        "P1.base_salary": D("2727.27"), "P2.performance_pay": D("2000.00"), "P3.bonus": D("1000.00"),
        "P4.commission": D("0.00"), "P6.absence_wage": D("-275.86"), "P6.absence_fixed": D("-200.00")}
    base = next(line for line in slips[BAO].lines if line["rule"] == "P1.base_salary")
    assert base["inputs"] == {"monthly_base": "6000.00", "plan_version": 1, "working_days_counted": 10,
                              "working_days_in_month": 22, "hired_on": wd[-10].isoformat(), "left_on": None}
    # Left after the 10th working day.
    cat_base = next(line for line in slips[CAT].lines if line["rule"] == "P1.base_salary")
    assert (cat_base["amount"], cat_base["inputs"]["left_on"]) == ("2727.27", wd[9].isoformat())

    (run,) = await world.runs()
    assert run.total_gross == slips[ANN].gross + slips[BAO].gross + slips[CAT].gross
    settled = await world.query("SELECT employee_id, period, amount FROM attendance_settlements ORDER BY employee_id")
    assert [(row.employee_id, row.amount) for row in settled] == [(ANN, D("-1139.65")), (BAO, D("-475.86")),
                                                                 (CAT, D("0.00"))]
    unsettled = await world.query("SELECT 1 FROM attendance_days WHERE settled_run_id IS NULL")
    assert unsettled == []


async def _working_days(world: PayrollWorld, period: str) -> list[date]:
    async with world.uow() as uow:
        calendars = await uow.attendance.calendars({first_day(period).year})
    return calendars.working_days_of_month(period)


async def test_a_correction_after_the_lock_is_paid_once_in_the_next_run(world: PayrollWorld, period: str, client,
                                                                      tokens) -> None:
    following, after = shift_month(period, 1), shift_month(period, 2)
    days = Calendars().working_days_of_month(period)
    await world.set_plan(monthly_base="6000.00", performance_standard="2000.00", bonus_base="1000.00")
    await world.deliver(classified(ANN, days[4], **FULL))
    await world.deliver(classified(ANN, days[5], **ON_TIME))
    for event in (finalized(ANN, period, score="80", coefficient="1.0"), closed(period, count=1)):
        await world.deliver(event)
    (first_run,) = await world.runs()
    assert amounts((await world.payslips())[ANN])["P6.absence_wage"] == D("-275.86")
    await world.runtime.bus.handle(commands.ApproveRun(run_id=first_run.id, by=uuid.uuid4()))
    await world.runtime.bus.handle(commands.LockRun(run_id=first_run.id, by=uuid.uuid4()))

    # After the lock: the absence was an approved paid leave, and the next day a minor lateness.
    corrected = await world.deliver(classified(ANN, days[4], 2, **leave(paid=True)))
    await world.deliver(classified(ANN, days[5], 2, **lateness()))
    await world.deliver(classified(ANN, days[4], 1, **FULL))  # the old revision again, late: nothing
    await world.deliver(corrected)  # redelivered: nothing
    locked_slip = (await world.payslips())[ANN]
    assert amounts(locked_slip)["P6.absence_wage"] == D("-275.86")  # the locked run never changes
    finance = tokens.headers("finance", employee_id=uuid.uuid4())
    pending = (await client.get("/adjustments/attendance/pending", headers=finance)).json()
    assert [(p["work_date"], p["revision"], p["classification"], p["paid_run_id"]) for p in pending] == [
        (days[4].isoformat(), 2, "leave", str(first_run.id)), (days[5].isoformat(), 2, "minor_lateness",
                                                              str(first_run.id))]
    rep = tokens.headers("sales_rep", employee_id=ANN)
    assert (await client.get("/adjustments/attendance/pending", headers=rep)).status_code == 403

    for event in (finalized(ANN, following, score="80", coefficient="1.0"), closed(following, count=1)):
        await world.deliver(event)
    next_slip = (await world.payslips(following))[ANN]
    (adjustment,) = [line for line in next_slip.lines if line["rule"] == "P6.adjustment"]
    # 275.86 + 200.00 given back, 50.00 taken: −50.00 − (−475.86)
    assert adjustment["amount"] == "425.86"
    assert adjustment["kind"] == "adjustment"
    assert adjustment["inputs"]["from_period"] == period
    assert adjustment["inputs"]["from_run_id"] == str(first_run.id)
    assert adjustment["inputs"]["dates"] == [days[4].isoformat(), days[5].isoformat()]
    assert (adjustment["inputs"]["recomputed"], adjustment["inputs"]["paid_so_far"]) == ("-50.00", "-475.86")
    assert period in adjustment["calculation"] and days[4].isoformat() in adjustment["calculation"]
    assert next_slip.gross == D("9425.86")
    assert (await client.get("/adjustments/attendance/pending", headers=finance)).json() == []

    # The run after: nothing changed since, so no second adjustment.
    for event in (finalized(ANN, after, score="80", coefficient="1.0"), closed(after, count=1)):
        await world.deliver(event)
    assert "P6.adjustment" not in amounts((await world.payslips(after))[ANN])
    total = await world.query("SELECT sum(amount) AS paid FROM attendance_settlements WHERE period = :p", p=period)
    assert total[0].paid == D("-50.00")


async def test_a_second_correction_pays_only_the_new_difference(world: PayrollWorld, period: str) -> None:
    following, after = shift_month(period, 1), shift_month(period, 2)
    days = Calendars().working_days_of_month(period)
    await world.set_plan(monthly_base="6000.00")
    await world.deliver(classified(ANN, days[1], **FULL))
    for each in (period, following):
        if each == following:
            await world.deliver(classified(ANN, days[1], 2, **HALF))  # full day → half day after the run
        await world.deliver(finalized(ANN, each))
        await world.deliver(closed(each, count=1))
    await world.deliver(classified(ANN, days[1], 3, **ON_TIME))  # and then no absence at all
    await world.deliver(finalized(ANN, after))
    await world.deliver(closed(after, count=1))

    assert amounts((await world.payslips(following))[ANN])["P6.adjustment"] == D("237.93")  # 137.93 + 100.00
    assert amounts((await world.payslips(after))[ANN])["P6.adjustment"] == D("237.93")  # the remaining half day
    (paid,) = await world.query("SELECT sum(amount) AS paid FROM attendance_settlements WHERE period = :p", p=period)
    assert paid.paid == D("0.00")


async def test_attendance_lines_are_read_through_the_api(world: PayrollWorld, period: str, client, tokens) -> None:
    days = Calendars().working_days_of_month(period)
    await world.set_plan()
    await world.deliver(classified(ANN, days[0], **lateness()))
    for event in (finalized(ANN, period), closed(period, count=1)):
        await world.deliver(event)
    response = await client.get("/payslips", params={"period": period},
                                headers=tokens.headers("finance", employee_id=uuid.uuid4()))
    assert response.status_code == 200, response.text
    (slip,) = response.json()
    (late,) = [line for line in slip["lines"] if line["rule"] == "P6.minor_lateness"]
    assert (late["amount"], late["inputs"]["dates"]) == ("-50.00", [days[0].isoformat()])

    # A rep reads none of it before the lock, and never another rep's.
    other = await client.get("/payslips", params={"period": period},
                             headers=tokens.headers("sales_rep", employee_id=BAO))
    assert other.status_code == 200 and other.json() == []


# Joining a consumer group costs this broker seconds: one test takes the broker path, the others
# hand envelopes to the handlers as the runner does.
async def test_the_attendance_consumer_on_the_broker_keeps_the_highest_revisions(
        world: PayrollWorld, payroll_settings, period: str) -> None:
    settings = payroll_settings
    work_date = Calendars().working_days_of_month(period)[2]
    year = first_day(period).year
    second = CloudEvent.wrap(classified(ANN, work_date, 2, **FULL), source="/org")
    calendar = WorkingCalendarSet(year=year, revision=2, weekend=[6, 7], holidays=[date(year, 5, 1)],
                                  makeup_working_days=[], work_starts_at="09:00", work_ends_at="18:00")
    envelopes = [
        second,
        CloudEvent.wrap(classified(ANN, work_date, 1, **ON_TIME), source="/org"),  # older, after the newer
        second,  # redelivered
        # Shares org.attendance, not ours: skipped, not recorded.
        CloudEvent.wrap(DismissalCaseRaised(case_id=uuid.uuid4(), employee_id=ANN, rule="consecutive",
                                            absence_dates=[work_date], raised_on=work_date), source="/org"),
        CloudEvent.wrap(calendar, source="/org"),
        CloudEvent.wrap(calendar.model_copy(update={"revision": 1, "holidays": []}), source="/org"),
    ]
    topics = sorted({settings.topic(envelope_topic(envelope)) for envelope in envelopes})
    await ensure_topics(settings.kafka_bootstrap_servers, topics, settings.topic_partitions)
    producer = new_producer(settings)
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send_and_wait(settings.topic(envelope_topic(envelope)), value=envelope.to_bytes(),
                                         key=str(envelope.data[REGISTRY.model_for(envelope.type).key_field]).encode(),
                                         headers=envelope.kafka_headers())
    finally:
        await producer.stop()

    stop = asyncio.Event()
    worker = asyncio.create_task(run_consumers(world.runtime, stop, ["payroll-attendance"]))
    try:
        for _ in range(150):  # 30 s at most
            if len(await world.query("SELECT 1 FROM inbox WHERE consumer = 'payroll-attendance'")) >= 4:
                break
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.wait_for(worker, 15)

    inbox = await world.query("SELECT event_type, status FROM inbox WHERE consumer = 'payroll-attendance'")
    assert sorted((row.event_type, row.status) for row in inbox) == sorted(
        [("org.attendance.day_classified.v1", "handled")] * 2 + [("org.calendar.year_set.v1", "handled")] * 2)
    row = await day_row(world, ANN, work_date)
    assert (row.revision, row.classification, row.event_id) == (2, "full_day_absence", second.id)
    (kept,) = await world.query("SELECT revision, holidays FROM working_calendars")
    assert (kept.revision, kept.holidays) == (2, [f"{year}-05-01"])


def envelope_topic(envelope: CloudEvent) -> str:
    return REGISTRY.model_for(envelope.type).topic


async def test_days_of_a_period_the_employee_was_not_paid_for_are_no_correction(world: PayrollWorld,
                                                                                 period: str) -> None:
    following = shift_month(period, 1)
    days = Calendars().working_days_of_month(period)
    await world.set_plan(monthly_base="6000.00")
    await world.deliver(classified(ANN, days[1], **FULL))
    await world.deliver(classified(BAO, days[1], **FULL))  # Bao had no result for the period: not on its run
    await world.deliver(finalized(ANN, period))
    await world.deliver(closed(period, count=1))
    await world.deliver(classified(ANN, days[2], **lateness()))  # Ann's correction, after the run

    for employee_id in (ANN, BAO):
        await world.deliver(finalized(employee_id, following))
    await world.deliver(closed(following, count=2))

    slips = await world.payslips(following)
    assert amounts(slips[ANN])["P6.adjustment"] == D("-50.00")
    assert "P6.adjustment" not in amounts(slips[BAO])
    (bao_day,) = await world.query("SELECT settled_run_id FROM attendance_days WHERE employee_id = :e", e=BAO)
    assert bao_day.settled_run_id is None  # never paid, so never adjusted
