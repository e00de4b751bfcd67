"""Call intake: records in, onto the intake topic, 202 once the broker has them (T1, T7)."""

from __future__ import annotations

from fastapi import APIRouter

from shared.errors import Conflict, Forbidden, InvalidInput
from telesales.entrypoints.intake.deps import BusDep, CurrentUser, PublisherDep, SettingsDep
from telesales.entrypoints.intake.schemas import BatchAccepted, CallAccepted, CallBatchCreate, CallCreate, parse_batch
from telesales.service_layer.intake import submit_calls

router = APIRouter(tags=["intake"])


@router.post("/calls", status_code=202)
async def submit_call(body: CallCreate, user: CurrentUser, bus: BusDep, publisher: PublisherDep) -> CallAccepted:
    """Accept one call record; stored by the workers shortly after, once per call_id. The same
    record again is accepted again (stored once); other content under a stored call_id is a 409
    naming the fields that differ."""
    result = await submit_calls(bus, [(0, body.to_command())], submitter=user, publisher=publisher)
    if result.rejected:
        refusal = result.rejected[0]
        if refusal.status == 409:
            raise Conflict(refusal.errors[0].reason, call_id=refusal.call_id,
                           fields=[e.field for e in refusal.errors[1:]],
                           errors=[{"field": e.field, "reason": e.reason} for e in refusal.errors])
        if refusal.status == 403:
            raise Forbidden(refusal.errors[0].reason, field=refusal.errors[0].field)
        raise InvalidInput(refusal.errors[0].field, refusal.errors[0].reason)
    return CallAccepted(call_id=body.call_id)


@router.post("/calls/batch", status_code=202)
async def submit_call_batch(body: CallBatchCreate, user: CurrentUser, bus: BusDep, publisher: PublisherDep,
                            settings: SettingsDep) -> BatchAccepted:
    """Accept a batch of call records; each bad one is refused alone, by index and call_id (422
    invalid, 403 another agent's, 409 a call_id repeated in the batch or stored with other content,
    naming the differing fields). A service account's batch is refused whole, nothing published,
    when the account is revoked (403), when any record is for an agent outside its scope (403), or
    for an agent telesales does not know yet (422): each such record is named. What only the
    workers can see after the 202 (races) is listed by the telesales API at ``GET /intake/refusals``."""
    if len(body.calls) > settings.intake_batch_limit:
        raise InvalidInput("calls", f"at most {settings.intake_batch_limit} records in one batch, "
                                    f"this one has {len(body.calls)}")
    parsed, unparsed = parse_batch(body.calls)
    result = await submit_calls(bus, parsed, submitter=user, publisher=publisher, unparsed=unparsed)
    return BatchAccepted.from_result(result)
