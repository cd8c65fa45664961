"""Does durable_rules accept a compiled rule set? If not, which conditions does it refuse?

Our own checks keep conditions within what durable_rules handles, but it can still refuse
one it finds too complex (a long pattern with many alternatives, say) with a bare number.
This finds the refused conditions so `probity check` can point at their lines in words.
"""

from __future__ import annotations

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.partitions import CATCH_ALL, CATCH_ALL_RULE
from probity.engine.errors import Code, Diagnostic, EngineError
from probity.engine.evaluation.matcher import Matcher

REFUSED = (
    "the rules engine cannot handle this condition: it is too complex (for a pattern: too "
    "long or with too many alternatives); simplify it or split it into several criteria"
)


def refusals(ruleset: CompiledRuleSet) -> list[Diagnostic]:
    """Nothing when durable_rules accepts the rule set; else a diagnostic per refused condition."""
    try:
        Matcher(ruleset.engine_name, ruleset.partitions)
        return []
    except EngineError:
        pass
    problems = []
    for name, rule in ruleset.rules.items():
        try:
            Matcher(f"{ruleset.engine_name}?{name}", [{name: rule, CATCH_ALL: CATCH_ALL_RULE}])
        except EngineError:
            line, col = ruleset.rule_positions[name]
            problems.append(Diagnostic(ruleset.file, line, col, REFUSED, Code.ENGINE_REFUSED))
    whole = "the rules engine cannot handle this rule set as a whole; split it into smaller ones"
    return problems or [Diagnostic(ruleset.file, 1, 1, whole, Code.TOO_COMPLEX)]
