"""How many generated inputs the fuzz tests sent, for the run's summary.

Fuzz tests call ``record``; the root conftest hands each pytest-xdist worker's
counts to the main process and prints them at the end of the run
(``bench/fuzz.py`` reads those lines).
"""

COUNTS: dict[str, dict[str, int]] = {}  # kind ("form", "socket") -> name -> inputs


def record(kind: str, name: str, n: int = 1) -> None:
    per_kind = COUNTS.setdefault(kind, {})
    per_kind[name] = per_kind.get(name, 0) + n


def merge(counts: dict[str, dict[str, int]]) -> None:
    for kind, names in counts.items():
        for name, n in names.items():
            record(kind, name, n)
