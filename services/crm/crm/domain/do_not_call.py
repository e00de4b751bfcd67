"""Rotating the phone-digest key without a gap (T6, C10).

A customer's do-not-call request reaches telesales only as the keyed digest of the number
(shared.phones.phone_digest). When the key changes, every digest telesales holds is under the old
key; so before telesales switches, crm announces each request again under the new key, and while
crm already runs the new key and telesales still the old one, a new request is announced under
both. crm stores a request per digest it announced (customer_do_not_call), so that "already
announced under this key" is a row, written in the same transaction as the event.

A request is about the number the customer had when they asked, and crm keeps only its digest;
so a stored digest is carried over when it is, under a previous key, the digest of a number crm
still holds for that customer: their phone, or a phone their merge records name (a merge moves the
dropped record's requests to the kept one and may keep only one of the two numbers; the audit of the
merge keeps the other). Telesales keeps listing what it listed, under the new name. A digest of
anything else (under a key crm was not given) cannot be digested again and is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

# A number's digests under every key telesales may be using, the current key's first
# (shared.phones.phone_digest, applied by the service layer: the domain holds no key material).
Names = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class DigestKeys:
    """The key crm digests under now, and the keys it is rotating away from (telesales may still
    use one of them); empty outside a rotation."""

    current: str
    previous: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        """The current key first, then each previous one, once."""
        return tuple(dict.fromkeys((self.current, *self.previous)))


class Carry(Enum):
    """What a stored request becomes under the current key."""

    CURRENT = "current"  # its digest is already the current key's: nothing to do
    ANNOUNCE = "announce"  # it names a number crm holds, under a previous key: announce it under the current one
    OTHER_NUMBER = "other_number"  # under a key crm was not given, or about a number it no longer holds
    NO_PHONE = "no_phone"  # crm holds no number of the customer


def carry_over(stored_digest: str, numbers: Sequence[str], names: Names) -> tuple[Carry, str | None]:
    """Whether a request stored under ``stored_digest`` is re-announced, and the current key's
    digest it is then announced as. ``numbers``: the numbers crm holds for the customer."""
    if not numbers:
        return Carry.NO_PHONE, None
    for number in numbers:
        current, *previous = names(number)
        if stored_digest == current:
            return Carry.CURRENT, current
        if stored_digest in previous:
            return Carry.ANNOUNCE, current
    return Carry.OTHER_NUMBER, None
