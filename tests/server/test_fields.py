"""Identifiers, names and notes with characters that break a record or a document: refused
with INVALID_ARGUMENT naming the field, on every store, and never failing the items beside
them. On PostgreSQL a NUL in submission.id got UNAVAILABLE ("try again later", which never
succeeded) and, in a 1,000-item stream, failed 289 to 350 good items with it."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest
from google.rpc import code_pb2

from probity.clients.client import ProbityClient
from tests.conftest import RULES
from tests.server.conftest import TOKENS, example, running, settings_for, token_file
from tests.server.details import status_of, violations

BAD = {
    7: ("id", "s7\x00"),
    11: ("tender_id", "T\x00"),
    19: ("supplier.id", "S\x0019"),
    23: ("supplier.name", "Acme\u202etxt.exe"),
    29: ("supplier.name", "Acme\nNOTICE: pay http://x"),
}


def _stream_item(n: int) -> dict[str, object]:
    record = dict(example(("strong", "weak")[n % 2]), id=f"s{n}")
    record["supplier"] = {"id": f"S{n}", "name": f"Supplier {n}"}
    if n in BAD:
        field, value = BAD[n]
        if field.startswith("supplier."):
            record["supplier"] = dict(record["supplier"], **{field.split(".")[1]: value})
        else:
            record[field] = value
    return record


def test_a_bad_character_fails_its_own_item_alone(db_url: str, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, db=db_url, tokens=token_file(tmp_path))
    with running(settings) as server:
        at = f"127.0.0.1:{server.port}"
        with ProbityClient(at, token=TOKENS["portal"]) as portal:
            records = [_stream_item(n) for n in range(40)]
            responses = list(portal.evaluate_stream("nolan-tender", records))
            assert len(responses) == 40
            failed = {r.submission_id: r.error for r in responses if r.HasField("error")}
            assert len(failed) == len(BAD)
            for n, (field, _value) in BAD.items():
                error = failed[str(records[n]["id"])]
                assert error.code == code_pb2.INVALID_ARGUMENT
                (reason,) = violations(error).values()
                assert list(violations(error)) == [f"submission.{field}"]
                assert "control character" in reason or "direction of the text" in reason
            with pytest.raises(grpc.RpcError) as caught:
                portal.evaluate("nolan-tender", dict(example("strong"), id="one\x00"))
            assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "submission.id" in violations(status_of(caught.value))
        with ProbityClient(at, token=TOKENS["auditor"]) as auditor:
            recorded = list(auditor.list_evaluations())
            assert len(recorded) == 40 - len(BAD) + 0  # the good ones, each once
            assert len({r.subject_id for r in recorded}) == len(recorded)
            with pytest.raises(grpc.RpcError) as caught:
                list(auditor.list_evaluations(tender_id="T\x00"))
            assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "tender_id" in violations(status_of(caught.value))
        text = (RULES / "nolan-tender.yaml").read_text()
        with ProbityClient(at, token=TOKENS["policy"]) as officer:
            for name, note, field in [
                ("nolan-tender.yaml", "why\x00", "note"),
                ("n" * 600 + ".yaml", "", "file_name"),
                ("nolan\u202e.yaml", "", "file_name"),
            ]:
                with pytest.raises(grpc.RpcError) as caught:
                    officer.publish_ruleset(text, name, note)
                assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
                assert field in violations(status_of(caught.value))
            # a note may have lines
            lines = text.replace("version: ", "version: 9", 1)
            published = officer.publish_ruleset(lines, "nolan-tender.yaml", "one\nand two\t")
            assert published.ruleset.version.startswith("9")


def test_a_contract_id_with_a_nul_is_refused_naming_it(tmp_path: Path) -> None:
    data = json.loads((RULES / "examples/ethical-standards-monitoring/strong.json").read_text())
    data["contract"]["contract_id"] = "C\x00"
    with (
        running(settings_for(tmp_path)) as server,
        ProbityClient(f"127.0.0.1:{server.port}") as client,
        pytest.raises(grpc.RpcError) as caught,
    ):
        client.check_contract("ethical-standards-monitoring", data["contract"], data["returns"])
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    reasons = violations(status_of(caught.value))
    assert "control character (U+0000)" in reasons["contract.contract_id"]
