"""Queries of distribution (C4) beyond a group's own round robin: the strategy and member settings
each group and department keeps, the department level's pool, rotation and group loads."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.adapters.repositories import _lead
from crm.adapters.tables import distribution_members, distribution_settings, group_rotation, leads
from crm.domain.model import OPEN_STATUSES, Lead, LeadStatus
from crm.domain.strategies import Strategy
from shared.directory import DirectoryGroup, directory_groups

_OPEN = [status.value for status in OPEN_STATUSES]


@dataclass(frozen=True)
class MemberSetting:
    member_id: uuid.UUID
    weight: int
    cap: int | None


@dataclass(frozen=True)
class UnitSetting:
    """A group's (level 'group') or a department's (level 'department') distribution settings as stored;
    ``strategy`` None: never set, the default applies."""

    level: str
    unit_id: uuid.UUID
    strategy: Strategy | None
    members: dict[uuid.UUID, MemberSetting]
    updated_by: uuid.UUID | None = None
    updated_at: datetime | None = None


class DistributionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def setting(self, level: str, unit_id: uuid.UUID) -> UnitSetting:
        row = (await self._session.execute(select(distribution_settings).where(
            distribution_settings.c.level == level, distribution_settings.c.unit_id == unit_id))).first()
        members = await self._session.execute(select(distribution_members).where(
            distribution_members.c.level == level, distribution_members.c.unit_id == unit_id))
        return UnitSetting(level=level, unit_id=unit_id, strategy=Strategy(row.strategy) if row else None,
                           members={m.member_id: MemberSetting(m.member_id, m.weight, m.cap) for m in members},
                           updated_by=row.updated_by if row else None, updated_at=row.updated_at if row else None)

    async def save(self, setting: UnitSetting) -> None:
        """Replaces the unit's settings as a whole: members not named go back to the defaults."""
        assert setting.strategy is not None and setting.updated_by is not None
        statement = pg_insert(distribution_settings).values(
            level=setting.level, unit_id=setting.unit_id, strategy=setting.strategy.value,
            updated_by=setting.updated_by, updated_at=setting.updated_at)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=["level", "unit_id"],
            set_={name: statement.excluded[name] for name in ("strategy", "updated_by", "updated_at")}))
        await self._session.execute(delete(distribution_members).where(
            distribution_members.c.level == setting.level, distribution_members.c.unit_id == setting.unit_id))
        if setting.members:
            await self._session.execute(insert(distribution_members), [
                {"level": setting.level, "unit_id": setting.unit_id, "member_id": m.member_id, "weight": m.weight,
                 "cap": m.cap} for m in setting.members.values()])

    async def rep_cap(self, group_id: uuid.UUID, rep_id: uuid.UUID) -> int | None:
        """The rep's own cap in the group, if the leader set one."""
        return await self._session.scalar(select(distribution_members.c.cap).where(
            distribution_members.c.level == "group", distribution_members.c.unit_id == group_id,
            distribution_members.c.member_id == rep_id))

    # -- the department level (C4.1) ---------------------------------------------------------

    async def lock_department(self, department_id: uuid.UUID) -> None:
        # Two automatic distributions of one department must not both count a group below its cap.
        await self._session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                    {"key": f"crm.department.{department_id}"})

    async def department_pool(self, department_id: uuid.UUID, lead_ids: Collection[uuid.UUID] | None, *,
                              limit: int) -> list[Lead]:
        """The department's leads in no group yet, oldest first; locked."""
        query = select(leads).where(leads.c.department_id == department_id, leads.c.group_id.is_(None),
                                    leads.c.status == LeadStatus.NEW.value)
        if lead_ids is not None:
            query = query.where(leads.c.id.in_(list(lead_ids)))
        query = query.order_by(leads.c.created_at, leads.c.id).limit(limit).with_for_update()
        return [_lead(row) for row in await self._session.execute(query)]

    async def groups_in(self, department_id: uuid.UUID) -> list[DirectoryGroup]:
        rows = await self._session.execute(select(directory_groups).where(
            directory_groups.c.department_id == department_id).order_by(directory_groups.c.group_id))
        return [DirectoryGroup(group_id=r.group_id, name=r.name, department_id=r.department_id,
                               leader_id=r.leader_id) for r in rows]

    async def group_loads(self, group_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        """Open leads per group, in its pool and with its reps: what a group's cap is measured against."""
        counts = {group_id: 0 for group_id in group_ids}
        if group_ids:
            rows = await self._session.execute(select(leads.c.group_id, func.count()).where(
                leads.c.group_id.in_(list(group_ids)), leads.c.status.in_(_OPEN)).group_by(leads.c.group_id))
            counts.update({row[0]: int(row[1]) for row in rows})
        return counts

    async def department_turns(self, department_id: uuid.UUID) -> dict[uuid.UUID, int]:
        rows = await self._session.execute(select(group_rotation.c.group_id, group_rotation.c.last_turn).where(
            group_rotation.c.department_id == department_id))
        return {row.group_id: int(row.last_turn) for row in rows}

    async def next_department_turn(self, department_id: uuid.UUID) -> int:
        last = await self._session.scalar(select(func.max(group_rotation.c.last_turn)).where(
            group_rotation.c.department_id == department_id))
        return int(last or 0) + 1

    async def record_department_turn(self, department_id: uuid.UUID, group_id: uuid.UUID, turn: int,
                                     at: datetime) -> None:
        statement = pg_insert(group_rotation).values(department_id=department_id, group_id=group_id,
                                                     last_turn=turn, last_assigned_at=at)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=["department_id", "group_id"],
            set_={"last_turn": statement.excluded.last_turn, "last_assigned_at": statement.excluded.last_assigned_at}))
