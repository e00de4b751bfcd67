"""Attendance into the score on the real database and broker: org's day classifications scored
live, once each, the highest revision of a day winning whatever order they arrive in; the A4
presets installed by HR and scored 70/30 to the point.

``period`` (a fixture) is the clock's last month: ended, so it may be closed, on any date."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from appraisal_world import Person, Tokens, World, d, on
from sqlalchemy import text

from appraisal.service_layer import commands, views
from shared.auth import Role
from shared.events.envelope import CloudEvent
from shared.events.org import AttendanceDayClassified, DismissalCaseRaised
from shared.kafka import ensure_topics, new_producer
from shared.runtime import ServiceRuntime, run_consumers
from shared.testing import principal

HR = principal(Role.HR)


def classified(person: Person, work_date: date, classification: str, absence: str = "0", *,
               revision: int = 1) -> AttendanceDayClassified:
    return AttendanceDayClassified(employee_id=person.id, work_date=work_date, period=work_date.strftime("%Y-%m"),
                                   revision=revision, classification=classification, absence_days=Decimal(absence),
                                   group_id=person.group_id, department_id=person.department_id)


def wrapped(event: AttendanceDayClassified | DismissalCaseRaised) -> CloudEvent:
    return CloudEvent.wrap(event, source="/org")


async def attendance_line(world: World, person: Person, period: str):
    card = (await views.employee_score(world.runtime.bus, HR, period, person.id)).card
    return next(line for line in card.indicators if line.key == "attendance")


async def rows(runtime: ServiceRuntime, sql: str, **params: Any) -> list[Any]:
    async with runtime.engine.connect() as connection:
        return list(await connection.execute(text(sql), params))


async def test_days_are_scored_live_once_each_and_an_older_revision_changes_nothing(world: World, period: str):
    absent = wrapped(classified(world.rep, on(period, 5), "full_day_absence", "1"))
    await world.apply(absent)
    # Day 6 was corrected to on time (revision 2) before its first classification arrived.
    await world.apply(classified(world.rep, on(period, 6), "on_time", revision=2),
                      classified(world.rep, on(period, 6), "half_day_absence", "0.5", revision=1))
    await world.apply(absent)  # redelivered
    await world.apply(classified(world.rep, on(period, 7), "half_day_absence", "0.5"))

    line = await attendance_line(world, world.rep, period)
    assert (line.raw_value, line.points, line.contribution, line.inputs, line.status) == (
        d(2), d(92), d("18.40"), 3, "measured")
    updates = await world.outbox("appraisal.score.updated.v1")
    # The sales template weighs attendance 20: 96 → 19.20, then 92 → 18.40 (and 5 for no complaint to
    # handle). On time changed nothing.
    assert [u["data"]["score"] for u in updates] == ["24.20", "23.40"]
    stored = await rows(world.runtime, "SELECT occurred_on, value, revision, late FROM facts ORDER BY occurred_on")
    assert [tuple(row) for row in stored] == [
        (on(period, 5), d(1), 1, False), (on(period, 6), d(0), 2, False), (on(period, 7), d(1), 1, False)]


async def test_a_correction_lifts_the_score_and_a_void_day_stops_counting(world: World, period: str):
    await world.apply(classified(world.rep, on(period, 5), "full_day_absence", "1"),
                      classified(world.rep, on(period, 6), "full_day_absence", "1"))
    await world.apply(classified(world.rep, on(period, 5), "leave", revision=2),
                      classified(world.rep, on(period, 6), "void", revision=3))
    line = await attendance_line(world, world.rep, period)
    assert (line.raw_value, line.points) == (d(0), d(100))
    updates = await world.outbox("appraisal.score.updated.v1")
    assert [u["data"]["score"] for u in updates] == ["24.20", "23.40", "24.20", "25.00"]


async def test_after_the_close_a_new_revision_is_kept_as_late_and_the_result_stands(world: World, period: str):
    await world.apply(classified(world.rep, on(period, 5), "on_time"))
    await world.runtime.bus.handle(commands.ClosePeriod(period=period, by=HR, missing_stages_rule="zero"))
    frozen = await views.employee_score(world.runtime.bus, HR, period, world.rep.id)
    updates = len(await world.outbox("appraisal.score.updated.v1"))

    await world.apply(classified(world.rep, on(period, 5), "full_day_absence", "1", revision=2),
                      classified(world.rep, on(period, 8), "half_day_absence", "0.5"))

    after = await views.employee_score(world.runtime.bus, HR, period, world.rep.id)
    assert after.status == "closed" and after.card == frozen.card
    assert len(await world.outbox("appraisal.score.updated.v1")) == updates
    late = await views.late_inputs(world.runtime.bus, period)
    assert sorted((f.fact.occurred_on, f.fact.value, f.fact.revision) for f in late) == [
        (on(period, 5), d(1), 2), (on(period, 8), d(1), 1)]


# Joining a consumer group costs this broker seconds: one test covers the path through Kafka,
# the others call the handler directly.
async def test_through_the_broker_redelivered_and_reordered_days_count_once(world: World, period: str):
    runtime = world.runtime
    settings = runtime.settings
    topic = settings.topic(AttendanceDayClassified.topic)
    await ensure_topics(settings.kafka_bootstrap_servers, [topic], settings.topic_partitions)
    first = wrapped(classified(world.rep, on(period, 5), "full_day_absence", "1"))
    newer = wrapped(classified(world.rep, on(period, 6), "full_day_absence", "1", revision=2))
    older = wrapped(classified(world.rep, on(period, 6), "on_time", revision=1))
    case = wrapped(DismissalCaseRaised(case_id=uuid.uuid4(), employee_id=world.rep.id, rule="consecutive",
                                       absence_dates=[on(period, 5), on(period, 6)], raised_on=on(period, 6)))
    producer = new_producer(settings)
    await producer.start()
    try:
        for envelope in (first, newer, older, first, case):
            await producer.send_and_wait(topic, envelope.to_bytes(), key=str(world.rep.id).encode(),
                                         headers=envelope.kafka_headers())
    finally:
        await producer.stop()

    stop = asyncio.Event()
    worker = asyncio.create_task(run_consumers(runtime, stop, ["appraisal-inputs"]))
    try:
        for _ in range(150):  # 30 s at most
            if len(await rows(runtime, "SELECT 1 FROM inbox WHERE consumer = 'appraisal-inputs'")) >= 3:
                break
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.wait_for(worker, 15)

    # Three envelopes of ours, each recorded once; the dismissal case is not an input.
    inbox = await rows(runtime, "SELECT event_id FROM inbox WHERE consumer = 'appraisal-inputs'")
    assert {row.event_id for row in inbox} == {first.id, newer.id, older.id}
    line = await attendance_line(world, world.rep, period)
    assert (line.raw_value, line.points) == (d(2), d(92))


def indicator(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(line for line in body["indicators"] if line["key"] == key)


class TestPresets:
    async def test_listed_to_anyone_installed_by_hr_only_and_never_over_a_template(
            self, world: World, client: httpx.AsyncClient, tokens: Tokens):
        listed = (await client.get("/templates/presets", headers=tokens.of(world.rep))).json()
        assert {p["key"]: (p["suggested_roles"], [i["weight"] for i in p["indicators"]]) for p in listed
                if p["key"].startswith("a4_")} == {
            "a4_regional_manager": (["regional_manager"], ["42", "7", "7", "7", "7", "30"]),
            "a4_regional_sales": (["sales_rep"], ["21", "28", "21", "30"]),
        }

        assert (await client.get("/templates/presets")).status_code == 401
        install = "/templates/presets/a4_regional_sales/install"
        assert (await client.post(install, headers=tokens.of(world.manager), json={"roles": ["sales_rep"]})
                ).status_code == 403
        missing = await client.post("/templates/presets/nothing/install", headers=tokens.hr(),
                                    json={"roles": ["sales_rep"]})
        assert missing.status_code == 404
        taken = await client.post(install, headers=tokens.hr(), json={"roles": ["sales_rep"]})
        assert taken.status_code == 409 and taken.json()["conflicting_templates"] == {"sales_rep": "sales"}
        unknown = await client.post(install, headers=tokens.hr(), json={"roles": ["astronaut"]})
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"].startswith("roles")
        reserved = await client.post(install, headers=tokens.hr(), json={"roles": ["sales_rep"], "key": "presets"})
        assert reserved.status_code == 422 and reserved.json()["errors"][0]["field"] == "key"
        over = await client.post(install, headers=tokens.hr(), json={"roles": ["regional_manager"], "key": "sales"})
        assert over.status_code == 409 and over.json()["field"] == "key"
        assert (await client.get("/templates", headers=tokens.hr())).json()[0]["roles"] == [
            "group_leader", "sales_rep"], "a refused install leaves the templates as they were"

        manager = await client.post("/templates/presets/a4_regional_manager/install", headers=tokens.hr(),
                                    json={"roles": ["regional_manager"], "name": "Regional managers, East"})
        assert manager.status_code == 201, manager.text
        assert (manager.json()["key"], manager.json()["name"], manager.json()["roles"]) == (
            "a4_regional_manager", "Regional managers, East", ["regional_manager"])
        stored = (await client.get("/templates/a4_regional_manager", headers=tokens.hr())).json()
        assert stored == manager.json()

    async def test_installed_for_reps_the_score_is_70_30_to_the_point(
            self, world: World, client: httpx.AsyncClient, tokens: Tokens, period: str):
        await world.apply(classified(world.rep, on(period, 5), "full_day_absence", "1"),
                          classified(world.rep, on(period, 6), "half_day_absence", "0.5"),
                          classified(world.rep, on(period, 7), "minor_lateness"),
                          classified(world.rep, on(period, 8), "leave"))
        # HR frees the reps from the default template, then installs A4 for them.
        sales = (await client.get("/templates/sales", headers=tokens.hr())).json()
        freed = await client.put("/templates/sales", headers=tokens.hr(), json={
            "name": sales["name"], "roles": ["group_leader"], "indicators": sales["indicators"]})
        assert freed.status_code == 200, freed.text
        installed = await client.post("/templates/presets/a4_regional_sales/install", headers=tokens.hr(),
                                      json={"roles": ["sales_rep"], "key": "regional_sales"})
        assert installed.status_code == 201, installed.text

        score_url = f"/periods/{period}/employees/{world.rep.id}/score"
        before_reviews = (await client.get(score_url, headers=tokens.of(world.rep))).json()
        assert (before_reviews["template_key"], before_reviews["total"]) == ("regional_sales", "27.60")

        reviewed = await client.post(f"/periods/{period}/employees/{world.rep.id}/reviews",
                                     headers=tokens.of(world.rep), json={"stage": "self", "ratings": {
                                         "dealer_management": "90", "weekly_report": "80",
                                         "other_management": "70"}})
        assert reviewed.status_code == 201, reviewed.text
        body = (await client.get(score_url, headers=tokens.of(world.rep))).json()
        # Daily work 0.3·90 + 0.4·80 + 0.3·70 = 80 → × 70 % = 56.00; attendance: two absence days,
        # the half one counting whole → 100 − 8 = 92 → × 30 % = 27.60.  Total 83.60.
        assert {line["key"]: (line["points"], line["contribution"]) for line in body["indicators"]} == {
            "dealer_management": ("90.00", "18.90"), "weekly_report": ("80.00", "22.40"),
            "other_management": ("70.00", "14.70"), "attendance": ("92.00", "27.60")}
        assert indicator(body, "attendance")["raw_value"] == "2.00"
        assert body["total"] == "83.60"
        updates = await world.outbox("appraisal.score.updated.v1")
        assert updates[-1]["data"] == {**updates[-1]["data"], "employee_id": str(world.rep.id), "score": "83.60"}
