"""Call intake: records in, onto the intake topic, 202 once the broker has them (T1, T7)."""

from __future__ import annotations

from fastapi import APIRouter

from shared.errors import Forbidden, InvalidInput
from telesales.entrypoints.intake.deps import BusDep, CurrentUser, PublisherDep, SettingsDep
from telesales.entrypoints.intake.schemas import BatchAccepted, CallAccepted, CallBatchCreate, CallCreate, parse_batch
from telesales.service_layer.intake import submit_calls

router = APIRouter(tags=["intake"])


@router.post("/calls", status_code=202)
async def submit_call(body: CallCreate, user: CurrentUser, bus: BusDep, publisher: PublisherDep) -> CallAccepted:
    """Accept one call record; stored by the workers shortly after, once per call_id."""
    result = await submit_calls(bus, [(0, body.to_command())], submitter=user, publisher=publisher)
    if result.rejected:
        refusal = result.rejected[0]
        if refusal.status == 403:
            raise Forbidden(refusal.errors[0].reason, field=refusal.errors[0].field)
        raise InvalidInput(refusal.errors[0].field, refusal.errors[0].reason)
    return CallAccepted(call_id=body.call_id)


@router.post("/calls/batch", status_code=202)
async def submit_call_batch(body: CallBatchCreate, user: CurrentUser, bus: BusDep, publisher: PublisherDep,
                            settings: SettingsDep) -> BatchAccepted:
    """Accept a batch of call records; each bad one is refused alone, by index and call_id. What the
    workers cannot store after the 202 (a call_id already holding other content; for a service
    account, an agent outside its scope or a revoked account) is listed by the telesales API at
    ``GET /intake/refusals``."""
    if len(body.calls) > settings.intake_batch_limit:
        raise InvalidInput("calls", f"at most {settings.intake_batch_limit} records in one batch, "
                                    f"this one has {len(body.calls)}")
    parsed, unparsed = parse_batch(body.calls)
    result = await submit_calls(bus, parsed, submitter=user, publisher=publisher, unparsed=unparsed)
    return BatchAccepted.from_result(result)
