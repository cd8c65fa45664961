"""BASIC results expanded from the catalog equal FULL ones (codec.expansion), for
generated answers to every shipped tender rule set: the codec writes both views from one
engine result, and expansion puts back exactly what BASIC left out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probity.codec import PROTOBUF, views
from probity.codec.expansion import Catalog, CatalogMismatch, expand, expand_contract
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluations import BASIC, FULL, prepare
from probity.v1 import monitoring_pb2, result_pb2
from tests.conftest import RULES, shipped
from tests.engine.evaluation.test_end_to_end_properties import submissions

TENDER_RULESETS = [
    shipped(path)
    for path in sorted(RULES.glob("*.yaml"))
    if "kind: monitoring" not in path.read_text()
]


def _both_views(ruleset: CompiledRuleSet, answers: dict[str, Any]) -> tuple[Any, Any]:
    (result,) = Evaluator(ruleset).evaluate_many([Submission("s-1", answers)])
    full = result_pb2.Result.FromString(PROTOBUF.encode(result, FULL, ruleset))
    basic = result_pb2.Result.FromString(PROTOBUF.encode(result, BASIC, ruleset))
    return full, basic


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
@pytest.mark.parametrize("ruleset", TENDER_RULESETS, ids=lambda r: r.id)
def test_a_basic_result_expanded_from_its_catalog_is_the_full_result(
    ruleset: CompiledRuleSet, data: st.DataObject
) -> None:
    full, basic = _both_views(ruleset, data.draw(submissions(ruleset)))
    assert basic != full
    expand(basic, Catalog.of(views.catalog(ruleset)))
    assert basic == full


def test_basic_leaves_the_rule_sets_wording_out_and_keeps_what_varies() -> None:
    nolan = next(r for r in TENDER_RULESETS if r.id == "nolan-tender")
    answers = json.loads((RULES / "examples/nolan-tender/rejected.json").read_text())["answers"]
    answers["leadership"]["ethics_review_months"] = 20
    full, basic = _both_views(nolan, answers)
    assert basic.ByteSize() * 3 < full.ByteSize()
    assert basic.band == full.band and basic.total == full.total and not basic.band_label
    assert not basic.exclusion_reasons and full.exclusion_reasons
    for lean, whole in zip(basic.findings, full.findings, strict=True):
        assert (lean.criterion, lean.outcome, lean.points) == (
            whole.criterion,
            whole.outcome,
            whole.points,
        )
        assert not (lean.title or lean.remedy or lean.descriptor or lean.HasField("source"))
        assert [e.field for e in lean.evidence] == [e.field for e in whole.evidence]
        assert all(not e.label and not e.expected for e in lean.evidence)
    # A sentence with a placeholder is rendered per submission and sent; a fixed one is not.
    sent = {f.criterion: f.explanation for f in basic.findings if f.explanation}
    review = next(f for f in full.findings if "20 months" in f.explanation)
    assert sent[review.criterion] == review.explanation
    assert len(sent) < len(basic.findings)


def test_a_catalog_of_another_version_is_refused() -> None:
    nolan = next(r for r in TENDER_RULESETS if r.id == "nolan-tender")
    other = next(r for r in TENDER_RULESETS if r.id != "nolan-tender")
    answers = json.loads((RULES / "examples/nolan-tender/strong.json").read_text())["answers"]
    _, basic = _both_views(nolan, answers)
    with pytest.raises(CatalogMismatch):
        expand(basic, Catalog.of(views.catalog(other)))


MONITORING = [
    (shipped(RULES / f"{path.parent.name}.yaml"), path)
    for path in sorted((RULES / "examples").glob("*/*.json"))
    if "kind: monitoring" in (RULES / f"{path.parent.name}.yaml").read_text()
]


@pytest.mark.parametrize(("ruleset", "path"), MONITORING, ids=lambda v: str(v)[-30:])
def test_a_basic_contract_result_expanded_is_the_full_one(
    ruleset: CompiledRuleSet, path: Any
) -> None:
    series = json.loads(path.read_text())
    (result,) = prepare(ruleset).evaluate_here([Submission("c", series)])
    full = monitoring_pb2.ContractResult.FromString(PROTOBUF.encode(result, FULL, ruleset))
    basic = monitoring_pb2.ContractResult.FromString(PROTOBUF.encode(result, BASIC, ruleset))
    assert basic.ByteSize() * 2 < full.ByteSize()
    assert not any(f.title or f.HasField("source") for f in basic.findings)
    expand_contract(basic, Catalog.of(views.catalog(ruleset)))
    assert basic == full
