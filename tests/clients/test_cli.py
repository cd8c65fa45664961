from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, NOLAN_VERSION, ROOT, RULES, shipped, with_sources


def probity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "probity", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_passes_on_the_shipped_rules() -> None:
    run = probity("check", "rules/")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "rules/nolan-tender.yaml: ok" in run.stdout


def test_check_reports_a_broken_file_at_its_line_without_a_traceback(tmp_path: Path) -> None:
    text = (FIXTURES / "mini.yaml").read_text().replace("severity: critical", "severity: critcal")
    broken = with_sources(tmp_path) / "broken.yaml"
    broken.write_text(text)
    run = probity("check", str(broken))
    assert run.returncode == 1
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "critcal" in t)
    assert f"{broken}:{line}:15: 'critcal' is not allowed here" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout.strip().endswith("1 problem found")


def test_check_timings_name_each_stage_in_order(tmp_path: Path) -> None:
    """Issue 31: the compile stages are a named list, each one timed (`--timings`), then
    durable_rules' check. A file with a problem goes through every stage (so that every
    problem is reported) but is neither assembled nor put to the rules engine."""
    run = probity("check", "--timings", "rules/nolan-tender.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    (line,) = [t for t in run.stdout.splitlines() if " took " in t]
    stages = ["read the YAML", "check the structure", "spell out the panel's criteria",
              "check the inputs", "check the quotes", "compile the criteria", "assemble",
              "accepted by the rules engine"]  # fmt: skip
    assert line.startswith("rules/nolan-tender.yaml: took ")
    places = [line.index(f"{stage} ") for stage in stages]
    assert places == sorted(places)
    spent = [float(part.rsplit(" ", 2)[-2]) for part in line.split(": ", 2)[2].split(", ")]
    assert len(spent) == len(stages) and all(ms >= 0 for ms in spent)
    total = float(line.split(" took ")[1].split(" ms")[0])
    assert abs(total - sum(spent)) < 0.1 * len(spent)
    text = (FIXTURES / "mini.yaml").read_text().replace("severity: critical", "severity: critcal")
    broken = with_sources(tmp_path) / "broken.yaml"
    broken.write_text(text)
    refused = probity("check", "--timings", str(broken))
    assert refused.returncode == 1
    (line,) = [t for t in refused.stdout.splitlines() if " took " in t]
    assert "compile the criteria" in line
    assert "assemble" not in line and "accepted by" not in line
    assert "took" not in probity("check", "rules/nolan-tender.yaml").stdout


def test_test_command_reports_each_test_and_full_coverage() -> None:
    run = probity("test", "rules/")
    assert run.returncode == 0, run.stdout
    assert "PASS  strong bid" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "criteria coverage: 100%"


def test_test_command_fails_when_an_expectation_is_wrong(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "mini.yaml")
        .read_text()
        .replace(
            "      band: compliant\n      total: 100", "      band: compliant\n      total: 90"
        )
    )
    path = with_sources(tmp_path) / "wrong.yaml"
    path.write_text(text)
    run = probity("test", str(path))
    assert run.returncode == 1
    assert "FAIL  strong" in run.stdout and "total is 100, expected 90" in run.stdout


def test_coverage_counts_only_criteria_asserted_both_met_and_not(tmp_path: Path) -> None:
    text = (FIXTURES / "mini.yaml").read_text()
    text = text[: text.index("  - name: partly trained")]
    path = with_sources(tmp_path) / "one-test.yaml"
    path.write_text(text)
    run = probity("test", str(path))
    assert "PASS  strong" in run.stdout and "1 passed, 0 failed" in run.stdout
    assert "criteria coverage: 0%" in run.stdout


def test_evaluate_writes_json_lines_and_reports_bad_submissions(tmp_path: Path) -> None:
    inputs = tmp_path / "in.jsonl"
    strong = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())
    bad = {
        "id": "bad-1",
        "answers": {**strong["answers"], "honesty": {"statement_of_truth": "yes"}},
    }
    inputs.write_text(json.dumps(strong) + "\n" + json.dumps(bad) + "\n")
    run = probity("evaluate", "--rules", "rules/nolan-tender.yaml", str(inputs))
    assert run.returncode == 1
    first, second = (json.loads(line) for line in run.stdout.splitlines())
    assert first["submission_id"] == strong["id"] and first["band"] == "compliant"
    assert len(first["findings"]) == 46
    assert second["error"]["code"] == "invalid_submission"
    fields = {v["field"] for v in second["error"]["violations"]}
    assert (
        "honesty.statement_of_truth" in fields and "honesty.misrepresentation_findings_3y" in fields
    )


def test_in_process_and_worker_evaluation_give_the_same_bytes() -> None:
    examples = sorted(str(p) for p in (ROOT / "rules/examples/nolan-tender").glob("*.json"))
    local = probity("evaluate", "--workers", "0", "--rules", "rules/nolan-tender.yaml", *examples)
    pooled = probity("evaluate", "--workers", "2", "--rules", "rules/nolan-tender.yaml", *examples)
    assert local.returncode == pooled.returncode == 0
    assert local.stdout == pooled.stdout and len(local.stdout.splitlines()) == 3


def test_schema_is_json_schema_of_the_rule_file() -> None:
    run = probity("schema")
    schema = json.loads(run.stdout)
    assert schema["title"] == "RuleSetSpec"
    assert {"id", "version", "criteria", "inputs", "principles", "bands", "tests"} <= set(
        schema["properties"]
    )


def test_summary_format_reads_as_a_short_account() -> None:
    run = probity(
        "evaluate",
        "--format",
        "summary",
        "--rules",
        "rules/nolan-tender.yaml",
        "rules/examples/nolan-tender/rejected.json",
    )
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines[0] == (
        "T-2026-014/bid-03: Rejected (a pass/fail requirement not met) — 97.5 of 100  "
        f"(nolan-tender {NOLAN_VERSION})"
    )  # SEL-02 (4 of the 16 points of Selflessness, weighted 10) awaits the panel
    assert lines[2] == (
        "  awaiting the evaluation panel (SEL-02): counted 0 until it has moderated"
    )
    assert lines[1] == (
        "  rejected: ‘Interests and relationships declared’ is a pass/fail requirement and it "
        "is not met: The supplier has not declared its interests and relationships, which the "
        "principles require."
    )
    assert (
        "  ✗ INT-01 pass/fail The supplier has not declared its interests and relationships"
        in run.stdout
    )
    # A principle whose pass/fail requirement failed does not read as full marks.
    assert "Integrity pass/fail not met" in lines[3] and "Integrity 25" not in lines[3]
    # Issue 21: the summary left out remedies; each unmet criterion is followed by its own.
    remedy = lines.index(next(line for line in lines if line.startswith("  ✗ INT-01"))) + 1
    assert lines[remedy] == (
        "      → Declare every interest and relationship relevant to the contract before award."
    )
    assert "  44 of 46 criteria fully met" in lines  # INT-01 not met; SEL-02 awaits the panel


def test_bad_lines_become_errors_in_place_and_the_rest_is_evaluated(tmp_path: Path) -> None:
    strong = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())
    inputs = tmp_path / "mixed.jsonl"
    inputs.write_text(
        json.dumps(strong)
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "x"})
        + "\n\n"
        + json.dumps(strong)
        + "\n"
    )
    run = probity("evaluate", "--workers", "0", "--rules", "rules/nolan-tender.yaml", str(inputs))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r.get("band") for r in records] == ["compliant", None, None, "compliant"]
    assert records[1]["error"]["where"] == f"{inputs}:2"
    assert records[1]["error"]["message"].startswith("not valid JSON")
    assert records[2]["error"] == {
        "code": "invalid_input",
        "where": f"{inputs}:3",
        "message": 'a submission is {"id": …, "answers": {…}}; "answers" is missing',
    }


def test_a_worker_crash_is_logged_to_stderr_and_stdout_stays_json(tmp_path: Path) -> None:
    import os

    strong = json.loads((ROOT / "rules/examples/nolan-tender/strong.json").read_text())
    inputs = tmp_path / "bids.jsonl"
    inputs.write_text("".join(json.dumps({**strong, "id": f"b{n}"}) + "\n" for n in range(5)))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "probity.clients.cli",
            "evaluate",
            "--rules",
            "rules/nolan-tender.yaml",
            str(inputs),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PROBITY_FAILPOINT_CRASH_ON": "b3"},
    )
    assert run.returncode == 1
    records = [json.loads(line) for line in run.stdout.splitlines()]  # every line is JSON
    assert [r.get("band", r.get("error", {}).get("code")) for r in records] == [
        "compliant",
        "compliant",
        "compliant",
        "engine_crashed",
        "compliant",
    ]
    assert "engine worker died; restarting it" in run.stderr


def test_a_pattern_durable_rules_refused_is_taken_now_that_re2_matches(tmp_path: Path) -> None:
    """Within our pattern limits, durable_rules refused this one ("error code: 503"); since
    patterns are matched by RE2 as the facts are built, it is taken (the refusal's report
    at a line is tested in tests/engine/evaluation/test_acceptance.py)."""
    pattern = "ab+(a|b)b+(a|b)?[0-9]a[0-9](a|b)(a|b)[0-9]"
    text = (FIXTURES / "mini.yaml").read_text()
    text = text.replace(
        "inputs:\n",
        "inputs:\n  - path: name\n    type: string\n    required: false\n"
        "    description: The supplier's trading name.\n",
    ).replace('when: policies contains "whistleblowing"', f'when: name matches "{pattern}"')
    path = with_sources(tmp_path) / "taken.yaml"
    path.write_text(text)
    run = probity("check", str(path))
    assert run.returncode == 0, run.stdout
    assert "error code" not in run.stdout + run.stderr


def test_monitor_locally_writes_one_result_per_contract(tmp_path: Path) -> None:
    import json as _json

    from probity.engine.monitoring.contract_result import contract_json
    from probity.engine.monitoring.monitor import Monitor

    examples = ROOT / "rules" / "examples" / "ethical-standards-monitoring"
    data = _json.loads((examples / "breached.json").read_text())
    returns = tmp_path / "returns.jsonl"
    returns.write_text("".join(_json.dumps(r) + "\n" for r in data["returns"]))
    contracts = tmp_path / "contracts.json"
    contracts.write_text(_json.dumps([data["contract"]]))
    rules = "rules/ethical-standards-monitoring.yaml"
    for workers in ("0", "1"):
        run = probity("monitor", "--rules", rules, "--workers", workers,
                      "--contracts", str(contracts), str(returns))  # fmt: skip
        assert run.returncode == 0, run.stderr
        expected = contract_json(Monitor(shipped(ROOT / rules)).check(data))
        assert run.stdout.encode() == expected + b"\n"
    # Without the contracts file the contract has no targets: target checks do not apply.
    bare = _json.loads(probity("monitor", "--rules", rules, str(returns)).stdout)
    outcomes = {f["criterion"]: f["outcome"] for f in bare["findings"]}
    assert outcomes["SATISFACTION-BELOW-TARGET"] == "not_applicable"
    wrong = probity("monitor", "--rules", "rules/nolan-tender.yaml", str(returns))
    assert wrong.returncode == 2 and "nolan-tender is a tender rule set" in wrong.stderr
    wrong = probity("evaluate", "--rules", rules, str(returns))
    assert wrong.returncode == 2 and "is a monitoring rule set" in wrong.stderr


def test_monitor_takes_a_whole_series_file_as_the_examples_are_written() -> None:
    import json as _json

    from probity.engine.monitoring.contract_result import contract_json
    from probity.engine.monitoring.monitor import Monitor

    rules = "rules/partnership-protocol.yaml"
    examples = [f"rules/examples/partnership-protocol/{n}.json" for n in ("strong", "breached")]
    run = probity("monitor", "--rules", rules, *examples)
    assert run.returncode == 0, run.stderr
    monitor = Monitor(shipped(ROOT / rules))
    expected = b"".join(
        contract_json(monitor.check(_json.loads((ROOT / e).read_text()))) + b"\n" for e in examples
    )
    assert run.stdout.encode() == expected


def test_check_prints_warnings_and_still_accepts_the_file(tmp_path: Path) -> None:
    text = (FIXTURES / "mini.yaml").read_text()
    text = text.replace(
        "    question: What share of your staff are trained in your code of conduct?\n", ""
    )
    path = with_sources(tmp_path) / "mini.yaml"
    path.write_text(text)
    run = probity("check", str(path))
    assert run.returncode == 0
    warning, ok = run.stdout.splitlines()
    assert "warning: input 'staff.ethics_training_pct' has no 'question'" in warning
    assert ok.endswith("ok (mini 1.0.0, 3 criteria, 1 warning)")


def test_test_refuses_a_changed_quote_at_its_line(tmp_path: Path) -> None:
    text = (FIXTURES / "mini.yaml").read_text().replace("declare and resolve", "declare and hide")
    path = with_sources(tmp_path) / "mini.yaml"
    path.write_text(text)
    run = probity("test", str(path))
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "declare and hide" in t)
    assert run.returncode == 1
    assert f"mini.yaml:{line}:14: the quote is not in" in run.stdout
    assert "the document does not go on “hide any interests" in run.stdout


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path: Path) -> None:
    """Issue 21, item 4: `probity evaluate … | head` ended with "[Errno 32] Broken pipe"."""
    record = json.loads((ROOT / "rules/examples/nolan-tender/weak.json").read_text())
    path = tmp_path / "bids.jsonl"
    path.write_text("".join(json.dumps(dict(record, id=f"b{n}")) + "\n" for n in range(3000)))
    command = [sys.executable, "-m", "probity", "evaluate", "--workers", "0"]
    process = subprocess.Popen(
        [*command, "--rules", "rules/nolan-tender.yaml", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    assert json.loads(first)["submission_id"] == "b0"
    process.stdout.close()  # as `head -1` does once it has its line
    said = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141  # what SIGPIPE gives a writer in a shell
    assert said == ""


def test_a_rule_file_copied_out_of_rules_finds_the_shipped_sources(tmp_path: Path) -> None:
    """Its quotes are checked against the shipped library, so the one real typo is the first
    thing a policy officer reads (not one 'not in the source library' per quote)."""
    text = (ROOT / "rules" / "nolan-tender.yaml").read_text()
    copied = tmp_path / "nolan-tender.yaml"
    copied.write_text(text.replace("severity: critical", "severity: critcal", 1))
    run = probity("check", str(copied))
    assert run.returncode == 1
    first = run.stdout.splitlines()[0]
    assert "'critcal' is not allowed here" in first, run.stdout
    assert "source library" not in run.stdout
    missing = probity("check", "--sources", str(tmp_path / "nowhere"), str(copied))
    assert missing.returncode == 1 and missing.stdout.strip() == "1 problem found"
    assert missing.stderr.strip() == (
        f"probity: --sources {tmp_path / 'nowhere'}: no such folder; name the folder that "
        "holds the source library's documents (one .json file each, as rules/sources does)"
    )
    named = probity("check", "--sources", str(ROOT / "rules" / "sources"), str(copied))
    assert named.stdout.splitlines()[0] == first


def test_check_against_an_earlier_version_names_the_change_and_refuses_an_understatement(
    tmp_path: Path,
) -> None:
    # nolan-tender as released in 1.3.0, before the required answers 2.0.0 added.
    released = ROOT / "tests" / "fixtures" / "nolan-tender-1.3.0.yaml"
    run = probity("check", "--against", str(released), "rules/nolan-tender.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[0].startswith(
        "rules/nolan-tender.yaml: a major change from 1.3.0: an answer's type changed: "
        "Safeguards for service quality under cost pressure; a required answer added: "
    )
    text = (ROOT / "rules" / "nolan-tender.yaml").read_text()
    folder = with_sources(tmp_path)
    shutil.copytree(ROOT / "rules" / "examples", folder / "examples")
    understated = folder / "nolan-tender.yaml"
    understated.write_text(text.replace(f"version: {NOLAN_VERSION}", "version: 1.4.0", 1))
    refused = probity("check", "--against", str(released), str(understated))
    assert refused.returncode == 1
    line = text.splitlines().index(f"version: {NOLAN_VERSION}") + 1
    first = refused.stdout.splitlines()[0]
    assert first.startswith(f"{understated}:{line}:10: this is a major change from 1.3.0 (")
    assert first.endswith("so its version must be at least 2.0.0, not 1.4.0")
    assert ": ok (" not in refused.stdout
    same = probity("check", "--against", "rules/nolan-tender.yaml", "rules/nolan-tender.yaml")
    assert same.stdout.splitlines()[0] == f"rules/nolan-tender.yaml: the same as {NOLAN_VERSION}"


def test_a_test_file_name_no_file_system_takes_is_a_problem_at_its_line(tmp_path: Path) -> None:
    """A `file:` over 255 characters aborted the whole run with "[Errno 36] File name too
    long" and an absolute path (and INTERNAL from Validate and Publish)."""
    text = (ROOT / "rules" / "nolan-tender.yaml").read_text()
    long_name = "examples/" + "x" * 300 + ".json"
    copied = with_sources(tmp_path) / "nolan-tender.yaml"
    copied.write_text(text.replace("file: examples/nolan-tender/strong.json", f"file: {long_name}"))
    run = probity("check", str(copied))
    assert run.returncode == 1
    line = text.splitlines().index("    file: examples/nolan-tender/strong.json") + 1
    assert f"{copied}:{line}:" in run.stdout
    assert "a test's file must be a path inside the rule set's folder" in run.stdout
    assert "Errno" not in run.stdout + run.stderr and "Traceback" not in run.stderr


def test_check_names_a_commitment_to_a_kpi_that_does_not_exist(tmp_path: Path) -> None:
    """Issue 35, item 2: a tender's commitment (becomes_kpi) names a KPI of the monitoring
    rule set it names; checked across the files given, or with the file beside it."""
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    tender = folder / "nolan-tender.yaml"
    text = tender.read_text().replace(
        "becomes_kpi: COMPLAINT-RESPONSE", "becomes_kpi: COMPLAINT-REPLY"
    )
    tender.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "COMPLAINT-REPLY" in t)
    for args in ((str(folder),), (str(tender),)):
        run = probity("check", *args)
        assert run.returncode == 1, run.stdout
        assert (
            f"nolan-tender.yaml:{line}:18: ethical-standards-monitoring has no KPI " in run.stdout
        )
        assert "'COMPLAINT-REPLY' (its KPIs: COMPLAINT-RESPONSE, ETHICS-TRAINING" in run.stdout


def test_the_monitor_summary_gives_each_kpis_assessment() -> None:
    run = probity(
        "monitor", "--rules", "rules/ethical-standards-monitoring.yaml", "--workers", "0",
        "--format", "summary", "rules/examples/ethical-standards-monitoring/from-award.json",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert (
        "  KPI Complaints answered promptly: Inadequate: its worst period from 2027-Q1 to "
        "2027-Q4, 2027-Q3 (promised 7 working days, delivered 12 working days in 2027-Q3"
    ) in run.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", "--bogus"),
        ("evaluate", "--rules", "rules/nolan-tender.yaml", "--bogus=1"),
        ("panel", "show", "--bogus", "T-1"),
    ],
)
def test_an_unknown_option_is_named_before_anything_missing(args: tuple[str, ...]) -> None:
    """Issue 36, item 4: `probity evaluate --bogus` said "the following arguments are
    required: INPUT" instead of naming the unknown option."""
    run = probity(*args)
    assert run.returncode == 2
    said = run.stderr.splitlines()[-1]
    assert "--bogus" in said and "required" not in said  # the option, not a missing input
    assert "Traceback" not in run.stderr
    if args[0] == "evaluate":
        assert "error: unknown option --bogus (the options are in probity evaluate --help)" in said
