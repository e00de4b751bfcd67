"""SQL helpers the services' repositories share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Insert, Table, any_, func, insert, literal, select
from sqlalchemy.dialects.postgresql import ARRAY


def among(column: ColumnElement[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values`` as one array parameter (``= ANY($1)``): a pay run of a large company
    matches its 100,000 payments at once, past PostgreSQL's 32,767 parameters a statement, and an
    expanded IN list of thousands of ids costs more to build than to run."""
    return column == any_(literal(list(values), type_=ARRAY(column.type)))


def insert_all(table: Table, rows: Sequence[Mapping[str, Any]]) -> Insert:
    """One INSERT of many rows whose every column travels as one array parameter
    (``INSERT … SELECT unnest($1), unnest($2), …``): a pay run of 10,000 people writes 100,000
    commission accruals, which row by row cost more in building parameters than in the database.
    Every row has the same keys."""
    columns = list(rows[0])
    return insert(table).from_select(columns, select(*(
        func.unnest(literal([row[name] for row in rows], type_=ARRAY(table.c[name].type))) for name in columns)))
