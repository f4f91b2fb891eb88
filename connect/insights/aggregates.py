"""Database functions the figures need on both PostgreSQL and SQLite.

``Median`` is PostgreSQL's ``percentile_cont(0.5)``; SQLite has no median, so
each SQLite connection gets a ``MEDIAN`` aggregate (registered when the
connection opens), which still computes the figure inside the one query.
``Seconds(end, start)`` is the time between two instants in seconds, as a float.
"""

import statistics

from django.db.models import Aggregate, FloatField, Func


class Median(Aggregate):
    function = "MEDIAN"
    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.function = "PERCENTILE_CONT"
        clone.template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class _SqliteMedian:
    def __init__(self):
        self.values: list[float] = []

    def step(self, value):
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def register_sqlite_median(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


class Seconds(Func):
    """Seconds from ``start`` to ``end`` (two datetime expressions)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL and others
        return super().as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
