"""TryRuleset and TestRuleset: rule-file text tried and tested in the server's sandbox (the
child that checks rule sets, replaced every few dozen), never in its workers, which keep
every rule set they are given; nothing recorded, nothing kept."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from probity.clients.client import ProbityClient
from tests.conftest import NOLAN_VERSION, RULES
from tests.server.conftest import TOKENS, example, running, settings_for, token_file
from tests.server.details import status_of, violations

NOLAN = (RULES / "nolan-tender.yaml").read_text()


def test_a_draft_is_tried_and_tested_in_the_sandbox(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, tokens=token_file(tmp_path))
    draft = NOLAN.replace(f"version: {NOLAN_VERSION}", "version: 9.0.0", 1).replace(
        "    expect:\n      band: compliant\n      total: 100\n",
        "    expect:\n      band: conditional\n      total: 100\n",
        1,
    )  # the strong bid's own test now expects a band it does not get
    with running(settings) as server:
        at = f"127.0.0.1:{server.port}"
        with ProbityClient(at, token=TOKENS["policy"]) as officer:
            strong = example("strong")["answers"]
            # The panel's score of SEL-02, as a policy officer tries one (TryRuleset).
            strong["panel"] = {"sel_02": {"points": 4, "rationale": "Named safeguards."}}
            tried = officer.try_ruleset(draft, strong, "nolan-tender.yaml")
            assert tried.result.ruleset.version == "9.0.0" and tried.result.total == 100
            assert tried.result.band == "compliant"
            with pytest.raises(grpc.RpcError) as caught:
                officer.try_ruleset(draft, dict(strong, objectivity={"evidence_use": "often"}))
            assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert any(
                f.startswith("answers.objectivity") for f in violations(status_of(caught.value))
            )
            with pytest.raises(grpc.RpcError) as caught:
                officer.try_ruleset(draft.replace("weight: 20", "weight: 25"), strong)
            assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            tested = officer.test_ruleset(draft, "nolan-tender.yaml")
            failed = [c for c in tested.cases if c.failures]
            assert [c.name for c in failed] == ["strong bid"]
            assert len(tested.criteria) == 46 and set(tested.met) <= set(tested.criteria)
            held = officer.get_ruleset("nolan-tender").ruleset
            assert "9.0.0" not in [held.version, *held.other_versions]  # never kept
        with ProbityClient(at, token=TOKENS["auditor"]) as auditor:
            assert auditor.try_ruleset(NOLAN, strong).result.band == "compliant"
            assert list(auditor.list_evaluations()) == []  # nothing recorded
            with pytest.raises(grpc.RpcError) as refused:
                auditor.test_ruleset(NOLAN)
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with (
            ProbityClient(at, token=TOKENS["portal"]) as portal,
            pytest.raises(grpc.RpcError) as refused,
        ):
            portal.try_ruleset(NOLAN, strong)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
