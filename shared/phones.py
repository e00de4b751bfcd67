"""Phone numbers as customer data (C10): one normalisation, so that a number is the same number in
every service (duplicates in crm, the do-not-call list in telesales), and one masking rule, so that
a non-owner sees the same digits of it wherever it is shown; and one keyed digest, so that a
number can be named in an event without travelling in it."""

from __future__ import annotations

import hashlib
import hmac
import re

_NOT_DIGIT = re.compile(r"\D")
_CN_MOBILE = re.compile(r"^1\d{10}$")
# Short internal extensions and long international numbers alike; outside this, it is not a phone number.
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 5, 20
# 138****5678: the operator prefix and the last four tell two numbers apart on a list, too few
# digits remain to dial. Below this length the prefix would give away too much of the number.
MASK_HEAD, MASK_TAIL, MIN_DIGITS_FOR_HEAD = 3, 4, 8
SHORT_TAIL = 2


def normalise_phone(raw: str) -> str:
    """Digits only, without the Chinese country prefix (+86, 0086, 86) in front of a mobile number,
    so that ``+86 138-1234-5678`` and ``13812345678`` are one number. ValueError when it is none."""
    digits = _NOT_DIGIT.sub("", raw)
    for prefix in ("0086", "86"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and _CN_MOBILE.match(rest):
            digits = rest
            break
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise ValueError(f"a phone number has {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits")
    return digits


def mask_phone(phone: str | None) -> str | None:
    """The company's one masking rule for a phone number shown to someone who does not own it:
    first three and last four digits kept (``138****5678``); a short number keeps its last two.
    Separators and a leading ``+`` stay where they are; only digits are hidden."""
    if not phone:
        return phone
    digits = sum(ch.isdigit() for ch in phone)
    if digits >= MIN_DIGITS_FOR_HEAD:
        head, tail = MASK_HEAD, MASK_TAIL
    else:
        head, tail = 0, min(SHORT_TAIL, max(digits - 1, 0))
    masked: list[str] = []
    position = 0
    for ch in phone:
        if ch.isdigit():
            position += 1
            masked.append(ch if position <= head or position > digits - tail else "*")
        else:
            masked.append(ch)
    return "".join(masked)


# -- the number without the number: what crm and telesales compare when an event may not carry it --

# Development only: both services' settings refuse it in production, like the default signing secret.
DEVELOPMENT_PHONE_DIGEST_KEY = "development-only-phone-digest-key-0123456789"
MIN_PHONE_DIGEST_KEY_LENGTH = 32


def phone_digest(phone: str, key: str) -> str:
    """A keyed one-way digest (HMAC-SHA256, hex) of the normalised number, for events and lists
    that must recognise a number without holding it (C10). Keyed because a plain hash of a phone
    number is undone by hashing every number of the plan (10^11 candidates, minutes on a laptop);
    without the key shared by crm and telesales a digest names nobody. ValueError when ``phone``
    is not a phone number."""
    return hmac.new(key.encode(), normalise_phone(phone).encode(), hashlib.sha256).hexdigest()


def phone_digest_key_problem(key: str, environment: str) -> str | None:
    """Why ``key`` may not be used in ``environment``; None when it may."""
    if environment == "production" and (key == DEVELOPMENT_PHONE_DIGEST_KEY
                                        or len(key) < MIN_PHONE_DIGEST_KEY_LENGTH):
        return f"phone_digest_key must be a real secret of at least {MIN_PHONE_DIGEST_KEY_LENGTH} characters " \
               "in production, the same in crm and telesales"
    return None
