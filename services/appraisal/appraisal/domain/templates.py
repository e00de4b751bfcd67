"""Appraisal templates per role (A2, A4): weighted indicators, each fed by one kind of input and
scored by one rule. Templates are data (stored, editable by HR); this module says what a valid
one looks like."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from shared.errors import InvalidInput

TOTAL_WEIGHT = Decimal(100)
# ``/templates/presets`` lists the presets; a template of that key could never be read back.
RESERVED_KEYS = ("presets",)


class Source:
    """What feeds an indicator: a kind of fact recorded from events, or the reviews."""

    # crm.deal.won: the signed amount; crm.deal.cancelled: minus it, in the month of the cancellation
    SALES_AMOUNT = "sales_amount"
    # crm.deal.won: the profit (or amount − cost) when crm knows it
    SALES_PROFIT = "sales_profit"
    CONTRACTS_SIGNED = "contracts_signed"  # crm.deal.won: one per deal
    # crm.payment.received: the amount collected (回款); crm.payment.refunded: minus the refund
    COLLECTIONS = "collections"
    LEADS_ASSIGNED = "leads_assigned"  # crm.lead.assigned at rep level: one per lead and month
    CALLS_DIALLED = "calls_dialled"  # telesales.call.logged: one per call
    EFFECTIVE_CONVERSATIONS = "effective_conversations"  # telesales.call.logged with effective=true
    ABSENCE_DAYS = "absence_days"  # org.attendance.day_classified: absence units per working day (A4)
    # telesales.call.logged with an intent disposition: one per lead (or call without a lead) and month
    INTENT_CUSTOMERS = "intent_customers"
    # crm.deal.won with new_customer=true: one per deal that won a new customer (absent: not new)
    NEW_CUSTOMERS = "new_customers"
    VISITS = "visits"  # crm.visit.logged: one per visit, in the month of the visit
    # crm.followup.done: one per follow-up, valued 1 when done on time and 0 when late, so that the
    # sum counts those on time and the share rule gives the rate (service_layer.crm_inputs)
    FOLLOW_UPS_ON_TIME = "follow_ups_on_time"
    # crm.complaint.closed: one per complaint (and month it was closed in) for its responsible rep,
    # 1 when closed on time, else 0 (service_layer.crm_inputs)
    COMPLAINTS_ON_TIME = "complaints_on_time"
    REVIEW = "review"  # the weighted composite of the submitted reviews (A3)
    # A8: the month's plan-execution score, 0–100, computed from the daily logs, weekly plans and
    # reports, the monthly report, their approvals and the spot checks (domain.plan_execution) —
    # not a stored fact; it feeds a template's daily-work (日常工作) line, e.g. linear_to_target 100.
    PLAN_EXECUTION = "plan_execution"

    # The results of the people an employee leads (domain.roles): each input of a group member is
    # also counted for the group's leader, and each input of a department's employee for the
    # department-wide managers (supervisor, department or regional manager) of that department,
    # as the org chart stands when the input is recorded.
    GROUP_SALES_AMOUNT = "group_sales_amount"
    GROUP_CONTRACTS_SIGNED = "group_contracts_signed"
    GROUP_COLLECTIONS = "group_collections"
    GROUP_CALLS_DIALLED = "group_calls_dialled"
    GROUP_EFFECTIVE_CONVERSATIONS = "group_effective_conversations"
    DEPARTMENT_SALES_AMOUNT = "department_sales_amount"
    DEPARTMENT_CONTRACTS_SIGNED = "department_contracts_signed"
    DEPARTMENT_COLLECTIONS = "department_collections"
    DEPARTMENT_CALLS_DIALLED = "department_calls_dialled"
    DEPARTMENT_EFFECTIVE_CONVERSATIONS = "department_effective_conversations"
    GROUP_NEW_CUSTOMERS = "group_new_customers"
    GROUP_VISITS = "group_visits"
    GROUP_FOLLOW_UPS_ON_TIME = "group_follow_ups_on_time"
    GROUP_COMPLAINTS_ON_TIME = "group_complaints_on_time"
    DEPARTMENT_NEW_CUSTOMERS = "department_new_customers"
    DEPARTMENT_VISITS = "department_visits"
    DEPARTMENT_FOLLOW_UPS_ON_TIME = "department_follow_ups_on_time"
    DEPARTMENT_COMPLAINTS_ON_TIME = "department_complaints_on_time"

    # An individual kind → the group's and the department's kind that roll it up.
    ROLLED_UP: Mapping[str, tuple[str, str]] = {
        SALES_AMOUNT: (GROUP_SALES_AMOUNT, DEPARTMENT_SALES_AMOUNT),
        CONTRACTS_SIGNED: (GROUP_CONTRACTS_SIGNED, DEPARTMENT_CONTRACTS_SIGNED),
        COLLECTIONS: (GROUP_COLLECTIONS, DEPARTMENT_COLLECTIONS),
        CALLS_DIALLED: (GROUP_CALLS_DIALLED, DEPARTMENT_CALLS_DIALLED),
        EFFECTIVE_CONVERSATIONS: (GROUP_EFFECTIVE_CONVERSATIONS, DEPARTMENT_EFFECTIVE_CONVERSATIONS),
        NEW_CUSTOMERS: (GROUP_NEW_CUSTOMERS, DEPARTMENT_NEW_CUSTOMERS),
        VISITS: (GROUP_VISITS, DEPARTMENT_VISITS),
        FOLLOW_UPS_ON_TIME: (GROUP_FOLLOW_UPS_ON_TIME, DEPARTMENT_FOLLOW_UPS_ON_TIME),
        COMPLAINTS_ON_TIME: (GROUP_COMPLAINTS_ON_TIME, DEPARTMENT_COMPLAINTS_ON_TIME),
    }

    # Kinds whose facts are 1 (on time) or 0 (late): the only ones a share is meaningful for.
    ON_TIME = (FOLLOW_UPS_ON_TIME, COMPLAINTS_ON_TIME, GROUP_FOLLOW_UPS_ON_TIME, GROUP_COMPLAINTS_ON_TIME,
               DEPARTMENT_FOLLOW_UPS_ON_TIME, DEPARTMENT_COMPLAINTS_ON_TIME)

    MEASURED = (SALES_AMOUNT, SALES_PROFIT, CONTRACTS_SIGNED, COLLECTIONS, LEADS_ASSIGNED, CALLS_DIALLED,
                EFFECTIVE_CONVERSATIONS, ABSENCE_DAYS, INTENT_CUSTOMERS, NEW_CUSTOMERS, VISITS, FOLLOW_UPS_ON_TIME,
                COMPLAINTS_ON_TIME, *(kind for pair in ROLLED_UP.values() for kind in pair))
    ALL = (*MEASURED, PLAN_EXECUTION, REVIEW)


class Rule:
    """How an indicator's raw value becomes 0–100 points."""

    LINEAR_TO_TARGET = "linear_to_target"  # min(cap, value / target × 100)
    DEDUCTION_PER_UNIT = "deduction_per_unit"  # max(0, base − per_unit × value), e.g. A4 attendance
    RATING = "rating"  # the composite rating itself
    # On-time kinds only: the share of the inputs that were on time, in percent, is the points;
    # ``empty`` the points of a month without any (no complaint to handle is no lapse).
    SHARE = "share"

    PARAMETERS: Mapping[str, Mapping[str, Decimal | None]] = {
        # name → default (None: required)
        LINEAR_TO_TARGET: {"target": None, "cap": Decimal(100)},
        DEDUCTION_PER_UNIT: {"per_unit": None, "base": Decimal(100)},
        RATING: {},
        SHARE: {"empty": Decimal(100)},
    }
    ALL = tuple(PARAMETERS)


@dataclass(frozen=True)
class Indicator:
    key: str
    source: str
    weight: Decimal
    rule: str
    params: Mapping[str, Decimal] = field(default_factory=dict)
    label: str = ""

    @property
    def is_rated(self) -> bool:
        return self.source == Source.REVIEW

    def param(self, name: str) -> Decimal:
        value = self.params.get(name)
        if value is None:
            value = Rule.PARAMETERS[self.rule][name]
        if value is None:
            raise ValueError(f"indicator {self.key}: parameter {name} is missing")
        return value


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    roles: tuple[str, ...]
    indicators: tuple[Indicator, ...]

    @property
    def rated(self) -> tuple[Indicator, ...]:
        return tuple(indicator for indicator in self.indicators if indicator.is_rated)

    def indicator(self, key: str) -> Indicator | None:
        return next((indicator for indicator in self.indicators if indicator.key == key), None)


def validate_template(template: Template, known_roles: tuple[str, ...]) -> None:
    """Refuse a template that could not score anyone fairly; the field named is the culprit."""
    if template.key in RESERVED_KEYS:
        raise InvalidInput("key", f"{template.key!r} is reserved")
    if not template.roles:
        raise InvalidInput("roles", "a template applies to at least one role")
    for index, role in enumerate(template.roles):
        if role not in known_roles:
            raise InvalidInput(f"roles[{index}]", f"unknown role {role!r}")
    if len(set(template.roles)) != len(template.roles):
        raise InvalidInput("roles", "lists a role twice")
    if not template.indicators:
        raise InvalidInput("indicators", "a template needs at least one indicator")
    seen: set[str] = set()
    for index, indicator in enumerate(template.indicators):
        _validate_indicator(indicator, f"indicators[{index}]")
        if indicator.key in seen:
            raise InvalidInput(f"indicators[{index}].key", f"{indicator.key!r} appears twice")
        seen.add(indicator.key)
    total = sum((indicator.weight for indicator in template.indicators), Decimal(0))
    if total != TOTAL_WEIGHT:
        raise InvalidInput("indicators", f"weights must sum to {TOTAL_WEIGHT}, not {total}")


def _validate_indicator(indicator: Indicator, where: str) -> None:
    if indicator.source not in Source.ALL:
        raise InvalidInput(f"{where}.source", f"must be one of {', '.join(Source.ALL)}")
    if indicator.rule not in Rule.ALL:
        raise InvalidInput(f"{where}.rule", f"must be one of {', '.join(Rule.ALL)}")
    if indicator.is_rated != (indicator.rule == Rule.RATING):
        raise InvalidInput(f"{where}.rule", "reviews are scored by the rating rule, and only they are")
    if indicator.rule == Rule.SHARE and indicator.source not in Source.ON_TIME:
        raise InvalidInput(f"{where}.rule", f"a share is taken of on-time inputs only: {', '.join(Source.ON_TIME)}")
    if not Decimal(0) < indicator.weight <= TOTAL_WEIGHT:
        raise InvalidInput(f"{where}.weight", f"must be above 0 and at most {TOTAL_WEIGHT}")
    allowed = Rule.PARAMETERS[indicator.rule]
    for name, value in indicator.params.items():
        if name not in allowed:
            raise InvalidInput(f"{where}.params.{name}", f"is not a parameter of {indicator.rule}")
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise InvalidInput(f"{where}.params.{name}", "must be a number not below 0")
    for name, default in allowed.items():
        if default is None and name not in indicator.params:
            raise InvalidInput(f"{where}.params.{name}", f"is required by {indicator.rule}")
    if indicator.rule == Rule.LINEAR_TO_TARGET and indicator.param("target") == 0:
        raise InvalidInput(f"{where}.params.target", "must be above 0")


def decimal_params(raw: Mapping[str, object]) -> dict[str, Decimal]:
    """Parameters as stored (strings or numbers) to decimals; a non-number is a client mistake."""
    params: dict[str, Decimal] = {}
    for name, value in raw.items():
        try:
            params[name] = Decimal(str(value))
        except (InvalidOperation, ValueError) as error:
            raise InvalidInput(f"params.{name}", "must be a number") from error
    return params
