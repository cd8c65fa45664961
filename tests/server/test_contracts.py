"""From award to contract (issue 35, item 2), end to end on a real server: the shipped example
tender ranked, taken through its evaluation panel, and its winner's commitments made the
example contract's KPI targets by `probity contract from-award`; four quarters of returns
then say of each promise whether it was kept."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from probity.codec.as_json import contract_result_to_dict
from probity.server.app import ProbityServer
from tests.clients.test_cli import probity
from tests.conftest import EXAMPLE_BIDS, EXAMPLE_DETAILS, EXAMPLE_PANEL, ROOT
from tests.panel_flow import run_panel, signed_in, token_file
from tests.server.conftest import running, settings_for

TENDER = "T-2026-014"
EXAMPLE = ROOT / "rules/examples/ethical-standards-monitoring/from-award.json"
TERM = (
    *("--start", "2027-01-01", "--end", "2029-12-31", "--first-return-due", "2027-Q1"),
    *("--target", "satisfaction.user_pct=85", "--target", "staff.ethics_training_pct=90"),
    *("--target", "complaints.per_1000_users=4"),
)


@pytest.fixture(scope="module")
def awarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityServer]:
    """A server holding the example tender: ranked, then final after its panel."""
    folder = tmp_path_factory.mktemp("award")
    with running(settings_for(folder, tokens=token_file(folder))) as server:
        at = ("--server", f"127.0.0.1:{server.port}", "--token", "prb_portal")
        ranked = probity(
            "tender", *at, "--ruleset", "nolan-tender", "--format", "json",
            "--details", EXAMPLE_DETAILS, EXAMPLE_BIDS,
        )  # fmt: skip
        assert ranked.returncode == 0, ranked.stderr
        yield server


def _from_award(server: ProbityServer, *extra: str) -> Any:
    return probity(
        "contract", "from-award", "--server", f"127.0.0.1:{server.port}",
        "--token", "prb_lead", "--tender", TENDER, *extra,
    )  # fmt: skip


def test_the_winners_commitments_become_the_contracts_kpi_targets(
    awarded: ProbityServer,
) -> None:
    early = _from_award(awarded)
    assert early.returncode == 1 and "awaits the evaluation panel" in early.stderr
    assert "Traceback" not in early.stderr
    wrong = _from_award(awarded, "--target", "satisfaction.user_pct")
    assert wrong.returncode != 0 and "--target takes MEASURE=NUMBER" in wrong.stderr
    scores = {bid: {"SEL-02": agreed} for bid, agreed in EXAMPLE_PANEL.items()}
    run_panel(awarded.port, TENDER, scores)
    made = _from_award(awarded, *TERM)
    assert made.returncode == 0, made.stderr
    contract = json.loads(made.stdout)
    assert "monitor it with --ruleset ethical-standards-monitoring" in made.stderr
    with signed_in(awarded.port, "lead") as lead:
        final = lead.get_tender(TENDER)
    promises = {p["kpi"]: p for p in contract["promises"]}
    assert {k: p["value"] for k, p in promises.items()} == {
        "PERSONALISED-PLANS": 95.0,  # Northfield's answers, the winning bid
        "COMPLAINT-RESPONSE": 7.0,
    }
    assert all(
        (p["tender_id"], p["submission_id"], p["evaluated_in"])
        == (TENDER, "T-2026-014/bid-01", final.request_id)
        for p in promises.values()
    )
    assert contract["supplier"] == "Northfield Care Partnership"
    assert contract["supplier_details"]["identifier"] == "PGPD-1001-NCPX"
    assert contract["procurement_id"] == "ocds-h6vhtk-04a1b2"
    assert contract["contracting_authority"]["name"] == "Northfield Borough Council"
    shipped = json.loads(EXAMPLE.read_text())
    if os.environ.get("PROBITY_REGENERATE_GOLDEN"):
        shipped["contract"] = _portable(contract)
        EXAMPLE.write_text(json.dumps(shipped, indent=2, ensure_ascii=False) + "\n")
    assert _portable(contract) == shipped["contract"]  # the shipped example contract


def _portable(contract: dict[str, Any]) -> dict[str, Any]:
    """The contract as shipped: its promises name the tender and bid, not one server's call."""
    promises = [{k: v for k, v in p.items() if k != "evaluated_in"} for p in contract["promises"]]
    return {**contract, "promises": promises}


def test_monitoring_says_whether_each_promise_was_kept(awarded: ProbityServer) -> None:
    example = json.loads(EXAMPLE.read_text())
    with signed_in(awarded.port, "portal") as portal:
        got = portal.check_contract(
            "ethical-standards-monitoring", example["contract"], example["returns"]
        )
    kpis = {k["kpi"]: k for k in contract_result_to_dict(got)["kpis"]}
    response = kpis["COMPLAINT-RESPONSE"]
    assert response["target_from"] == "promise" and response["target"] == 7
    assert [p["rating"] for p in response["periods"]] == [
        "good", "approaching_target", "inadequate", "inadequate",
    ]  # fmt: skip
    assert response["periods"][2]["reason"].startswith(
        "promised 7 working days, delivered 12 working days in 2027-Q3"
    )
    assert response["overall"] == "inadequate"
    assert kpis["USER-SATISFACTION"]["target_from"] == "contract"  # --target
    assert (got.assessed_from, got.assessed_to) == ("2027-Q1", "2027-Q4")


def test_only_the_logs_readers_derive_a_contract(awarded: ProbityServer) -> None:
    with signed_in(awarded.port, "portal") as portal, pytest.raises(grpc.RpcError) as caught:
        portal.derive_contract(TENDER)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with signed_in(awarded.port, "auditor") as auditor, pytest.raises(grpc.RpcError) as missing:
        auditor.derive_contract("T-NONE")
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_the_notice_of_a_recorded_check_for_the_logs_readers(
    awarded: ProbityServer, tmp_path: Path
) -> None:
    example = json.loads(EXAMPLE.read_text())
    bare = {**example["contract"], "contract_id": "C-BARE", "supplier_details": None}
    with signed_in(awarded.port, "portal") as portal:
        portal.check_contract(
            "ethical-standards-monitoring", example["contract"], example["returns"]
        )
        returns = [{**r, "contract_id": "C-BARE"} for r in example["returns"]]
        portal.check_contract("ethical-standards-monitoring", bare, returns)
        with pytest.raises(grpc.RpcError) as denied:
            portal.performance_notice(1)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with signed_in(awarded.port, "auditor") as auditor:
        checks = {r.subject_id: r.seq for r in auditor.list_evaluations() if r.kind == "monitoring"}
        notice = auditor.performance_notice(checks["T-2026-014/contract"], "2028-02-01")
        assert "Contract performance notice: T-2026-014/contract" in notice.html
        assert json.loads(notice.ocds_json)["releases"][0]["ocid"] == "ocds-h6vhtk-04a1b2"
        with pytest.raises(grpc.RpcError) as refused:
            auditor.performance_notice(checks["C-BARE"])
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "reg 39(4)(f)(iii): the supplier's unique identifier" in (refused.value.details() or "")
    out = tmp_path / "notice.json"
    made = probity(
        "report", "performance-notice", "--decision", str(checks["T-2026-014/contract"]),
        "--server", f"127.0.0.1:{awarded.port}", "--token", "prb_policy_none", "--out", str(out),
    )  # fmt: skip
    assert made.returncode == 1 and "UNAUTHENTICATED" in made.stderr
    assert "give your token with --token TOKEN, or set $PROBITY_TOKEN" in made.stderr
    made = probity(
        "report", "performance-notice", "--decision", str(checks["T-2026-014/contract"]),
        "--server", f"127.0.0.1:{awarded.port}", "--token", "prb_auditor", "--out", str(out),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert json.loads(out.read_text())["releases"][0]["tag"] == ["contractImplementation"]
