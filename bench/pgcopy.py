"""The fast path for the biggest tables: PostgreSQL COPY from plain tuples.

Building a Django model instance per row costs more than the insert itself at national size
(tens of millions of incidents, sessions and notes), so these tables are written as tuples of
column values with `COPY ... FROM STDIN`. Ids that other rows need are taken from the table's
own sequence first (`nextval` in one round trip), so the result is the same as bulk_create.
On another database the same rows go through bulk_create.
"""

from __future__ import annotations

import datetime
import io
import json

from django.db import connection


def allocate_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys from the model's sequence."""
    if count == 0:
        return []
    if connection.vendor != "postgresql":
        raise NotImplementedError("allocate_ids needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> int:
    """Insert `rows` (tuples in `columns` order, database column names) into `model`'s table."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        fields = {f.column: f.attname for f in model._meta.concrete_fields}
        model.objects.bulk_create(
            [model(**{fields[c]: v for c, v in zip(columns, row, strict=True)}) for row in rows],
            batch_size=2000,
        )
        return len(rows)
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join([_text(value) for value in row]))
        write("\n")
    buffer.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
    return len(rows)
