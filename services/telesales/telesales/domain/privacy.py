"""The dialled number is customer data (C10): only the calling agent reads it whole."""

from __future__ import annotations

# Enough to tell two calls apart on a list, too little to dial.
VISIBLE_TAIL = 4
MIN_DIGITS_TO_SHOW_TAIL = 7


def mask_number(number: str) -> str:
    digits = sum(ch.isdigit() for ch in number)
    keep = VISIBLE_TAIL if digits >= MIN_DIGITS_TO_SHOW_TAIL else 0
    masked: list[str] = []
    seen = 0
    for ch in reversed(number):
        if ch.isdigit():
            seen += 1
            masked.append(ch if seen <= keep else "*")
        else:
            masked.append(ch)
    return "".join(reversed(masked))
