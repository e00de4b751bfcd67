"""Tables written as CSV or XLSX files (openpyxl, as org reads time-clock workbooks).

Both formats are safe to open in a spreadsheet program: in CSV a text cell that would start a
formula gets a leading quote (:func:`payroll.domain.exports.cell_text`); in XLSX every text cell is
written with the string type, so ``=HYPERLINK(…)`` in a name stays text. Amounts are numbers in
XLSX (two decimals shown) and exact decimal text in CSV. CSV is UTF-8 with a byte-order mark, which
spreadsheet programs need to read Chinese names correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from payroll.domain.exports import cell_text

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[str]
    rows: Sequence[dict[str, object]]


def to_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell_text(column) for column in sheet.columns])
    for row in sheet.rows:
        writer.writerow([cell_text(row.get(column)) for column in sheet.columns])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        page = book.create_sheet(sheet.title)
        for index, column in enumerate(sheet.columns, start=1):
            _put(page.cell(row=1, column=index), column).font = Font(bold=True)
        for number, row in enumerate(sheet.rows, start=2):
            for index, column in enumerate(sheet.columns, start=1):
                _put(page.cell(row=number, column=index), row.get(column))
        page.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(cell, value: object):
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = "0.00"
    elif isinstance(value, int):
        cell.value = value
    else:
        # Control characters are not allowed in XLSX; the string type keeps "=…" from being a formula.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
        cell.data_type = "s"
    return cell
