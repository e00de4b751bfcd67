"""Telesales calls as appraisal inputs, and their corrections (issue 12).

A call is versioned by telesales: ``telesales.call.logged.v1`` is version 1, each
``telesales.call.corrected.v1`` the next one, carrying the whole call as it now reads. Appraisal
keeps per call the highest version it applied; an event whose version is not higher changes
nothing (a redelivery, or a version overtaken by a later one — a correction may even arrive
before its call). A newer version does not add to what the call gave: its facts replace the
call's facts (``revision`` = the version), so each figure and the score move exactly once.

A call's contribution is one dial, one effective conversation when effective (0 once corrected
away: the row stays, with the correction's event, as the record of what changed), and, when its
disposition is one of the company's intent dispositions, its lead's intent mark for the agent and
month. A lead is one intent customer however many calls mark it, so a lead's mark is derived from
every call appraisal knows of it, not from the corrected call alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from appraisal.domain.facts import Fact
from appraisal.domain.periods import Period
from appraisal.domain.templates import Source

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class CallVersion:
    """One version of a call, as far as appraisal measures it."""

    call_id: str
    agent_id: uuid.UUID
    lead_id: uuid.UUID | None
    call_date: date
    version: int
    disposition: str
    effective: bool
    event_id: uuid.UUID

    @property
    def period(self) -> str:
        return str(Period.of_day(self.call_date))

    @property
    def source_id(self) -> str:
        return f"call:{self.call_id}"

    def is_intent(self, intent_dispositions: Collection[str]) -> bool:
        return self.disposition in intent_dispositions


def supersedes(incoming: int, stored: int | None) -> bool:
    """Only a higher version replaces what was applied: equal is a redelivery, lower is stale."""
    return stored is None or incoming > stored


def intent_source_id(agent_id: uuid.UUID, lead_id: uuid.UUID | None, call_id: str, period: str) -> str:
    """One intent customer per lead, agent and month; a call without a lead stands for its own customer."""
    customer = f"lead:{lead_id}" if lead_id is not None else f"call:{call_id}"
    return f"intent:{customer}:agent:{agent_id}:{period}"


def corrected_facts(call: CallVersion) -> list[Fact]:
    """The dial and the effective conversation of a corrected call, replacing version 1's facts.

    The effective fact is written even when 0: a correction that takes the conversation away must
    replace the row version 1 stored, and the breakdown then shows which event did it."""
    period = call.period
    return [
        Fact(call.agent_id, period, Source.CALLS_DIALLED, ONE, call.source_id, call.event_id, call.call_date,
             revision=call.version),
        Fact(call.agent_id, period, Source.EFFECTIVE_CONVERSATIONS, ONE if call.effective else ZERO,
             call.source_id, call.event_id, call.call_date, revision=call.version),
    ]


def intent_fact(call: CallVersion, marked: bool) -> Fact:
    """The lead's intent mark as the calls known of it now say (1 while any of them is intent)."""
    period = call.period
    return Fact(call.agent_id, period, Source.INTENT_CUSTOMERS, ONE if marked else ZERO,
                intent_source_id(call.agent_id, call.lead_id, call.call_id, period), call.event_id,
                call.call_date)
