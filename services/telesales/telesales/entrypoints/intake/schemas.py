"""Request and response bodies of the intake API. Each record of a batch is parsed on its own, so
one bad record is reported by its index instead of failing the batch."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from telesales.domain.calls import CallStage, Disposition
from telesales.service_layer.commands import SubmitCall
from telesales.service_layer.intake import FieldError, IntakeResult, Rejection

_NO_NUL = r"^[^\x00]*$"
_SEPARATORS = re.compile(r"[\s\-.()]")
_DIALLABLE = re.compile(r"^\+?\d{3,20}$")
# A call longer than a day is a telephony fault, not a conversation.
MAX_CALL_SECONDS = 86_400


def _diallable(value: str) -> str:
    number = _SEPARATORS.sub("", value)
    if not _DIALLABLE.fullmatch(number):
        raise ValueError("must be 3 to 20 digits, optionally after a leading +; spaces, dots, dashes and "
                         "parentheses are ignored")
    return number


CallId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100,
                                          pattern=r"^[A-Za-z0-9._:\-]+$")]
PhoneNumber = Annotated[str, StringConstraints(max_length=40), AfterValidator(_diallable)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000, pattern=_NO_NUL)]
NextStep = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000, pattern=_NO_NUL)]


class CallCreate(BaseModel):
    """One call record (T1). ``call_id`` is chosen by the sender and makes a retry harmless."""

    # An unknown field is a mistake worth hearing about, not something to ignore silently.
    model_config = ConfigDict(extra="forbid")

    call_id: CallId
    agent_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    number_dialled: PhoneNumber
    started_at: AwareDatetime
    duration_seconds: int = Field(ge=0, le=MAX_CALL_SECONDS)
    connected: bool
    disposition: Disposition
    stage_reached: CallStage | None = Field(None, description="the furthest stage of the call process reached (T2)")
    notes: Notes | None = None
    next_step: NextStep | None = None

    def to_command(self) -> SubmitCall:
        return SubmitCall(
            call_id=self.call_id, agent_id=self.agent_id, lead_id=self.lead_id, number_dialled=self.number_dialled,
            started_at=self.started_at, duration_seconds=self.duration_seconds, connected=self.connected,
            disposition=self.disposition, stage_reached=self.stage_reached, notes=self.notes or None,
            next_step=self.next_step or None,
        )


class CallBatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    calls: list[Any] = Field(min_length=1, description=(
        "Call records shaped as the body of POST /calls; each is checked on its own. At most "
        "TELESALES_INTAKE_BATCH_LIMIT (default 1000) per request."),
        json_schema_extra={"items": {"$ref": "#/components/schemas/CallCreate"}})


def parse_batch(items: Sequence[Any]) -> tuple[list[tuple[int, SubmitCall]], list[Rejection]]:
    """Each item parsed alone: the parsed commands by index, and a 422 refusal for every other."""
    parsed: list[tuple[int, SubmitCall]] = []
    refused: list[Rejection] = []
    for index, item in enumerate(items):
        try:
            parsed.append((index, CallCreate.model_validate(item).to_command()))
        except ValidationError as error:
            call_id = item.get("call_id") if isinstance(item, dict) else None
            refused.append(Rejection(index, call_id if isinstance(call_id, str) else None, 422, tuple(
                FieldError(".".join(str(part) for part in problem["loc"]) or "record", problem["msg"])
                for problem in error.errors())))
    return parsed, refused


class FieldErrorRead(BaseModel):
    field: str
    reason: str


class RejectionRead(BaseModel):
    index: int = Field(description="position of the record in the batch, from 0")
    call_id: str | None
    status: int = Field(description="422 invalid record, 403 not yours to submit, 409 call_id repeated in the "
                                    "batch or stored with other content (errors name the differing fields)")
    errors: list[FieldErrorRead]

    @classmethod
    def from_rejection(cls, rejection: Rejection) -> RejectionRead:
        return cls(index=rejection.index, call_id=rejection.call_id, status=rejection.status,
                   errors=[FieldErrorRead(field=e.field, reason=e.reason) for e in rejection.errors])


class BatchAccepted(BaseModel):
    accepted: int
    accepted_call_ids: list[str]
    rejected: list[RejectionRead]

    @classmethod
    def from_result(cls, result: IntakeResult) -> BatchAccepted:
        return cls(accepted=len(result.accepted), accepted_call_ids=result.accepted,
                   rejected=[RejectionRead.from_rejection(r) for r in result.rejected])


class CallAccepted(BaseModel):
    call_id: str
    status: Literal["accepted"] = "accepted"
