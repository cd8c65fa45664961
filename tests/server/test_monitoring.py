"""CheckContract and CheckPortfolio over a real server, against the in-process engine."""

from __future__ import annotations

import copy
import json
from typing import Any

import grpc
import pytest
from google.rpc import code_pb2

from probity.clients.client import ProbityClient
from probity.codec.as_json import contract_result_to_dict
from probity.codec.messages import contract_result_to_proto
from probity.engine.monitoring.contract_result import contract_dict
from probity.engine.monitoring.monitor import Monitor
from tests.conftest import RULES, shipped
from tests.server.conftest import example
from tests.server.details import status_of, violations

MONITORING = "ethical-standards-monitoring"
EXAMPLES = RULES / "examples" / MONITORING


def series(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return loaded


@pytest.fixture(scope="module")
def local() -> Monitor:
    return Monitor(shipped(RULES / f"{MONITORING}.yaml"))


def test_check_contract_returns_the_engines_result(client: ProbityClient, local: Monitor) -> None:
    for name, rating in (("strong", "good"), ("weak", "inadequate"), ("breached", "inadequate")):
        data = series(name)
        got = client.check_contract(MONITORING, data["contract"], data["returns"])
        assert got == contract_result_to_proto(local.check(data))
        assert contract_result_to_dict(got)["rating"] == rating
        # The client's JSON shape is the engine's (whole numbers may come back as ints).
        assert contract_result_to_dict(got) == contract_dict(local.check(data))


def test_returns_in_any_order_with_a_duplicate_give_one_result(
    client: ProbityClient, local: Monitor
) -> None:
    data = series("weak")
    shuffled = [*reversed(data["returns"]), copy.deepcopy(data["returns"][1])]
    got = client.check_contract(MONITORING, data["contract"], shuffled)
    assert [p.period for p in got.periods] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(got.notices) == ["2026-Q2: duplicate return ignored (returns[2]); it was identical"]
    assert got.rating == contract_result_to_proto(local.check(data)).rating


def test_a_bad_return_is_invalid_argument_naming_the_field(client: ProbityClient) -> None:
    data = series("strong")
    data["returns"][1]["period"] = "2026-Q7"
    data["returns"][2]["measures"]["satisfaction"]["user_pct"] = 140
    data["returns"][3]["due"] = ""
    data["contract"]["targets"]["staff.happiness"] = 3
    data["contract"]["contract_id"] = ""  # issue 20: once refused alone, before the rest
    with pytest.raises(grpc.RpcError) as caught:
        client.check_contract(MONITORING, data["contract"], data["returns"])
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    found = violations(status_of(caught.value))
    assert sorted(found) == [
        "contract.contract_id",
        "contract.targets.staff.happiness",
        "returns[1].period",
        "returns[2].measures.satisfaction.user_pct",
        "returns[3].due",
    ]
    assert found["returns[1].period"] == "expected a quarter like 2026-Q3"
    assert found["returns[3].due"] == "required field is missing"
    assert found["contract.contract_id"] == "required field is missing"


def test_the_wrong_kind_of_rule_set_is_a_failed_precondition(client: ProbityClient) -> None:
    data = series("strong")
    with pytest.raises(grpc.RpcError) as caught:
        client.check_contract("nolan-tender", data["contract"], data["returns"])
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "nolan-tender is a tender rule set: use Evaluate" in caught.value.details()
    with pytest.raises(grpc.RpcError) as caught:
        client.evaluate(MONITORING, example("strong"))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "use CheckContract or CheckPortfolio" in caught.value.details()


def test_an_unknown_rule_set_is_not_found(client: ProbityClient) -> None:
    data = series("strong")
    with pytest.raises(grpc.RpcError) as caught:
        client.check_contract("ethical-monitoring", data["contract"], data["returns"])
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_portfolio_streams_every_contract_and_fails_only_the_bad_one(
    client: ProbityClient, local: Monitor
) -> None:
    portfolio = []
    for n in range(300):
        data = series(("strong", "weak", "breached")[n % 3])
        ident = f"CT-{n:04d}"
        data["contract"]["contract_id"] = ident
        for item in data["returns"]:
            item["contract_id"] = ident
        portfolio.append(data)
    portfolio[150]["returns"][0]["received"] = "yesterday"
    responses = list(
        client.check_portfolio(MONITORING, ((d["contract"], d["returns"]) for d in portfolio))
    )
    assert sorted(r.contract_id for r in responses) == sorted(
        d["contract"]["contract_id"] for d in portfolio
    )
    failed = [r for r in responses if not r.HasField("result")]
    assert [r.contract_id for r in failed] == ["CT-0150"]
    assert failed[0].error.code == code_pb2.INVALID_ARGUMENT
    by_id = {r.contract_id: r.result for r in responses if r.HasField("result")}
    for data in portfolio[:12]:
        expected = contract_result_to_proto(local.check(data))
        assert by_id[data["contract"]["contract_id"]] == expected
