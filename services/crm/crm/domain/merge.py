"""Merging two records of one customer (查重, C3): one record is kept, the other dropped; per field the
kept record's value stays unless the merger takes the dropped one's, and a field the kept record
lacks is filled from the dropped one, so that a merge never loses a contact by accident. The audit
says, per field, what was kept and what was dropped."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from shared.errors import InvalidInput

# Credit (rating, flag and its reason) moves as one: a flag without its reason means nothing.
MERGEABLE_FIELDS = ("name", "phone", "email", "company", "credit")


@dataclass(frozen=True)
class FieldChoice:
    field: str
    value: Any  # what the kept record holds after the merge
    source: str  # "kept" | "dropped": whose value it is
    discarded: Any  # the value that did not survive (None when both agreed or one was empty)


def choose(kept: Mapping[str, Any], dropped: Mapping[str, Any], take: Collection[str]) -> list[FieldChoice]:
    unknown = sorted(set(take) - set(MERGEABLE_FIELDS))
    if unknown:
        raise InvalidInput("take", f"unknown field(s) {', '.join(unknown)}; one of: {', '.join(MERGEABLE_FIELDS)}")
    choices = []
    for name in MERGEABLE_FIELDS:
        mine, theirs = kept.get(name), dropped.get(name)
        if theirs is not None and (name in take or mine is None):
            choices.append(FieldChoice(name, theirs, "dropped", mine if mine != theirs else None))
        else:
            choices.append(FieldChoice(name, mine, "kept", theirs if theirs != mine else None))
    return choices


def audit(choices: list[FieldChoice]) -> dict[str, dict[str, Any]]:
    return {c.field: {"kept": c.value, "from": c.source, "dropped": c.discarded} for c in choices}
