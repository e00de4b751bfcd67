"""Compliance (T6): the do-not-call list, the calling rules, and the desktop's question "may I call
this number now?". Workers judge each stored call against the same rules (handlers.record_call)."""

from __future__ import annotations

import uuid
import weakref
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from shared.auth import Principal, Role
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.phones import normalise_phone, phone_digest
from telesales.adapters.compliance import Listing
from telesales.adapters.repositories import NumberChecks
from telesales.domain.compliance import (
    CallingRules,
    DncSource,
    NumberHistory,
    RulesError,
    Violation,
    violations,
    week_start,
)
from telesales.domain.service_accounts import ServiceAccount
from telesales.service_layer import commands
from telesales.service_layer.unit_of_work import TelesalesBus, TelesalesUnitOfWork

# Who may put numbers on the list in bulk; anyone may list a single number (a customer asked them).
IMPORT_ROLES = (Role.ADMIN, Role.DEPARTMENT_MANAGER, Role.GROUP_LEADER, Role.SUPERVISOR)
RULES_ROLES = (Role.ADMIN,)
# How far from now "may I call at …?" is answered: a planned callback, not a calendar.
CHECK_HORIZON = timedelta(days=366)
# A worker hears from a handful of diallers; the bound only keeps a mistake from growing the cache.
MAX_CACHED_ACCOUNTS = 1_000
# Who may read the list itself: the people who maintain it.
LIST_READERS = (Role.ADMIN, Role.DEPARTMENT_MANAGER, Role.SUPERVISOR, Role.GROUP_LEADER)


def normalised(raw: str, field: str = "number") -> str:
    try:
        return normalise_phone(raw)
    except ValueError as error:
        raise InvalidInput(field, str(error)) from error


def comparable_number(raw: str) -> str:
    """The number as the list and the caps compare it; a short extension intake let through, as digits."""
    try:
        return normalise_phone(raw)
    except ValueError:
        return "".join(ch for ch in raw if ch.isdigit())


def number_digest(bus: TelesalesBus, number: str) -> str | None:
    """The keyed digest a customer's request from crm names the number by; None for what is no
    phone number (a short extension), which no customer request can name either."""
    try:
        return phone_digest(number, bus.policy.phone_digest_key)
    except ValueError:
        return None


# -- the calling rules in force: the stored ones, else the settings'; re-read every few seconds -----

@dataclass
class _Cached:
    rules: CallingRules
    read_at: datetime


_rules_cache: weakref.WeakKeyDictionary[TelesalesBus, _Cached] = weakref.WeakKeyDictionary()


async def calling_rules(uow: TelesalesUnitOfWork, bus: TelesalesBus) -> CallingRules:
    """One read per worker every ``rules_refresh_seconds``, not one per call."""
    now = bus.clock.now()
    cached = _rules_cache.get(bus)
    if cached is not None and now - cached.read_at < timedelta(seconds=bus.policy.rules_refresh_seconds):
        return cached.rules
    stored = await uow.rules.get()
    rules = (CallingRules.parse(stored["hours"], stored["daily_cap"], stored["weekly_cap"])
             if stored else bus.policy.calling_rules)
    _rules_cache[bus] = _Cached(rules, now)
    return rules


def number_checks(bus: TelesalesBus, rules: CallingRules, started_at: datetime) -> NumberChecks:
    """Where the company day and week of ``started_at`` begin, and whether it is outside hours."""
    local = started_at.astimezone(bus.clock.timezone)
    day_start, day_end, week_begins, week_end = _day_and_week(bus.clock.timezone, local.date())
    return NumberChecks(day_start=day_start, day_end=day_end, week_start=week_begins, week_end=week_end,
                        outside_hours=not rules.permits(local), daily_cap=rules.daily_cap,
                        weekly_cap=rules.weekly_cap)


# A batch's thousands of calls fall on a day or two: their bounds are worked out once per day.
@lru_cache(maxsize=64)
def _day_and_week(zone: ZoneInfo, day: date) -> tuple[datetime, datetime, datetime, datetime]:
    monday = week_start(day)
    return (datetime.combine(day, time.min, tzinfo=zone), datetime.combine(day, time.max, tzinfo=zone),
            datetime.combine(monday, time.min, tzinfo=zone),
            datetime.combine(monday + timedelta(days=6), time.max, tzinfo=zone))


async def set_calling_rules(command: commands.SetCallingRules, bus: TelesalesBus) -> CallingRules:
    if not command.actor.has_any(*RULES_ROLES):
        raise Forbidden("only an administrator sets the calling rules")
    try:
        rules = CallingRules.parse(command.hours, command.daily_cap, command.weekly_cap)
    except RulesError as error:
        raise InvalidInput(error.field, error.reason) from error
    async with bus.uow() as uow:
        await uow.rules.put(rules.as_config(), actor_id=command.actor.employee_id, at=bus.clock.now())
        await uow.commit()
    _rules_cache.pop(bus, None)
    return rules


@dataclass
class _CachedAccount:
    account: ServiceAccount | None
    read_at: datetime


_account_cache: weakref.WeakKeyDictionary[TelesalesBus, dict[uuid.UUID, _CachedAccount]] = \
    weakref.WeakKeyDictionary()


async def service_account(uow: TelesalesUnitOfWork, bus: TelesalesBus, account_id: uuid.UUID) -> ServiceAccount | None:
    """The account a dialler's calls come from, read once per worker every ``rules_refresh_seconds``
    rather than once per call: a revocation reaches the workers within that many seconds."""
    now = bus.clock.now()
    accounts = _account_cache.setdefault(bus, {})
    cached = accounts.get(account_id)
    if cached is None or now - cached.read_at >= timedelta(seconds=bus.policy.rules_refresh_seconds):
        if len(accounts) > MAX_CACHED_ACCOUNTS:
            accounts.clear()
        cached = accounts[account_id] = _CachedAccount(await uow.service_accounts.get(account_id), now)
    return cached.account


def forget_account(bus: TelesalesBus, account_id: uuid.UUID) -> None:
    _account_cache.get(bus, {}).pop(account_id, None)


async def current_rules(bus: TelesalesBus) -> CallingRules:
    async with bus.uow() as uow:
        return await calling_rules(uow, bus)


# -- the list ------------------------------------------------------------------------------------

async def list_numbers(command: commands.ListNumbers, bus: TelesalesBus) -> list[str]:
    """The numbers that were new on the list. Every number is checked before any is written."""
    if command.source == DncSource.OUTCOME:
        raise InvalidInput("source", "'outcome' is set by a call's do_not_call disposition, not by hand")
    if command.source == DncSource.IMPORT and not command.actor.has_any(*IMPORT_ROLES):
        raise Forbidden(f"importing numbers needs one of the roles: {', '.join(IMPORT_ROLES)}")
    numbers = [normalised(raw, f"numbers[{index}]") for index, raw in enumerate(command.numbers)]
    async with bus.uow() as uow:
        added = await uow.dnc.add(numbers, source=command.source, actor_id=command.actor.employee_id,
                                  at=bus.clock.now(), note=command.note)
        await uow.commit()
    return added


async def unlist_number(command: commands.UnlistNumber, bus: TelesalesBus) -> None:
    if not command.actor.has_any(*bus.policy.dnc_removal_roles):
        raise Forbidden("taking a number off the do-not-call list needs one of the roles: "
                        f"{', '.join(sorted(bus.policy.dnc_removal_roles))}")
    reason = command.reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the number may be called again")
    number = normalised(command.number)
    async with bus.uow() as uow:
        if not await uow.dnc.remove(number, digest=number_digest(bus, number), actor_id=command.actor.employee_id,
                                    reason=reason, at=bus.clock.now()):
            raise NotFound("this number is not on the do-not-call list", number=number)
        await uow.commit()


@dataclass(frozen=True)
class CheckResult:
    number: str
    may_call: bool
    violations: tuple[Violation, ...]
    listed: Listing | None
    calls_today: int
    calls_this_week: int
    rules: CallingRules


async def check_number(bus: TelesalesBus, raw: str, at: datetime | None = None) -> CheckResult:
    """May this number be called now (or at ``at``)? One indexed query: the list and the number's
    calls of the day and week."""
    number = normalised(raw)
    now = bus.clock.now()
    when = at or now
    if abs(when - now) > CHECK_HORIZON:
        raise InvalidInput("at", f"ask about a moment within {CHECK_HORIZON.days} days of now")
    digest = number_digest(bus, number)
    async with bus.uow() as uow:
        rules = await calling_rules(uow, bus)
        checks = number_checks(bus, rules, when)
        listed, today, week = await uow.dnc.number_state(number, checks, digest)
        listing = await uow.dnc.get(number, digest) if listed else None
    found = violations(rules, when.astimezone(bus.clock.timezone), NumberHistory(listed, today, week))
    return CheckResult(number=number, may_call=not found, violations=found, listed=listing, calls_today=today,
                       calls_this_week=week, rules=rules)


@dataclass(frozen=True)
class CustomerRequest:
    """A customer's do-not-call request as crm announced it (the number only by its digest)."""

    digest: str
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    requested_by: uuid.UUID
    requested_at: datetime
    # After a key rotation: the digest, under the previous key, of the request this renames.
    replaces: str | None = None


async def list_customer_request(uow: TelesalesUnitOfWork, bus: TelesalesBus, request: CustomerRequest) -> bool:
    """Put the requested number on the list (source customer_request) inside the consumer's unit of
    work; True when it was new. A redelivered or repeated request finds the digest listed and adds
    nothing; a number listed meanwhile by hand stays listed under both. A re-announcement under a
    rotated key lists the new name only while the old one is listed, as the same request."""
    return await uow.dnc.add_request(digest=request.digest, customer_id=request.customer_id,
                                     lead_id=request.lead_id, requested_by=request.requested_by,
                                     requested_at=request.requested_at, at=bus.clock.now(),
                                     replaces=request.replaces)


async def customer_requests(bus: TelesalesBus, reader: Principal, *, limit: int, offset: int
                            ) -> tuple[list[dict], int]:
    if not reader.has_any(*LIST_READERS):
        raise Forbidden("the do-not-call list is read by those who maintain it; ask /do-not-call/check")
    async with bus.uow() as uow:
        return await uow.dnc.requests(limit=limit, offset=offset)


async def listings(bus: TelesalesBus, reader: Principal, *, limit: int, offset: int) -> tuple[list[Listing], int]:
    if not reader.has_any(*LIST_READERS):
        raise Forbidden("the do-not-call list is read by those who maintain it; ask /do-not-call/check")
    async with bus.uow() as uow:
        return await uow.dnc.page(limit=limit, offset=offset)
