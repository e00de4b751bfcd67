"""An in-memory unit of work for handler tests: the repositories' methods, no I/O, on the shared
:class:`shared.testing.FakeUnitOfWork` (state and events only on commit, rollback otherwise)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, Self

from crm.adapters.distribution import UnitSetting
from crm.bootstrap import bootstrap
from crm.config import CrmSettings
from crm.domain.deals import Deal, DealStatus, Payment
from crm.domain.followups import FollowUp, FollowUpStatus
from crm.domain.model import (
    HELD_STATUSES,
    OPEN_STATUSES,
    ContactDisclosure,
    Customer,
    Lead,
    LeadAssignment,
    LeadMove,
    LeadStatus,
)
from crm.domain.projects import Project, StageChange
from crm.domain.visibility import Scope
from crm.domain.visits import Visit
from crm.service_layer.unit_of_work import CrmBus
from shared import testing
from shared.clock import FixedClock
from shared.directory import DirectoryEmployee, DirectoryGroup


@dataclass
class FakeStore:
    customers: dict[uuid.UUID, Customer] = field(default_factory=dict)
    leads: dict[uuid.UUID, Lead] = field(default_factory=dict)
    assignments: list[LeadAssignment] = field(default_factory=list)
    rotation: dict[tuple[uuid.UUID, uuid.UUID], int] = field(default_factory=dict)
    deals: dict[uuid.UUID, Deal] = field(default_factory=dict)
    payments: list[Payment] = field(default_factory=list)
    disclosures: list[ContactDisclosure] = field(default_factory=list)
    moves: list[LeadMove] = field(default_factory=list)
    employees: dict[uuid.UUID, DirectoryEmployee] = field(default_factory=dict)
    groups: dict[uuid.UUID, DirectoryGroup] = field(default_factory=dict)
    distribution: dict[tuple[str, uuid.UUID], UnitSetting] = field(default_factory=dict)
    department_rotation: dict[tuple[uuid.UUID, uuid.UUID], int] = field(default_factory=dict)
    follow_ups: dict[uuid.UUID, FollowUp] = field(default_factory=dict)
    projects: dict[uuid.UUID, Project] = field(default_factory=dict)
    stage_changes: list[StageChange] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def s(self) -> FakeStore:
        return self._uow.store


class FakeCustomers(_Repo):
    async def add(self, customer: Customer) -> None:
        self.s.customers[customer.id] = copy.deepcopy(customer)

    async def get(self, customer_id, *, for_share: bool = False):
        return copy.deepcopy(self.s.customers.get(customer_id))

    async def id_by_phone(self, phone):
        return next((c.id for c in self.s.customers.values() if phone and c.phone == phone), None)

    async def id_by_email(self, email):
        return next((c.id for c in self.s.customers.values() if email and c.email == email), None)


class FakeLeads(_Repo):
    async def add(self, lead: Lead) -> None:
        self.s.leads[lead.id] = copy.deepcopy(lead)

    async def save(self, lead: Lead) -> None:
        self.s.leads[lead.id] = copy.deepcopy(lead)

    async def get(self, lead_id, *, for_update: bool = False):
        return copy.deepcopy(self.s.leads.get(lead_id))

    async def get_with_customer(self, lead_id):
        lead = self.s.leads.get(lead_id)
        return (copy.deepcopy(lead), copy.deepcopy(self.s.customers[lead.customer_id])) if lead else None

    async def holder_of(self, customer_id):
        leads = sorted((lead for lead in self.s.leads.values() if lead.customer_id == customer_id),
                       key=lambda lead: (lead.owner_id is None, -lead.created_at.timestamp()))
        return copy.deepcopy(leads[0]) if leads else None

    async def any_visible_of_customer(self, customer_id, scope: Scope) -> bool:
        return any(lead.customer_id == customer_id and scope.sees(owner_id=lead.owner_id, group_id=lead.group_id,
                                                                  department_id=lead.department_id)
                   for lead in self.s.leads.values())

    async def open_counts(self, rep_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        return {rep: sum(1 for lead in self.s.leads.values()
                         if lead.owner_id == rep and lead.status in HELD_STATUSES) for rep in rep_ids}

    async def unassigned_in_group(self, group_id, lead_ids=None, *, limit: int):
        found = [lead for lead in self.s.leads.values() if lead.group_id == group_id
                 and lead.status is LeadStatus.IN_GROUP and (lead_ids is None or lead.id in lead_ids)]
        return copy.deepcopy(sorted(found, key=lambda lead: lead.created_at)[:limit])


class FakeAssignments(_Repo):
    async def add(self, assignment: LeadAssignment) -> None:
        self.s.assignments.append(assignment)

    async def for_lead(self, lead_id):
        return [a for a in self.s.assignments if a.lead_id == lead_id]


class FakeRotation(_Repo):
    async def lock_group(self, group_id) -> None:
        pass

    async def turns(self, group_id):
        return {rep: turn for (group, rep), turn in self.s.rotation.items() if group == group_id}

    async def next_turn(self, group_id) -> int:
        return max((await self.turns(group_id)).values(), default=0) + 1

    async def record(self, group_id, rep_id, turn, at) -> None:
        self.s.rotation[(group_id, rep_id)] = turn


class FakeDistribution(_Repo):
    async def setting(self, level, unit_id) -> UnitSetting:
        return self.s.distribution.get((level, unit_id)) or UnitSetting(level, unit_id, None, {})

    async def save(self, setting: UnitSetting) -> None:
        self.s.distribution[(setting.level, setting.unit_id)] = setting

    async def rep_cap(self, group_id, rep_id):
        member = (await self.setting("group", group_id)).members.get(rep_id)
        return member.cap if member else None

    async def lock_department(self, department_id) -> None:
        pass

    async def department_pool(self, department_id, lead_ids, *, limit: int):
        found = [lead for lead in self.s.leads.values() if lead.department_id == department_id
                 and lead.group_id is None and lead.status is LeadStatus.NEW
                 and (lead_ids is None or lead.id in lead_ids)]
        return copy.deepcopy(sorted(found, key=lambda lead: lead.created_at)[:limit])

    async def groups_in(self, department_id):
        return sorted((g for g in self.s.groups.values() if g.department_id == department_id),
                      key=lambda g: g.group_id)

    async def group_loads(self, group_ids):
        return {g: sum(1 for lead in self.s.leads.values() if lead.group_id == g and lead.status in OPEN_STATUSES)
                for g in group_ids}

    async def department_turns(self, department_id):
        return {g: t for (d, g), t in self.s.department_rotation.items() if d == department_id}

    async def next_department_turn(self, department_id) -> int:
        return max((await self.department_turns(department_id)).values(), default=0) + 1

    async def record_department_turn(self, department_id, group_id, turn, at) -> None:
        self.s.department_rotation[(department_id, group_id)] = turn


class FakeDeals(_Repo):
    async def add(self, deal: Deal) -> None:
        self.s.deals[deal.id] = copy.deepcopy(deal)

    async def get(self, deal_id, *, for_update: bool = False):
        deal = copy.deepcopy(self.s.deals.get(deal_id))
        if deal is not None:
            deal.collected = sum((p.amount for p in self.s.payments if p.deal_id == deal_id), Decimal("0.00"))
        return deal

    async def add_payment(self, payment: Payment) -> None:
        self.s.payments.append(payment)

    async def payments(self, deal_id):
        return [p for p in self.s.payments if p.deal_id == deal_id]


class FakeMoves(_Repo):
    async def add(self, move: LeadMove) -> None:
        self.s.moves.append(move)

    async def for_lead(self, lead_id):
        return [m for m in self.s.moves if m.lead_id == lead_id]

    async def claims_on(self, rep_id, day) -> int:
        return sum(1 for m in self.s.moves if m.owner_id == rep_id and m.kind == "claimed" and m.on_day == day)

    async def last_returned_from(self, lead_id, rep_id):
        return max((m.at for m in self.s.moves if m.lead_id == lead_id and m.kind == "returned"
                    and m.previous_owner_id == rep_id), default=None)


class FakeDisclosures(_Repo):
    async def add(self, disclosure: ContactDisclosure) -> None:
        self.s.disclosures.append(disclosure)


class FakeDirectory(_Repo):
    async def employee(self, employee_id):
        return self.s.employees.get(employee_id)

    async def employees(self, employee_ids):
        return {i: self.s.employees[i] for i in employee_ids if i in self.s.employees}

    async def group(self, group_id):
        return self.s.groups.get(group_id)

    async def members(self, group_id, *, employed_only: bool = True):
        return sorted((e for e in self.s.employees.values()
                       if e.group_id == group_id and (e.is_employed or not employed_only)),
                      key=lambda e: e.employee_id)

    async def groups_led_by(self, employee_id):
        return [g.group_id for g in self.s.groups.values() if g.leader_id == employee_id]


class FakeFollowUps(_Repo):
    async def add(self, follow_up: FollowUp) -> None:
        self.s.follow_ups[follow_up.id] = copy.deepcopy(follow_up)

    async def save(self, follow_up: FollowUp) -> None:
        self.s.follow_ups[follow_up.id] = copy.deepcopy(follow_up)

    async def get(self, follow_up_id, *, for_update: bool = False):
        return copy.deepcopy(self.s.follow_ups.get(follow_up_id))

    async def cancel_planned(self, lead_id, reason) -> None:
        for f in self.s.follow_ups.values():
            if f.lead_id == lead_id and not f.after_sales and f.status is FollowUpStatus.PLANNED:
                f.status, f.cancel_reason = FollowUpStatus.CANCELLED, reason


class FakeAfterSales(_Repo):
    async def lock_customer(self, customer_id) -> None:
        pass

    async def has_other_active_deal(self, customer_id, deal_id) -> bool:
        return any(d.customer_id == customer_id and d.id != deal_id and d.status is DealStatus.ACTIVE
                   for d in self.s.deals.values())

    async def planned_for_deal(self, deal_id):
        return copy.deepcopy(sorted((f for f in self.s.follow_ups.values() if f.deal_id == deal_id and f.after_sales
                                     and f.status is FollowUpStatus.PLANNED), key=lambda f: f.due_at))

    async def cancel_for_deal(self, deal_id, reason) -> None:
        for f in self.s.follow_ups.values():
            if f.deal_id == deal_id and f.after_sales and f.status is FollowUpStatus.PLANNED:
                f.status, f.cancel_reason = FollowUpStatus.CANCELLED, reason


class FakeProjects(_Repo):
    async def add(self, project: Project) -> None:
        self.s.projects[project.id] = copy.deepcopy(project)

    async def save(self, project: Project) -> None:
        self.s.projects[project.id] = copy.deepcopy(project)

    async def get(self, project_id, *, for_update: bool = False):
        return copy.deepcopy(self.s.projects.get(project_id))

    async def add_change(self, change: StageChange) -> None:
        self.s.stage_changes.append(change)

    async def history(self, project_id):
        return [c for c in self.s.stage_changes if c.project_id == project_id]


class FakeVisits(_Repo):
    async def add(self, visit: Visit) -> None:
        self.s.visits.append(visit)


class FakeUnitOfWork(testing.FakeUnitOfWork[FakeStore]):
    """The crm repositories over a :class:`FakeStore`. Each unit of work opens a second after the
    last, so that creation order is observable (the pool is served longest-waiting first)."""

    source = "/crm"
    clock: FixedClock

    def __init__(self, store: FakeStore | None = None, *, clock: FixedClock | None = None) -> None:
        super().__init__(store or FakeStore(), clock=clock or FixedClock(testing.QUIET_INSTANT))

    def _open(self) -> None:
        self.customers, self.leads = FakeCustomers(self), FakeLeads(self)
        self.assignments, self.rotation = FakeAssignments(self), FakeRotation(self)
        self.deals, self.disclosures, self.directory = FakeDeals(self), FakeDisclosures(self), FakeDirectory(self)
        self.moves = FakeMoves(self)
        self.distribution = FakeDistribution(self)
        self.follow_ups, self.after_sales = FakeFollowUps(self), FakeAfterSales(self)
        self.projects, self.visits = FakeProjects(self), FakeVisits(self)

    async def __aenter__(self) -> Self:
        self.clock.advance(timedelta(seconds=1))
        return await super().__aenter__()


def fake_bus(uow: FakeUnitOfWork, **settings: Any) -> CrmBus:
    """The bus crm's bootstrap builds, over ``uow`` and its clock."""
    return bootstrap(CrmSettings(**settings), uow_factory=lambda: uow, clock=uow.clock).bus
