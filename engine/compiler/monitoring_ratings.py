"""A monitoring rule set's rating rules and its tests, checked and compiled."""

from __future__ import annotations

from probity.engine.compiler.compiled import MISSING_RETURN, SEVERITY_RANK, RatingRule
from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.errors import Code
from probity.engine.when.typecheck import did_you_mean


def compile_ratings(diagnostics: Diagnostics, spec: RuleSetSpec) -> tuple[RatingRule, ...]:
    """The rating rules, in order: the last applies otherwise."""
    diagnostics.duplicates("ratings", (r.id for r in spec.ratings), "rating rule id")
    criteria = [c.id for c in spec.criteria] + [MISSING_RETURN]
    out = []
    for index, rule in enumerate(spec.ratings):
        where = ("ratings", index)
        last = index == len(spec.ratings) - 1
        if rule.breaches is None and not last:
            diagnostics.fail(
                Code.RATINGS,
                where,
                "only the last rating rule may leave out 'breaches': the rules after "
                "this one could never apply",
            )
        if rule.breaches is None:
            out.append(RatingRule(rule.id, rule.rating, 0, None, 0))
            continue
        if last:
            diagnostics.fail(
                Code.RATINGS,
                (*where, "breaches"),
                "the last rating rule applies otherwise: leave out 'breaches'",
                key=True,
            )
        for n, cid in enumerate(rule.breaches.criteria or []):
            if cid not in criteria:
                hint = did_you_mean(cid, criteria)
                diagnostics.fail(
                    Code.UNKNOWN_REFERENCE,
                    (*where, "breaches", "criteria", n),
                    f"no criterion '{cid}'{hint}",
                )
        chosen = rule.breaches.criteria
        out.append(
            RatingRule(
                rule.id,
                rule.rating,
                SEVERITY_RANK[rule.breaches.severity],
                frozenset(chosen) if chosen is not None else None,
                rule.breaches.at_least,
            )
        )
    return tuple(out)


def check_monitoring_tests(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    """A monitoring rule set's tests ask for returns and a rating, of criteria it has."""
    diagnostics.duplicates("tests", (t.name for t in spec.tests), "test name")
    criteria = [c.id for c in spec.criteria] + [MISSING_RETURN]
    for index, test in enumerate(spec.tests):
        where = ("tests", index)
        if not test.returns and test.file is None:
            diagnostics.fail(
                Code.TESTS,
                where,
                "a monitoring test needs 'returns' (the series to check) or a 'file' with "
                "a contract and its returns",
                key=True,
            )
        if test.file is not None:
            diagnostics.test_file((*where, "file"), test.file)
        for key in ("base", "answers"):
            if getattr(test, key):
                diagnostics.fail(
                    Code.WRONG_KIND,
                    (*where, key),
                    f"'{key}' is for tender tests; give 'returns' (and 'every_return')",
                    key=True,
                )
        if test.expect.band is not None:
            diagnostics.fail(
                Code.WRONG_KIND,
                (*where, "expect", "band"),
                "monitoring tests expect a 'rating'",
                key=True,
            )
        for cid in test.expect.criteria:
            if cid not in criteria:
                hint = did_you_mean(cid, criteria)
                diagnostics.fail(
                    Code.UNKNOWN_REFERENCE,
                    (*where, "expect", "criteria", cid),
                    f"no criterion '{cid}'{hint}",
                    key=True,
                )
