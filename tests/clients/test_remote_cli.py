"""The command line against a real server: evaluate --server, tender, rules, token."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from probity.server.app import ProbityServer
from probity.server.auth import TokenStore
from tests.clients.test_cli import probity
from tests.conftest import FIXTURES, NOLAN_VERSION, ROOT
from tests.server.conftest import EXAMPLES, example, running, settings_for


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbityServer]:
    with running(settings_for(tmp_path_factory.mktemp("cli"))) as started:
        yield started


def _at(server: ProbityServer) -> list[str]:
    return ["--server", f"127.0.0.1:{server.port}"]


def test_evaluate_streams_json_lines_and_reports_bad_lines(
    server: ProbityServer, tmp_path: Path
) -> None:
    lines = [json.dumps(example(name)) for name in ("strong", "weak")]
    lines.insert(1, "{not json")
    bad = example("weak")
    bad["id"] = "bad-one"
    bad["answers"]["integrity"]["interests_declared"] = "perhaps"
    lines.append(json.dumps(bad))
    path = tmp_path / "bids.jsonl"
    path.write_text("\n".join(lines) + "\n")
    run = probity("evaluate", *_at(server), "--ruleset", "nolan-tender", str(path))
    assert run.returncode == 1  # some failed
    records = [json.loads(line) for line in run.stdout.splitlines()]
    results = {r["submission_id"]: r for r in records if "band" in r}
    assert results["T-2026-014/bid-01"]["band"] == "compliant"
    assert results["T-2026-014/bid-02"]["findings"][0]["outcome"] == "not_met"
    errors = [r for r in records if "error" in r]
    unreadable = next(e["error"] for e in errors if e["error"]["code"] == "invalid_input")
    assert unreadable["where"] == f"{path}:2"
    assert unreadable["message"].startswith("not valid JSON")
    refused = next(e for e in errors if e["submission_id"] == "bad-one")
    # Issue 20: one error record shape, here and locally (`probity evaluate --rules`).
    local = probity("evaluate", "--rules", "rules/nolan-tender.yaml", str(path))
    same = next(
        json.loads(line)
        for line in local.stdout.splitlines()
        if json.loads(line).get("submission_id") == "bad-one"
    )
    assert (
        refused
        == same
        == {
            "submission_id": "bad-one",
            "error": {
                "code": "invalid_submission",
                "violations": [
                    {
                        "field": "integrity.interests_declared",
                        "reason": "Input should be a valid boolean",
                    }
                ],
            },
        }
    )
    local_unreadable = next(
        json.loads(line)["error"]
        for line in local.stdout.splitlines()
        if "error" in json.loads(line)
        if json.loads(line)["error"].get("code") == "invalid_input"
    )
    assert local_unreadable == unreadable


def test_evaluate_reads_csv_by_the_rule_sets_input_types_and_writes_csv(
    server: ProbityServer, tmp_path: Path
) -> None:
    answers = example("strong")["answers"]
    flat: dict[str, object] = {}

    def walk(node: dict[str, object], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                flat[f"{prefix}{key}"] = (
                    ";".join(value) if isinstance(value, list) else
                    ("yes" if value is True else "no" if value is False else value)
                )  # fmt: skip

    walk(answers, "")
    path = tmp_path / "bids.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "supplier_name", *flat])
        writer.writeheader()
        writer.writerow({"id": "csv-1", "supplier_name": "Northfield", **flat})
        writer.writerow(
            {
                "id": "csv-2",
                "supplier_name": "Other",
                **{**flat, "integrity.interests_declared": "no"},
            }
        )
    run = probity(
        "evaluate", *_at(server), "--ruleset", "nolan-tender", "--format", "csv", str(path)
    )
    assert run.returncode == 0, run.stderr
    rows = {row["submission_id"]: row for row in csv.DictReader(io.StringIO(run.stdout))}
    # SEL-02 awaits the evaluation panel: 2.5 of Selflessness's 10 not counted yet
    assert rows["csv-1"]["band"] == "compliant" and rows["csv-1"]["total"] == "97.5"
    assert rows["csv-2"]["band"] == "rejected" and rows["csv-2"]["rejected"] == "yes"
    assert rows["csv-1"]["principle.integrity"] == "20.0"
    assert rows["csv-1"]["points.SEL-01"] == "4"  # each criterion's points, and their meaning
    assert (
        rows["csv-1"]["descriptor.SEL-01"] == "Excellent: fully meets the principle, with evidence."
    )


def test_tender_prints_the_ranking(server: ProbityServer, tmp_path: Path) -> None:
    path = tmp_path / "bids.jsonl"
    prices = {"strong": 900_000, "weak": 700_000, "rejected": 650_000}
    path.write_text(
        "\n".join(json.dumps(dict(example(n), price=p)) for n, p in prices.items()) + "\n"
    )
    run = probity("tender", *_at(server), "--ruleset", "nolan-tender", str(path))
    assert run.returncode == 0, run.stderr
    rows = [line for line in run.stdout.splitlines() if "T-2026-014/bid" in line]
    # 58.50 + 40.00: SEL-02 awaits the evaluation panel, so the ranking says it is provisional
    assert rows[0].split()[:2] == ["1", "T-2026-014/bid-01"] and "98.50" in rows[0]
    assert "awaiting the evaluation panel: SEL-02" in rows[0]
    assert "this ranking is provisional" in run.stdout
    assert rows[1].split()[:2] == ["—", "T-2026-014/bid-02"]  # Non-compliant: not awardable
    assert "not ranked: In the band Non-compliant" in rows[1]
    assert rows[2].split()[:2] == ["—", "T-2026-014/bid-03"]
    assert "rejected: ‘Interests and" in rows[2]
    # Issue 21, item 4: piped, the table is plain columns, no box drawing.
    assert not set("│┃━─┏┡└") & set(run.stdout)
    assert "quality:price 60:40" in run.stdout and "price scored on price" in run.stdout
    whole_life = tmp_path / "whole-life.jsonl"
    whole_life.write_text(
        "\n".join(
            json.dumps(dict(example(n), price=p, whole_life_cost=p * 1.5))
            for n, p in prices.items()
        )
        + "\n"
    )
    run = probity("tender", *_at(server), "--ruleset", "nolan-tender", str(whole_life))
    assert run.returncode == 0 and "price scored on whole-life cost" in run.stdout
    as_json = probity(
        "tender", *_at(server), "--ruleset", "nolan-tender", "--format", "json", str(path)
    )
    tender = json.loads(as_json.stdout)
    assert tender["bids"][0]["rank"] == 1
    # Issue 20: one JSON dialect. The tender's results read as `probity evaluate` prints
    # them (outcome "met", not OUTCOME_MET), and its own enum as a word.
    assert tender["cost_basis"] == "price"
    first = tender["bids"][0]["result"]
    evaluated = probity("evaluate", *_at(server), "--ruleset", "nolan-tender", str(path))
    same = next(
        json.loads(line)
        for line in evaluated.stdout.splitlines()
        if json.loads(line)["submission_id"] == first["submission_id"]
    )
    assert {f["outcome"] for f in first["findings"]} <= {
        "met", "partly_met", "not_met", "not_applicable", "evidence_missing"
    }  # fmt: skip
    assert first["findings"] == same["findings"] and first["total"] == same["total"]


def test_rules_commands(server: ProbityServer, tmp_path: Path) -> None:
    listed = probity("rules", "list", *_at(server))
    assert any(
        line.startswith(f"nolan-tender\t{NOLAN_VERSION}\ttender\t")
        for line in listed.stdout.splitlines()
    )
    table = probity("rules", "list", *_at(server), "--format", "markdown").stdout.splitlines()
    assert (
        table[0] == "| rule set | version | kind | digest | title |"
        and table[1] == "|---|---|---|---|---|"
    )
    assert any(line.startswith(f"| nolan-tender | {NOLAN_VERSION} | tender |") for line in table)
    rows = list(
        csv.reader(io.StringIO(probity("rules", "list", *_at(server), "--format", "csv").stdout))
    )
    assert rows[0][0] == "rule set" and len(rows) == len(listed.stdout.splitlines()) + 1
    got = probity("rules", "get", "nolan-tender", *_at(server))
    assert got.stdout == (EXAMPLES.parent.parent / "nolan-tender.yaml").read_text()
    broken = tmp_path / "mini.yaml"
    broken.write_text(
        (FIXTURES / "mini.yaml").read_text().replace("severity: critical", "severity: grave")
    )
    checked = probity("rules", "validate", *_at(server), str(broken))
    assert checked.returncode == 1
    assert f"{broken}:" in checked.stdout and "'grave' is not allowed here" in checked.stdout
    refused = probity("rules", "publish", *_at(server), str(broken))
    assert refused.returncode == 1 and "INVALID_ARGUMENT" in refused.stderr
    assert "Traceback" not in refused.stderr
    good = tmp_path / "mini-good.yaml"
    good.write_text((FIXTURES / "mini.yaml").read_text())
    published = probity("rules", "publish", *_at(server), str(good), "--note", "a first mini")
    assert published.stdout.strip() == "published mini 1.0.0 (new)"
    reloaded = probity("rules", "reload", *_at(server))
    assert "active: mini 1.0.0" in reloaded.stdout
    history = probity("rules", "history", "mini", *_at(server)).stdout.splitlines()
    said = "\t1.0.0\tpublished by a caller without a token\ta first mini"
    assert len(history) == 1 and history[0].endswith(said)
    exported = probity("rules", "export", *_at(server), "--out", str(tmp_path / "export"))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "export" / "mini.yaml").read_text() == good.read_text()
    assert (tmp_path / "export" / "nolan-tender.yaml").read_text() == got.stdout
    assert len(exported.stdout.splitlines()) == len(list((tmp_path / "export").glob("*.yaml")))


def test_unreachable_server_is_a_plain_error() -> None:
    run = probity("rules", "list", "--server", "127.0.0.1:1", "--timeout", "3")
    assert run.returncode == 1
    assert run.stderr.startswith("probity: UNAVAILABLE") and "Traceback" not in run.stderr


def test_token_new_prints_an_entry_the_server_accepts(tmp_path: Path) -> None:
    run = probity("token", "new", "--name", "acme", "--role", "portal")
    token = run.stderr.strip().rsplit(" ", 1)[-1]
    path = tmp_path / "tokens.toml"
    path.write_text(run.stdout)
    caller = TokenStore.load(path).caller(token)
    assert caller is not None and (caller.name, caller.role) == ("acme", "portal")
    assert token not in run.stdout  # only its hash goes in the file


def test_token_new_cannot_be_made_to_write_a_second_entry(tmp_path: Path) -> None:
    """A name holding a newline and TOML stays one quoted name (issue 19, item 9)."""
    sneaky = 'x"\nrole = "policy"\n[[token]]\nname = "y'
    run = probity("token", "new", "--name", sneaky, "--role", "portal")
    token = run.stderr.strip().rsplit(" ", 1)[-1]
    path = tmp_path / "tokens.toml"
    path.write_text(run.stdout)
    caller = TokenStore.load(path).caller(token)
    assert caller is not None and (caller.name, caller.role) == (sneaky, "portal")
    assert len(tomllib.loads(run.stdout)["token"]) == 1


def test_on_a_terminal_a_progress_bar_shows_and_every_result_still_goes_to_stdout(
    server: ProbityServer, tmp_path: Path
) -> None:
    import os
    import pty
    import subprocess
    import sys
    import threading

    from tests.conftest import ROOT

    path = tmp_path / "bids.jsonl"
    path.write_text(
        "".join(json.dumps(dict(example("strong"), id=f"t{n}")) + "\n" for n in range(300))
    )
    terminal, attached = pty.openpty()  # stderr is a terminal; stdout is a pipe
    shown = bytearray()

    def drain() -> None:  # read the terminal as it is written, so it never fills up
        while True:
            try:
                chunk = os.read(terminal, 65536)
            except OSError:
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    run = subprocess.run(
        [sys.executable, "-m", "probity", "evaluate", *_at(server), "--ruleset",
         "nolan-tender", str(path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=attached, timeout=120,
    )  # fmt: skip
    os.close(attached)
    reader.join(timeout=10)
    os.close(terminal)
    assert run.returncode == 0
    ids = {json.loads(line)["submission_id"] for line in run.stdout.splitlines()}
    assert ids == {f"t{n}" for n in range(300)}
    assert b"300/300" in shown  # the progress bar, on the terminal only


def _portfolio_files(folder: Path) -> tuple[Path, Path]:
    """The three monitoring examples as a returns file (newest first) and a contracts file."""
    examples = EXAMPLES.parent / "ethical-standards-monitoring"
    returns, contracts = [], []
    for name in ("strong", "weak", "breached"):
        data = json.loads((examples / f"{name}.json").read_text())
        contracts.append(json.dumps(data["contract"]))
        returns.extend(json.dumps(r) for r in data["returns"])
    (folder / "returns.jsonl").write_text("\n".join(reversed(returns)) + "\n{oops\n")
    (folder / "contracts.jsonl").write_text("\n".join(contracts) + "\n")
    return folder / "returns.jsonl", folder / "contracts.jsonl"


def test_monitor_on_a_server_gives_what_monitor_gives_locally(
    server: ProbityServer, tmp_path: Path
) -> None:
    returns, contracts = _portfolio_files(tmp_path)
    common = ("--contracts", str(contracts), str(returns))
    remote = probity("monitor", *_at(server), "--ruleset", "ethical-standards-monitoring", *common)
    local = probity("monitor", "--rules", "rules/ethical-standards-monitoring.yaml", *common)
    assert remote.returncode == local.returncode == 1  # the line that is not JSON
    remote_records = [json.loads(line) for line in remote.stdout.splitlines()]
    local_records = [json.loads(line) for line in local.stdout.splitlines()]
    results = {r["contract_id"]: r for r in local_records if "rating" in r}
    assert {k: v["rating"] for k, v in results.items()} == {
        "CT-2025-014": "good",
        "CT-2025-022": "inadequate",
        "CT-2024-031": "inadequate",
    }
    for record in remote_records:
        if "rating" in record:
            assert record == results[record["contract_id"]]
    assert sum("rating" in r for r in remote_records) == 3
    assert any(
        r.get("error", {}).get("where") == f"{returns}:12"
        and r["error"]["message"].startswith("not valid JSON")
        for r in remote_records
    )
    summary = probity("monitor", *_at(server), "--ruleset", "ethical-standards-monitoring",
                      "--format", "summary", *common)  # fmt: skip
    assert (
        "CT-2025-022 Brightwell Services Ltd: Inadequate in 2026-Q4 (rule two_high_breaches)"
        in summary.stdout
    )


def test_audit_lists_shows_and_replays_what_was_decided(tmp_path: Path) -> None:
    with running(settings_for(tmp_path)) as server:
        path = tmp_path / "bids.jsonl"
        path.write_text("".join(json.dumps(example(n)) + "\n" for n in ("strong", "weak")))
        assert (
            probity("evaluate", *_at(server), "--ruleset", "nolan-tender", str(path)).returncode
            == 0
        )
        listed = probity("audit", "list", *_at(server), "--tender", "T-2026-014")
        assert listed.returncode == 0, listed.stderr
        lines = [line.split("\t") for line in listed.stdout.splitlines()]
        assert sorted(line[3] for line in lines) == ["T-2026-014/bid-01", "T-2026-014/bid-02"]
        assert {line[2] for line in lines} == {"EvaluateBatchStream"}
        seq = next(line[0] for line in lines if line[3] == "T-2026-014/bid-01")
        table = probity("audit", "list", *_at(server), "--tender", "T-2026-014",
                        "--format", "markdown").stdout.splitlines()  # fmt: skip
        assert table[0] == "| seq | recorded at | call | subject | rule set | caller |"
        assert len(table) == 2 + len(lines) and f"| {seq} |" in "".join(table)
        shown = json.loads(probity("audit", "show", *_at(server), seq).stdout)
        assert shown["result"]["band"] == "compliant"
        assert shown["submission"]["answers"]["integrity"]["interests_declared"] is True
        assert shown["ruleset"]["version"] == NOLAN_VERSION
        replayed = probity("audit", "replay", *_at(server))
        assert replayed.returncode == 0, replayed.stdout
        assert "2 of 2 replayed byte-identical" in replayed.stderr
        missing = probity("audit", "show", *_at(server), "424242")
        assert missing.returncode == 1 and "NOT_FOUND" in missing.stderr


def test_schema_inputs_prints_the_same_schema_here_and_from_a_server(
    server: ProbityServer,
) -> None:
    """`probity schema --inputs`: of a rule file here, of a rule set id on a server."""
    here = probity("schema", "--inputs", "rules/nolan-tender.yaml")
    there = probity("schema", "--inputs", "nolan-tender", *_at(server))
    assert here.returncode == 0 and there.returncode == 0, here.stderr + there.stderr
    assert json.loads(here.stdout) == json.loads(there.stdout)
    schema = json.loads(here.stdout)
    assert schema["title"] == f"Answers for nolan-tender {NOLAN_VERSION}"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    missing = probity("schema", "--inputs", "no-such", *_at(server))
    assert missing.returncode == 1 and "NOT_FOUND" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_tender_of_ten_thousand_bids_from_the_cli(server: ProbityServer, tmp_path: Path) -> None:
    """Issue 20, item 2: `probity tender` of 10,000 bids, through the streaming call."""
    names = ("strong", "weak", "rejected")
    path = tmp_path / "bids.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(dict(example(names[n % 3]), id=f"b{n}", price=400_000 + n))
            for n in range(10_000)
        )
        + "\n"
    )
    run = probity("tender", *_at(server), "--ruleset", "nolan-tender", str(path))
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [line.split() for line in run.stdout.splitlines()]
    ranked = [row for row in rows if len(row) > 1 and row[1][:1] == "b" and row[1][1:].isdigit()]
    assert len(ranked) == 10_000
    assert ranked[0][0] == "1"


def test_the_clients_message_limit_is_an_option(server: ProbityServer, tmp_path: Path) -> None:
    """Issue 20: the client had no way to change its message limit."""
    path = tmp_path / "bids.jsonl"
    path.write_text(json.dumps(dict(example("strong"), price=900_000)) + "\n")
    args = ("evaluate", *_at(server), "--ruleset", "nolan-tender", str(path))
    small = probity(*args, "--max-message-bytes", "2000")
    assert small.returncode == 1 and "RESOURCE_EXHAUSTED" in small.stdout + small.stderr
    assert "Traceback" not in small.stderr
    assert probity(*args, "--max-message-bytes", str(64 * 1024 * 1024)).returncode == 0


def test_the_shipped_example_tenders_rank_as_the_readme_says(server: ProbityServer) -> None:
    """Issue 21, item 4: the shipped examples carried no prices, so the README's tender
    command failed with "no price"; each tender rule set with a quality:price split now
    ships its bids with prices."""
    for ruleset, winner in (
        ("nolan-tender", "T-2026-014/bid-01"),
        ("working-in-partnership", "T-2026-031/bid-01"),
    ):
        bids = f"rules/examples/{ruleset}/bids.jsonl"
        run = probity("tender", *_at(server), "--ruleset", ruleset, "--format", "json", bids)
        assert run.returncode == 0, run.stderr
        ranked = json.loads(run.stdout)["bids"]
        assert len(ranked) == 3 and ranked[0]["submission_id"] == winner


def test_tender_results_as_csv_and_markdown(server: ProbityServer, tmp_path: Path) -> None:
    """Issue 21, item 4: `probity tender --format csv` was refused. A row per bid, in the
    bids' input order, with its rank, scores and a column per criterion (points, outcome);
    `--format markdown` is a Markdown table of the ranking."""
    bids = "rules/examples/nolan-tender/bids.jsonl"
    at = (*_at(server), "--ruleset", "nolan-tender")
    run = probity("tender", *at, "--format", "csv", bids)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    order = [json.loads(line)["id"] for line in (ROOT / bids).read_text().splitlines()]
    assert [r["submission_id"] for r in rows] == order
    assert [r["rank"] for r in rows] == ["1", "", ""]  # not awardable; rejected: not ranked
    assert [r["combined_score"] for r in rows][1:] == ["", ""]  # no score, not 0
    assert rows[2]["rejected"] == "yes" and "pass/fail" in rows[2]["rejections"]
    assert rows[0]["outcome.INT-01"] == "met" and rows[0]["points.SEL-01"] == "4"
    assert rows[2]["outcome.INT-01"] == "not_met"
    shown = probity("tender", *at, "--format", "markdown", bids)
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("**Tender T-2026-014") and "quality:price 60:40" in lines[0]
    table = [line for line in lines if line.startswith("|")]
    assert table[0].replace(" ", "").startswith("|rank|bid|supplier|band|")
    assert set(table[1].replace("|", "").replace(":", "").strip()) == {"-"}
    assert len(table) == 2 + 3 and "T-2026-014/bid-01" in table[2]


def test_evaluate_and_monitor_write_csv_in_input_order(
    server: ProbityServer, tmp_path: Path
) -> None:
    """Issue 21, item 4: CSV for the local commands too, and a server's answers (which
    come as they are done) written in input order; a bad line is a row with its error."""
    records = [dict(example(n), id=f"s{k}") for k, n in enumerate(["weak", "strong"] * 20)]
    path = tmp_path / "bids.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "{not json\n")
    here = probity("evaluate", "--rules", "rules/nolan-tender.yaml", "--format", "csv", str(path))
    there = probity(
        "evaluate", *_at(server), "--ruleset", "nolan-tender", "--format", "csv", str(path)
    )
    assert here.returncode == there.returncode == 1  # the bad line
    for run in (here, there):
        rows = list(csv.DictReader(io.StringIO(run.stdout)))
        good = [r for r in rows if r["status"] == "ok"]
        assert [r["submission_id"] for r in good] == [f"s{k}" for k in range(40)]
        assert {r["outcome.SEL-01"] for r in good} <= {"met", "partly_met", "not_met"}
        assert [r["status"] for r in rows].count("error") == 1
    assert here.stdout.splitlines()[0] == there.stdout.splitlines()[0]  # the same columns
    contracts = ROOT / "rules/examples/ethical-standards-monitoring"
    local = probity(
        "monitor", "--rules", "rules/ethical-standards-monitoring.yaml", "--format", "csv",
        *sorted(str(p) for p in contracts.glob("*.json")),
    )  # fmt: skip
    assert local.returncode == 0, local.stderr
    rated = list(csv.DictReader(io.StringIO(local.stdout)))
    assert [r["rating"] for r in rated] and all(r["status"] == "ok" for r in rated)
    assert "outcome.RETURN-MISSING" in rated[0] and "breaches.RETURN-MISSING" in rated[0]
