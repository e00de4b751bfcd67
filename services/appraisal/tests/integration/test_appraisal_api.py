"""The appraisal API against a real, migrated PostgreSQL: reviews, scores, closing, templates,
and the refusals that keep each caller inside their scope.

``period`` (a fixture) is the clock's last month: ended, so it may be closed, on any date."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from appraisal_world import Person, Tokens, World, on

from shared.auth import Role
from shared.clock import FixedClock, shift_month
from shared.events.crm import DealWon
from shared.events.telesales import CallLogged

BOTH = {"teamwork": "50", "ability": "50"}
# Closes here are about scores, not the review flow: missing reviews count as 0 (A3, stated).
ZERO_RULE = {"missing_stages_rule": "zero"}
NEXT_MONTH = "next month"  # a parameter standing for the clock's next month


def ratings(value: str) -> dict[str, str]:
    return {"teamwork": value, "ability": value}


async def review(client: httpx.AsyncClient, headers: dict, employee: Person, stage: str, period: str,
                 given: dict[str, str] | None = None) -> httpx.Response:
    return await client.post(f"/periods/{period}/employees/{employee.id}/reviews", headers=headers,
                             json={"stage": stage, "ratings": given or BOTH})


async def score(client: httpx.AsyncClient, headers: dict, employee: Person, period: str) -> httpx.Response:
    return await client.get(f"/periods/{period}/employees/{employee.id}/score", headers=headers)


def indicator(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(line for line in body["indicators"] if line["key"] == key)


def won(rep: Person, amount: str, signed_on: date) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal(amount),
                   signed_on=signed_on)


class TestReviews:
    async def test_self_leader_superior_make_the_20_40_40_composite(self, world: World, client, tokens: Tokens,
                                                                    clock: FixedClock, period: str):
        # The test clock stands still unless told: a minute passes between one reviewer and the next.
        assert (await review(client, tokens.of(world.rep), world.rep, "self", period, ratings("50"))).status_code \
            == 201
        clock.advance(timedelta(minutes=1))
        assert (await review(client, tokens.of(world.leader), world.rep, "leader", period, ratings("70"))
                ).status_code == 201
        clock.advance(timedelta(minutes=1))
        superior = await review(client, tokens.of(world.manager), world.rep, "superior", period, ratings("90"))
        assert superior.status_code == 201, superior.text
        assert superior.json()["total"] == "90.00"

        body = (await score(client, tokens.of(world.rep), world.rep, period)).json()
        teamwork = indicator(body, "teamwork")
        assert (teamwork["raw_value"], teamwork["points"], teamwork["contribution"], teamwork["inputs"],
                teamwork["status"]) == ("74.00", "74.00", "7.40", 3, "rated")
        # 7.40 + 7.40 + 20 attendance (no absence recorded) + 5 complaints (none to handle is no lapse)
        assert body["total"] == "39.80"
        submitted = await world.outbox("appraisal.review.submitted.v1")
        assert [(e["data"]["stage"], e["data"]["reviewer_id"]) for e in submitted] == [
            ("self", str(world.rep.id)), ("leader", str(world.leader.id)), ("superior", str(world.manager.id))]
        listed = await client.get(f"/periods/{period}/employees/{world.rep.id}/reviews", headers=tokens.of(world.rep))
        assert [item["stage"] for item in listed.json()] == ["self", "leader", "superior"]

    async def test_a_stage_out_of_order_or_twice_is_a_conflict(self, world: World, client, tokens: Tokens,
                                                               period: str):
        early = await review(client, tokens.of(world.leader), world.rep, "leader", period)
        assert early.status_code == 409
        assert early.json()["missing_stages"] == ["self"]
        assert (await review(client, tokens.of(world.rep), world.rep, "self", period)).status_code == 201
        again = await review(client, tokens.of(world.rep), world.rep, "self", period)
        assert again.status_code == 409 and "already been submitted" in again.json()["detail"]
        assert len(await world.outbox("appraisal.review.submitted.v1")) == 1

    async def test_the_wrong_person_is_refused(self, world: World, client, tokens: Tokens, period: str):
        assert (await review(client, tokens.of(world.rep), world.rep, "self", period)).status_code == 201
        by_manager = await review(client, tokens.of(world.manager), world.rep, "leader", period)
        assert by_manager.status_code == 403
        assert "leader of the employee's group" in by_manager.json()["detail"]
        assert (await review(client, tokens.of(world.leader), world.rep, "superior", period)).status_code == 403
        # Outside the caller's scope and not named by the flow: as if the employee did not exist.
        assert (await review(client, tokens.of(world.rep2), world.rep, "self", period)).status_code == 404
        assert (await review(client, tokens.of(world.leader2), world.rep, "leader", period)).status_code == 404
        assert (await review(client, tokens.of(world.tele_manager), world.rep, "leader", period)).status_code == 404

    async def test_a_review_for_a_closed_period_is_refused(self, world: World, client, tokens: Tokens, period: str):
        earlier = shift_month(period, -1)
        assert (await client.post(f"/periods/{earlier}/close", headers=tokens.hr(), json=ZERO_RULE)).status_code == 200
        refused = await review(client, tokens.of(world.rep), world.rep, "self", earlier)
        assert refused.status_code == 409 and "closed" in refused.json()["detail"]

    @pytest.mark.parametrize(("month", "given", "field"), [
        (None, {"teamwork": "50", "ability": "50", "sales_amount": "50"}, "ratings.sales_amount"),
        (None, {"teamwork": "50"}, "ratings.ability"),
        (None, {"teamwork": "101", "ability": "50"}, "ratings.teamwork"),
        (NEXT_MONTH, BOTH, "period"),
        ("2026-13", BOTH, "period"),
    ], ids=["not-rated", "missing", "above-100", "future", "no-such-month"])
    async def test_bad_input_is_422_naming_the_field(self, world: World, client, tokens: Tokens, clock: FixedClock,
                                                     period: str, month, given, field):
        month = {None: period, NEXT_MONTH: shift_month(clock.month(), 1)}.get(month, month)
        refused = await review(client, tokens.of(world.rep), world.rep, "self", month, given)
        assert refused.status_code == 422, refused.text
        assert field in {error["field"] for error in refused.json()["errors"]}


class TestScores:
    async def test_the_breakdown_before_and_after_inputs(self, world: World, client, tokens: Tokens, period: str):
        empty = (await score(client, tokens.of(world.rep), world.rep, period)).json()
        assert (empty["status"], empty["total"], empty["template_key"]) == ("open", "25.00", "sales")
        assert {line["key"]: line["status"] for line in empty["indicators"]} == {
            "sales_amount": "measured", "new_customers": "measured", "contracts_signed": "measured",
            "collections": "measured", "leads_worked": "measured", "visits": "measured",
            "follow_ups_on_time": "measured", "complaints_on_time": "measured", "teamwork": "pending",
            "ability": "pending", "attendance": "measured"}

        await world.apply(won(world.rep, "45000", on(period, 12)), won(world.rep, "5000", on(period, 12)))
        body = (await score(client, tokens.of(world.rep), world.rep, period)).json()
        sales = indicator(body, "sales_amount")
        assert (sales["raw_value"], sales["points"], sales["weight"], sales["contribution"], sales["inputs"]) == (
            "50000.00", "50.00", "20", "10.00", 2)
        # 10 sales + 2.50 contracts (2 of 4) + 20 attendance + 5 complaints (none to handle)
        assert body["total"] == "37.50"

    @pytest.mark.parametrize(("viewer", "roles", "status"), [
        ("rep", (), 200), ("rep2", (), 404), ("leader", (), 200), ("leader2", (), 404), ("manager", (), 200),
        ("tele_manager", (), 404), ("agent", (), 404),
        # A token claiming a role the organisation does not give them counts for nothing: the
        # directory replica says Zhou manages telesales.
        ("tele_manager", (Role.FINANCE,), 404),
    ])
    async def test_each_caller_sees_only_their_scope(self, world: World, client, tokens: Tokens, period: str, viewer,
                                                     roles, status):
        response = await score(client, tokens.of(getattr(world, viewer), *roles), world.rep, period)
        assert response.status_code == status, response.text

    async def test_finance_sees_every_score(self, world: World, client, tokens: Tokens, period: str):
        finance = Person("Finance Sun", Role.FINANCE, uuid.uuid4(), hired_on=on(shift_month(period, -12), 1))
        await world.apply(finance.hired())
        response = await score(client, tokens.of(finance), world.rep, period)
        assert response.status_code == 200, response.text

    async def test_unknown_employee_and_bad_period(self, world: World, client, tokens: Tokens, period: str):
        stranger = Person("Nobody", Role.SALES_REP, world.sales)
        assert (await score(client, tokens.hr(), stranger, period)).status_code == 404
        assert (await score(client, tokens.hr(), world.rep, period="2026-1")).status_code == 422
        assert (await client.get(f"/periods/{period}/employees/{world.rep.id}/score")).status_code == 401


class TestClosing:
    async def test_close_freezes_ranks_and_emits_one_result_each_and_one_period_closed(
            self, world: World, client, tokens: Tokens, period: str):
        await world.apply(won(world.rep, "100000", on(period, 12)), won(world.rep3, "20000", on(period, 12)))
        closed = await client.post(f"/periods/{period}/close", headers=tokens.hr(), json=ZERO_RULE)
        assert closed.status_code == 200, closed.text
        body = closed.json()
        appraised = {str(p.id) for p in world.appraised}
        assert {item["employee_id"] for item in body["results"]} == appraised
        assert body["period"]["employee_count"] == len(appraised) == 7
        top = body["results"][0]
        assert (top["employee_id"], top["score"], top["coefficient"], top["rank"]) == (
            str(world.rep.id), "46.25", "0.50", 1)
        assert top["flags"] == ["retraining:score_below_minimum"]
        # The deals count for the sales manager too (department results), who has no template yet.
        assert body["unappraised"] == [{"employee_id": str(world.manager.id), "role": "department_manager",
                                        "reason": "no template for the role department_manager"}]

        finalized = await world.outbox("appraisal.result.finalized.v1")
        period_closed = await world.outbox("appraisal.period.closed.v1")
        assert len(finalized) == 7 and len(period_closed) == 1
        assert period_closed[0]["data"]["employee_count"] == 7
        assert {e["data"]["employee_id"] for e in finalized} == appraised

        frozen = (await score(client, tokens.of(world.rep), world.rep, period)).json()
        assert (frozen["status"], frozen["total"], frozen["coefficient"], frozen["rank"]) == (
            "closed", "46.25", "0.50", 1)

    @pytest.mark.parametrize("month", ["0000-01", "9999-12", "1899-12", "3000-01"])
    async def test_a_month_outside_the_calendar_is_422_not_a_server_error(self, client, tokens: Tokens, month: str):
        refused = await client.post(f"/periods/{month}/close", headers=tokens.hr(), json=ZERO_RULE)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "period"

    async def test_closing_is_hrs_once_and_only_after_the_month(self, world: World, client, tokens: Tokens,
                                                                clock: FixedClock, period: str):
        # The clock's own month has not ended (whatever the date); the one before it has.
        assert period == shift_month(clock.month(), -1)
        assert (await client.post(f"/periods/{period}/close", headers=tokens.of(world.manager))).status_code == 403
        too_early = await client.post(f"/periods/{clock.month()}/close", headers=tokens.hr(), json=ZERO_RULE)
        assert too_early.status_code == 409
        assert (await client.post(f"/periods/{period}/close", headers=tokens.hr(), json=ZERO_RULE)).status_code == 200
        twice = await client.post(f"/periods/{period}/close", headers=tokens.hr(), json=ZERO_RULE)
        assert twice.status_code == 409 and twice.json()["closed_at"]
        assert len(await world.outbox("appraisal.period.closed.v1")) == 1
        closed = (await client.get(f"/periods/{period}", headers=tokens.of(world.rep))).json()
        assert (closed["status"], closed["employee_count"]) == ("closed", 7)
        current = (await client.get(f"/periods/{clock.month()}", headers=tokens.of(world.rep))).json()
        assert current["status"] == "open"

    async def test_the_third_month_below_70_flags_retraining(self, world: World, client, tokens: Tokens,
                                                             period: str):
        months = [shift_month(period, back) for back in (-3, -2, -1)]
        for month in months:
            closed = await client.post(f"/periods/{month}/close", headers=tokens.hr(), json=ZERO_RULE)
            assert closed.status_code == 200
        results = {p: {r["employee_id"]: r["flags"] for r in (await client.get(
            f"/periods/{p}/results", headers=tokens.hr())).json()} for p in months[1:]}
        assert results[months[1]][str(world.rep3.id)] == ["retraining:score_below_minimum"]
        assert results[months[2]][str(world.rep3.id)] == [
            "retraining:score_below_minimum", "retraining:consecutive_low_scores"]

    async def test_results_are_scoped_and_late_inputs_are_hrs(self, world: World, client, tokens: Tokens,
                                                              period: str):
        assert (await client.get(f"/periods/{period}/results", headers=tokens.hr())).status_code == 409
        await client.post(f"/periods/{period}/close", headers=tokens.hr(), json=ZERO_RULE)
        own = (await client.get(f"/periods/{period}/results", headers=tokens.of(world.rep))).json()
        assert [item["employee_id"] for item in own] == [str(world.rep.id)]
        group = (await client.get(f"/periods/{period}/results", headers=tokens.of(world.leader))).json()
        assert {item["employee_id"] for item in group} == {str(p.id) for p in (world.leader, world.rep, world.rep2)}

        late = won(world.rep, "1000", on(period, 12))
        await world.apply(late)
        assert (await client.get(f"/periods/{period}/late-inputs", headers=tokens.of(world.manager))).status_code \
            == 403
        listed = (await client.get(f"/periods/{period}/late-inputs", headers=tokens.hr())).json()
        assert {(item["kind"], item["source_id"]) for item in listed if item["employee_id"] == str(world.rep.id)} == {
            ("sales_amount", f"deal:{late.deal_id}"), ("contracts_signed", f"deal:{late.deal_id}")}


class TestTemplates:
    async def test_the_seeded_templates(self, world: World, client, tokens: Tokens):
        listed = (await client.get("/templates", headers=tokens.of(world.rep))).json()
        assert {t["key"]: sorted(t["roles"]) for t in listed} == {
            "sales": ["group_leader", "sales_rep"], "telesales": ["telesales_agent"]}
        for template in listed:
            assert sum(Decimal(i["weight"]) for i in template["indicators"]) == 100
        assert (await client.get("/templates/nothing", headers=tokens.hr())).status_code == 404

    async def test_editing_a_template_rescores_open_periods(self, world: World, client, tokens: Tokens,
                                                            period: str):
        await world.apply(CallLogged(call_id="c-1", agent_id=world.agent.id,
                                     started_at=datetime.combine(on(period, 8), time(2), UTC),
                                     call_date=on(period, 8), duration_seconds=90, connected=True,
                                     disposition="intent", effective=True))
        template = (await client.get("/templates/telesales", headers=tokens.hr())).json()
        for item in template["indicators"]:
            if item["key"] == "calls_dialled":
                item["params"]["target"] = "1"
        body = {"name": template["name"], "roles": template["roles"],
                "indicators": [{k: v for k, v in item.items()} for item in template["indicators"]]}
        saved = await client.put("/templates/telesales", headers=tokens.hr(), json=body)
        assert saved.status_code == 200, saved.text
        calls = indicator((await score(client, tokens.hr(), world.agent, period)).json(), "calls_dialled")
        assert (calls["points"], calls["contribution"]) == ("100.00", "20.00")
        updates = await world.outbox("appraisal.score.updated.v1")
        assert [u["data"]["score"] for u in updates if u["data"]["employee_id"] == str(world.agent.id)] == [
            "20.16", "40.13"]

    async def test_template_edits_are_validated_and_reserved_to_hr(self, world: World, client, tokens: Tokens):
        template = (await client.get("/templates/sales", headers=tokens.hr())).json()
        body = {"name": template["name"], "roles": template["roles"], "indicators": template["indicators"]}
        assert (await client.put("/templates/sales", headers=tokens.of(world.manager), json=body)).status_code == 403

        lighter = {**body, "indicators": body["indicators"][:-1]}
        refused = await client.put("/templates/sales", headers=tokens.hr(), json=lighter)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "indicators"

        stolen = await client.put("/templates/managers", headers=tokens.hr(),
                                  json={**body, "roles": ["telesales_agent", "department_manager"]})
        assert stolen.status_code == 409
        assert stolen.json()["conflicting_templates"] == {"telesales_agent": "telesales"}

        sloppy = {**body, "indicators": [{**body["indicators"][0], "colour": "red"}, *body["indicators"][1:]]}
        assert (await client.put("/templates/sales", headers=tokens.hr(), json=sloppy)).status_code == 422
