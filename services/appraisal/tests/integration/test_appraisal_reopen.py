"""Reopening a closed period (issue 10 item 4) on the real database: HR only, with a reason;
inputs kept aside while it was closed count again; every change until the next close is
audited; the next close publishes revision 2 of every result for payroll to adjust by."""

from __future__ import annotations

import uuid
from decimal import Decimal

from appraisal_world import Tokens, World, on

from shared.events.crm import DealWon

ZERO_RULE = {"missing_stages_rule": "zero"}


def won(employee_id: uuid.UUID, amount: str, day) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=employee_id, amount=Decimal(amount),
                   signed_on=day)


async def test_hr_reopens_with_a_reason_and_the_next_close_revises_audited(world: World, client, tokens: Tokens,
                                                                           period: str):
    await world.apply(won(world.rep.id, "20000", on(period, 3)))
    first = await client.post(f"/periods/{period}/close", headers=tokens.hr(), json=ZERO_RULE)
    assert first.status_code == 200, first.text
    before = {row["employee_id"]: row for row in first.json()["results"]}
    assert before[str(world.rep.id)]["revision"] == 1
    # A deal signed in the month, recorded after the close: kept aside.
    await world.apply(won(world.rep.id, "30000", on(period, 28)))

    url = f"/periods/{period}/reopen"
    assert (await client.post(url, headers=tokens.of(world.manager), json={"reason": "late deal"})).status_code == 403
    blank = await client.post(url, headers=tokens.hr(), json={"reason": "  "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"
    reopened = await client.post(url, headers=tokens.hr(), json={"reason": "A deal of the 28th was booked late"})
    assert reopened.status_code == 200, reopened.text
    assert (reopened.json()["status"], reopened.json()["revision"]) == ("open", 1)
    assert (await client.post(url, headers=tokens.hr(), json={"reason": "again"})).status_code == 409
    [announced] = await world.outbox("appraisal.period.reopened.v1")
    assert (announced["data"]["revision"], announced["data"]["reason"]) == (1, "A deal of the 28th was booked late")

    # Live again, with the late deal counted.
    live = (await client.get(f"/periods/{period}/employees/{world.rep.id}/score", headers=tokens.hr())).json()
    assert live["status"] == "open"
    assert next(i for i in live["indicators"] if i["key"] == "sales_amount")["raw_value"] == "50000.00"
    review = await client.post(f"/periods/{period}/employees/{world.rep.id}/reviews", headers=tokens.of(world.rep),
                               json={"stage": "self", "ratings": {"teamwork": "70", "ability": "70"}})
    assert review.status_code == 201, review.text

    second = await client.post(f"/periods/{period}/close", headers=tokens.hr(), json=ZERO_RULE)
    assert second.status_code == 200, second.text
    assert second.json()["period"]["revision"] == 2
    after = {row["employee_id"]: row for row in second.json()["results"]}
    assert {row["revision"] for row in after.values()} == {2}
    assert Decimal(after[str(world.rep.id)]["score"]) > Decimal(before[str(world.rep.id)]["score"])
    revised = [e["data"] for e in await world.outbox("appraisal.result.finalized.v1") if e["data"]["revision"] == 2]
    assert {e["employee_id"] for e in revised} == set(after)
    closes = [e["data"]["revision"] for e in await world.outbox("appraisal.period.closed.v1")]
    assert closes == [1, 2]

    audit = (await client.get(f"/periods/{period}/audit", headers=tokens.hr())).json()
    actions = [entry["action"] for entry in audit]
    assert actions[:2] == ["reopened", "late_inputs_counted"] and actions[-1] == "closed_again"
    assert audit[0]["details"]["reason"] == "A deal of the 28th was booked late"
    assert audit[1]["details"]["facts"] == 6  # the deal's two facts, and each rolled up twice
    [reviewed] = [e for e in audit if e["action"] == "review_submitted"]
    assert (reviewed["employee_id"], reviewed["details"]["stage"]) == (str(world.rep.id), "self")
    revised_rep = next(e for e in audit if e["action"] == "result_revised" and e["employee_id"] == str(world.rep.id))
    assert revised_rep["details"]["before"]["score"] == before[str(world.rep.id)]["score"]
    assert revised_rep["details"]["after"]["score"] == after[str(world.rep.id)]["score"]
    # Unchanged results are not audited as revised.
    assert str(world.rep3.id) not in {e["employee_id"] for e in audit if e["action"] == "result_revised"}
    assert (await client.get(f"/periods/{period}/audit", headers=tokens.of(world.manager))).status_code == 403


async def test_an_open_period_is_not_reopened(world: World, client, tokens: Tokens, period: str):
    refused = await client.post(f"/periods/{period}/reopen", headers=tokens.hr(), json={"reason": "why not"})
    assert refused.status_code == 409
    assert await world.outbox("appraisal.period.reopened.v1") == []
