"""Reading a CSV or XLSX of leads from a request: a ``text/csv`` or XLSX body, or a
``multipart/form-data`` upload with the file in a part named ``file`` (what a browser form sends).
Either way the import sees one table of text cells, the header first."""

from __future__ import annotations

import csv
import io
from email import policy
from email.parser import BytesParser

from fastapi import Request

from crm.entrypoints.api.spreadsheets import XLSX_TYPE, ZIP_MAGIC, xlsx_table
from crm.service_layer.commands import ImportRow
from shared.errors import AppError, InvalidInput

FILE_PART = "file"
CSV_TYPES = ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel")
# Header names as exported by the company's spreadsheets, in English or Chinese.
COLUMN_NAMES = {
    "name": "name", "customer": "name", "姓名": "name", "客户": "name", "客户名称": "name",
    "phone": "phone", "mobile": "phone", "tel": "phone", "电话": "phone", "手机": "phone", "手机号": "phone",
    "email": "email", "e-mail": "email", "mail": "email", "邮箱": "email",
    "company": "company", "公司": "company", "单位": "company",
    "source": "source", "来源": "source",
    "intent_level": "intent_level", "intent": "intent_level", "意向": "intent_level",
}
OPENAPI_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"},
                         "example": "name,phone,email,company,source\nLi Na,+86 138 1234 5678,,ACME,exhibition\n"},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {"schema": {"type": "object", "required": [FILE_PART],
                                               "properties": {FILE_PART: {"type": "string", "format": "binary"}}}},
        },
    }
}


class PayloadTooLarge(AppError):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(AppError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


async def read_table(request: Request, max_bytes: int, max_rows: int) -> list[list[str]]:
    """The uploaded sheet as rows of text cells; XLSX told apart from CSV by its type or its bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"an import is at most {max_bytes} bytes", max_bytes=max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise PayloadTooLarge(f"an import is at most {max_bytes} bytes", max_bytes=max_bytes)
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        data = _file_part(content_type, bytes(body))
    elif media_type in CSV_TYPES or media_type == XLSX_TYPE:
        data = bytes(body)
    else:
        raise UnsupportedMediaType("send the file as text/csv, as an .xlsx workbook, or as multipart/form-data "
                                   "with a part named 'file'", content_type=media_type)
    # A workbook is a zip archive; a CSV never starts with its signature. Browsers label uploads
    # inconsistently, so the bytes decide. One row over the bound lets the import refuse the file.
    if data.startswith(ZIP_MAGIC) or media_type == XLSX_TYPE:
        return xlsx_table(data, max_rows=max_rows + 2, field=FILE_PART)
    return _csv_table(_decode(data))


def _file_part(content_type: str, body: bytes) -> bytes:
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise InvalidInput(FILE_PART, "the multipart body cannot be read")
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == FILE_PART:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise InvalidInput(FILE_PART, "the upload has no part named 'file'")


def _decode(data: bytes) -> str:
    # Spreadsheets save UTF-8 with a byte-order mark, or, on Chinese Windows, GB18030.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(FILE_PART, "the file is neither UTF-8 nor GB18030 text")


def _csv_table(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InvalidInput(FILE_PART, f"not a readable CSV file: {error}") from error


def parse_rows(text: str) -> tuple[list[ImportRow], list[str]]:
    """A CSV's data rows, numbered as lines of the sheet (header = 1), and the columns not understood."""
    return parse_table(_csv_table(text))


def parse_table(records: list[list[str]]) -> tuple[list[ImportRow], list[str]]:
    """The data rows of a sheet, numbered as its rows (header = 1), and the columns not understood."""
    if not records or not any(cell.strip() for cell in records[0]):
        raise InvalidInput(FILE_PART, "the file is empty: the first line names the columns")
    header = [COLUMN_NAMES.get(cell.strip().lower()) for cell in records[0]]
    ignored = [cell.strip() for cell, name in zip(records[0], header, strict=True) if name is None and cell.strip()]
    if "name" not in header:
        raise InvalidInput(FILE_PART, "the header needs a 'name' column")
    if "phone" not in header and "email" not in header:
        raise InvalidInput(FILE_PART, "the header needs a 'phone' or an 'email' column")
    rows = []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {name: cell.strip() for name, cell in zip(header, record, strict=False) if name}
        rows.append(ImportRow(row=index, values=values))
    return rows, ignored
