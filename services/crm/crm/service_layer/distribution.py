"""Distribution (客户资源分配, C4) by strategy, at both levels, and its configuration.

Each automatic distribution takes its unit's lock (the group's, as hand assignments and claims do;
the department's) and then the pool's rows, so that two distributions, or a distribution and a
hand assignment, never count the same free place twice nor hand one lead out twice. Every
assignment, by hand or automatic, records why: in ``lead_assignments`` (the lead's history) and in
the ``LeadAssigned`` event's ``reason``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from crm.adapters.distribution import MemberSetting, UnitSetting
from crm.domain.model import Lead, LeadAssignment
from crm.domain.strategies import Candidate, Plan, Strategy, plan, strategy_of
from crm.service_layer import commands
from crm.service_layer import distribution_commands as dcommands
from crm.service_layer.access import GROUP_DISTRIBUTORS, REP_DISTRIBUTORS, require
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.auth import Principal, Role
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.events.crm import LeadAssigned

# Bounds one distribution: a pool bigger than this is handed out over several calls.
MAX_DISTRIBUTION_BATCH = 5000
MAX_WEIGHT, MAX_CAP = 100, 100_000
LEVELS = ("group", "department")


@dataclass(frozen=True)
class Assigned:
    lead_id: uuid.UUID
    to_id: uuid.UUID  # the rep (group level) or the group (department level)
    reason: str


@dataclass(frozen=True)
class DistributionReport:
    unit_id: uuid.UUID
    level: str
    strategy: Strategy
    assigned: list[Assigned]
    left_over: list[uuid.UUID]
    why_left_over: str | None
    skipped: list[uuid.UUID]
    cap: int | None  # the default cap of a rep (group level)

    @property
    def group_id(self) -> uuid.UUID:
        return self.unit_id


# --- configuration --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    member_id: uuid.UUID
    name: str
    weight: int
    cap: int | None
    open_leads: int
    configured: bool  # False: the defaults apply


@dataclass(frozen=True)
class DistributionSettingView:
    level: str
    unit_id: uuid.UUID
    strategy: Strategy
    is_default: bool
    members: list[MemberView]
    updated_by: uuid.UUID | None
    updated_at: datetime | None


async def configure_distribution(command: dcommands.ConfigureDistribution, bus: CrmBus) -> DistributionSettingView:
    by = command.by
    if command.level not in LEVELS:
        raise InvalidInput("level", "group or department")
    strategy = strategy_of(command.strategy)
    members: dict[uuid.UUID, MemberSetting] = {}
    for index, member in enumerate(command.members):
        name = "reps" if command.level == "group" else "groups"
        if member.member_id in members:
            raise InvalidInput(f"{name}[{index}]", "named twice")
        if not 1 <= member.weight <= MAX_WEIGHT:
            raise InvalidInput(f"{name}[{index}].weight", f"a whole number from 1 to {MAX_WEIGHT}")
        if member.cap is not None and not 0 <= member.cap <= MAX_CAP:
            raise InvalidInput(f"{name}[{index}].cap", f"from 0 (takes no leads) to {MAX_CAP}")
        members[member.member_id] = MemberSetting(member.member_id, member.weight, member.cap)
    async with bus.uow() as uow:
        await _ensure_configures(uow, by, command.level, command.unit_id)
        known = await _member_names(uow, command.level, command.unit_id)
        for index, member_id in enumerate(members):
            if member_id not in known:
                name = "reps" if command.level == "group" else "groups"
                raise InvalidInput(f"{name}[{index}]", f"not a current member of this {command.level}")
        await uow.distribution.save(UnitSetting(level=command.level, unit_id=command.unit_id, strategy=strategy,
                                                members=members, updated_by=by.employee_id,
                                                updated_at=bus.clock.now()))
        view = await _setting_view(uow, bus, command.level, command.unit_id)
        await uow.commit()
    return view


async def distribution_setting(bus: CrmBus, viewer: Principal, level: str, unit_id: uuid.UUID
                               ) -> DistributionSettingView:
    async with bus.uow() as uow:
        await _ensure_configures(uow, viewer, level, unit_id)
        return await _setting_view(uow, bus, level, unit_id)


async def _ensure_configures(uow: CrmUnitOfWork, by: Principal, level: str, unit_id: uuid.UUID) -> None:
    if level == "group":
        require(by, REP_DISTRIBUTORS, "setting a group's distribution")
        group = await uow.directory.group(unit_id)
        if group is None:
            raise NotFound("no such group", group_id=str(unit_id))
        await ensure_distributes_in(uow, by, group.group_id, group.department_id)
    else:
        require(by, GROUP_DISTRIBUTORS, "setting a department's distribution")
        ensure_manages_department(by, unit_id)
        if not await uow.directory.department_known(unit_id):
            raise NotFound("no such department", department_id=str(unit_id))


async def _member_names(uow: CrmUnitOfWork, level: str, unit_id: uuid.UUID) -> dict[uuid.UUID, str]:
    if level == "group":
        return {m.employee_id: m.name for m in await uow.directory.members(unit_id)}
    return {g.group_id: g.name for g in await uow.distribution.groups_in(unit_id)}


async def _setting_view(uow: CrmUnitOfWork, bus: CrmBus, level: str, unit_id: uuid.UUID) -> DistributionSettingView:
    stored = await uow.distribution.setting(level, unit_id)
    default = _default_strategy(bus, level)
    names = await _member_names(uow, level, unit_id)
    if level == "group":
        members = [m for m in await uow.directory.members(unit_id)
                   if m.status == "active" and m.role in bus.policy.distribution_roles]
        ids = [m.employee_id for m in members]
        loads = await uow.leads.open_counts(ids)
    else:
        ids = list(names)
        loads = await uow.distribution.group_loads(ids)
    views = []
    for member_id in ids:
        own = stored.members.get(member_id)
        views.append(MemberView(member_id=member_id, name=names.get(member_id, ""), weight=own.weight if own else 1,
                                cap=_cap(bus, level, own), open_leads=loads.get(member_id, 0),
                                configured=own is not None))
    return DistributionSettingView(level=level, unit_id=unit_id, strategy=stored.strategy or default,
                                   is_default=stored.strategy is None, members=views,
                                   updated_by=stored.updated_by, updated_at=stored.updated_at)


def _default_strategy(bus: CrmBus, level: str) -> Strategy:
    return bus.policy.group_strategy if level == "group" else bus.policy.department_strategy


def _cap(bus: CrmBus, level: str, own: MemberSetting | None) -> int | None:
    if own is not None and own.cap is not None:
        return own.cap
    return bus.policy.rep_open_lead_cap if level == "group" else None


async def rep_cap(uow: CrmUnitOfWork, bus: CrmBus, group_id: uuid.UUID, rep_id: uuid.UUID) -> int:
    """The cap on a rep's open leads: their own in the group if the leader set one, else the default."""
    own = await uow.distribution.rep_cap(group_id, rep_id)
    return own if own is not None else bus.policy.rep_open_lead_cap


# --- group level (C4.2) ------------------------------------------------------------------------


async def distribute_group_leads(command: commands.DistributeGroupLeads, bus: CrmBus) -> DistributionReport:
    by = command.by
    require(by, REP_DISTRIBUTORS, "distributing a group's leads")
    override = strategy_of(command.strategy) if command.strategy else None
    async with bus.uow() as uow:
        group = await uow.directory.group(command.group_id)
        if group is None:
            raise NotFound("no such group", group_id=str(command.group_id))
        await ensure_distributes_in(uow, by, group.group_id, group.department_id)
        await uow.rotation.lock_group(group.group_id)
        wanted = list(dict.fromkeys(command.lead_ids)) if command.lead_ids is not None else None
        pool = await uow.leads.unassigned_in_group(group.group_id, wanted, limit=MAX_DISTRIBUTION_BATCH)
        pooled = {lead.id for lead in pool}
        # Not told apart: another group's lead, a lead already with a rep, or no lead at all.
        skipped = [lead_id for lead_id in wanted if lead_id not in pooled] if wanted is not None else []

        setting = await uow.distribution.setting("group", group.group_id)
        strategy = override or setting.strategy or bus.policy.group_strategy
        members = [member for member in await uow.directory.members(group.group_id)
                   if member.status == "active" and member.role in bus.policy.distribution_roles]
        loads = await uow.leads.open_counts([member.employee_id for member in members])
        turns = await uow.rotation.turns(group.group_id)
        candidates = [Candidate(id=m.employee_id, name=m.name, open_leads=loads[m.employee_id],
                                cap=_cap(bus, "group", setting.members.get(m.employee_id)),
                                weight=setting.members[m.employee_id].weight if m.employee_id in setting.members
                                else 1, last_turn=turns.get(m.employee_id)) for m in members]
        outcome = plan(strategy, [lead.id for lead in pool], candidates,
                       next_turn=await uow.rotation.next_turn(group.group_id), noun="active rep of the group")

        now = bus.clock.now()
        by_id = {lead.id: lead for lead in pool}
        for pick in outcome.picks:
            lead = by_id[pick.lead_id]
            previous = lead.give_to_rep(pick.member_id, now)
            await uow.leads.save(lead)
            await record_assignment(uow, lead, level="rep", strategy=strategy.value, by=by.employee_id,
                                    reason=pick.reason, previous_rep_id=previous, at=now)
        for rep_id, turn in outcome.turns.items():
            await uow.rotation.record(group.group_id, rep_id, turn, now)
        await uow.commit()
    return _report(group.group_id, "group", outcome, skipped, bus.policy.rep_open_lead_cap)


# --- department level (C4.1) -------------------------------------------------------------------


async def distribute_department_leads(command: dcommands.DistributeDepartmentLeads, bus: CrmBus
                                      ) -> DistributionReport:
    by = command.by
    require(by, GROUP_DISTRIBUTORS, "distributing a department's leads to its groups")
    ensure_manages_department(by, command.department_id)
    override = strategy_of(command.strategy) if command.strategy else None
    async with bus.uow() as uow:
        if not await uow.directory.department_known(command.department_id):
            raise NotFound("no such department", department_id=str(command.department_id))
        await uow.distribution.lock_department(command.department_id)
        wanted = list(dict.fromkeys(command.lead_ids)) if command.lead_ids is not None else None
        pool = await uow.distribution.department_pool(command.department_id, wanted, limit=MAX_DISTRIBUTION_BATCH)
        pooled = {lead.id for lead in pool}
        skipped = [lead_id for lead_id in wanted if lead_id not in pooled] if wanted is not None else []

        setting = await uow.distribution.setting("department", command.department_id)
        strategy = override or setting.strategy or bus.policy.department_strategy
        groups = []
        for group in await uow.distribution.groups_in(command.department_id):
            # A group with nobody to work its leads would only let them rot in its pool.
            if any(m.status == "active" and m.role in bus.policy.distribution_roles
                   for m in await uow.directory.members(group.group_id)):
                groups.append(group)
        loads = await uow.distribution.group_loads([g.group_id for g in groups])
        turns = await uow.distribution.department_turns(command.department_id)
        candidates = [Candidate(id=g.group_id, name=f"group {g.name}", open_leads=loads[g.group_id],
                                cap=_cap(bus, "department", setting.members.get(g.group_id)),
                                weight=setting.members[g.group_id].weight if g.group_id in setting.members else 1,
                                last_turn=turns.get(g.group_id)) for g in groups]
        outcome = plan(strategy, [lead.id for lead in pool], candidates,
                       next_turn=await uow.distribution.next_department_turn(command.department_id),
                       noun="group of the department with an active rep")
        now = bus.clock.now()
        by_id = {lead.id: lead for lead in pool}
        for pick in outcome.picks:
            lead = by_id[pick.lead_id]
            previous = lead.place_in_group(pick.member_id, now)
            await uow.leads.save(lead)
            await record_assignment(uow, lead, level="group", strategy=strategy.value, by=by.employee_id,
                                    reason=pick.reason, previous_rep_id=previous, at=now)
        for group_id, turn in outcome.turns.items():
            await uow.distribution.record_department_turn(command.department_id, group_id, turn, now)
        await uow.commit()
    return _report(command.department_id, "department", outcome, skipped, None)


def _report(unit_id: uuid.UUID, level: str, outcome: Plan, skipped: list[uuid.UUID], cap: int | None
            ) -> DistributionReport:
    return DistributionReport(unit_id=unit_id, level=level, strategy=outcome.strategy,
                              assigned=[Assigned(p.lead_id, p.member_id, p.reason) for p in outcome.picks],
                              left_over=outcome.left_over, why_left_over=outcome.why_left_over, skipped=skipped,
                              cap=cap)


# --- shared with hand assignments --------------------------------------------------------------


def ensure_manages_department(by: Principal, department_id: uuid.UUID) -> None:
    if by.is_company_wide and by.has_any(*GROUP_DISTRIBUTORS):
        return
    if by.is_department_wide and by.department_id == department_id:
        return
    raise Forbidden("only a manager of the department distributes its leads to its groups",
                    department_id=str(department_id))


async def ensure_distributes_in(uow: CrmUnitOfWork, by: Principal, group_id: uuid.UUID,
                                department_id: uuid.UUID) -> None:
    if by.is_company_wide and by.has_any(*GROUP_DISTRIBUTORS):
        return
    if by.is_department_wide and by.department_id == department_id:
        return
    if by.has_any(Role.GROUP_LEADER):
        if by.group_id == group_id:
            return
        group = await uow.directory.group(group_id)
        if group is not None and group.leader_id == by.employee_id:
            return
    raise Forbidden("only the group's leader or a manager of its department distributes its leads",
                    group_id=str(group_id))


async def record_assignment(uow: CrmUnitOfWork, lead: Lead, *, level: str, strategy: str, by: uuid.UUID,
                            reason: str | None, previous_rep_id: uuid.UUID | None, at: datetime) -> None:
    assert lead.group_id is not None
    await uow.assignments.add(LeadAssignment(
        id=new_id(), lead_id=lead.id, level=level, group_id=lead.group_id, rep_id=lead.owner_id,
        previous_rep_id=previous_rep_id, assigned_by=by, strategy=strategy, reason=reason, assigned_at=at))
    uow.emit(LeadAssigned(lead_id=lead.id, level=level, department_id=lead.department_id, group_id=lead.group_id,
                          rep_id=lead.owner_id, previous_rep_id=previous_rep_id, assigned_by=by,
                          strategy=strategy, reason=reason, assigned_at=at))


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.DistributeGroupLeads: distribute_group_leads,
    dcommands.DistributeDepartmentLeads: distribute_department_leads,
    dcommands.ConfigureDistribution: configure_distribution,
}
