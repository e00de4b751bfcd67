"""The last company day each daily sweep ran for (service_layer.plan_execution_sweep), so that a
restarted worker or a second replica does not sweep a day again."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, PrimaryKeyConstraint, String, Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal.adapters.tables import metadata

day_sweeps = Table(
    "day_sweeps",
    metadata,
    Column("name", String(60), nullable=False),
    Column("swept_on", Date, nullable=False),
    Column("swept_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("name", name="pk_day_sweeps"),
)

# pg_advisory_xact_lock keys of the sweeps, one per name ("swep" + a number).
SWEEP_LOCKS = {"plan_execution": 0x73776570_01}


class SweepRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, name: str) -> date | None:
        """The last day swept, the sweep locked until the transaction ends: replicas take turns,
        and the one after sees the day recorded (a row lock would not cover the first day)."""
        await self._session.execute(select(func.pg_advisory_xact_lock(SWEEP_LOCKS[name])))
        return (await self._session.execute(
            select(day_sweeps.c.swept_on).where(day_sweeps.c.name == name))).scalar_one_or_none()

    async def record(self, name: str, day: date, at: datetime) -> None:
        insert = pg_insert(day_sweeps).values(name=name, swept_on=day, swept_at=at)
        await self._session.execute(insert.on_conflict_do_update(
            index_elements=["name"], set_={"swept_on": day, "swept_at": at}))
