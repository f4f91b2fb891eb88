"""A hot query compiled once: the ORM's SQL, kept, then run with new values.

Django builds and compiles a queryset's SQL again on every call. For a query
with several EXISTS subqueries that Python work costs more than the database
does: the chat's access check, run before every message, was about 40 % of a
server's interpreter time in ``bench/chat.py``. ``CompiledQuery`` builds the
queryset once with stand-in values, keeps its SQL per database, and runs it
with the real values in their places, so the rules stay written once, in the
ORM, where the rest of the code reads them.

Stand-ins are values no real query uses (ids below -2**61, instants in 1901),
and each is found in the compiled parameters as the database adapter sees it
(SQLite receives instants as text), so a value the ORM adds itself (a status,
a version) is never mistaken for one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections

_INT_BASE = -(2**61)
_INSTANT_BASE = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)


class CompiledQuery:
    """``build(**values)`` returns a values_list queryset; ``kinds`` names each
    value "int" or "instant". ``first(**values)`` returns its first row or None."""

    def __init__(self, build: Callable[..., Any], kinds: dict[str, str]):
        self._build = build
        self._kinds = kinds
        self._compiled: dict[str, tuple[str, list[str | None], list[Any], Any]] = {}

    def _standins(self) -> dict[str, Any]:
        standins: dict[str, Any] = {}
        for i, (name, kind) in enumerate(sorted(self._kinds.items())):
            if kind == "int":
                standins[name] = _INT_BASE - i
            elif kind == "instant":
                standins[name] = _INSTANT_BASE + dt.timedelta(seconds=i)
            else:
                raise ValueError(f"unknown kind {kind!r} for {name}")
        return standins

    def _adapt(self, connection, kind: str, value: Any) -> Any:
        if kind == "instant":
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def _compile(self, alias: str):
        connection = connections[alias]
        standins = self._standins()
        queryset = self._build(**standins).using(alias)[:1]
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        by_adapted = {
            self._adapt(connection, self._kinds[name], value): name
            for name, value in standins.items()
        }
        slots = [by_adapted.get(p) if isinstance(p, Hashable) else None for p in params]
        missing = set(self._kinds) - {s for s in slots if s}
        if missing:
            raise ValueError(f"the compiled query does not use {sorted(missing)}")
        # Rows come back through the queryset's own converters (booleans,
        # instants) and in the order values_list() named them.
        converters = compiler.get_converters([col for col, _, _ in compiler.select])
        query = queryset.query
        names = list(query.selected or ())  # the SELECT's columns, in order
        order = [names.index(name) for name in queryset._fields] if queryset._fields else None
        return sql, slots, list(params), (compiler, converters, order)

    def first(self, using: str = "default", **values: Any) -> tuple[Any, ...] | None:
        """The first row for these values, as values_list() would give it, or None."""
        if set(values) != set(self._kinds):
            raise TypeError(f"expected values for {sorted(self._kinds)}")
        key = f"{connections[using].vendor}:{using}"
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using)
        sql, slots, params, (compiler, converters, order) = compiled
        connection = connections[using]
        run_params = [
            params[i] if slot is None else self._adapt(connection, self._kinds[slot], values[slot])
            for i, slot in enumerate(slots)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, run_params)
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = next(iter(compiler.apply_converters([row], converters)))
        return tuple(row[i] for i in order) if order is not None else tuple(row)
