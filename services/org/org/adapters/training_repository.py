"""Queries of training (O7) and retraining assignments (A6). Like every repository here, they
never commit; the unit of work does."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import date

from sqlalchemy import Row, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from org.adapters.repositories import _employee, _employee_select
from org.adapters.tables import employee_assignments, employees
from org.adapters.training_tables import (
    retraining_assignments,
    retraining_dismissal_cases,
    training_attendees,
    training_sessions,
)
from org.domain.model import Employee
from org.domain.training import (
    Assessment,
    AssignmentStatus,
    Attendance,
    AttendeeRecord,
    DismissalCase,
    RetrainingAssignment,
    SessionKind,
    SessionStatus,
    TrainingSession,
)


class TrainingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, training: TrainingSession) -> None:
        await self._session.execute(insert(training_sessions).values(
            id=training.id, topic=training.topic, kind=training.kind.value, trainer_id=training.trainer_id,
            department_id=training.department_id, held_on=training.held_on,
            duration_minutes=training.duration_minutes, status=training.status.value,
            recorded_by=training.recorded_by,
        ))
        await self._insert_sheet(training)

    async def save_sheet(self, training: TrainingSession) -> None:
        """The sheet is replaced whole: it is one document, edited as one."""
        await self._session.execute(
            update(training_sessions).where(training_sessions.c.id == training.id)
            .values(status=training.status.value, updated_at=func.now())
        )
        await self._session.execute(delete(training_attendees).where(training_attendees.c.session_id == training.id))
        await self._insert_sheet(training)

    async def get(self, session_id: uuid.UUID, *, for_update: bool = False) -> TrainingSession | None:
        query = select(training_sessions).where(training_sessions.c.id == session_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        return (await self._with_sheets([row]))[0]

    async def held_between(self, start: date, end: date, *, trainer_id: uuid.UUID | None = None,
                           kind: SessionKind | None = None) -> list[TrainingSession]:
        """Sessions dated from ``start`` to ``end``, both included, planned or held."""
        query = select(training_sessions).where(training_sessions.c.held_on.between(start, end))
        if trainer_id is not None:
            query = query.where(training_sessions.c.trainer_id == trainer_id)
        if kind is not None:
            query = query.where(training_sessions.c.kind == kind.value)
        rows = list(await self._session.execute(
            query.order_by(training_sessions.c.held_on, training_sessions.c.created_at, training_sessions.c.id)
        ))
        return await self._with_sheets(rows)

    async def of_employee(self, employee_id: uuid.UUID) -> list[TrainingSession]:
        """Sessions the employee is on the sheet of or trained, newest first."""
        on_sheet = select(training_attendees.c.session_id).where(training_attendees.c.employee_id == employee_id)
        rows = list(await self._session.execute(
            select(training_sessions)
            .where(or_(training_sessions.c.id.in_(on_sheet), training_sessions.c.trainer_id == employee_id))
            .order_by(training_sessions.c.held_on.desc(), training_sessions.c.created_at.desc())
        ))
        return await self._with_sheets(rows)

    async def held_counts(self, trainer_ids: Collection[uuid.UUID], start: date, end: date) -> dict[uuid.UUID, int]:
        rows = await self._session.execute(
            select(training_sessions.c.trainer_id, func.count()).where(
                training_sessions.c.trainer_id.in_(list(trainer_ids)),
                training_sessions.c.held_on.between(start, end),
                training_sessions.c.status == SessionStatus.HELD.value,
            ).group_by(training_sessions.c.trainer_id)
        )
        return {trainer_id: int(count) for trainer_id, count in rows}

    async def onboarding_attended(self, employee_ids: Collection[uuid.UUID], start: date,
                                  end: date) -> dict[uuid.UUID, list[tuple[uuid.UUID, date]]]:
        """For each employee, the held onboarding sessions from ``start`` to ``end`` they were present at."""
        rows = await self._session.execute(
            select(training_attendees.c.employee_id, training_sessions.c.id, training_sessions.c.held_on)
            .join(training_sessions, training_sessions.c.id == training_attendees.c.session_id)
            .where(
                training_attendees.c.employee_id.in_(list(employee_ids)),
                training_attendees.c.attendance == Attendance.PRESENT.value,
                training_sessions.c.kind == SessionKind.ONBOARDING.value,
                training_sessions.c.status == SessionStatus.HELD.value,
                training_sessions.c.held_on.between(start, end),
            ).order_by(training_sessions.c.held_on)
        )
        attended: dict[uuid.UUID, list[tuple[uuid.UUID, date]]] = defaultdict(list)
        for employee_id, session_id, held_on in rows:
            attended[employee_id].append((session_id, held_on))
        return attended

    async def people(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Employee]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(_employee_select().where(employees.c.id.in_(list(employee_ids))))
        return {row.id: _employee(row) for row in rows}

    async def hired_between(self, start: date, end: date) -> list[Employee]:
        rows = await self._session.execute(
            _employee_select().where(employees.c.hired_on.between(start, end))
            .order_by(employees.c.hired_on, employees.c.name, employees.c.id)
        )
        return [_employee(row) for row in rows]

    async def holders_of_role(self, role: str, start: date, end: date) -> list[Employee]:
        """Everyone whose assignment history gives them ``role`` on some day from ``start`` to ``end``
        (assignments are half-open: ``valid_to`` is the first day after)."""
        held = select(employee_assignments.c.employee_id).where(
            employee_assignments.c.role == role,
            employee_assignments.c.valid_from <= end,
            or_(employee_assignments.c.valid_to.is_(None), employee_assignments.c.valid_to > start),
        )
        rows = await self._session.execute(
            _employee_select().where(employees.c.id.in_(held)).order_by(employees.c.name, employees.c.id)
        )
        return [_employee(row) for row in rows]

    async def _insert_sheet(self, training: TrainingSession) -> None:
        if not training.attendees:
            return
        await self._session.execute(insert(training_attendees), [
            {"session_id": training.id, "employee_id": line.employee_id, "position": position,
             "attendance": line.attendance.value if line.attendance else None,
             "result": line.result.value if line.result else None, "score": line.score}
            for position, line in enumerate(training.attendees)
        ])

    async def _with_sheets(self, rows: list[Row]) -> list[TrainingSession]:
        if not rows:
            return []
        sheets: dict[uuid.UUID, list[AttendeeRecord]] = defaultdict(list)
        lines = await self._session.execute(
            select(training_attendees).where(training_attendees.c.session_id.in_([row.id for row in rows]))
            .order_by(training_attendees.c.session_id, training_attendees.c.position)
        )
        for line in lines:
            sheets[line.session_id].append(AttendeeRecord(
                employee_id=line.employee_id,
                attendance=Attendance(line.attendance) if line.attendance else None,
                result=Assessment(line.result) if line.result else None,
                score=line.score,
            ))
        return [
            TrainingSession(
                id=row.id, topic=row.topic, kind=SessionKind(row.kind), trainer_id=row.trainer_id,
                held_on=row.held_on, duration_minutes=row.duration_minutes, recorded_by=row.recorded_by,
                department_id=row.department_id, attendees=sheets.get(row.id, []), status=SessionStatus(row.status),
            )
            for row in rows
        ]


class RetrainingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_once(self, assignment: RetrainingAssignment) -> bool:
        """Insert unless the employee already has one for the period; True if inserted."""
        statement = pg_insert(retraining_assignments).values(
            id=assignment.id, employee_id=assignment.employee_id, period=assignment.period, flags=assignment.flags,
            status=assignment.status.value, opened_at=assignment.opened_at, source_event_id=assignment.source_event_id,
        ).on_conflict_do_nothing(index_elements=[retraining_assignments.c.employee_id, retraining_assignments.c.period])
        inserted = await self._session.execute(statement.returning(retraining_assignments.c.id))
        return inserted.first() is not None

    async def lock_employee(self, employee_id: uuid.UUID) -> None:
        """Until the transaction ends: one employee's flags and dismissal cases take turns, so two of
        them at once cannot both find no open assignment and open two."""
        await self._session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                    {"key": f"org.retraining:{employee_id}"})

    async def open_of(self, employee_id: uuid.UUID) -> list[RetrainingAssignment]:
        rows = await self._session.execute(
            select(retraining_assignments).where(retraining_assignments.c.employee_id == employee_id,
                                                 retraining_assignments.c.status == AssignmentStatus.OPEN.value)
            .order_by(retraining_assignments.c.period, retraining_assignments.c.id).with_for_update())
        return [_assignment(row) for row in rows]

    async def dismissal_cases(self, employee_id: uuid.UUID) -> list[DismissalCase]:
        rows = await self._session.execute(
            select(retraining_dismissal_cases).where(retraining_dismissal_cases.c.employee_id == employee_id)
            .order_by(retraining_dismissal_cases.c.opened_at))
        return [DismissalCase(case_id=row.case_id, employee_id=row.employee_id,
                              retraining_period=row.retraining_period, failing_periods=tuple(row.failing_periods),
                              opened_at=row.opened_at, source_event_id=row.source_event_id) for row in rows]

    async def add_dismissal_case(self, case: DismissalCase) -> bool:
        """Keep the case unless already kept; True if it is new."""
        statement = pg_insert(retraining_dismissal_cases).values(
            case_id=case.case_id, employee_id=case.employee_id, retraining_period=case.retraining_period,
            failing_periods=list(case.failing_periods), opened_at=case.opened_at,
            source_event_id=case.source_event_id,
        ).on_conflict_do_nothing(index_elements=[retraining_dismissal_cases.c.case_id])
        inserted = await self._session.execute(statement.returning(retraining_dismissal_cases.c.case_id))
        return inserted.first() is not None

    async def get(self, assignment_id: uuid.UUID, *, for_update: bool = False) -> RetrainingAssignment | None:
        query = select(retraining_assignments).where(retraining_assignments.c.id == assignment_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _assignment(row) if row else None

    async def save(self, assignment: RetrainingAssignment) -> None:
        await self._session.execute(
            update(retraining_assignments).where(retraining_assignments.c.id == assignment.id).values(
                status=assignment.status.value, closed_at=assignment.closed_at, closed_by=assignment.closed_by,
                note=assignment.note, session_id=assignment.session_id,
            )
        )

    async def listing(self, status: AssignmentStatus | None) -> list[RetrainingAssignment]:
        query = select(retraining_assignments)
        if status is not None:
            query = query.where(retraining_assignments.c.status == status.value)
        rows = await self._session.execute(
            query.order_by(retraining_assignments.c.opened_at, retraining_assignments.c.id)
        )
        return [_assignment(row) for row in rows]


def _assignment(row: Row) -> RetrainingAssignment:
    return RetrainingAssignment(
        id=row.id, employee_id=row.employee_id, period=row.period, flags=list(row.flags),
        opened_at=row.opened_at, source_event_id=row.source_event_id, status=AssignmentStatus(row.status),
        closed_at=row.closed_at, closed_by=row.closed_by, note=row.note, session_id=row.session_id,
    )
