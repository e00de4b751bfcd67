"""Reading a time clock's export (CSV or Excel .xlsx) into rows to import. Columns, in any order,
names case-insensitive: ``employee_id`` or ``login``, ``date``, ``clock_in``, ``clock_out``. Row
numbers are the file's own, the header being row 1, so a refusal points at the line to fix."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from typing import Any

from org.service_layer.attendance_commands import ImportRow
from shared.errors import InvalidInput

CSV_TYPES = ("text/csv", "application/csv", "text/plain")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000
COLUMNS = ("employee_id", "login", "date", "clock_in", "clock_out")


def read_rows(content: bytes, content_type: str) -> list[ImportRow]:
    media = content_type.split(";")[0].strip().lower()
    if media == XLSX_TYPE:
        table = _xlsx_table(content)
    elif media in CSV_TYPES:
        table = _csv_table(content)
    else:
        raise InvalidInput("content-type", f"send text/csv or {XLSX_TYPE}")
    if not table:
        raise InvalidInput("file", "is empty")
    header = [str(cell or "").strip().lower() for cell in table[0]]
    if "date" not in header or not ({"employee_id", "login"} & set(header)):
        raise InvalidInput("file", "the header needs the columns employee_id or login, date, clock_in, clock_out")
    if len(table) - 1 > MAX_ROWS:
        raise InvalidInput("file", f"has more than {MAX_ROWS} rows; split it")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {name: _text(cells[index]) if index < len(cells) else None for index, name in enumerate(header)}
        if not any(values.get(name) for name in COLUMNS):
            continue  # a blank line is not a refusal
        rows.append(ImportRow(row=number, employee_id=values.get("employee_id"), login=values.get("login"),
                              work_date=values.get("date"), clock_in=values.get("clock_in"),
                              clock_out=values.get("clock_out")))
    return rows


def _csv_table(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", "a CSV file is read as UTF-8") from None
    if "\x00" in text:
        raise InvalidInput("file", "contains NUL characters")
    try:
        # newline="": a quoted field may hold a line break; a stray carriage return is the
        # file's fault, said as such, not a server error.
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InvalidInput("file", f"is not a readable CSV file: {error}") from error


def _xlsx_table(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InvalidInput("file", f"is not a readable .xlsx workbook ({type(error).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for index, row in enumerate(sheet.iter_rows(values_only=True)):
            if index > MAX_ROWS + 1:
                break
            table.append(list(row))
        return table
    finally:
        workbook.close()


def _text(cell: Any) -> str | None:
    """A cell as the text the import parses: Excel's dates and times become ISO strings."""
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time(0) else cell.time().isoformat()
    if isinstance(cell, (date, time)):
        return cell.isoformat()
    text = str(cell).strip()
    return text.replace("\x00", "") or None
