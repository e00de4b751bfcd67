"""Small builders for the appraisal unit tests: a policy with the documented defaults and a
template like the seeded sales one."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from appraisal.config import AppraisalSettings
from appraisal.domain.policy import AppraisalPolicy
from appraisal.domain.templates import Indicator, Rule, Source, Template


def policy(**changes) -> AppraisalPolicy:
    return dataclasses.replace(AppraisalSettings(_env_file=None).policy(), **changes)


def d(value: str | int) -> Decimal:
    return Decimal(str(value))


def to_target(key: str, source: str, weight: int, target: str) -> Indicator:
    return Indicator(key=key, source=source, weight=d(weight), rule=Rule.LINEAR_TO_TARGET,
                     params={"target": d(target)})


def rated(key: str, weight: int) -> Indicator:
    return Indicator(key=key, source=Source.REVIEW, weight=d(weight), rule=Rule.RATING)


ATTENDANCE = Indicator(key="attendance", source=Source.ABSENCE_DAYS, weight=d(20), rule=Rule.DEDUCTION_PER_UNIT,
                       params={"per_unit": d(4)})


def sales_template() -> Template:
    return Template(key="sales", name="Sales", roles=("sales_rep", "group_leader"), indicators=(
        to_target("sales_amount", Source.SALES_AMOUNT, 30, "100000"),
        to_target("contracts_signed", Source.CONTRACTS_SIGNED, 10, "4"),
        to_target("collections", Source.COLLECTIONS, 15, "80000"),
        to_target("leads_worked", Source.LEADS_ASSIGNED, 5, "20"),
        rated("teamwork", 10),
        rated("ability", 10),
        ATTENDANCE,
    ))
