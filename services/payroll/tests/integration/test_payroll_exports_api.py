"""Issue 9 item 11 on the real database through the API: a run's payslips and bank-transfer summary
as CSV and XLSX, parsed back and checked to the cent; account numbers masked but for finance; a
department manager sees their department of a locked run only; CSV safe from formula injection."""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal

import httpx
from openpyxl import load_workbook
from payroll_world import SALES, TELESALES, PayrollWorld, Tokens, closed, day, finalized, hired, paid

from shared.auth import Role
from shared.clock import shift_month

D = Decimal
ANN, FAY = uuid.UUID(int=0xA1), uuid.UUID(int=0xF1)
EVIL = "=HYPERLINK(\"http://x\",\"Ann\")"
ACCOUNT = "6222 0212 3456 7890 123"


def plan_body(effective_from: str, **changes) -> dict:
    return {"effective_from": effective_from, "monthly_base": "3000.00", "performance_standard": "2000.00",
            "bonus_base": "1000.00", "commission_rate": "0.02", **changes}


async def a_run(world: PayrollWorld, client: httpx.AsyncClient, tokens: Tokens) -> dict:
    """Ann (a rep in sales, whose name is a formula) collected 1,000.25: 2% is 20.005, 20.01 half-up.
    Fay (finance, in another department) has no bank account on file."""
    period, hr = world.period, tokens.headers(Role.HR)
    since = shift_month(period, -9)
    await client.put("/plans/sales_rep", json=plan_body(since), headers=hr)
    await client.put("/plans/finance", json=plan_body(since, monthly_base="4500.00", parts=["base"]), headers=hr)
    await world.deliver(hired(ANN, period, name=EVIL))
    await world.deliver(hired(FAY, period, role="finance", name="Fay", department_id=TELESALES))
    await world.deliver(paid(ANN, "1000.25", day(period, 10)))
    await world.deliver(finalized(ANN, period, score="80", coefficient="1.0"))
    await world.deliver(closed(period, count=1))
    account = await client.put(f"/bank-accounts/{ANN}", headers=tokens.headers(Role.FINANCE), json={
        "account_holder": "Ann", "bank_name": "ICBC Shanghai", "account_number": ACCOUNT})
    assert account.status_code == 200, account.text
    (run,) = (await client.get("/runs", headers=hr)).json()
    return run


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: httpx.Response, sheet: str) -> list[dict[str, object]]:
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    header, *rows = book[sheet].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def cents(value: object) -> Decimal:
    """An XLSX number (a float) or a CSV text back to exact cents."""
    return D(str(value)).quantize(D("0.01"))


async def test_finance_exports_payslips_and_transfers_to_the_cent(world, client, tokens, period) -> None:
    run = await a_run(world, client, tokens)
    finance = tokens.headers(Role.FINANCE)
    base = f"/runs/{run['id']}/export"

    response = await client.get(f"{base}/payslips.csv", headers=finance)
    assert response.headers["content-disposition"] == f'attachment; filename="payslips-{period}.csv"'
    lines = csv_rows(response)
    ann = [row for row in lines if row["employee_id"] == str(ANN)]
    assert [(row["line_no"], row["rule"], row["amount"]) for row in ann] == [
        ("1", "P1.base_salary", "3000.00"), ("2", "P2.performance_pay", "2000.00"), ("3", "P3.bonus", "1000.00"),
        ("4", "P4.commission", "20.01")]
    # The name a spreadsheet would run as a formula is quoted; the figures stay numbers.
    assert {row["employee_name"] for row in ann} == {"'" + EVIL}
    assert [(row["employee_name"], row["rule"], row["amount"]) for row in lines if row["employee_id"] == str(FAY)] == [
        ("Fay", "P1.base_salary", "4500.00")]

    book = await client.get(f"{base}/payslips.xlsx", headers=finance)
    assert book.headers["content-disposition"] == f'attachment; filename="payslips-{period}.xlsx"'
    people = {row["employee_id"]: row for row in xlsx_rows(book, "By person")}
    assert people[str(ANN)]["employee_name"] == EVIL  # text, not a formula
    assert load_workbook(io.BytesIO(book.content))["By person"]["C2"].data_type == "s"
    assert [cents(people[str(ANN)][kind]) for kind in ("base_salary", "performance_pay", "bonus", "commission",
                                                       "gross")] == [D("3000.00"), D("2000.00"), D("1000.00"),
                                                                     D("20.01"), D("6020.01")]
    assert cents(people[str(FAY)]["gross"]) == D("4500.00") and cents(people[str(FAY)]["commission"]) == 0
    assert len(xlsx_rows(book, "Lines")) == 5

    transfers = csv_rows(await client.get(f"{base}/bank-transfer.csv", headers=finance))
    assert [(row["employee_name"], row["account_number"], row["bank_name"], row["net_amount"], row["note"])
            for row in transfers] == [
        ("'" + EVIL, "6222021234567890123", "ICBC Shanghai", "6020.01", ""),
        ("Fay", "", "", "4500.00", "no bank account on file: finance enters it before the transfer"),
        ("TOTAL", "", "", "10520.01", "2 people")]
    sheet = xlsx_rows(await client.get(f"{base}/bank-transfer.xlsx", headers=finance), "Bank transfer")
    assert [(row["employee_id"], row["account_number"], cents(row["net_amount"])) for row in sheet] == [
        (str(ANN), "6222021234567890123", D("6020.01")), (str(FAY), None, D("4500.00")), (None, None, D("10520.01"))]


async def test_masking_scope_and_denials(world, client, tokens, period) -> None:
    run = await a_run(world, client, tokens)
    hr, finance = tokens.headers(Role.HR), tokens.headers(Role.FINANCE)
    manager = tokens.headers(Role.DEPARTMENT_MANAGER, employee_id=uuid.uuid4(), department_id=SALES)
    base = f"/runs/{run['id']}/export"

    # HR: every person, the account masked to its last four digits.
    (ann, fay, total) = xlsx_rows(await client.get(f"{base}/bank-transfer.xlsx", headers=hr), "Bank transfer")
    assert (ann["account_number"], cents(ann["net_amount"]), cents(total["net_amount"])) == (
        "****0123", D("6020.01"), D("10520.01"))
    assert (fay["employee_name"], cents(fay["net_amount"])) == ("Fay", D("4500.00"))
    # A manager reads nothing of a draft run, as if it did not exist.
    for kind in ("payslips.csv", "bank-transfer.xlsx"):
        assert (await client.get(f"{base}/{kind}", headers=manager)).status_code == 404
    assert (await client.post(f"/runs/{run['id']}/approve", headers=hr)).status_code == 200
    assert (await client.post(f"/runs/{run['id']}/lock", headers=finance)).status_code == 200
    # Locked: their department only (Ann, not Fay), masked.
    rows = csv_rows(await client.get(f"{base}/bank-transfer.csv", headers=manager))
    assert [(row["employee_id"], row["account_number"], row["net_amount"]) for row in rows] == [
        (str(ANN), "****0123", "6020.01"), ("", "", "6020.01")]
    assert {row["employee_id"] for row in csv_rows(await client.get(f"{base}/payslips.csv", headers=manager))} == {
        str(ANN)}

    for role in (Role.SALES_REP, Role.GROUP_LEADER, Role.ADMIN, Role.SALES_DIRECTOR):
        who = tokens.headers(role, employee_id=ANN, department_id=SALES)
        for kind in ("payslips.csv", "payslips.xlsx", "bank-transfer.csv", "bank-transfer.xlsx"):
            assert (await client.get(f"{base}/{kind}", headers=who)).status_code == 403
    assert (await client.get(f"/runs/{uuid.uuid4()}/export/payslips.csv", headers=finance)).status_code == 404
    assert (await client.get(f"{base}/payslips.pdf", headers=finance)).status_code == 422


async def test_bank_accounts_are_kept_by_finance_and_masked_for_hr(world, client, tokens, period) -> None:
    await a_run(world, client, tokens)
    hr, finance = tokens.headers(Role.HR), tokens.headers(Role.FINANCE)
    full = (await client.get(f"/bank-accounts/{ANN}", headers=finance)).json()
    assert (full["account_number"], full["masked"]) == ("6222021234567890123", False)
    masked = (await client.get(f"/bank-accounts/{ANN}", headers=hr)).json()
    assert (masked["account_number"], masked["masked"]) == ("****0123", True)
    body = {"account_holder": "Fay", "bank_name": "BOC", "account_number": "6222021234567890"}
    assert (await client.put(f"/bank-accounts/{FAY}", json=body, headers=hr)).status_code == 403
    for role in (Role.SALES_REP, Role.DEPARTMENT_MANAGER, Role.ADMIN):
        assert (await client.get(f"/bank-accounts/{ANN}", headers=tokens.headers(role, employee_id=ANN))
                ).status_code == 403
    assert (await client.get(f"/bank-accounts/{FAY}", headers=finance)).status_code == 404
    unknown = await client.put(f"/bank-accounts/{uuid.uuid4()}", json=body, headers=finance)
    assert unknown.status_code == 404 and unknown.json()["field"] == "employee_id"
    bad = await client.put(f"/bank-accounts/{FAY}", json={**body, "account_number": "6222-02!!-1234"},
                           headers=finance)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "account_number"
    assert (await client.get(f"/bank-accounts/{FAY}", headers=finance)).status_code == 404  # nothing half-written
    changed = await client.put(f"/bank-accounts/{ANN}", json={**body, "account_holder": "Ann Li"}, headers=finance)
    assert changed.status_code == 200 and changed.json()["account_holder"] == "Ann Li"
