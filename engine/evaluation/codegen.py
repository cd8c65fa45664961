"""Straight-line Python functions generated from a compiled rule set, for the per-submission
hot paths (reading answers, scoring), where a loop over a table costs more than the work.

Only our own names and validated field paths go into the source, always through repr();
nothing a rule file says is ever written into code as code.
"""

from __future__ import annotations

from typing import Any


def build(source: str, name: str, namespace: dict[str, Any], label: str) -> Any:
    """The function `name` defined by `source`; `label` names it in tracebacks."""
    scope = dict(namespace)
    exec(compile(source, f"<{label}>", "exec"), scope)
    return scope[name]
