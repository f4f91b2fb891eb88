"""Row ids that arrive from outside (forms, query strings, socket frames).

Databases hold ids up to 2**63 - 1; a bigger number, a negative one or a
non-ASCII digit ("³" passes ``str.isdigit``) must read as "no such row",
never reach a query and fail there.
"""

MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """``value`` as a row id (1..MAX_ID), or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None
