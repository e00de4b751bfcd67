"""The dialled number is customer data (C10): only the calling agent reads it whole; everyone else
reads it masked by the company's one rule, :func:`shared.phones.mask_phone` (the same digits crm shows)."""

from __future__ import annotations

from shared.phones import mask_phone


def mask_number(number: str) -> str:
    return mask_phone(number) or number
