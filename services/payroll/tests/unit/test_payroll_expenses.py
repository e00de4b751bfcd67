"""Expense claims (P7) and payslip disputes (P8) as plain rules: standards, partial approval,
who may decide, the lines a run pays."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from payroll.config import PayrollSettings
from payroll.domain.disputes import Dispute, DisputeStatus, Outcome, dispute_line
from payroll.domain.expenses import (
    ClaimStatus,
    ExpenseClaim,
    ExpensePolicy,
    Receipt,
    Standard,
    Window,
    assess,
    ensure_valid_claim,
    expense_line,
)
from payroll.domain.runs import PayslipRecord, RunStatus
from shared.errors import Conflict, Forbidden, InvalidInput

POLICY = ExpensePolicy()
AT = datetime(2026, 11, 20, 9, tzinfo=UTC)
TODAY = date(2026, 11, 20)


def d(value: str) -> Decimal:
    return Decimal(value)


def claim(amount: str, category: str = "travel", *, employee_id: uuid.UUID | None = None,
          incurred_on: date = date(2026, 11, 3)) -> ExpenseClaim:
    return ExpenseClaim(id=uuid.uuid4(), employee_id=employee_id or uuid.uuid4(), department_id=uuid.uuid4(),
                        category=category, incurred_on=incurred_on, amount=d(amount),
                        receipts=(Receipt(d(amount), "taxi"),), description="visit", submitted_at=AT)


def field_of(error: pytest.ExceptionInfo) -> str:
    return error.value.extra["errors"][0]["field"]


# --- standards --------------------------------------------------------------------------------------

def test_the_default_standards_are_per_day_for_travel_and_living_and_per_month_for_communication():
    assert POLICY.standard("travel") == Standard(Window.DAY, d("500.00"))
    assert POLICY.standard("living") == Standard(Window.DAY, d("150.00"))
    assert POLICY.standard("communication") == Standard(Window.MONTH, d("200.00"))


def test_the_standards_come_from_settings():
    settings = PayrollSettings(expense_travel_daily_cap=d("320.00"), expense_communication_monthly_limit=d("99.50"))
    policy = settings.policy().expenses
    assert policy.standard("travel").cap == d("320.00")
    assert policy.standard("communication") == Standard(Window.MONTH, d("99.50"))


def test_a_day_cap_spans_the_day_and_a_monthly_limit_the_calendar_month():
    assert POLICY.standard("travel").span(date(2026, 2, 14)) == (date(2026, 2, 14), date(2026, 2, 14))
    assert POLICY.standard("communication").span(date(2028, 2, 14)) == (date(2028, 2, 1), date(2028, 2, 29))


def test_within_the_cap_the_whole_claim_is_approved():
    assert assess(d("480.00"), POLICY.standard("travel"), d("0.00"), category="travel") == (
        assess(d("480.00"), POLICY.standard("travel"), d("20.00"), category="travel"))
    exact = assess(d("500.00"), POLICY.standard("travel"), d("0.00"), category="travel")
    assert (exact.approved, exact.refused, exact.reason) == (d("500.00"), d("0.00"), None)


def test_the_part_over_the_day_cap_is_refused_with_the_reason():
    partly = assess(d("180.40"), POLICY.standard("living"), d("0.00"), category="living")
    assert (partly.approved, partly.refused) == (d("150.00"), d("30.40"))
    assert "living standard is 150.00 per day" in partly.reason
    assert "30.40 over the standard refused" in partly.reason


def test_the_monthly_communication_limit_counts_every_claim_approved_that_month():
    standard, approved_so_far, outcomes = POLICY.standard("communication"), d("0.00"), []
    for amount in ("80.00", "90.00", "55.55", "10.00"):
        outcome = assess(d(amount), standard, approved_so_far, category="communication")
        approved_so_far += outcome.approved
        outcomes.append((outcome.approved, outcome.refused))
    assert outcomes == [(d("80.00"), d("0.00")), (d("90.00"), d("0.00")), (d("30.00"), d("25.55")),
                        (d("0.00"), d("10.00"))]
    assert approved_so_far == d("200.00")


def test_a_cap_already_overspent_leaves_nothing_and_never_a_negative_approval():
    outcome = assess(d("10.00"), POLICY.standard("living"), d("170.00"), category="living")
    assert (outcome.approved, outcome.refused) == (d("0.00"), d("10.00"))
    assert "0.00 left" in outcome.reason


# --- bad claims -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("category", "amount", "receipts", "incurred_on", "field"), [
    ("lunch", "10.00", ["10.00"], TODAY, "category"),
    ("travel", "0.00", ["0.00"], TODAY, "amount"),
    ("travel", "-5.00", ["-5.00"], TODAY, "amount"),
    ("travel", "10.005", ["10.005"], TODAY, "amount"),
    ("travel", "10.00", [], TODAY, "receipts"),
    ("travel", "10.00", ["4.00", "-1.00", "7.00"], TODAY, "receipts[1].amount"),
    ("travel", "10.00", ["4.00", "5.99"], TODAY, "amount"),
    ("travel", "10.00", ["10.00"], date(2026, 11, 21), "incurred_on"),
])
def test_a_bad_claim_names_its_field(category, amount, receipts, incurred_on, field):
    with pytest.raises(InvalidInput) as error:
        ensure_valid_claim(category, d(amount), tuple(Receipt(d(r)) for r in receipts), incurred_on, TODAY, POLICY)
    assert field_of(error) == field


def test_receipts_adding_up_to_the_amount_make_a_valid_claim():
    ensure_valid_claim("travel", d("10.00"), (Receipt(d("4.01")), Receipt(d("5.99"))), TODAY, TODAY, POLICY)


# --- decisions --------------------------------------------------------------------------------------

def test_a_partial_approval_keeps_claimed_approved_and_refused():
    item = claim("620.00")
    item.approve(uuid.uuid4(), AT, assess(item.amount, POLICY.standard("travel"), d("0.00"), category="travel"))
    assert (item.status, item.amount, item.approved_amount, item.refused_amount) == (
        ClaimStatus.APPROVED, d("620.00"), d("500.00"), d("120.00"))
    line = expense_line(item)
    assert (line.rule, line.kind, line.amount) == ("P7.expense", "expense", d("500.00"))
    assert line.inputs["claim_id"] == str(item.id)
    assert (line.inputs["category"], line.inputs["incurred_on"]) == ("travel", "2026-11-03")
    assert line.inputs["refused"] == "120.00"


def test_nobody_decides_their_own_claim_and_a_decided_claim_stays_decided():
    item = claim("100.00")
    with pytest.raises(Forbidden):
        item.approve(item.employee_id, AT, assess(item.amount, POLICY.standard("travel"), d("0"), category="travel"))
    with pytest.raises(Forbidden):
        item.refuse(item.employee_id, AT, "no")
    with pytest.raises(InvalidInput) as error:
        item.refuse(uuid.uuid4(), AT, "  ")
    assert field_of(error) == "reason"
    item.refuse(uuid.uuid4(), AT, "not a business trip")
    assert (item.status, item.approved_amount, item.refused_amount) == (ClaimStatus.REFUSED, d("0.00"), d("100.00"))
    with pytest.raises(Conflict):
        item.approve(uuid.uuid4(), AT, assess(item.amount, POLICY.standard("travel"), d("0"), category="travel"))


# --- disputes ---------------------------------------------------------------------------------------

def payslip(status: RunStatus = RunStatus.LOCKED) -> PayslipRecord:
    return PayslipRecord(id=uuid.uuid4(), run_id=uuid.uuid4(), run_status=status, period="2026-10",
                         employee_id=uuid.uuid4(), employee_name="Ann", role="sales_rep", department_id=None,
                         group_id=None, plan_version=1, score=d("88"), coefficient=d("1.2"), gross=d("3100.00"),
                         lines=[{"rule": "P1.base_salary", "amount": "3000.00"}, {"rule": "P4.commission",
                                                                                    "amount": "100.00"}])


def test_only_a_line_of_a_locked_payslip_can_be_disputed():
    with pytest.raises(Conflict):
        Dispute.open(uuid.uuid4(), payslip(RunStatus.COMPUTED), 1, uuid.uuid4(), "too low", AT)
    with pytest.raises(Conflict):
        Dispute.open(uuid.uuid4(), payslip(RunStatus.APPROVED), 1, uuid.uuid4(), "too low", AT)
    with pytest.raises(InvalidInput) as error:
        Dispute.open(uuid.uuid4(), payslip(), 2, uuid.uuid4(), "too low", AT)
    assert field_of(error) == "line"
    with pytest.raises(InvalidInput) as error:
        Dispute.open(uuid.uuid4(), payslip(), 1, uuid.uuid4(), " ", AT)
    assert field_of(error) == "comment"


def test_a_dispute_keeps_its_history_and_an_accepted_one_becomes_an_adjustment_line():
    slip = payslip()
    finance = uuid.uuid4()
    dispute = Dispute.open(uuid.uuid4(), slip, 1, slip.employee_id, "a payment of 5000 is missing", AT)
    assert (dispute.line_rule, dispute.line_amount, dispute.status) == ("P4.commission", d("100.00"),
                                                                        DisputeStatus.OPEN)
    dispute.answer(finance, "checking with crm", AT)
    dispute.comment(slip.employee_id, "receipt attached", AT)
    with pytest.raises(InvalidInput) as error:
        dispute.resolve(finance, Outcome.ACCEPTED, "yes", AT)
    assert field_of(error) == "amount"
    with pytest.raises(InvalidInput):
        dispute.resolve(finance, Outcome.ACCEPTED, "yes", AT, d("100.001"))
    dispute.resolve(finance, Outcome.ACCEPTED, "payment found", AT, d("100.00"))
    assert [(e.author, e.kind, e.status) for e in dispute.history] == [
        ("employee", "comment", DisputeStatus.OPEN), ("finance", "answer", DisputeStatus.ANSWERED),
        ("employee", "comment", DisputeStatus.OPEN), ("finance", "resolution", DisputeStatus.ACCEPTED)]
    with pytest.raises(Conflict):
        dispute.answer(finance, "again", AT)
    line = dispute_line(dispute)
    assert (line.rule, line.kind, line.amount) == ("P8.dispute", "adjustment", d("100.00"))
    assert (line.inputs["dispute_id"], line.inputs["from_period"], line.inputs["line_rule"]) == (
        str(dispute.id), "2026-10", "P4.commission")


def test_a_refused_dispute_pays_nothing_and_stays_on_record():
    slip = payslip()
    dispute = Dispute.open(uuid.uuid4(), slip, 0, slip.employee_id, "base is wrong", AT)
    with pytest.raises(InvalidInput) as error:
        dispute.resolve(uuid.uuid4(), Outcome.REFUSED, "base is per plan", AT, d("5.00"))
    assert field_of(error) == "amount"
    dispute.resolve(uuid.uuid4(), Outcome.REFUSED, "base is per plan", AT)
    assert (dispute.status, dispute.resolution_amount, len(dispute.history)) == (DisputeStatus.REFUSED, None, 2)
    assert not dispute.status.is_open
