"""Indicators from crm's newer events (issue 10 item 2) on the real database: profit from the
deal, refunds taking collections back, a cancellation taking the deal back, each once however
often delivered; and the inputs behind a score, by source event."""

from __future__ import annotations

import uuid
from decimal import Decimal

from appraisal_world import Tokens, World, on

from shared.events.crm import DealCancelled, DealWon, PaymentReceived, PaymentRefunded
from shared.events.envelope import CloudEvent


async def test_profit_refunds_and_cancellations_and_their_sources(world: World, client, tokens: Tokens,
                                                                  period: str):
    rep = world.rep
    deal = DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal("50000"),
                   cost=Decimal("30000.50"), signed_on=on(period, 3))
    other = DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal("10000"),
                    signed_on=on(period, 4))
    paid = PaymentReceived(payment_id=uuid.uuid4(), deal_id=deal.deal_id, rep_id=rep.id, amount=Decimal("20000"),
                           received_on=on(period, 5))
    refund = CloudEvent.wrap(PaymentRefunded(
        refund_id=uuid.uuid4(), payment_id=paid.payment_id, deal_id=deal.deal_id, rep_id=rep.id,
        amount=Decimal("5000"), refunded_on=on(period, 9), reason="damaged goods", recorded_by=uuid.uuid4()),
        source="/crm")
    cancel = DealCancelled(deal_id=other.deal_id, rep_id=rep.id, amount=Decimal("10000"), cancelled_on=on(period, 10),
                           reason="customer withdrew", cancelled_by=uuid.uuid4())
    await world.apply(deal, other, paid, refund, refund, cancel, CloudEvent.wrap(cancel, source="/crm"))

    url = f"/periods/{period}/employees/{rep.id}/inputs"
    facts = (await client.get(url, headers=tokens.of(rep))).json()
    mine = {(row["kind"], row["source_id"]): row for row in facts}
    assert mine[("sales_profit", f"deal:{deal.deal_id}")]["value"] == "19999.50"
    assert mine[("collections", f"refund:{refund.payload(PaymentRefunded).refund_id}")]["event_id"] == str(refund.id)
    assert mine[("sales_amount", f"cancel:{other.deal_id}")]["value"] == "-10000.00"

    card = (await client.get(f"/periods/{period}/employees/{rep.id}/score", headers=tokens.of(rep))).json()
    lines = {line["key"]: line for line in card["indicators"]}
    # 50 000 + 10 000 − 10 000 signed; 20 000 − 5 000 collected; two contracts less one cancelled.
    assert (lines["sales_amount"]["raw_value"], lines["collections"]["raw_value"],
            lines["contracts_signed"]["raw_value"]) == ("50000.00", "15000.00", "1.00")

    sales = (await client.get(url, params={"indicator": "sales_amount"}, headers=tokens.of(rep))).json()
    assert sorted(row["source_id"] for row in sales) == sorted([f"deal:{deal.deal_id}", f"deal:{other.deal_id}",
                                                               f"cancel:{other.deal_id}"])
    assert sum(Decimal(row["value"]) for row in sales) == Decimal(lines["sales_amount"]["raw_value"])
    # The leader's group line lists the rep's deals rolled up to them.
    group = (await client.get(f"/periods/{period}/employees/{world.leader.id}/inputs", headers=tokens.hr())).json()
    assert {row["source_id"] for row in group if row["kind"] == "group_sales_amount"} == {
        f"deal:{deal.deal_id}@{world.leader.id}", f"deal:{other.deal_id}@{world.leader.id}",
        f"cancel:{other.deal_id}@{world.leader.id}"}
    # Scope and bad input.
    assert (await client.get(url, headers=tokens.of(world.rep2))).status_code == 404
    assert (await client.get(url, params={"indicator": "teamwork"}, headers=tokens.hr())).status_code == 404
    assert (await client.get(url, params={"indicator": "Bad-Key"}, headers=tokens.hr())).status_code == 422
