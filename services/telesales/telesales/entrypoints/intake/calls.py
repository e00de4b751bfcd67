"""Call intake: records in, onto the intake topic, 202 once the broker has them (T1, T7)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from shared.errors import Forbidden, InvalidInput
from telesales.entrypoints.intake.deps import CurrentUser, PublisherDep, SettingsDep
from telesales.entrypoints.intake.schemas import BatchAccepted, CallAccepted, CallBatchCreate, CallCreate, parse_batch
from telesales.service_layer.intake import IntakePolicy, submit_calls

router = APIRouter(tags=["intake"])


def _policy(settings: SettingsDep) -> IntakePolicy:
    return IntakePolicy(max_future_skew=settings.max_future_skew)


@router.post("/calls", status_code=202)
async def submit_call(body: CallCreate, user: CurrentUser, publisher: PublisherDep,
                      settings: SettingsDep) -> CallAccepted:
    """Accept one call record; stored by the workers shortly after, once per call_id."""
    result = await submit_calls([(0, body.to_command())], submitter=user, publisher=publisher,
                                policy=_policy(settings), now=datetime.now(UTC))
    if result.rejected:
        refusal = result.rejected[0]
        if refusal.status == 403:
            raise Forbidden(refusal.errors[0].reason, field=refusal.errors[0].field)
        raise InvalidInput(refusal.errors[0].field, refusal.errors[0].reason)
    return CallAccepted(call_id=body.call_id)


@router.post("/calls/batch", status_code=202)
async def submit_call_batch(body: CallBatchCreate, user: CurrentUser, publisher: PublisherDep,
                            settings: SettingsDep) -> BatchAccepted:
    """Accept a batch of call records; each bad one is refused alone, by index and call_id."""
    if len(body.calls) > settings.intake_batch_limit:
        raise InvalidInput("calls", f"at most {settings.intake_batch_limit} records in one batch, "
                                    f"this one has {len(body.calls)}")
    parsed, unparsed = parse_batch(body.calls)
    result = await submit_calls(parsed, submitter=user, publisher=publisher, policy=_policy(settings),
                                now=datetime.now(UTC), unparsed=unparsed)
    return BatchAccepted.from_result(result)
