"""Use cases of training (O7) and retraining assignments (A6). As everywhere in org, each opens a
unit of work from the bus, checks, changes state, records its events and commits once."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import date

from org.domain.model import Employee
from org.domain.training import (
    AttendeeRecord,
    DismissalCase,
    RetrainingAssignment,
    TrainingSession,
    check_duration,
    employed_on,
    retraining_flags,
    retraining_refusal,
)
from org.service_layer import training_commands as commands
from org.service_layer.access import visibility_of
from org.service_layer.training_views import visible_sessions
from org.service_layer.unit_of_work import OrgBus, OrgUnitOfWork
from shared.auth import Principal, Role
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.events.appraisal import AppraisalResultFinalized, DismissalCaseOpened
from shared.events.org import TrainingSessionHeld

log = logging.getLogger(__name__)

# Anyone may record a session they trained; these roles may also record one for people in their scope.
MANAGERS = (Role.SALES_DIRECTOR, Role.REGIONAL_MANAGER, Role.DEPARTMENT_MANAGER, Role.SUPERVISOR,
            Role.GROUP_LEADER)
# These record any session, as keepers of the training records.
RECORD_KEEPERS = (Role.HR, Role.ADMIN)


async def record_training_session(command: commands.RecordTrainingSession, bus: OrgBus) -> TrainingSession:
    _ensure_may_record_at_all(command.by, command.trainer_id)
    check_duration(command.duration_minutes)
    async with bus.uow() as uow:
        if command.department_id is not None and await uow.departments.get(command.department_id) is None:
            raise NotFound(f"department {command.department_id} does not exist", field="department_id")
        trainer, attendees = await _people(uow, command.trainer_id, command.attendees, command.held_on)
        _ensure_may_record(command.by, trainer, attendees)
        training = TrainingSession(
            id=new_id(), topic=command.topic, kind=command.kind, trainer_id=trainer.id, held_on=command.held_on,
            duration_minutes=command.duration_minutes, recorded_by=command.by.employee_id,
            department_id=command.department_id,
        )
        announce = training.take_sheet(command.attendees, bus.clock.today())
        await uow.training.add(training)
        if announce:
            uow.emit(_held(training))
        await uow.commit()
    return training


async def record_training_sheet(command: commands.RecordTrainingSheet, bus: OrgBus) -> TrainingSession:
    async with bus.uow() as uow:
        training = await uow.training.get(command.session_id, for_update=True)
        if training is None or not await visible_sessions(uow, visibility_of(command.by), command.by, [training]):
            raise NotFound(f"training session {command.session_id} does not exist")
        _ensure_may_record_at_all(command.by, training.trainer_id)
        trainer, attendees = await _people(uow, training.trainer_id, command.attendees, training.held_on)
        _ensure_may_record(command.by, trainer, attendees)
        announce = training.take_sheet(command.attendees, bus.clock.today())
        await uow.training.save_sheet(training)
        if announce:
            uow.emit(_held(training))
        await uow.commit()
    return training


async def close_retraining_assignment(command: commands.CloseRetrainingAssignment,
                                      bus: OrgBus) -> RetrainingAssignment:
    async with bus.uow() as uow:
        assignment = await uow.retraining.get(command.assignment_id, for_update=True)
        if assignment is None:
            raise NotFound(f"retraining assignment {command.assignment_id} does not exist")
        session = None
        if command.session_id is not None:
            session = await uow.training.get(command.session_id)
            if session is None:
                raise NotFound(f"training session {command.session_id} does not exist", field="session_id")
        assignment.close(note=command.note, by=command.by.employee_id, at=bus.clock.now(), session=session)
        await uow.retraining.save(assignment)
        await uow.commit()
    return assignment


async def open_retraining_assignment(uow: OrgUnitOfWork, bus: OrgBus, result: AppraisalResultFinalized,
                                     event_id: uuid.UUID) -> bool:
    """Inside the consumer's unit of work: open an assignment when appraisal flagged retraining (A6),
    unless the employee has one open or the month opened a dismissal case (retraining_refusal):
    such a flag changes nothing. Once per employee and period: the unique key absorbs a re-published
    result, the inbox a redelivered one. The employee's org status is left alone: moving someone to
    retraining is HR's transfer, a decision the flag asks for but does not make."""
    flags = retraining_flags(result.flags)
    if not flags:
        return False
    await uow.retraining.lock_employee(result.employee_id)
    opened = await uow.retraining.open_of(result.employee_id)
    refusal = retraining_refusal(result.period, open_assignment=opened[0] if opened else None,
                                 dismissal_cases=await uow.retraining.dismissal_cases(result.employee_id))
    if refusal is not None:
        log.info("retraining flag of %s for %s opens no assignment: %s", result.employee_id, result.period,
                    refusal)
        return False
    return await uow.retraining.open_once(RetrainingAssignment(
        id=new_id(), employee_id=result.employee_id, period=result.period, flags=flags,
        opened_at=bus.clock.now(), source_event_id=event_id,
    ))


async def record_dismissal_case(uow: OrgUnitOfWork, bus: OrgBus, opened: DismissalCaseOpened,
                                event_id: uuid.UUID) -> bool:
    """Inside the consumer's unit of work: keep appraisal's dismissal case, so that its months' flags
    open no retraining. A flag that came first (one employee's events may be reordered) may have opened
    an assignment for such a month: it is withdrawn, with the reason in its note."""
    case = DismissalCase(case_id=opened.case_id, employee_id=opened.employee_id,
                         retraining_period=opened.retraining_period, failing_periods=tuple(opened.failing_periods),
                         opened_at=opened.opened_at, source_event_id=event_id)
    await uow.retraining.lock_employee(case.employee_id)
    if not await uow.retraining.add_dismissal_case(case):
        return False
    for assignment in await uow.retraining.open_of(case.employee_id):
        if assignment.period in case.failing_periods:
            assignment.withdraw(case, bus.clock.now())
            await uow.retraining.save(assignment)
    return True


# --- steps ----------------------------------------------------------------------------------------


def _ensure_may_record_at_all(by: Principal, trainer_id: uuid.UUID) -> None:
    # Before anything is read: a caller who could never record learns nothing about the ids sent.
    if not (by.has_any(*RECORD_KEEPERS, *MANAGERS) or by.employee_id == trainer_id):
        raise Forbidden("recording a training session needs HR, a manager, or the session's trainer",
                        required_roles=[*RECORD_KEEPERS, *MANAGERS])


def _ensure_may_record(by: Principal, trainer: Employee, attendees: Sequence[Employee]) -> None:
    if by.has_any(*RECORD_KEEPERS) or by.employee_id == trainer.id:
        return
    visibility = visibility_of(by)
    outside = [person.id for person in (trainer, *attendees) if not visibility.sees_employee(person)]
    if outside:
        raise Forbidden("a manager records sessions whose trainer and attendees are all within their scope",
                        outside_scope=[str(employee_id) for employee_id in outside])


async def _people(uow: OrgUnitOfWork, trainer_id: uuid.UUID, sheet: Sequence[AttendeeRecord],
                  held_on: date) -> tuple[Employee, list[Employee]]:
    """The trainer and the attendees, each known and employed on the session's date."""
    found = await uow.training.people({trainer_id, *(line.employee_id for line in sheet)})
    trainer = _employed(found, trainer_id, held_on, field="trainer_id")
    attendees = [_employed(found, line.employee_id, held_on, field=f"attendees[{index}].employee_id")
                 for index, line in enumerate(sheet)]
    return trainer, attendees


def _employed(found: dict[uuid.UUID, Employee], employee_id: uuid.UUID, day: date, *, field: str) -> Employee:
    person = found.get(employee_id)
    if person is None:
        raise NotFound(f"employee {employee_id} does not exist", field=field)
    if not employed_on(person.hired_on, person.left_on, day):
        raise InvalidInput(field, f"employee {employee_id} is not employed on {day.isoformat()}")
    return person


def _held(training: TrainingSession) -> TrainingSessionHeld:
    return TrainingSessionHeld(
        session_id=training.id, topic_name=training.topic, trainer_id=training.trainer_id,
        department_id=training.department_id, held_on=training.held_on, duration_minutes=training.duration_minutes,
        attendee_ids=training.present_ids,
    )


TRAINING_COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.RecordTrainingSession: record_training_session,
    commands.RecordTrainingSheet: record_training_sheet,
    commands.CloseRetrainingAssignment: close_retraining_assignment,
}
