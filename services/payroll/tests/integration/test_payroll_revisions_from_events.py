"""P8 revisions over the consumers: appraisal reopens a period and closes it again with revised results.
A draft run waits and is recomputed; a locked run stands and the next run pays the difference, once,
however the events are redelivered or reordered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from decimal import Decimal

import httpx
import pytest
from payroll_world import PayrollWorld, Tokens, amounts, closed, day, finalized

from payroll.service_layer import commands
from shared.auth import Role
from shared.clock import shift_month
from shared.errors import Conflict
from shared.events.appraisal import AppraisalResultFinalized, PeriodClosed, PeriodReopened

D = Decimal
ANN, BAO = uuid.UUID(int=0xA), uuid.UUID(int=0xB)


def revised(employee_id: uuid.UUID, period: str, score: str, coefficient: str, revision: int = 2
            ) -> AppraisalResultFinalized:
    return finalized(employee_id, period, score=score, coefficient=coefficient).model_copy(
        update={"revision": revision})


def closed_again(period: str, count: int = 2, revision: int = 2) -> PeriodClosed:
    return closed(period, count=count).model_copy(update={"revision": revision})


def reopened(period: str, revision: int = 1) -> PeriodReopened:
    return PeriodReopened(period=period, reopened_at=datetime.combine(day(shift_month(period, 1), 9), time(9),
                                                                       tzinfo=UTC),
                          reopened_by=uuid.uuid4(), reason="HR corrected a superior's review", revision=revision)


async def pay_and_lock(world: PayrollWorld, period: str) -> uuid.UUID:
    """Ann 88/1.2 → 2200.00 + 1200.00; Bao 60/0.8 → 1500.00 + 800.00; the run approved and locked."""
    for event in (finalized(ANN, period, score="88", coefficient="1.2"),
                  finalized(BAO, period, score="60", coefficient="0.8"), closed(period, count=2)):
        await world.deliver(event)
    (run,) = await world.runs()
    await world.runtime.bus.handle(commands.ApproveRun(run_id=run.id, by=uuid.uuid4()))
    await world.runtime.bus.handle(commands.LockRun(run_id=run.id, by=uuid.uuid4()))
    return run.id


def revision_lines(slip) -> list[dict]:
    return [line for line in slip.lines if line["rule"] == "P8.revision"]


async def test_revised_results_of_a_locked_run_are_paid_as_a_difference_by_the_next_run_once(
        world: PayrollWorld, client: httpx.AsyncClient, tokens: Tokens, period: str) -> None:
    following = shift_month(period, 1)
    await world.set_plan()
    locked_id = await pay_and_lock(world, period)
    locked_slips = await world.payslips()

    # Reopen, revised results (Ann down, Bao unchanged) and the revised close — each delivered twice —
    # and Ann's revision-1 result arriving again late, under a new event id.
    events = [reopened(period), revised(ANN, period, "70.5", "0.85"), revised(BAO, period, "60", "0.8"),
              closed_again(period)]
    envelopes = [await world.deliver(event) for event in events]
    for envelope in envelopes:
        await world.deliver(envelope)
    for event in events:
        await world.deliver(event)
    await world.deliver(finalized(ANN, period, score="99", coefficient="2.0"))

    # The locked run is never edited.
    (run,) = await world.runs()
    assert (run.id, run.status, run.appraisal_revision, run.awaiting_revision) == (locked_id, "locked", 1, None)
    assert {e: slip.lines for e, slip in (await world.payslips()).items()} == {
        e: slip.lines for e, slip in locked_slips.items()}
    (stored,) = await world.query("SELECT score, revision FROM appraisal_results WHERE employee_id = :e", e=ANN)
    assert (stored.score, stored.revision) == (D("70.5"), 2)

    hr = tokens.headers(Role.HR)
    (pending,) = (await client.get("/adjustments/revisions/pending", headers=hr)).json()
    assert (pending["employee_id"], pending["amount"], pending["run_id"]) == (str(ANN), "-787.50", None)
    assert (pending["before"]["total"], pending["after"]["total"]) == ("3400.00", "2612.50")
    # Pay data: a rep reads none of it.
    assert (await client.get("/adjustments/revisions/pending",
                             headers=tokens.headers(Role.SALES_REP))).status_code == 403

    for event in (finalized(ANN, following), finalized(BAO, following), closed(following, count=2)):
        await world.deliver(event)
    slips = await world.payslips(following)
    (line,) = revision_lines(slips[ANN])
    # 2000 × 70.5 ÷ 80 = 1762.50 and 1000 × 0.85 = 850.00, against the 2200.00 + 1200.00 paid.
    assert line["amount"] == "-787.50"
    assert (line["inputs"]["from_period"], line["inputs"]["from_run_id"]) == (period, str(locked_id))
    assert (line["inputs"]["from_revision"], line["inputs"]["to_revision"]) == (1, 2)
    assert slips[ANN].gross == D("6400.00") - D("787.50")
    assert revision_lines(slips[BAO]) == []
    assert (await client.get("/adjustments/revisions/pending", headers=hr)).json()[0]["run_id"] is not None

    # Recomputing the next run releases and takes the difference again: still paid once.
    (_, next_run) = await world.runs()
    await world.runtime.bus.handle(commands.RecomputeRun(run_id=next_run.id, by=uuid.uuid4()))
    assert len(revision_lines((await world.payslips(following))[ANN])) == 1
    await world.runtime.bus.handle(commands.ApproveRun(run_id=next_run.id, by=uuid.uuid4()))
    await world.runtime.bus.handle(commands.LockRun(run_id=next_run.id, by=uuid.uuid4()))
    assert (await client.get("/adjustments/revisions/pending", headers=hr)).json() == []

    # Redelivered once more after it was paid: nothing new.
    for event in events:
        await world.deliver(event)
    assert len(await world.query("SELECT 1 FROM revision_adjustments")) == 1


async def test_a_third_revision_pays_only_what_the_second_left_out(world: PayrollWorld, period: str) -> None:
    await world.set_plan()
    await pay_and_lock(world, period)
    for event in (reopened(period), revised(ANN, period, "90", "1.5"), revised(BAO, period, "60", "0.8"),
                  closed_again(period),
                  reopened(period, revision=2), revised(ANN, period, "80", "1.0", revision=3),
                  revised(BAO, period, "60", "0.8", revision=3), closed_again(period, revision=3)):
        await world.deliver(event)
    rows = await world.query("SELECT revision, amount FROM revision_adjustments ORDER BY revision")
    # +350.00 (3750.00 − 3400.00), then −750.00 (3000.00 − 3750.00).
    assert [(row.revision, row.amount) for row in rows] == [(2, D("350.00")), (3, D("-750.00"))]


async def test_a_revision_1_result_arriving_after_revision_2_changes_nothing(world: PayrollWorld, period: str
                                                                             ) -> None:
    await world.set_plan()
    # Reordered across partitions: revision 2 of the result lands first, then revision 1, then the closes.
    for event in (revised(ANN, period, "70", "1.0"), finalized(ANN, period, score="88", coefficient="1.2"),
                  closed(period, count=1)):
        await world.deliver(event)
    assert await world.runs() == []  # revision 2 is arriving: the revision-1 close does not stand
    await world.deliver(closed_again(period, count=1))
    await world.deliver(closed(period, count=1))  # the revision-1 close again, late
    (run,) = await world.runs()
    assert (run.appraisal_revision, run.awaiting_revision) == (2, None)
    assert amounts((await world.payslips())[ANN])["P2.performance_pay"] == D("1750.00")  # 2000 × 70 ÷ 80


@pytest.mark.parametrize("approved", [False, True], ids=["computed", "approved"])
async def test_a_draft_run_waits_for_the_revised_results_and_is_recomputed_by_itself(
        world: PayrollWorld, client: httpx.AsyncClient, tokens: Tokens, period: str, approved: bool) -> None:
    await world.set_plan()
    for event in (finalized(ANN, period, score="88", coefficient="1.2"), closed(period, count=1)):
        await world.deliver(event)
    (run,) = await world.runs()
    approver = uuid.uuid4()
    if approved:
        await world.runtime.bus.handle(commands.ApproveRun(run_id=run.id, by=approver))

    await world.deliver(reopened(period))
    (run,) = await world.runs()
    assert "reopened" in run.awaiting_revision
    refused = (commands.LockRun(run_id=run.id, by=uuid.uuid4()) if approved
               else commands.ApproveRun(run_id=run.id, by=approver))
    with pytest.raises(Conflict, match="reopened"):
        await world.runtime.bus.handle(refused)
    finance = tokens.headers(Role.FINANCE)
    read = (await client.get(f"/runs/{run.id}", headers=finance)).json()
    assert read["awaiting_revision"] == run.awaiting_revision and read["appraisal_revision"] == 1
    answer = await client.post(f"/runs/{run.id}/{'lock' if approved else 'approve'}", headers=finance)
    assert answer.status_code == 409 and answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["awaiting_revision"] == run.awaiting_revision
    status = (await client.get(f"/periods/{period}", headers=finance)).json()
    assert "reopened" in status["waiting_for"][0]
    # Even recomputed on request meanwhile, it keeps waiting.
    await world.runtime.bus.handle(commands.RecomputeRun(run_id=run.id, by=uuid.uuid4()))
    assert (await world.runs())[0].awaiting_revision is not None

    await world.deliver(closed_again(period, count=1))
    assert (await world.runs())[0].awaiting_revision is not None  # the close without its result
    await world.deliver(revised(ANN, period, "96", "1.5"))

    (run,) = await world.runs()
    assert (run.status, run.appraisal_revision, run.awaiting_revision) == ("computed", 2, None)
    slip = (await world.payslips())[ANN]
    assert (amounts(slip)["P2.performance_pay"], amounts(slip)["P3.bonus"]) == (D("2400.00"), D("1500.00"))
    assert revision_lines(slip) == []
    assert await world.query("SELECT 1 FROM revision_adjustments") == []
    await world.runtime.bus.handle(commands.ApproveRun(run_id=run.id, by=approver))
