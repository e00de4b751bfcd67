"""Every query of the crm service. Repositories translate rows to domain objects and back; they
never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Row, and_, case, delete, false, func, insert, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.adapters.tables import (
    complaints,
    contact_disclosures,
    customer_credit_log,
    customers,
    deals,
    follow_ups,
    instalments,
    lead_assignments,
    lead_moves,
    leads,
    payments,
    refunds,
    rep_rotation,
)
from crm.domain.complaints import UNANSWERED, Complaint, ComplaintStatus
from crm.domain.credit import Credit, CreditChange
from crm.domain.deals import Deal, DealStatus, Instalment, Payment, Refund
from crm.domain.followups import FOLLOW_UP_PLAN, FollowUp, FollowUpStatus
from crm.domain.model import HELD_STATUSES, ContactDisclosure, Customer, Lead, LeadAssignment, LeadMove, LeadStatus
from crm.domain.money import CENT
from crm.domain.pool import PoolPolicy
from crm.domain.visibility import Scope
from shared.directory import DirectoryReader, directory_employees, directory_groups

_HELD = [status.value for status in HELD_STATUSES]


@dataclass(frozen=True)
class LeadQuery:
    status: LeadStatus | None = None
    source: str | None = None
    department_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None


@dataclass(frozen=True)
class DealQuery:
    rep_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    status: str | None = None


def _scoped(scope: Scope, owner, group, department) -> ColumnElement[bool] | None:
    if scope.everything:
        return None
    clauses = []
    if scope.owner_ids:
        clauses.append(owner.in_(scope.owner_ids))
    if scope.group_ids:
        clauses.append(group.in_(scope.group_ids))
    if scope.department_ids:
        clauses.append(department.in_(scope.department_ids))
    return or_(*clauses) if clauses else false()


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, customer: Customer) -> None:
        await self._session.execute(insert(customers).values(
            id=customer.id, name=customer.name, phone=customer.phone, email=customer.email,
            company=customer.company, created_by=customer.created_by, created_at=customer.created_at,
        ))

    async def get(self, customer_id: uuid.UUID, *, for_share: bool = False) -> Customer | None:
        query = select(customers).where(customers.c.id == customer_id)
        if for_share:
            # Held until commit: a merge dropping this record waits, then moves what was linked to it.
            query = query.with_for_update(read=True)
        row = (await self._session.execute(query)).first()
        return _customer(row) if row else None

    async def id_by_phone(self, phone: str | None) -> uuid.UUID | None:
        if not phone:
            return None
        return await self._session.scalar(select(customers.c.id).where(customers.c.phone == phone))

    async def id_by_email(self, email: str | None) -> uuid.UUID | None:
        if not email:
            return None
        return await self._session.scalar(select(customers.c.id).where(customers.c.email == email))


class LeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, lead: Lead) -> None:
        await self._session.execute(insert(leads).values(**_lead_values(lead)))

    async def save(self, lead: Lead) -> None:
        values = _lead_values(lead)
        del values["id"]
        await self._session.execute(update(leads).where(leads.c.id == lead.id).values(**values))

    async def get(self, lead_id: uuid.UUID, *, for_update: bool = False) -> Lead | None:
        query = select(leads).where(leads.c.id == lead_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _lead(row) if row else None

    async def get_with_customer(self, lead_id: uuid.UUID) -> tuple[Lead, Customer] | None:
        row = (await self._session.execute(_with_customer().where(leads.c.id == lead_id))).first()
        return _pair(row) if row else None

    async def holder_of(self, customer_id: uuid.UUID) -> Lead | None:
        """The lead that says where a customer is now: the newest one a rep holds, else the newest."""
        row = (await self._session.execute(
            select(leads).where(leads.c.customer_id == customer_id)
            .order_by(leads.c.owner_id.is_(None), leads.c.created_at.desc(), leads.c.id).limit(1)
        )).first()
        return _lead(row) if row else None

    async def page(self, scope: Scope, query: LeadQuery, *, limit: int, offset: int
                   ) -> tuple[list[tuple[Lead, Customer]], int]:
        conditions = [c for c in (
            _scoped(scope, leads.c.owner_id, leads.c.group_id, leads.c.department_id),
            leads.c.status == query.status.value if query.status else None,
            leads.c.source == query.source if query.source else None,
            leads.c.department_id == query.department_id if query.department_id else None,
            leads.c.group_id == query.group_id if query.group_id else None,
            leads.c.owner_id == query.owner_id if query.owner_id else None,
            leads.c.customer_id == query.customer_id if query.customer_id else None,
        ) if c is not None]
        total = await self._session.scalar(select(func.count()).select_from(leads).where(*conditions))
        rows = await self._session.execute(
            _with_customer().where(*conditions).order_by(leads.c.created_at.desc(), leads.c.id)
            .limit(limit).offset(offset)
        )
        return [_pair(row) for row in rows], int(total or 0)

    async def any_visible_of_customer(self, customer_id: uuid.UUID, scope: Scope) -> bool:
        condition = _scoped(scope, leads.c.owner_id, leads.c.group_id, leads.c.department_id)
        query = select(leads.c.id).where(leads.c.customer_id == customer_id)
        if condition is not None:
            query = query.where(condition)
        return (await self._session.scalar(query.limit(1))) is not None

    async def open_counts(self, rep_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        """Open leads per rep: what the cap (C4) is measured against."""
        if not rep_ids:
            return {}
        rows = await self._session.execute(
            select(leads.c.owner_id, func.count()).where(
                leads.c.owner_id.in_(list(rep_ids)), leads.c.status.in_(_HELD))
            .group_by(leads.c.owner_id)
        )
        counts = {rep_id: 0 for rep_id in rep_ids}
        counts.update({row[0]: int(row[1]) for row in rows})
        return counts

    async def unassigned_in_group(self, group_id: uuid.UUID, lead_ids: Collection[uuid.UUID] | None = None,
                                  *, limit: int) -> list[Lead]:
        """The group's pool, oldest first so that no lead waits behind newer ones; locked."""
        query = select(leads).where(leads.c.group_id == group_id, leads.c.status == LeadStatus.IN_GROUP.value)
        if lead_ids is not None:
            query = query.where(leads.c.id.in_(list(lead_ids)))
        query = query.order_by(leads.c.created_at, leads.c.id).limit(limit).with_for_update()
        return [_lead(row) for row in await self._session.execute(query)]


    async def held_by(self, rep_id: uuid.UUID, *, group_id: uuid.UUID | None = None) -> list[Lead]:
        """The leads a rep holds (in one group, if given), locked: they are about to move."""
        query = select(leads).where(leads.c.owner_id == rep_id, leads.c.status.in_(_HELD))
        if group_id is not None:
            query = query.where(leads.c.group_id == group_id)
        query = query.order_by(leads.c.assigned_at, leads.c.id).with_for_update()
        return [_lead(row) for row in await self._session.execute(query)]

    @staticmethod
    def _due_by(before: datetime, policy: PoolPolicy) -> ColumnElement[bool]:
        """Held leads whose reclaim falls at or before ``before`` under their own level's periods (C5);
        the domain re-checks each under its lock."""
        def days(attribute: str) -> ColumnElement:
            default = getattr(policy.default, attribute)
            if not policy.by_intent:
                return literal(default)
            return case({level: getattr(rule, attribute) for level, rule in policy.by_intent.items()},
                        value=leads.c.intent_level, else_=default)

        touched = func.greatest(leads.c.assigned_at, func.coalesce(leads.c.followed_up_at, leads.c.assigned_at))
        return and_(leads.c.status.in_(_HELD), leads.c.owner_id.is_not(None), or_(
            touched + func.make_interval(0, 0, 0, days("no_follow_up_days")) <= before,
            leads.c.assigned_at + func.make_interval(0, 0, 0, days("no_deal_days")) <= before))

    async def due_by(self, before: datetime, policy: PoolPolicy, *, limit: int) -> list[uuid.UUID]:
        rows = await self._session.execute(
            select(leads.c.id).where(self._due_by(before, policy))
            .order_by(leads.c.assigned_at, leads.c.id).limit(limit))
        return [row.id for row in rows]

    async def due_by_in_scope(self, scope: Scope, before: datetime, policy: PoolPolicy, *,
                              owner_id: uuid.UUID | None = None, limit: int) -> list[tuple[Lead, Customer]]:
        conditions = [c for c in (
            _scoped(scope, leads.c.owner_id, leads.c.group_id, leads.c.department_id),
            leads.c.owner_id == owner_id if owner_id else None,
        ) if c is not None]
        rows = await self._session.execute(
            _with_customer().where(self._due_by(before, policy), *conditions)
            .order_by(leads.c.assigned_at, leads.c.id).limit(limit))
        return [_pair(row) for row in rows]

    async def pool(self, group_id: uuid.UUID, *, limit: int, offset: int) -> tuple[list[tuple[Lead, Customer]], int]:
        conditions = [leads.c.group_id == group_id, leads.c.status == LeadStatus.IN_GROUP.value]
        total = await self._session.scalar(select(func.count()).select_from(leads).where(*conditions))
        rows = await self._session.execute(
            _with_customer().where(*conditions).order_by(leads.c.assigned_at, leads.c.created_at, leads.c.id)
            .limit(limit).offset(offset))
        return [_pair(row) for row in rows], int(total or 0)


class MoveRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, move: LeadMove) -> None:
        await self._session.execute(insert(lead_moves).values(**{
            name: getattr(move, name) for name in LeadMove.__dataclass_fields__}))

    async def for_lead(self, lead_id: uuid.UUID) -> list[LeadMove]:
        rows = await self._session.execute(
            select(lead_moves).where(lead_moves.c.lead_id == lead_id).order_by(lead_moves.c.at, lead_moves.c.id))
        return [LeadMove(**row._mapping) for row in rows]

    async def claims_on(self, rep_id: uuid.UUID, day: date) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(lead_moves).where(
            lead_moves.c.owner_id == rep_id, lead_moves.c.kind == "claimed", lead_moves.c.on_day == day)) or 0)

    async def last_returned_from(self, lead_id: uuid.UUID, rep_id: uuid.UUID) -> datetime | None:
        return await self._session.scalar(select(func.max(lead_moves.c.at)).where(
            lead_moves.c.lead_id == lead_id, lead_moves.c.kind == "returned",
            lead_moves.c.previous_owner_id == rep_id))


class FollowUpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, follow_up: FollowUp) -> None:
        await self._session.execute(insert(follow_ups).values(**_follow_up_values(follow_up)))

    async def save(self, follow_up: FollowUp) -> None:
        values = _follow_up_values(follow_up)
        del values["id"]
        await self._session.execute(update(follow_ups).where(follow_ups.c.id == follow_up.id).values(**values))

    async def get(self, follow_up_id: uuid.UUID, *, for_update: bool = False) -> FollowUp | None:
        query = select(follow_ups).where(follow_ups.c.id == follow_up_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _follow_up(row) if row else None

    async def for_lead(self, lead_id: uuid.UUID) -> list[FollowUp]:
        rows = await self._session.execute(select(follow_ups).where(follow_ups.c.lead_id == lead_id)
                                           .order_by(follow_ups.c.due_at, follow_ups.c.id))
        return [_follow_up(row) for row in rows]

    async def overdue(self, scope: Scope, now: datetime, *, rep_id: uuid.UUID | None = None,
                      limit: int) -> list[FollowUp]:
        conditions = [c for c in (
            _scoped(scope, follow_ups.c.rep_id, follow_ups.c.group_id, follow_ups.c.department_id),
            follow_ups.c.rep_id == rep_id if rep_id else None,
        ) if c is not None]
        rows = await self._session.execute(
            select(follow_ups).where(follow_ups.c.status == FollowUpStatus.PLANNED.value, follow_ups.c.due_at < now,
                                     *conditions)
            .order_by(follow_ups.c.due_at, follow_ups.c.id).limit(limit))
        return [_follow_up(row) for row in rows]

    async def cancel_planned(self, lead_id: uuid.UUID, reason: str) -> None:
        # After-sales follow-ups belong to the deal's rep, not to whoever holds the lead: they stay.
        await self._session.execute(update(follow_ups).where(
            follow_ups.c.lead_id == lead_id, follow_ups.c.status == FollowUpStatus.PLANNED.value,
            follow_ups.c.kind == FOLLOW_UP_PLAN,
        ).values(status=FollowUpStatus.CANCELLED.value, cancel_reason=reason))


class AssignmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, assignment: LeadAssignment) -> None:
        await self._session.execute(insert(lead_assignments).values(
            id=assignment.id, lead_id=assignment.lead_id, level=assignment.level, group_id=assignment.group_id,
            rep_id=assignment.rep_id, previous_rep_id=assignment.previous_rep_id,
            assigned_by=assignment.assigned_by, strategy=assignment.strategy, reason=assignment.reason,
            assigned_at=assignment.assigned_at,
        ))

    async def for_lead(self, lead_id: uuid.UUID) -> list[LeadAssignment]:
        rows = await self._session.execute(
            select(lead_assignments).where(lead_assignments.c.lead_id == lead_id)
            .order_by(lead_assignments.c.assigned_at, lead_assignments.c.id)
        )
        return [LeadAssignment(**row._mapping) for row in rows]


class RotationRepository:
    """The per-group round-robin rotation, serialised per group by a transaction-scoped lock."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_group(self, group_id: uuid.UUID) -> None:
        # Every change of who holds a group's leads takes it, so two distributions (or a distribution
        # and a hand assignment) cannot both see a rep below the cap and both fill the last place.
        await self._session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                    {"key": f"crm.group.{group_id}"})

    async def turns(self, group_id: uuid.UUID) -> dict[uuid.UUID, int]:
        rows = await self._session.execute(
            select(rep_rotation.c.rep_id, rep_rotation.c.last_turn).where(rep_rotation.c.group_id == group_id))
        return {row.rep_id: int(row.last_turn) for row in rows}

    async def next_turn(self, group_id: uuid.UUID) -> int:
        last = await self._session.scalar(
            select(func.max(rep_rotation.c.last_turn)).where(rep_rotation.c.group_id == group_id))
        return int(last or 0) + 1

    async def record(self, group_id: uuid.UUID, rep_id: uuid.UUID, turn: int, at) -> None:
        statement = pg_insert(rep_rotation).values(group_id=group_id, rep_id=rep_id, last_turn=turn,
                                                   last_assigned_at=at)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=["group_id", "rep_id"],
            set_={"last_turn": statement.excluded.last_turn, "last_assigned_at": statement.excluded.last_assigned_at},
        ))


class DealRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, deal: Deal) -> None:
        await self._session.execute(insert(deals).values(
            id=deal.id, customer_id=deal.customer_id, lead_id=deal.lead_id, rep_id=deal.rep_id,
            group_id=deal.group_id, department_id=deal.department_id, amount=deal.amount, cost=deal.cost,
            currency=deal.currency, signed_on=deal.signed_on, created_by=deal.created_by,
            created_at=deal.created_at, units=deal.units, status=deal.status.value,
        ))

    async def save_cancellation(self, deal: Deal, at) -> None:
        await self._session.execute(update(deals).where(deals.c.id == deal.id).values(
            status=deal.status.value, cancelled_on=deal.cancelled_on, cancel_reason=deal.cancel_reason,
            cancelled_by=deal.cancelled_by, cancelled_at=at))

    async def save_cost(self, deal: Deal) -> None:
        await self._session.execute(update(deals).where(deals.c.id == deal.id).values(
            cost=deal.cost, revision=deal.revision))

    async def get(self, deal_id: uuid.UUID, *, for_update: bool = False) -> Deal | None:
        query = select(deals).where(deals.c.id == deal_id)
        if for_update:
            # Payments, refunds and cancellation of one deal are serialised on the deal's row, so that
            # two of them cannot both fit in the same outstanding (or refundable) amount.
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        collected = await self._session.scalar(
            select(func.coalesce(func.sum(payments.c.amount), 0)).where(payments.c.deal_id == deal_id))
        refunded = await self._session.scalar(
            select(func.coalesce(func.sum(refunds.c.amount), 0)).where(refunds.c.deal_id == deal_id))
        return _deal(row, Decimal(collected), Decimal(refunded))

    async def page(self, scope: Scope, query: DealQuery, *, limit: int, offset: int) -> tuple[list[Deal], int]:
        conditions = [c for c in (
            _scoped(scope, deals.c.rep_id, deals.c.group_id, deals.c.department_id),
            deals.c.rep_id == query.rep_id if query.rep_id else None,
            deals.c.customer_id == query.customer_id if query.customer_id else None,
            deals.c.lead_id == query.lead_id if query.lead_id else None,
            deals.c.status == query.status if query.status else None,
        ) if c is not None]
        total = await self._session.scalar(select(func.count()).select_from(deals).where(*conditions))
        rows = await self._session.execute(
            _deal_with_money().where(*conditions).order_by(deals.c.signed_on.desc(), deals.c.id)
            .limit(limit).offset(offset)
        )
        return [_deal(row, Decimal(row.collected), Decimal(row.refunded)) for row in rows], int(total or 0)

    async def add_payment(self, payment: Payment) -> None:
        await self._session.execute(insert(payments).values(
            id=payment.id, deal_id=payment.deal_id, amount=payment.amount, received_on=payment.received_on,
            recorded_by=payment.recorded_by, recorded_at=payment.recorded_at,
        ))

    async def payments(self, deal_id: uuid.UUID) -> list[Payment]:
        given_back = (select(refunds.c.payment_id, func.sum(refunds.c.amount).label("refunded"))
                      .where(refunds.c.deal_id == deal_id).group_by(refunds.c.payment_id).subquery())
        rows = await self._session.execute(
            select(payments, func.coalesce(given_back.c.refunded, 0).label("refunded"))
            .outerjoin(given_back, given_back.c.payment_id == payments.c.id)
            .where(payments.c.deal_id == deal_id).order_by(payments.c.received_on, payments.c.recorded_at,
                                                           payments.c.id))
        return [Payment(id=row.id, deal_id=row.deal_id, amount=row.amount, received_on=row.received_on,
                        recorded_by=row.recorded_by, recorded_at=row.recorded_at,
                        refunded=Decimal(row.refunded).quantize(CENT))
                for row in rows]

    async def add_refund(self, refund: Refund) -> None:
        await self._session.execute(insert(refunds).values(
            id=refund.id, payment_id=refund.payment_id, deal_id=refund.deal_id, amount=refund.amount,
            refunded_on=refund.refunded_on, reason=refund.reason, recorded_by=refund.recorded_by,
            recorded_at=refund.recorded_at))

    async def refunds(self, deal_id: uuid.UUID) -> list[Refund]:
        rows = await self._session.execute(
            select(refunds).where(refunds.c.deal_id == deal_id).order_by(refunds.c.recorded_at, refunds.c.id))
        return [Refund(**row._mapping) for row in rows]

    async def replace_plan(self, deal_id: uuid.UUID, plan: list[Instalment]) -> None:
        await self._session.execute(delete(instalments).where(instalments.c.deal_id == deal_id))
        if plan:
            await self._session.execute(insert(instalments), [
                {"deal_id": i.deal_id, "seq": i.seq, "due_on": i.due_on, "amount": i.amount} for i in plan])

    async def plan(self, deal_id: uuid.UUID) -> list[Instalment]:
        rows = await self._session.execute(
            select(instalments).where(instalments.c.deal_id == deal_id).order_by(instalments.c.seq))
        return [Instalment(**row._mapping) for row in rows]

    async def with_instalments_due_before(self, scope: Scope, day, *, rep_id: uuid.UUID | None = None
                                          ) -> list[tuple[Deal, list[Instalment]]]:
        """Active deals in scope whose money received (net) falls short of what fell due before ``day``,
        with their whole plan: exactly the deals with an overdue instalment, as money pays the earliest
        first; fully paid plans stay out of the scan however old they are."""
        due = (select(instalments.c.deal_id, func.sum(instalments.c.amount).label("due"))
               .where(instalments.c.due_on < day).group_by(instalments.c.deal_id).subquery())
        paid = select(func.coalesce(func.sum(payments.c.amount), 0)).where(
            payments.c.deal_id == deals.c.id).scalar_subquery()
        given_back = select(func.coalesce(func.sum(refunds.c.amount), 0)).where(
            refunds.c.deal_id == deals.c.id).scalar_subquery()
        conditions = [c for c in (
            _scoped(scope, deals.c.rep_id, deals.c.group_id, deals.c.department_id),
            deals.c.rep_id == rep_id if rep_id else None,
        ) if c is not None]
        rows = list(await self._session.execute(
            _deal_with_money().join(due, due.c.deal_id == deals.c.id)
            .where(deals.c.status == DealStatus.ACTIVE.value, paid - given_back < due.c.due, *conditions)
            .order_by(deals.c.signed_on, deals.c.id)))
        found = [_deal(row, Decimal(row.collected), Decimal(row.refunded)) for row in rows]
        plans: dict[uuid.UUID, list[Instalment]] = {deal.id: [] for deal in found}
        if plans:
            for row in await self._session.execute(
                    select(instalments).where(instalments.c.deal_id.in_(list(plans)))
                    .order_by(instalments.c.deal_id, instalments.c.seq)):
                plans[row.deal_id].append(Instalment(**row._mapping))
        return [(deal, plans[deal.id]) for deal in found]


class DisclosureRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, disclosure: ContactDisclosure) -> None:
        await self._session.execute(insert(contact_disclosures).values(
            id=disclosure.id, customer_id=disclosure.customer_id, lead_id=disclosure.lead_id,
            disclosed_to=disclosure.disclosed_to, kind=disclosure.kind, at=disclosure.at,
        ))

    async def for_customer(self, customer_id: uuid.UUID) -> list[ContactDisclosure]:
        rows = await self._session.execute(
            select(contact_disclosures).where(contact_disclosures.c.customer_id == customer_id)
            .order_by(contact_disclosures.c.at))
        return [ContactDisclosure(**row._mapping) for row in rows]


class DirectoryRepository(DirectoryReader):
    """The local replica of the org directory (:mod:`shared.directory`), read-only."""

    async def department_known(self, department_id: uuid.UUID) -> bool:
        """Departments are not replicated as such: one is known when someone or some group is in it."""
        found = await self._session.scalar(select(directory_employees.c.employee_id).where(
            directory_employees.c.department_id == department_id).limit(1))
        if found is not None:
            return True
        return (await self._session.scalar(select(directory_groups.c.group_id).where(
            directory_groups.c.department_id == department_id).limit(1))) is not None

    async def first_in_department(self, department_id: uuid.UUID, roles: Sequence[str]) -> uuid.UUID | None:
        """The first active employee of the department holding the earliest of ``roles``."""
        rows = await self._session.execute(select(directory_employees.c.employee_id, directory_employees.c.role).where(
            directory_employees.c.department_id == department_id, directory_employees.c.status == "active",
            directory_employees.c.role.in_(list(roles))).order_by(directory_employees.c.employee_id))
        found = sorted(rows, key=lambda row: list(roles).index(row.role))
        return found[0].employee_id if found else None


@dataclass(frozen=True)
class FlaggedCustomer:
    customer_id: uuid.UUID
    name: str
    company: str | None
    credit: Credit


class CreditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, customer_id: uuid.UUID, *, for_update: bool = False) -> Credit | None:
        query = select(customers.c.credit_rating, customers.c.credit_flag, customers.c.credit_reason,
                       customers.c.credit_changed_by, customers.c.credit_changed_at
                       ).where(customers.c.id == customer_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _credit(row) if row else None

    async def save(self, customer_id: uuid.UUID, credit: Credit, change: CreditChange) -> None:
        await self._session.execute(update(customers).where(customers.c.id == customer_id).values(
            credit_rating=credit.rating, credit_flag=credit.flag, credit_reason=credit.reason,
            credit_changed_by=credit.changed_by, credit_changed_at=credit.changed_at))
        await self._session.execute(insert(customer_credit_log).values(**{
            name: getattr(change, name) for name in CreditChange.__dataclass_fields__}))

    async def history(self, customer_id: uuid.UUID) -> list[CreditChange]:
        rows = await self._session.execute(select(customer_credit_log).where(
            customer_credit_log.c.customer_id == customer_id).order_by(customer_credit_log.c.changed_at,
                                                                       customer_credit_log.c.id))
        return [CreditChange(**row._mapping) for row in rows]

    async def flagged(self, scope: Scope, *, limit: int) -> list[FlaggedCustomer]:
        """Flagged customers of whom the caller sees at least one lead, latest flagged first."""
        condition = _scoped(scope, leads.c.owner_id, leads.c.group_id, leads.c.department_id)
        visible = select(leads.c.id).where(leads.c.customer_id == customers.c.id)
        if condition is not None:
            visible = visible.where(condition)
        rows = await self._session.execute(
            select(customers).where(customers.c.credit_flag.is_not(None), visible.exists())
            .order_by(customers.c.credit_changed_at.desc(), customers.c.id).limit(limit))
        return [FlaggedCustomer(customer_id=row.id, name=row.name, company=row.company, credit=_credit(row))
                for row in rows]


class ComplaintRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, complaint: Complaint) -> None:
        await self._session.execute(insert(complaints).values(**_complaint_values(complaint)))

    async def save(self, complaint: Complaint) -> None:
        values = _complaint_values(complaint)
        del values["id"]
        await self._session.execute(update(complaints).where(complaints.c.id == complaint.id).values(**values))

    async def get(self, complaint_id: uuid.UUID, *, for_update: bool = False) -> Complaint | None:
        query = select(complaints).where(complaints.c.id == complaint_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _complaint(row) if row else None

    async def escalation_due(self, recorded_before: datetime, *, limit: int) -> list[uuid.UUID]:
        rows = await self._session.execute(select(complaints.c.id).where(
            complaints.c.status.in_([status.value for status in UNANSWERED]), complaints.c.escalated_at.is_(None),
            complaints.c.recorded_at <= recorded_before).order_by(complaints.c.recorded_at, complaints.c.id)
            .limit(limit))
        return [row.id for row in rows]

    def _visible(self, scope: Scope, answerable_department: uuid.UUID | None) -> ColumnElement[bool] | None:
        condition = _scoped(scope, complaints.c.rep_id, complaints.c.group_id, complaints.c.department_id)
        if condition is None or answerable_department is None:
            return condition
        return or_(condition, complaints.c.responsible_department_id == answerable_department)

    async def listed(self, scope: Scope, answerable_department: uuid.UUID | None, *, status: str | None = None,
                     recorded_from: datetime | None = None, recorded_before: datetime | None = None,
                     limit: int) -> list[Complaint]:
        conditions = [c for c in (
            self._visible(scope, answerable_department),
            complaints.c.status == status if status else None,
            complaints.c.recorded_at >= recorded_from if recorded_from else None,
            complaints.c.recorded_at < recorded_before if recorded_before else None,
        ) if c is not None]
        rows = await self._session.execute(select(complaints).where(*conditions)
                                           .order_by(complaints.c.recorded_at, complaints.c.id).limit(limit))
        return [_complaint(row) for row in rows]


# -- row mapping ------------------------------------------------------------------------------

def _with_customer():
    return select(leads, customers.c.name.label("c_name"), customers.c.phone.label("c_phone"),
                  customers.c.email.label("c_email"), customers.c.company.label("c_company"),
                  customers.c.created_by.label("c_created_by"), customers.c.created_at.label("c_created_at")
                  ).join(customers, customers.c.id == leads.c.customer_id)


def _lead_values(lead: Lead) -> dict:
    return {"id": lead.id, "customer_id": lead.customer_id, "source": lead.source, "status": lead.status.value,
            "department_id": lead.department_id, "group_id": lead.group_id, "owner_id": lead.owner_id,
            "intent_level": lead.intent_level, "created_by": lead.created_by, "created_at": lead.created_at,
            "assigned_at": lead.assigned_at, "followed_up_at": lead.followed_up_at, "lost_reason": lead.lost_reason,
            "needs": lead.needs}


def _lead(row: Row) -> Lead:
    return Lead(id=row.id, customer_id=row.customer_id, source=row.source, status=LeadStatus(row.status),
                department_id=row.department_id, created_by=row.created_by, created_at=row.created_at,
                group_id=row.group_id, owner_id=row.owner_id, intent_level=row.intent_level,
                assigned_at=row.assigned_at, followed_up_at=row.followed_up_at, lost_reason=row.lost_reason,
                needs=row.needs)


def _follow_up_values(follow_up: FollowUp) -> dict:
    values = {name: getattr(follow_up, name) for name in FollowUp.__dataclass_fields__}
    values["status"] = follow_up.status.value
    return values


def _follow_up(row: Row) -> FollowUp:
    values = dict(row._mapping)
    values["status"] = FollowUpStatus(values["status"])
    return FollowUp(**values)


def _complaint_values(complaint: Complaint) -> dict:
    values = {name: getattr(complaint, name) for name in Complaint.__dataclass_fields__}
    values["status"] = complaint.status.value
    return values


def _complaint(row: Row) -> Complaint:
    values = dict(row._mapping)
    values["status"] = ComplaintStatus(values["status"])
    return Complaint(**values)


def _credit(row: Row) -> Credit:
    return Credit(rating=row.credit_rating, flag=row.credit_flag, reason=row.credit_reason,
                  changed_by=row.credit_changed_by, changed_at=row.credit_changed_at)


def _customer(row: Row) -> Customer:
    return Customer(id=row.id, name=row.name, phone=row.phone, email=row.email, company=row.company,
                    created_by=row.created_by, created_at=row.created_at)


def _pair(row: Row) -> tuple[Lead, Customer]:
    customer = Customer(id=row.customer_id, name=row.c_name, phone=row.c_phone, email=row.c_email,
                        company=row.c_company, created_by=row.c_created_by, created_at=row.c_created_at)
    return _lead(row), customer


def _deal_with_money():
    collected = (select(payments.c.deal_id, func.sum(payments.c.amount).label("collected"))
                 .group_by(payments.c.deal_id).subquery())
    refunded = (select(refunds.c.deal_id, func.sum(refunds.c.amount).label("refunded"))
                .group_by(refunds.c.deal_id).subquery())
    return (select(deals, func.coalesce(collected.c.collected, 0).label("collected"),
                   func.coalesce(refunded.c.refunded, 0).label("refunded"))
            .outerjoin(collected, collected.c.deal_id == deals.c.id)
            .outerjoin(refunded, refunded.c.deal_id == deals.c.id))


def _deal(row: Row, collected: Decimal, refunded: Decimal = Decimal("0.00")) -> Deal:
    return Deal(id=row.id, customer_id=row.customer_id, lead_id=row.lead_id, rep_id=row.rep_id,
                group_id=row.group_id, department_id=row.department_id, amount=row.amount, cost=row.cost,
                currency=row.currency, signed_on=row.signed_on, created_by=row.created_by,
                created_at=row.created_at, collected=collected.quantize(CENT), refunded=refunded.quantize(CENT),
                units=row.units,
                status=DealStatus(row.status), cancelled_on=row.cancelled_on, cancel_reason=row.cancel_reason,
                cancelled_by=row.cancelled_by, revision=row.revision)
