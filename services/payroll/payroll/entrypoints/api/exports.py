"""Exports of a run (issue 9 item 11): its payslips and its bank-transfer summary, as XLSX or CSV
(``/runs/{id}/export/payslips.xlsx``, ``….csv``, ``/runs/{id}/export/bank-transfer.xlsx``, ``….csv``),
and the payroll-held bank accounts the transfer needs. See service_layer/exports.py for who reads what."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from payroll.adapters.spreadsheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Sheet, to_csv, to_xlsx
from payroll.domain.exports import (
    PAYSLIP_COLUMNS,
    PERSON_COLUMNS,
    TRANSFER_COLUMNS,
    kinds_of,
    payslip_rows,
    person_rows,
    transfer_rows,
)
from payroll.entrypoints.api.deps import BusDep
from payroll.service_layer import exports
from shared.auth import Principal, require_roles

ExportReader = Annotated[Principal, require_roles(*exports.EXPORT_READERS)]
AccountKeeper = Annotated[Principal, require_roles(*exports.ACCOUNT_KEEPERS)]
AccountReader = Annotated[Principal, require_roles(*exports.ACCOUNT_READERS)]
Format = Literal["xlsx", "csv"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200,
                                        pattern=r"^[^\x00-\x1f]*$")]

router = APIRouter(tags=["exports"])


class BankAccountWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_holder: Text
    bank_name: Text
    account_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=60)]


class BankAccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    employee_id: uuid.UUID
    account_holder: str
    bank_name: str
    account_number: str
    masked: bool
    updated_by: uuid.UUID
    updated_at: datetime


@router.put("/bank-accounts/{employee_id}")
async def set_bank_account(employee_id: uuid.UUID, body: BankAccountWrite, bus: BusDep,
                           user: AccountKeeper) -> BankAccountRead:
    """Set where an employee's pay is transferred (finance); an employee unknown to the directory is 404."""
    command = exports.SetBankAccount(employee_id=employee_id, account_holder=body.account_holder,
                                     bank_name=body.bank_name, account_number=body.account_number,
                                     by=user.employee_id)
    return BankAccountRead.model_validate(await bus.handle(command))


@router.get("/bank-accounts/{employee_id}")
async def get_bank_account(employee_id: uuid.UUID, bus: BusDep, user: AccountReader) -> BankAccountRead:
    """An employee's bank account: in full for finance, the last four digits for HR."""
    return BankAccountRead.model_validate(await exports.bank_account(bus, user, employee_id))


@router.get("/runs/{run_id}/export/payslips.{fmt}")
async def export_payslips(run_id: uuid.UUID, fmt: Format, bus: BusDep, user: ExportReader) -> Response:
    """The run's payslips, one row per line; the XLSX adds a sheet with one row per person and a column
    per kind of line."""
    run, slips = await exports.run_payslips(bus, user, run_id)
    lines = Sheet("Lines", PAYSLIP_COLUMNS, payslip_rows(slips))
    if fmt == "csv":
        return _file(to_csv(lines), CSV_MEDIA_TYPE, f"payslips-{run.period}.csv")
    kinds = kinds_of(slips)
    people = Sheet("By person", (*PERSON_COLUMNS, *kinds, "gross"), person_rows(slips, kinds))
    return _file(to_xlsx([people, lines]), XLSX_MEDIA_TYPE, f"payslips-{run.period}.xlsx")


@router.get("/runs/{run_id}/export/bank-transfer.{fmt}")
async def export_bank_transfer(run_id: uuid.UUID, fmt: Format, bus: BusDep, user: ExportReader) -> Response:
    """One row per person (account masked but for finance) with the amount to transfer, then the total."""
    run, items = await exports.run_transfers(bus, user, run_id)
    sheet = Sheet("Bank transfer", TRANSFER_COLUMNS, transfer_rows(items))
    if fmt == "csv":
        return _file(to_csv(sheet), CSV_MEDIA_TYPE, f"bank-transfer-{run.period}.csv")
    return _file(to_xlsx([sheet]), XLSX_MEDIA_TYPE, f"bank-transfer-{run.period}.xlsx")


def _file(content: bytes, media_type: str, filename: str) -> Response:
    # Pay data: never kept by a shared cache.
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
