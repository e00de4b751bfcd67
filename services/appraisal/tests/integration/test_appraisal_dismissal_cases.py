"""A6 on the real database and through the API (issue 10 item 7): a month flagging retraining, the
next one still failing, a dismissal case for HR only, its event once, HR's decision with a reason;
a reopened and closed-again month opens nothing twice."""

from __future__ import annotations

import uuid

from appraisal_world import Tokens, World

from shared.auth import Role
from shared.clock import shift_month

ZERO_RULE = {"missing_stages_rule": "zero"}


async def close(client, tokens: Tokens, period: str) -> None:
    closed = await client.post(f"/periods/{period}/close", headers=tokens.hr(), json=ZERO_RULE)
    assert closed.status_code == 200, closed.text


async def test_still_failing_after_retraining_opens_one_case_hr_decides(world: World, client, tokens: Tokens,
                                                                        period: str):
    flagged, after = shift_month(period, -1), period
    # Nobody has inputs: each scores attendance and no complaint to handle, far below 60, both months.
    await close(client, tokens, flagged)
    assert (await client.get("/dismissal-cases", headers=tokens.hr())).json() == []
    await close(client, tokens, after)

    listed = await client.get("/dismissal-cases", headers=tokens.hr())
    assert listed.status_code == 200, listed.text
    cases = {row["employee_id"]: row for row in listed.json()}
    assert set(cases) == {str(person.id) for person in world.appraised}
    mine = cases[str(world.rep.id)]
    assert (mine["status"], mine["retraining_period"], mine["retraining_flags"], mine["failing"],
            mine["failing_below"], mine["decision"]) == (
        "open", flagged, ["retraining:score_below_minimum"], [{"period": after, "score": "25.00"}], "70.00", None)
    opened = [e for e in await world.outbox("appraisal.dismissal_case.opened.v1")
              if e["data"]["employee_id"] == str(world.rep.id)]
    assert [(e["data"]["case_id"], e["data"]["failing_periods"], e["data"]["failing_scores"]) for e in opened] == [
        (mine["id"], [after], ["25.00"])]

    # Reopened and closed again: the same cases, no second event.
    reopened = await client.post(f"/periods/{after}/reopen", headers=tokens.hr(), json={"reason": "late deal"})
    assert reopened.status_code == 200, reopened.text
    await close(client, tokens, after)
    again = (await client.get("/dismissal-cases", headers=tokens.hr())).json()
    assert sorted(row["id"] for row in again) == sorted(row["id"] for row in cases.values())
    assert len(await world.outbox("appraisal.dismissal_case.opened.v1")) == len(world.appraised)
    async with world.runtime.uow_factory() as uow:
        retraining = await uow.consequences.retraining_of(world.rep.id)
    # The month closed again was the case's follow-up: its flag opens no new retraining case.
    assert [(item.period, item.status) for item in retraining] == [(flagged, "failed")]

    # HR decides, once, with a reason; nobody else may.
    url = f"/dismissal-cases/{mine['id']}/decision"
    assert (await client.post(url, headers=tokens.of(world.manager), json={
        "decision": "dismiss", "reason": "no improvement"})).status_code == 403
    bad = await client.post(url, headers=tokens.hr(), json={"decision": "fire", "reason": "no improvement"})
    assert bad.status_code == 422 and "decision" in {error["field"] for error in bad.json()["errors"]}
    blank = await client.post(url, headers=tokens.hr(), json={"decision": "dismiss", "reason": "  "})
    assert blank.status_code == 422, blank.text
    unknown = await client.post(f"/dismissal-cases/{uuid.uuid4()}/decision", headers=tokens.hr(),
                                json={"decision": "dismiss", "reason": "x"})
    assert unknown.status_code == 404
    decided = await client.post(url, headers=tokens.hr(), json={"decision": "retain", "reason": "improving since"})
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["decision"], decided.json()["reason"]) == (
        "decided", "retain", "improving since")
    twice = await client.post(url, headers=tokens.hr(), json={"decision": "dismiss", "reason": "changed our mind"})
    assert twice.status_code == 409, twice.text
    assert [row["id"] for row in (await client.get("/dismissal-cases", params={"status": "decided"},
                                                   headers=tokens.hr())).json()] == [mine["id"]]
    assert len((await client.get("/dismissal-cases", params={"status": "open"}, headers=tokens.hr())).json()) == \
        len(world.appraised) - 1


async def test_dismissal_cases_are_hrs_alone(world: World, client, tokens: Tokens):
    for person, roles in ((world.rep, ()), (world.leader, ()), (world.manager, ()), (world.rep, (Role.FINANCE,)),
                          (world.rep, (Role.ADMIN,))):
        refused = await client.get("/dismissal-cases", headers=tokens.of(person, *roles))
        assert refused.status_code == 403, (person.name, roles, refused.text)
    assert (await client.get("/dismissal-cases")).status_code == 401
    assert (await client.get("/dismissal-cases", params={"status": "closed"}, headers=tokens.hr())).status_code == 422
    assert (await client.get("/dismissal-cases", headers=tokens.hr())).status_code == 200
