"""A run's payslips and its bank-transfer summary as tables (issue 9 item 11), before any file format.

Payslips: one row per payslip line (the employee repeated on each), because a run's lines vary
from person to person (deductions, adjustments, expenses, incentives) and a clerk filters or
pivots a long table more easily than a wide one with a column per possible rule; the spreadsheet
adds a sheet with one row per person and a column per kind of line (see adapters/spreadsheets.py).

Bank transfer: one row per paid person with the account their pay goes to and the amount to
transfer, then a total row. Payroll withholds nothing today (no income tax or social insurance
is computed), so the net amount is the gross; a gross of zero or less transfers nothing and says
so. The directory holds no bank details, so payroll keeps them (:class:`BankAccount`); finance reads
the number in full, anyone else only its last four digits.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from payroll.domain.money import text
from payroll.domain.runs import PayslipRecord
from shared.errors import InvalidInput

ZERO = Decimal("0.00")
# Bank card numbers (16–19 digits in China) and IBANs (up to 34 letters and digits); spaces are
# only grouping and are dropped.
ACCOUNT_NUMBER = re.compile(r"^[A-Z0-9]{8,34}$")
VISIBLE_DIGITS = 4


@dataclass(frozen=True)
class BankAccount:
    employee_id: uuid.UUID
    account_holder: str
    bank_name: str
    account_number: str
    updated_by: uuid.UUID
    updated_at: datetime

    def __post_init__(self) -> None:
        if not ACCOUNT_NUMBER.match(self.account_number):
            raise InvalidInput("account_number", "8 to 34 letters and digits (a bank card number or an IBAN); "
                                                 "spaces are allowed between groups")

    def seen_by(self, full: bool) -> AccountView:
        """The account as a reader sees it: in full for finance, else masked."""
        return AccountView(employee_id=self.employee_id, account_holder=self.account_holder,
                           bank_name=self.bank_name, masked=not full,
                           account_number=self.account_number if full else mask(self.account_number),
                           updated_by=self.updated_by, updated_at=self.updated_at)


@dataclass(frozen=True)
class AccountView:
    employee_id: uuid.UUID
    account_holder: str
    bank_name: str
    account_number: str  # masked unless ``masked`` is False
    masked: bool
    updated_by: uuid.UUID
    updated_at: datetime


def normalise_account_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


def mask(account_number: str) -> str:
    """Only the last four characters, behind a fixed-width mask that does not tell the length."""
    return "****" + account_number[-VISIBLE_DIGITS:]


PAYSLIP_COLUMNS = ("period", "employee_id", "employee_name", "role", "department_id", "plan_version",
                   "line_no", "rule", "kind", "amount", "calculation")
PERSON_COLUMNS = ("period", "employee_id", "employee_name", "role", "department_id")
TRANSFER_COLUMNS = ("employee_id", "employee_name", "account_holder", "bank_name", "account_number",
                    "gross", "net_amount", "note")
TOTAL = "TOTAL"
NO_ACCOUNT = "no bank account on file: finance enters it before the transfer"
NOTHING_TO_PAY = "gross is not positive: nothing to transfer"


def payslip_rows(slips: Iterable[PayslipRecord]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for slip in slips:
        for number, line in enumerate(slip.lines, start=1):
            rows.append({"period": slip.period, "employee_id": str(slip.employee_id),
                         "employee_name": slip.employee_name or "", "role": slip.role,
                         "department_id": str(slip.department_id) if slip.department_id else "",
                         "plan_version": slip.plan_version, "line_no": number, "rule": line["rule"],
                         "kind": line["kind"], "amount": Decimal(line["amount"]),
                         "calculation": line.get("calculation", "")})
    return rows


def kinds_of(slips: Iterable[PayslipRecord]) -> list[str]:
    """Every kind of line on the run, in order of first appearance (base before bonus and so on)."""
    seen: dict[str, None] = {}
    for slip in slips:
        for line in slip.lines:
            seen.setdefault(line["kind"], None)
    return list(seen)


def person_rows(slips: Iterable[PayslipRecord], kinds: list[str]) -> list[dict[str, object]]:
    """One row per person: each kind's lines summed (already rounded lines, so sums are exact), and the gross."""
    rows = []
    for slip in slips:
        by_kind = dict.fromkeys(kinds, ZERO)
        for line in slip.lines:
            by_kind[line["kind"]] += Decimal(line["amount"])
        rows.append({"period": slip.period, "employee_id": str(slip.employee_id),
                     "employee_name": slip.employee_name or "", "role": slip.role,
                     "department_id": str(slip.department_id) if slip.department_id else "", **by_kind,
                     "gross": slip.gross})
    return rows


@dataclass(frozen=True)
class Transfer:
    employee_id: uuid.UUID
    employee_name: str
    account: AccountView | None
    gross: Decimal

    @property
    def net_amount(self) -> Decimal:
        return self.gross if self.gross > ZERO else ZERO

    @property
    def note(self) -> str:
        if self.gross <= ZERO:
            return NOTHING_TO_PAY
        return "" if self.account else NO_ACCOUNT


def transfers(slips: Iterable[PayslipRecord], accounts: Mapping[uuid.UUID, BankAccount], *,
              full_account: bool) -> list[Transfer]:
    return [Transfer(employee_id=slip.employee_id, employee_name=slip.employee_name or "",
                     account=accounts[slip.employee_id].seen_by(full_account) if slip.employee_id in accounts
                     else None, gross=slip.gross)
            for slip in slips]


def transfer_rows(items: Iterable[Transfer]) -> list[dict[str, object]]:
    """One row per person, then the total of what is transferred (and of the gross)."""
    items = list(items)
    rows: list[dict[str, object]] = [
        {"employee_id": str(item.employee_id), "employee_name": item.employee_name,
         "account_holder": item.account.account_holder if item.account else "",
         "bank_name": item.account.bank_name if item.account else "",
         "account_number": item.account.account_number if item.account else "",
         "gross": item.gross, "net_amount": item.net_amount, "note": item.note}
        for item in items]
    rows.append({"employee_id": "", "employee_name": TOTAL, "account_holder": "", "bank_name": "",
                 "account_number": "", "gross": sum((item.gross for item in items), ZERO),
                 "net_amount": sum((item.net_amount for item in items), ZERO), "note": f"{len(items)} people"})
    return rows


# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: object) -> str:
    """A value as a CSV cell: text that a spreadsheet would read as a formula gets a leading quote;
    amounts are the exact decimal as text (a negative amount is a number, not a formula)."""
    if isinstance(value, Decimal):
        return text(value)
    if isinstance(value, int):
        return str(value)
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value
