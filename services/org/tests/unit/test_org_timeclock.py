"""Reading time-clock exports: CSV and Excel into numbered rows."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook

from org.entrypoints.api.timeclock import XLSX_TYPE, read_rows
from shared.errors import InvalidInput


def test_csv_rows_keep_the_files_row_numbers_and_skip_blank_lines() -> None:
    content = ("\ufeffEmployee_ID,date,clock_in,clock_out\n"
               "7b1c…,2026-03-02,09:00,18:00\n"
               ",,,\n"
               ",2026-03-03,,17:00\n").encode()

    rows = read_rows(content, "text/csv; charset=utf-8")

    assert [(row.row, row.employee_id, row.work_date, row.clock_in, row.clock_out) for row in rows] == [
        (2, "7b1c…", "2026-03-02", "09:00", "18:00"), (4, None, "2026-03-03", None, "17:00")]


def test_excel_dates_and_times_become_iso_text() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["login", "date", "clock_in", "clock_out"])
    sheet.append(["li.wei", datetime(2026, 3, 2), time(9, 5), "18:00"])
    sheet.append(["wang.fang", date(2026, 3, 3), None, None])
    buffer = io.BytesIO()
    book.save(buffer)

    rows = read_rows(buffer.getvalue(), XLSX_TYPE)

    assert [(row.row, row.login, row.work_date, row.clock_in, row.clock_out) for row in rows] == [
        (2, "li.wei", "2026-03-02", "09:05:00", "18:00"), (3, "wang.fang", "2026-03-03", None, None)]


@pytest.mark.parametrize(("content", "content_type", "field"), [
    (b"a,b\n1,2\n", "text/csv", "file"),
    (b"", "text/csv", "file"),
    (b"\xff\xfe", "text/csv", "file"),
    (b"employee_id,date\n" + b"x" * 200_000 + b",2026-03-02\n", "text/csv", "file"),  # beyond csv's field limit
    (b"not a zip", XLSX_TYPE, "file"),
    (b"employee_id,date\n", "application/json", "content-type"),
])
def test_an_unreadable_file_is_refused_naming_why(content: bytes, content_type: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_rows(content, content_type)
    assert refused.value.extra["errors"][0]["field"] == field


def test_a_stray_carriage_return_is_a_line_break_not_a_server_error() -> None:
    # Found by the API fuzzing: csv refused a bare CR inside the text it was given, and the
    # import answered 500.
    rows = read_rows(b"employee_id,date,clock_in,clock_out\rx,2026-03-02,09:00,18:00\r", "text/csv")
    assert [(row.employee_id, row.work_date) for row in rows] == [("x", "2026-03-02")]
