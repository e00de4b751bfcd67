"""Call versions as appraisal inputs (domain.calls): only a higher version replaces, a corrected
call's facts replace version 1's by revision, and a lead's intent mark is one per agent and month."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from appraisal.domain.calls import CallVersion, corrected_facts, intent_fact, supersedes
from appraisal.domain.roles import rolled_up, rolled_up_again
from appraisal.domain.templates import Source
from appraisal.service_layer import inputs
from shared.events.telesales import CallCorrected

AGENT, LEADER = uuid.uuid4(), uuid.uuid4()


def version(number: int, disposition: str = "refused", effective: bool = False,
            lead_id: uuid.UUID | None = None) -> CallVersion:
    return CallVersion(call_id="c-1", agent_id=AGENT, lead_id=lead_id, call_date=date(2026, 10, 31), version=number,
                       disposition=disposition, effective=effective, event_id=uuid.uuid4())


def test_only_a_higher_version_replaces_the_one_applied():
    assert supersedes(1, None) and supersedes(3, 2)
    assert not supersedes(2, 2)  # redelivered
    assert not supersedes(1, 2)  # version 1 after its correction


def test_a_corrected_call_states_its_whole_contribution_under_its_version():
    facts = corrected_facts(version(2))
    assert [(f.kind, f.value, f.source_id, f.revision, f.period) for f in facts] == [
        (Source.CALLS_DIALLED, Decimal(1), "call:c-1", 2, "2026-10"),
        # 0, not absent: it must replace the conversation version 1 counted.
        (Source.EFFECTIVE_CONVERSATIONS, Decimal(0), "call:c-1", 2, "2026-10"),
    ]


def test_the_intent_mark_is_the_leads_and_replaces_the_logged_calls_key():
    lead = uuid.uuid4()
    mark = intent_fact(version(2, "intent", True, lead), marked=False)
    assert (mark.kind, mark.value, mark.source_id) == (
        Source.INTENT_CUSTOMERS, Decimal(0), f"intent:lead:{lead}:agent:{AGENT}:2026-10")
    assert intent_fact(version(2, "intent", True), marked=True).source_id == f"intent:call:c-1:agent:{AGENT}:2026-10"


def test_a_revised_share_goes_where_the_first_one_went():
    fact = corrected_facts(version(2, effective=True))[1]
    assert [(f.employee_id, f.kind, f.source_id, f.revision) for f in rolled_up_again(
        fact, [(LEADER, Source.GROUP_EFFECTIVE_CONVERSATIONS)])] == [
        (LEADER, Source.GROUP_EFFECTIVE_CONVERSATIONS, f"call:c-1@{LEADER}", 2)]
    # Without a share yet (the directory came late), the org chart decides, revision kept.
    assert [f.revision for f in rolled_up(fact, LEADER, [])] == [2]


def test_a_correction_event_reads_as_its_version():
    event = CallCorrected(call_id="c-1", agent_id=AGENT, started_at=datetime(2026, 10, 31, 2, tzinfo=UTC),
                          call_date=date(2026, 10, 31), duration_seconds=60, connected=True, version=3,
                          disposition="intent", effective=True, previous_version=2, previous_disposition="refused",
                          previous_effective=False, corrected_by=uuid.uuid4(),
                          corrected_at=datetime(2026, 11, 1, tzinfo=UTC))
    event_id = uuid.uuid4()
    call = inputs.call_version(event, event_id)
    assert (call.version, call.disposition, call.effective, call.event_id, call.period) == (
        3, "intent", True, event_id, "2026-10")
