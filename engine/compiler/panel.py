"""Panel-scored criteria (`scored_by: panel`), spelled out as ordinary ones before they
compile.

No rule can score a narrative answer ("How will you protect quality when costs are
pressed?"): an evaluation panel reads it, each evaluator scores it alone against the scale's
descriptors, and the lead moderates the scores to a consensus. The consensus comes back to
the engine as answers under the reserved `panel` namespace, which only the panel's records
supply (the service refuses them from a portal):

    panel.<criterion>.points     the moderated score, on the rule set's scale (0/1 for a
                                 pass/fail criterion: 1 passes)
    panel.<criterion>.rationale  the moderation's reasons, in the panel's words

So a panel criterion becomes a criterion with one level per score of the scale, each
matched by durable_rules like any other; until the panel has moderated, its score is not
given and its finding's evidence is missing: "awaiting the evaluation panel". Replaying a
result from its recorded answers then reproduces the panel's score byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.model import (
    CriterionSpec,
    Explanation,
    InputSpec,
    RuleSetSpec,
    ScoreLevel,
)
from probity.engine.compiler.yamlsource import SourceMap
from probity.engine.errors import Code

NAMESPACE = "panel"
AWAITING = (
    "Awaiting the evaluation panel: this criterion is scored by the panel against the "
    "published scale, and its moderated score is not recorded yet."
)
SCORE_LABEL = "The evaluation panel's moderated score"
RATIONALE_LABEL = "The evaluation panel's reasons"


def key(criterion: str) -> str:
    """The criterion's part of the panel namespace: SEL-02 → sel_02."""
    return re.sub(r"[^a-z0-9]+", "_", criterion.lower())


def is_panel_answer(path: str) -> bool:
    """Whether an answer's path is under the namespace only the panel's records fill."""
    return path.split(".", 1)[0] == NAMESPACE


def points_field(criterion: str) -> str:
    return f"{NAMESPACE}.{key(criterion)}.points"


def rationale_field(criterion: str) -> str:
    return f"{NAMESPACE}.{key(criterion)}.rationale"


def expand(diagnostics: Diagnostics, spec: RuleSetSpec) -> RuleSetSpec:
    """The rule set with every panel criterion spelled out (its levels, its explanation and
    the panel's inputs), after checking each is well formed; unchanged when it has none."""
    _check(diagnostics, spec)
    panel = [c for c in spec.criteria if c.scored_by == "panel"]
    if not panel or diagnostics.problems:
        return spec
    top = spec.scale.max_points if spec.scale else 0
    criteria = [_levels(c, top) if c.scored_by == "panel" else c for c in spec.criteria]
    inputs = [*spec.inputs]
    for c in panel:
        inputs += _inputs(c, top)
    return spec.model_copy(update={"criteria": criteria, "inputs": inputs})


def spelled_out(spec: RuleSetSpec) -> RuleSetSpec:
    """A rule file's model with its panel criteria spelled out as the compiler does, for
    comparing it with a compiled version (versioning reads an earlier version's model
    without compiling it); a model whose panel criteria are not well formed is left as it
    is, for the comparison to show."""
    return expand(Diagnostics("", "", SourceMap("", [])), spec)


def _levels(c: CriterionSpec, top: int) -> CriterionSpec:
    score = points_field(c.id)
    if c.gate:
        levels = None
        when: str | None = f"{score} == 1"
    else:
        levels = [ScoreLevel(points=p, when=f"{score} == {p}") for p in range(top, 0, -1)]
        when = None
    said = f"{{{rationale_field(c.id)}}}"
    explain = Explanation(met=said, partly_met=said, not_met=said, evidence_missing=AWAITING)
    return c.model_copy(update={"levels": levels, "when": when, "explain": explain})


def _inputs(c: CriterionSpec, top: int) -> list[InputSpec]:
    return [
        InputSpec(
            path=points_field(c.id),
            type="integer",
            required=False,
            minimum=0,
            maximum=1 if c.gate else top,
            description=f"The evaluation panel's moderated score of {c.id}, from its records",
            label=SCORE_LABEL,
            question=f"What score did the panel agree for '{c.title}'?",
        ),
        InputSpec(
            path=rationale_field(c.id),
            type="text",
            required=False,
            max_length=10_000,
            description=f"The evaluation panel's reasons for its score of {c.id}",
            label=RATIONALE_LABEL,
            question=f"Why did the panel agree that score for '{c.title}'?",
        ),
    ]


def _check(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    fail = diagnostics.fail
    for index, item in enumerate(spec.inputs):
        if is_panel_answer(item.path):
            fail(
                Code.INPUT,
                ("inputs", index, "path"),
                f"'{NAMESPACE}' is kept for the evaluation panel's scores: name the answer "
                "otherwise",
            )
    kinds = {i.path: i.type for i in spec.inputs}
    for index, c in enumerate(spec.criteria):
        where = ("criteria", index)
        if c.scored_by == "rule":
            for field in ("reads", "guidance"):
                if getattr(c, field) is not None:
                    fail(
                        Code.CRITERION,
                        (*where, field),
                        f"'{field}' is for criteria the panel scores (scored_by: panel)",
                        key=True,
                    )
            if c.explain is None:
                fail(Code.CRITERION, where, "this criterion needs 'explain'", key=True)
            continue
        _check_panel(diagnostics, spec, where, c, kinds)


def _check_panel(
    diagnostics: Diagnostics,
    spec: RuleSetSpec,
    where: tuple[str | int, ...],
    c: CriterionSpec,
    kinds: Mapping[str, str],
) -> None:
    fail = diagnostics.fail
    if spec.kind != "tender":
        fail(Code.WRONG_KIND, (*where, "scored_by"), "only tender criteria are scored by a panel")
    if spec.scale is None:
        fail(
            Code.CRITERION,
            (*where, "scored_by"),
            "a panel scores against the published scale: the rule set needs 'scale', its "
            "descriptors saying what each score means",
        )
    for field, why in (
        ("when", "the panel's score decides it, not a condition"),
        ("levels", "the panel scores on the rule set's scale"),
        ("points", "the panel scores on the rule set's scale"),
        ("explain", "its explanation is the panel's moderation rationale"),
    ):
        if getattr(c, field) is not None:
            fail(Code.CRITERION, (*where, field), f"remove '{field}': {why}", key=True)
    if c.guidance is None:
        fail(
            Code.CRITERION,
            where,
            "a panel criterion needs 'guidance': what a good answer shows, for the evaluators",
            key=True,
        )
    if not c.reads:
        fail(
            Code.CRITERION,
            where,
            "a panel criterion needs 'reads': the text answers the panel scores",
            key=True,
        )
    for n, path in enumerate(c.reads or []):
        if path not in kinds:
            fail(Code.UNKNOWN_REFERENCE, (*where, "reads", n), f"no input '{path}'")
        elif kinds[path] != "text":
            fail(
                Code.CRITERION,
                (*where, "reads", n),
                f"'{path}' is a {kinds[path]} answer: a panel reads text answers (type: text)",
            )
