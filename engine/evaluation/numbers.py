"""Numbers written into facts as durable_rules' JSON reader reads them (no durable_rules
import: facts are built where the rules engine is not loaded too)."""

from __future__ import annotations

import orjson


def durable_number(value: float) -> float | orjson.Fragment:
    """A float as durable_rules can read it.

    Its JSON reader misreads an exponent without a decimal point ("1e-94", "1e+16": the batch
    is lost and the process may crash), which is how orjson writes such floats; "1.0e-94"
    reads correctly. Ordinary magnitudes are written without an exponent and pass as they are.
    """
    if value == 0 or 1e-5 <= abs(value) < 1e15:
        return value
    mantissa, _, exponent = orjson.dumps(value).partition(b"e")
    if not exponent or b"." in mantissa:
        return value
    return orjson.Fragment(mantissa + b".0e" + exponent)
