"""Steps and reads shared by the tests of scores that many things move at once (a calendar revision,
the batched close, reopen and template save, the daily plan-execution sweep)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import httpx
from appraisal_world import Person, Tokens, World
from sqlalchemy import text

from shared.clock import FixedClock
from shared.events.org import WorkingCalendarSet

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Wednesday 18 November 2026, 10:00 in Shanghai: October is the month before, November open.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)
OCTOBER, NOVEMBER = "2026-10", "2026-11"


async def use_the_plan_execution_preset(client: httpx.AsyncClient, tokens: Tokens) -> None:
    """Reps scored on plan execution (daily logs owed); leaders keep the sales template and the agent
    the telesales one, neither with a plan-execution line."""
    sales = (await client.get("/templates/sales", headers=tokens.hr())).json()
    assert (await client.put("/templates/sales", headers=tokens.hr(), json={
        "name": sales["name"], "roles": ["group_leader"], "indicators": sales["indicators"]})).status_code == 200
    assert (await client.post("/templates/presets/regional_sales_plan_execution/install", headers=tokens.hr(),
                              json={"roles": ["sales_rep"], "key": "regional_sales"})).status_code == 201


async def write_log(client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock, person: Person, day: date) -> None:
    clock.set(datetime.combine(day, time(18), tzinfo=SHANGHAI))
    written = await client.put(f"/daily-logs/{day}/employees/{person.id}", headers=tokens.of(person), json={
        "work_done": "Visited Acme", "customers_contacted": ["Acme"], "visits": 1, "problems": ""})
    assert written.status_code == 200, written.text


def year_2026(holidays: list[date], revision: int = 1) -> WorkingCalendarSet:
    return WorkingCalendarSet(year=2026, revision=revision, weekend=[6, 7], holidays=holidays,
                              makeup_working_days=[], work_starts_at=time(9), work_ends_at=time(18))


async def stored(world: World, person: Person, period: str) -> tuple[str | None, datetime | None]:
    """The person's live score of the period and when it was computed."""
    async with world.runtime.engine.connect() as connection:
        row = (await connection.execute(text(
            "SELECT total, computed_at FROM scores WHERE employee_id = :id AND period = :period"),
            {"id": person.id, "period": period})).one()
    return (str(row.total) if row.total is not None else None), row.computed_at


async def announced(world: World, person: Person, period: str) -> list[str]:
    return [event["data"]["score"] for event in await world.outbox("appraisal.score.updated.v1")
            if event["data"]["employee_id"] == str(person.id) and event["data"]["period"] == period]
