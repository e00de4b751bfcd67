"""Issue 9 items 10 and 11 as plain rules: lining up a what-if's two computations, a draft's
checks, account masking, the transfer's net amounts and totals, and CSV/XLSX safety."""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from payroll.adapters.spreadsheets import Sheet, to_csv, to_xlsx
from payroll.domain.exports import (
    BankAccount,
    cell_text,
    kinds_of,
    mask,
    normalise_account_number,
    payslip_rows,
    person_rows,
    transfer_rows,
    transfers,
)
from payroll.domain.plans import CompensationPlan
from payroll.domain.roster import Blocker
from payroll.domain.runs import PayslipRecord, RunStatus
from payroll.domain.what_if import (
    compare,
    draft_people_unique,
    draft_roles_unique,
    ensure_draft_applies,
    pair_lines,
)
from payroll.entrypoints.api.schemas import OverrideWrite, PlanWrite
from payroll.service_layer import commands
from shared.errors import InvalidInput

D = Decimal
ANN, BO = uuid.UUID(int=1), uuid.UUID(int=2)
AT = datetime(2026, 11, 5, tzinfo=UTC)


def line(rule: str, amount: str, kind: str | None = None) -> dict:
    return {"rule": rule, "kind": kind or rule.split(".")[1], "amount": amount, "calculation": f"→ {amount}"}


def slip(employee_id: uuid.UUID, *lines: dict, name: str = "Ann", plan_version: int = 1) -> PayslipRecord:
    return PayslipRecord(id=uuid.uuid4(), run_id=uuid.UUID(int=9), run_status=RunStatus.COMPUTED, period="2026-10",
                         employee_id=employee_id, employee_name=name, role="sales_rep", department_id=None,
                         group_id=None, plan_version=plan_version, score=None, coefficient=None,
                         gross=sum((D(each["amount"]) for each in lines), D("0.00")), lines=list(lines))


# --- what-if ----------------------------------------------------------------------------------------

def test_lines_pair_by_rule_in_order_and_dropped_or_new_lines_show_as_none() -> None:
    before = [line("P1.base_salary", "3000.00"), line("P6.deduction", "-50.00"), line("P6.deduction", "-100.00"),
              line("P3.bonus", "1000.00")]
    after = [line("P1.base_salary", "3200.00"), line("P6.deduction", "-53.33"), line("P6.deduction", "-100.00"),
             line("P4.commission", "50.00")]
    changes = pair_lines(before, after)
    assert [(c.rule, c.before, c.after, c.difference) for c in changes] == [
        ("P1.base_salary", D("3000.00"), D("3200.00"), D("200.00")),
        ("P6.deduction", D("-50.00"), D("-53.33"), D("-3.33")),
        ("P6.deduction", D("-100.00"), D("-100.00"), D("0.00")),
        ("P4.commission", None, D("50.00"), D("50.00")),
        ("P3.bonus", D("1000.00"), None, D("-1000.00")),
    ]


def test_compare_covers_people_on_either_side_and_totals_to_the_cent() -> None:
    blocked = Blocker(BO, "Bo", "hr", "no plan for role hr")
    comparison = compare(
        before=[slip(ANN, line("P1.base_salary", "3000.00"), line("P4.commission", "20.01"))],
        after=[slip(ANN, line("P1.base_salary", "3000.00"), line("P4.commission", "50.03"), plan_version=2),
               slip(BO, line("P1.base_salary", "4000.00"), name="Bo", plan_version=2)],
        paid=[slip(ANN, line("P1.base_salary", "3000.00"))],
        blockers_before=[blocked])
    ann, bo = comparison.people
    assert (ann.before, ann.after, ann.difference, ann.paid, ann.changed) == (
        D("3020.01"), D("3050.03"), D("30.02"), D("3000.00"), True)
    assert (ann.plan_version_before, ann.plan_version_after) == (1, 2)
    assert (bo.before, bo.after, bo.difference, bo.paid) == (None, D("4000.00"), D("4000.00"), None)
    totals = comparison.as_json()["totals"]
    assert totals == {"before": "3020.01", "after": "7050.03", "difference": "4030.02", "paid": "3000.00",
                      "people": 2, "changed": 2}
    assert comparison.as_json()["blockers_before"] == [blocked.as_json()]
    one = [slip(ANN, line("P1.base_salary", "1.00"))]
    same = compare(before=one, after=one, paid=[])
    assert same.people[0].changed is False


def test_a_draft_names_each_role_and_person_once_and_applies_to_the_period() -> None:
    draft_roles_unique(["sales_rep", "hr"])
    with pytest.raises(InvalidInput, match=r"plans\[2\].role"):
        draft_roles_unique(["sales_rep", "hr", "sales_rep"])
    with pytest.raises(InvalidInput, match=r"overrides\[1\].employee_id"):
        draft_people_unique([ANN, ANN])
    ensure_draft_applies(None, "2026-10", field="plans[0].effective_from")
    ensure_draft_applies("2026-10", "2026-10", field="plans[0].effective_from")
    with pytest.raises(InvalidInput, match=r"plans\[0\].effective_from"):
        ensure_draft_applies("2026-09", "2026-10", field="plans[0].effective_from")


def test_a_what_if_draft_carries_every_field_a_plan_has() -> None:
    """The what-if builds its drafts as PUT /plans/{role} and set_plan do. A field added there must be
    carried by the what-if too (entrypoints/api/what_if.py run_what_if, service_layer/what_if.py _draft_plan),
    or a draft would silently be computed without it: this fails until it is, and the sets updated."""
    assert set(PlanWrite.model_fields) == {"effective_from", "monthly_base", "performance_standard", "bonus_base",
                                           "commission_rate", "parts", "performance_fixed", "commission_plan",
                                           "annual_bonus_base", "base_follows_plan_execution"}
    assert {f.name for f in dataclasses.fields(commands.SetPlan)} == {
        "role", "effective_from", "monthly_base", "performance_standard", "bonus_base", "commission_rate",
        "set_by", "parts", "performance_fixed", "commission_plan", "annual_bonus_base",
        "base_follows_plan_execution"}
    # commission_target comes from a person's override only (resolve), which the what-if stages as is.
    assert {f.name for f in dataclasses.fields(CompensationPlan)} == {
        "role", "version", "effective_from", "monthly_base", "performance_standard", "bonus_base",
        "commission_rate", "set_by", "set_at", "parts", "performance_fixed", "override_version",
        "commission_plan", "commission_target", "annual_bonus_base", "base_follows_plan_execution"}
    # Overrides travel as OverrideWrite.amounts(), whatever amounts it gains.
    assert "amounts" in dir(OverrideWrite)


# --- exports ----------------------------------------------------------------------------------------

def account(number: str = "6222021234567890123") -> BankAccount:
    return BankAccount(employee_id=ANN, account_holder="Ann", bank_name="ICBC", account_number=number,
                       updated_by=BO, updated_at=AT)


def test_account_numbers_are_normalised_checked_and_masked_to_the_last_four() -> None:
    assert normalise_account_number("6222 0212-3456 7890 123") == "6222021234567890123"
    assert normalise_account_number("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    for bad in ("1234567", "6222!0212345", "X" * 35):
        with pytest.raises(InvalidInput, match="account_number"):
            account(bad)
    assert mask("6222021234567890123") == "****0123"
    assert mask("12345678") == "****5678"  # the same width whatever the length
    assert account().seen_by(full=True).account_number == "6222021234567890123"
    view = account().seen_by(full=False)
    assert (view.account_number, view.masked, view.bank_name) == ("****0123", True, "ICBC")


def test_transfers_pay_the_positive_gross_and_total_it() -> None:
    slips = [slip(ANN, line("P1.base_salary", "3000.00"), line("P4.commission", "20.01")),
             slip(BO, line("P1.base_salary", "100.00"), line("P4.clawback", "-150.00", "commission"), name="Bo")]
    rows = transfer_rows(transfers(slips, {ANN: account()}, full_account=False))
    assert [(r["employee_name"], r["account_number"], r["gross"], r["net_amount"], r["note"]) for r in rows] == [
        ("Ann", "****0123", D("3020.01"), D("3020.01"), ""),
        ("Bo", "", D("-50.00"), D("0.00"), "gross is not positive: nothing to transfer"),
        ("TOTAL", "", D("2970.01"), D("3020.01"), "2 people"),
    ]


def test_payslip_rows_one_per_line_and_person_rows_sum_each_kind() -> None:
    slips = [slip(ANN, line("P1.base_salary", "3000.00"), line("P6.deduction", "-50.00"),
                  line("P6.deduction", "-0.01"))]
    assert [(r["line_no"], r["rule"], r["amount"]) for r in payslip_rows(slips)] == [
        (1, "P1.base_salary", D("3000.00")), (2, "P6.deduction", D("-50.00")), (3, "P6.deduction", D("-0.01"))]
    kinds = kinds_of(slips)
    assert kinds == ["base_salary", "deduction"]
    (person,) = person_rows(slips, kinds)
    assert (person["base_salary"], person["deduction"], person["gross"]) == (D("3000.00"), D("-50.01"), D("2949.99"))


@pytest.mark.parametrize("value", ["=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_csv_cells_that_would_be_formulas_are_quoted(value: str) -> None:
    assert cell_text(value) == "'" + value


def test_csv_amounts_and_plain_text_stay_as_they_are() -> None:
    assert cell_text(D("-50.00")) == "-50.00"  # a negative amount is a number, not a formula
    assert cell_text(3) == "3" and cell_text("Ann") == "Ann" and cell_text(None) == ""


def test_files_read_back_with_text_as_text_and_amounts_exact() -> None:
    sheet = Sheet("Lines", ("employee_name", "amount"), [{"employee_name": "=cmd|'/C calc'!A0", "amount": D("20.01")},
                                                          {"employee_name": "李娜\x07", "amount": D("-0.50")}])
    rows = list(csv.reader(io.StringIO(to_csv(sheet).decode("utf-8-sig"))))
    assert rows == [["employee_name", "amount"], ["'=cmd|'/C calc'!A0", "20.01"], ["李娜\x07", "-0.50"]]
    page = load_workbook(io.BytesIO(to_xlsx([sheet])))["Lines"]
    assert (page["A2"].value, page["A2"].data_type, page["B2"].value) == ("=cmd|'/C calc'!A0", "s", 20.01)
    assert page["A3"].value == "李娜"  # a control character XLSX cannot hold is dropped, not a 500
