"""The worked example of rules/README.md, done as the guide says, step by step: its YAML is
taken from the guide itself, so the guide cannot drift from what the product does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import grpc
import pytest

from probity.clients.client import ProbityClient
from probity.engine.errors import RuleFileError
from probity.engine.testing import run_tests
from tests.conftest import RULES, shipped
from tests.server.conftest import TOKENS, rules_copy, running, settings_for, token_file

GUIDE = (RULES / "README.md").read_text(encoding="utf-8")
WORKED = GUIDE[GUIDE.index("## Worked example") :]
CRITERION, INPUT = re.findall(r"```yaml\n(.*?)```", WORKED, re.DOTALL)[:2]
FILE = "provider-representatives.yaml"


def _edit(path: Path, before: str, after: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert before in text
    path.write_text(text.replace(before, after, 1), encoding="utf-8")


def _answer_examples(rules: Path) -> None:
    for name, value in [("strong", True), ("rejected", True), ("weak", False)]:
        path = rules / "examples" / "provider-representatives" / f"{name}.json"
        record = json.loads(path.read_text())
        record["answers"]["leadership"]["challenges_policy"] = value
        path.write_text(json.dumps(record, indent=2))


def test_the_worked_example_goes_from_a_new_criterion_to_a_published_version(
    tmp_path: Path,
) -> None:
    rules = rules_copy(tmp_path / "officer")
    path = rules / FILE
    # 2. Write the criterion, after LEA-03.
    _edit(path, "\n# Bands.", "\n" + CRITERION + "\n# Bands.")
    # 3. Check it: the guide's message, at the criterion's line.
    with pytest.raises(RuleFileError) as caught:
        shipped(path)
    [problem] = [str(d) for d in caught.value.diagnostics]
    assert problem.endswith(
        "unknown field 'leadership.challenges_policy'; did you mean 'leadership.challenge_record'?"
    )
    assert problem.split(": ", 1)[1] in GUIDE
    _edit(
        path,
        "  - path: leadership.promotes_principles",
        INPUT + "  - path: leadership.promotes_principles",
    )
    assert len(shipped(path).criteria) == 22
    # 4. Test it: every test fails, saying why.
    report = run_tests(shipped(path))
    assert report.cases and all(
        "leadership.challenges_policy: required field is missing" in " ".join(c.failures)
        for c in report.cases
    )
    _answer_examples(rules)
    _edit(path, "        LEA-03: met\n", "        LEA-03: met\n        LEA-04: met\n")
    _edit(path, "        LEA-03: not_met\n", "        LEA-03: not_met\n        LEA-04: not_met\n")
    _edit(path, "version: 3.0.0", "version: 4.0.0")
    report = run_tests(shipped(path))
    assert [c.name for c in report.cases if not c.passed] == [] and report.uncovered == []
    # 5. Publish it, with a policy token, to a real server; a portal token may not.
    server_folder = tmp_path / "server"
    server_folder.mkdir()
    settings = settings_for(server_folder, tokens=token_file(server_folder))
    with running(settings) as server:
        target = f"127.0.0.1:{server.port}"
        with (
            ProbityClient(target, token=TOKENS["portal"]) as portal,
            pytest.raises(grpc.RpcError) as refused,
        ):
            portal.publish_ruleset(path.read_text(), FILE)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with ProbityClient(target, token=TOKENS["policy"]) as amira:
            published = amira.publish_ruleset(path.read_text(), FILE)
            assert (published.ruleset.version, published.previous_version) == ("4.0.0", "3.0.0")
            listed = {r.id: r for r in amira.list_rulesets()}
            assert list(listed["provider-representatives"].other_versions) == ["3.0.0"]
            weak = json.loads((rules / "examples/provider-representatives/weak.json").read_text())
            result = amira.evaluate("provider-representatives", weak)
            outcomes = {f.criterion: f for f in result.findings}
            assert outcomes["LEA-04"].source.quote.startswith("offer system partners")
            assert amira.get_ruleset("provider-representatives").source_text == path.read_text()
            (made, *_) = amira.get_ruleset("provider-representatives").activations
            assert (made.version, made.by_name, made.by_role) == (
                "4.0.0",
                "policy-caller",
                "policy",
            )
        assert (settings.rules / FILE).read_text() == (RULES / FILE).read_text()  # not written
