"""The annual score (A1) on the real database: a past year of twelve closed months, the exact
mean for each employee, a newcomer under the stated rule for months not employed, computed from
January only, announced once however often it is computed."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from appraisal_world import Person, Tokens, World, on

from shared.auth import Role
from shared.clock import FixedClock
from shared.events.crm import DealWon

ZERO_RULE = {"missing_stages_rule": "zero"}


def won(employee_id: uuid.UUID, amount: str, day) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=employee_id, amount=Decimal(amount),
                   signed_on=day)


async def test_a_year_of_closed_months_gives_the_exact_mean(world: World, client, tokens: Tokens,
                                                            clock: FixedClock):
    year = int(clock.month()[:4]) - 1
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    newcomer = Person("Newcomer Ma", Role.SALES_REP, world.sales, world.east1, world.leader,
                      hired_on=on(months[6], 1))
    await world.apply(newcomer.hired())
    early = await client.post(f"/years/{year}/annual-results", headers=tokens.hr())
    assert early.status_code == 409 and early.json()["open_periods"] == months

    monthly: dict[str, list[Decimal]] = {str(world.rep.id): [], str(newcomer.id): []}
    for index, month in enumerate(months, start=1):
        await world.apply(won(world.rep.id, str(10000 * index), on(month, 10)))
        if index >= 7:
            await world.apply(won(newcomer.id, "50000", on(month, 11)))
        closed = await client.post(f"/periods/{month}/close", headers=tokens.hr(), json=ZERO_RULE)
        assert closed.status_code == 200, closed.text
        for row in closed.json()["results"]:
            if row["employee_id"] in monthly:
                monthly[row["employee_id"]].append(Decimal(row["score"]))

    computed = await client.post(f"/years/{year}/annual-results", headers=tokens.hr())
    assert computed.status_code == 200, computed.text
    annual = {row["employee_id"]: row for row in computed.json()}
    rep = annual[str(world.rep.id)]
    expected = (sum(monthly[str(world.rep.id)]) / 12).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    # Month m: sales 10 000 m of 100 000 → 10 m points × 20 % = 2 m; one contract 25 × 5 % = 1.25;
    # attendance 100 × 20 % = 20.00; no complaint to handle 100 × 5 % = 5.00; reviews 0 (stated rule):
    # 28.25, 30.25 … 46.25 for months 1–10, then sales capped at 100 points: 46.25 twice.
    # (262.50 + 110 + 92.50) ÷ 12 = 465 ÷ 12 = 38.75.
    assert Decimal(rep["score"]) == expected == Decimal("38.75")
    assert (rep["months_scored"], rep["months_missing"], rep["missing_months_rule"], rep["revision"]) == (
        months, [], "employed_months", 1)
    assert rep["coefficient"] == "0.50"
    # The newcomer: July to December only, averaged over the months employed.
    late = annual[str(newcomer.id)]
    assert late["months_scored"] == months[6:] and late["months_missing"] == months[:6]
    assert Decimal(late["score"]) == (sum(monthly[str(newcomer.id)]) / 6).quantize(Decimal("0.01"))

    events = await world.outbox("appraisal.annual_result.finalized.v1")
    assert len(events) == len(annual)
    again = await client.post(f"/years/{year}/annual-results", headers=tokens.hr())
    assert again.status_code == 200 and again.json() == computed.json()
    assert len(await world.outbox("appraisal.annual_result.finalized.v1")) == len(annual)

    # Read within scope: the rep their own, not a colleague's.
    own = await client.get(f"/years/{year}/employees/{world.rep.id}/annual-result", headers=tokens.of(world.rep))
    assert own.status_code == 200 and own.json()["score"] == "38.75"
    other = await client.get(f"/years/{year}/employees/{world.rep.id}/annual-result", headers=tokens.of(world.rep2))
    assert other.status_code == 404
    listed = await client.get(f"/years/{year}/annual-results", headers=tokens.of(world.rep))
    assert [row["employee_id"] for row in listed.json()] == [str(world.rep.id)]
    assert (await client.post(f"/years/{year}/annual-results", headers=tokens.of(world.manager))).status_code == 403

    # March reopened for a late deal and closed again: the next computation revises the rep only.
    reopened = await client.post(f"/periods/{months[2]}/reopen", headers=tokens.hr(), json={"reason": "late deal"})
    assert reopened.status_code == 200, reopened.text
    assert (await client.post(f"/years/{year}/annual-results", headers=tokens.hr())).status_code == 409
    await world.apply(won(world.rep.id, "12000", on(months[2], 20)))
    assert (await client.post(f"/periods/{months[2]}/close", headers=tokens.hr(), json=ZERO_RULE)).status_code == 200
    revised = {row["employee_id"]: row for row in (await client.post(f"/years/{year}/annual-results",
                                                                      headers=tokens.hr())).json()}
    # March: 42 000 → 42 points × 20 % = 8.40 (+2.40); two contracts → 50 × 5 % = 2.50 (+1.25):
    # (465 + 3.65) ÷ 12 = 39.0541… → 39.05.
    assert (revised[str(world.rep.id)]["revision"], revised[str(world.rep.id)]["score"]) == (2, "39.05")
    assert revised[str(newcomer.id)]["revision"] == 1
    assert len(await world.outbox("appraisal.annual_result.finalized.v1")) == len(annual) + 1


async def test_the_current_year_is_not_computed_before_january(client, tokens: Tokens, clock: FixedClock):
    refused = await client.post(f"/years/{clock.month()[:4]}/annual-results", headers=tokens.hr())
    assert refused.status_code == 409 and "January" in refused.json()["detail"]
    assert (await client.post("/years/1800/annual-results", headers=tokens.hr())).status_code == 422
