"""Announcing every standing do-not-call request again under crm's current phone-digest key, the
step of a key rotation between crm's switch and telesales' (README, "Rotating the phone-digest
key"; crm.domain.do_not_call for which requests are carried over).

Page by page, each page's new rows and their events in one transaction (outbox): an interrupted run
keeps what it committed, and running it again adds nothing that is stored already. A request whose
digest under the current key is stored has been announced (row and event commit together), so it is
skipped; a second run emits nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from functools import partial

from crm.domain.do_not_call import Carry, carry_over
from crm.service_layer.access import require
from crm.service_layer.do_not_call import announcement, digests
from crm.service_layer.unit_of_work import CrmBus
from shared.auth import Principal, Role
from shared.bus import CommandHandler
from shared.errors import RuleViolation

# Re-announcing touches every customer's request company-wide; it is an operator's step of a procedure.
REANNOUNCERS = (Role.ADMIN,)


@dataclass(frozen=True)
class AnnounceAgain:
    by: Principal


@dataclass(frozen=True)
class Reannounced:
    announced: int  # requests announced again under the current key by this run
    already_current: int  # requests whose current key's digest was stored (and announced) before
    other_number: int  # under a key crm was not given, or about a number it no longer holds: left as it is
    without_phone: int  # crm holds no number of the customer
    pages: int


async def announce_again(command: AnnounceAgain, bus: CrmBus) -> Reannounced:
    require(command.by, REANNOUNCERS, "announcing the do-not-call requests again")
    keys = bus.policy.digest_keys()
    if not keys.previous:
        # Without the old key crm cannot tell which stored digest is the customer's current number;
        # a run that carried nothing over would look like a finished rotation.
        raise RuleViolation("no previous phone-digest key is configured (CRM_PHONE_DIGEST_PREVIOUS_KEYS): "
                            "there is no rotation to announce for", setting="CRM_PHONE_DIGEST_PREVIOUS_KEYS")
    counts = {carry: 0 for carry in Carry}
    # The walk reaches the rows it adds (same customer, later digest); they are not requests it found.
    added: set[tuple[uuid.UUID, str]] = set()
    pages = 0
    after: tuple[uuid.UUID, str] | None = None
    size = bus.policy.do_not_call_reannounce_page_size
    while True:
        async with bus.uow() as uow:
            page = await uow.do_not_call.page_after(after, size)
            merged = await uow.do_not_call.merged_numbers({request.customer_id for request, _ in page})
            for request, phone in page:
                if (request.customer_id, request.phone_digest) in added:
                    continue
                numbers = list(dict.fromkeys(number for number in (phone, *merged[request.customer_id]) if number))
                carry, digest = carry_over(request.phone_digest, numbers, partial(digests, keys))
                if carry is Carry.ANNOUNCE:
                    assert digest is not None
                    renamed = replace(request, phone_digest=digest)
                    if await uow.do_not_call.add(renamed):
                        uow.emit(announcement(renamed, replaces_digest=request.phone_digest))
                        added.add((renamed.customer_id, renamed.phone_digest))
                    else:
                        carry = Carry.CURRENT
                counts[carry] += 1
            await uow.commit()
        pages += 1
        if len(page) < size:
            break
        last = page[-1][0]
        after = (last.customer_id, last.phone_digest)
    return Reannounced(announced=counts[Carry.ANNOUNCE], already_current=counts[Carry.CURRENT],
                       other_number=counts[Carry.OTHER_NUMBER], without_phone=counts[Carry.NO_PHONE], pages=pages)


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    AnnounceAgain: announce_again,
}
