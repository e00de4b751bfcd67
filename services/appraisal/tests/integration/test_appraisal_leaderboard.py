"""Rankings and honours at the close (A7) on the real database: ranks within department and role,
honours awarded as configured and announced, the leaderboard within the caller's scope."""

from __future__ import annotations

import uuid
from decimal import Decimal

from appraisal_world import Tokens, World, on

from shared.events.crm import DealWon
from shared.events.telesales import CallLogged


def won(employee_id: uuid.UUID, amount: str, day) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=employee_id, amount=Decimal(amount),
                   signed_on=day)


async def test_ranks_by_department_and_role_and_honours_announced(world: World, client, tokens: Tokens,
                                                                  period: str):
    await world.apply(won(world.rep.id, "100000", on(period, 3)), won(world.rep2.id, "40000", on(period, 4)),
                      won(world.rep3.id, "60000", on(period, 5)))
    await world.apply(*(CallLogged(call_id=f"c-{n}", agent_id=world.agent.id, started_at=f"{on(period, 6)}T02:00:00Z",
                                   call_date=on(period, 6), duration_seconds=90, connected=True,
                                   disposition="effective_conversation", effective=True) for n in range(3)))
    # No reviews: closed with them counted as 0, so nobody reaches Sales Star's minimum score of 70.
    closed = await client.post(f"/periods/{period}/close", headers=tokens.hr(), json={"missing_stages_rule": "zero"})
    assert closed.status_code == 200, closed.text
    results = {row["employee_id"]: row for row in closed.json()["results"]}
    # Field reps of the sales department: Li, Zhao, Wang; the leaders apart; the agent alone.
    assert [results[str(p.id)]["department_role_rank"] for p in (world.rep, world.rep3, world.rep2)] == [1, 2, 3]
    assert results[str(world.agent.id)]["department_role_rank"] == 1
    assert {results[str(p.id)]["department_role_rank"] for p in (world.leader, world.leader2)} == {1}

    announced = await world.outbox("appraisal.honour.awarded.v1")
    honours = {(e["data"]["honour"], e["data"]["employee_id"]) for e in announced}
    # Sales Champion: the company's highest sales; Best Team: East 1 (Li and Wang, 140 000).
    assert ("sales_champion", str(world.rep.id)) in honours
    assert ("best_team", str(world.leader.id)) in honours
    assert not any(key == "sales_star" for key, _ in honours)

    board = await client.get(f"/periods/{period}/leaderboard", headers=tokens.of(world.leader))
    assert board.status_code == 200, board.text
    body = board.json()
    # The leader sees their group's ranking only; the honours are everyone's news.
    assert [(r["role"], [e["employee_id"] for e in r["entries"]]) for r in body["rankings"]] == [
        ("group_leader", [str(world.leader.id)]), ("sales_rep", [str(world.rep.id), str(world.rep2.id)])]
    assert [e["rank"] for e in body["rankings"][1]["entries"]] == [1, 3]
    assert {(h["honour"], h["employee_id"]) for h in body["honours"]} == honours
    hr_board = (await client.get(f"/periods/{period}/leaderboard", headers=tokens.hr())).json()
    # Sales: leaders and reps; telesales: its leader and the agent (managers have no template here).
    assert len(hr_board["rankings"]) == 4


async def test_no_leaderboard_before_the_close(world: World, client, tokens: Tokens, period: str):
    assert (await client.get(f"/periods/{period}/leaderboard", headers=tokens.hr())).status_code == 409
