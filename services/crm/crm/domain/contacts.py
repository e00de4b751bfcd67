"""Customer contact details: normalised so that duplicates are found (查重, C3) and masked so
that nobody but the owner reads them (保护客户信息, C10)."""

from __future__ import annotations

import re

from shared.errors import InvalidInput

_NOT_DIGIT = re.compile(r"\D")
_CN_MOBILE = re.compile(r"^1\d{10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Short internal extensions and long international numbers alike; outside this, it is not a phone number.
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 5, 20


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """Digits only, without the Chinese country prefix (+86, 0086, 86) in front of a mobile number,
    so that ``+86 138-1234-5678`` and ``13812345678`` are the same customer."""
    digits = _NOT_DIGIT.sub("", raw)
    for prefix in ("0086", "86"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and _CN_MOBILE.match(rest):
            digits = rest
            break
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise InvalidInput(field, f"a phone number has {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits")
    return digits


def normalise_email(raw: str, *, field: str = "email") -> str:
    """Lower-cased and trimmed: mail systems treat addresses case-insensitively in practice."""
    value = raw.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise InvalidInput(field, "not an e-mail address")
    return value


def mask_phone(phone: str | None) -> str | None:
    """First three and last four digits kept: ``138****5678``."""
    if not phone:
        return phone
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * (len(phone) - 2) + phone[-2:]


def mask_email(email: str | None) -> str | None:
    """First letter of the mailbox and the domain kept: ``z***@example.com``."""
    if not email:
        return email
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_name(name: str | None) -> str:
    """Family name kept, given name hidden: ``Wang **``, ``王**``."""
    name = (name or "").strip()
    if not name:
        return "**"
    if " " in name:
        return f"{name.split()[0]} **"
    return f"{name[0]}**"
