"""Spreadsheets in and out (C10, import and export): an XLSX workbook read into the same table of text
cells a CSV gives, and an export written as CSV or XLSX."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from shared.errors import InvalidInput

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"
# An import sheet has a handful of columns; a wider one is not a lead list, and reading it costs memory.
MAX_COLUMNS = 50
# A cell starting with one of these is run as a formula by Excel: an export never hands one over.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_table(content: bytes, *, max_rows: int, field: str = "file") -> list[list[str]]:
    """The first sheet's rows as text cells, at most ``max_rows`` of them (the import's own bound
    refuses more, so reading further would only cost memory)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InvalidInput(field, f"is not a readable .xlsx workbook ({type(error).__name__})") from None
    try:
        if not workbook.worksheets:
            raise InvalidInput(field, "the workbook has no sheet")
        table = []
        for row in workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            if len(table) >= max_rows:
                break
            table.append([_text(cell) for cell in row])
        return table
    finally:
        workbook.close()


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    # A phone number typed into Excel becomes a number, sometimes a float: 13812345678.0 is 13812345678.
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time(0) else cell.isoformat()
    if isinstance(cell, (date, time)):
        return cell.isoformat()
    return str(cell).replace("\x00", "").strip()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    # With a byte-order mark, Excel on Chinese Windows opens UTF-8 names correctly.
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
