"""Receivables (应收账款, C8): what customers owe past its due date, by the company's today."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from crm.domain.deals import Deal, InstalmentState, instalment_states
from crm.service_layer.access import scope_in
from crm.service_layer.unit_of_work import CrmBus
from shared.auth import Principal


@dataclass(frozen=True)
class OverdueReceivable:
    deal: Deal
    state: InstalmentState


async def overdue_receivables(bus: CrmBus, viewer: Principal, *, rep_id: uuid.UUID | None = None
                              ) -> list[OverdueReceivable]:
    """Instalments due before today and not covered by the money received, within the caller's
    scope, longest overdue first. Cancelled deals owe nothing; deals without a plan are not listed."""
    today = bus.clock.today()
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        candidates = await uow.deals.with_instalments_due_before(scope, today, rep_id=rep_id)
    overdue = [OverdueReceivable(deal=deal, state=state) for deal, plan in candidates
               for state in instalment_states(plan, deal.net_collected, today) if state.overdue]
    return sorted(overdue, key=lambda item: (-item.state.days_overdue, str(item.deal.id), item.state.instalment.seq))
