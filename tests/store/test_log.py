"""The decision log on a real SQLite file and a real PostgreSQL server: the same tests on both."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from probity.store.log import (
    HEAD,
    MIGRATIONS,
    DecisionLog,
    Evaluation,
    LogUnavailable,
    Query,
    RulesetVersion,
    Tender,
    engine_url,
    list_statement,
    now,
)
from probity.store.schema import evaluations, metadata, ruleset_versions
from tests.store.test_compression import result_like

RULESET = RulesetVersion(
    digest="d" * 64,
    ruleset_id="nolan-tender",
    version="1.2.0",
    kind="tender",
    source_text="id: nolan-tender\n",
    file="rules/nolan-tender.yaml",
    how="loaded",
    by_name="server",
    by_role="",
)


def evaluation(request_id: str, item: int = 1, **changes: object) -> Evaluation:
    values: dict[str, object] = {
        "request_id": request_id,
        "item": item,
        "method": "/probity.v1.EvaluationService/Evaluate",
        "caller_name": "portal-caller",
        "caller_role": "portal",
        "kind": "tender",
        "subject_id": f"{request_id}/{item}",
        "tender_id": "T-1",
        "contract_id": "",
        "supplier_id": "SUP-1",
        "ruleset_id": "nolan-tender",
        "ruleset_version": "1.2.0",
        "ruleset_digest": RULESET.digest,
        "submission": b"\x0a\x02b1",
        "result": b"\x00\xffresult bytes",
    }
    values.update(changes)
    return Evaluation(**values)  # type: ignore[arg-type]


@pytest.fixture
def log(db_url: str) -> DecisionLog:
    opened = DecisionLog(db_url)
    opened.record_rulesets([RULESET])
    return opened


def test_an_evaluation_reads_back_byte_for_byte(log: DecisionLog) -> None:
    log.record([evaluation("r1")])
    [summary], next_page = log.evaluations(Query())
    assert next_page == 0 and summary["request_id"] == "r1" and "result" not in summary
    stored = log.evaluation(summary["seq"])
    assert stored is not None
    assert stored.result == b"\x00\xffresult bytes" and stored.submission == b"\x0a\x02b1"
    assert stored.recorded_at.endswith("Z") and len(stored.recorded_at) == 27
    version = log.ruleset_version(stored.ruleset_digest)
    assert version is not None and version.source_text == RULESET.source_text
    assert version.first_seen <= stored.recorded_at


def test_writing_the_same_evaluation_twice_records_it_once(log: DecisionLog) -> None:
    log.record([evaluation("r1", 1), evaluation("r1", 2)])
    log.record([evaluation("r1", 2, result=b"other"), evaluation("r1", 3)])
    assert log.count() == 3
    page, _ = log.evaluations(Query())
    second = log.evaluation(next(row["seq"] for row in page if row["item"] == 2))
    assert second is not None and second.result == b"\x00\xffresult bytes"  # the first write stands
    log.record_rulesets([RULESET, RULESET])
    assert log.ruleset_version(ruleset_id="nolan-tender", version="1.2.0") is not None


def test_list_filters_and_pages_newest_first(log: DecisionLog) -> None:
    log.record(
        [evaluation(f"r{n}", tender_id=f"T-{n % 2}", supplier_id=f"S-{n % 3}") for n in range(10)]
    )
    seen: list[str] = []
    before = 0
    while True:
        page, before = log.evaluations(Query(tender_id="T-0", limit=2, before=before))
        seen.extend(row["request_id"] for row in page)
        if not before:
            break
    assert seen == ["r8", "r6", "r4", "r2", "r0"]
    rows, _ = log.evaluations(Query(tender_id="T-1", supplier_id="S-0"))
    assert [r["request_id"] for r in rows] == ["r9", "r3"]
    assert log.evaluations(Query(ruleset_id="other"))[0] == []


def test_time_range_is_inclusive_then_exclusive(log: DecisionLog) -> None:
    log.record([evaluation("early", recorded_at="2026-01-01T00:00:00.000000Z")])
    log.record([evaluation("late", recorded_at="2026-06-01T00:00:00.000000Z")])
    rows, _ = log.evaluations(Query(since="2026-01-01T00:00:00.000000Z", until="2026-06-01"))
    assert [r["request_id"] for r in rows] == ["early"]


def test_the_migrated_schema_is_the_one_the_code_uses(log: DecisionLog) -> None:
    with log.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_an_evaluation_must_name_a_recorded_rule_set_version(log: DecisionLog) -> None:
    with pytest.raises(LogUnavailable, match=r"(?i)foreign key"):
        log.record([evaluation("r1", ruleset_digest="e" * 64)])
    assert log.count() == 0  # the batch is all or nothing


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "probity.db"
    DecisionLog(str(path)).record_rulesets([RULESET])
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_an_unreachable_database_is_reported_as_unavailable(tmp_path: Path) -> None:
    with pytest.raises(LogUnavailable, match="cannot open the decision log"):
        DecisionLog("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(LogUnavailable):
        DecisionLog(f"sqlite:///{tmp_path}/missing-folder/probity.db")


@pytest.mark.parametrize(
    ("given_url", "expected"),
    [
        ("probity.db", "sqlite:///probity.db"),
        ("sqlite:////var/lib/probity.db", "sqlite:////var/lib/probity.db"),
        ("postgresql://u@h:5432/d", "postgresql+psycopg://u@h:5432/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ],
)
def test_db_urls(given_url: str, expected: str) -> None:
    assert engine_url(given_url) == expected


@settings(max_examples=60, deadline=None)
@given(
    blob=st.binary(max_size=2000),
    text=st.text(max_size=200),
)
def test_any_bytes_and_text_read_back_unchanged(
    tmp_path_factory: pytest.TempPathFactory, blob: bytes, text: str
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    log = DecisionLog(f"sqlite:///{folder / 'p.db'}")
    log.record_rulesets([RULESET])
    log.record([evaluation("r", subject_id=text.replace("\x00", ""), result=blob, submission=blob)])
    [row], _ = log.evaluations(Query())
    stored = log.evaluation(row["seq"])
    assert (
        stored is not None
        and stored.result == blob
        and stored.subject_id == text.replace("\x00", "")
    )


def test_blobs_are_compressed_once_a_dictionary_is_trained_and_read_back_exactly(
    db_url: str,
) -> None:
    log = DecisionLog(db_url)
    log.record_rulesets([RULESET])
    sent: dict[str, bytes] = {}

    def record(n: int) -> None:
        result = result_like(n)
        sent[f"r{n}"] = result
        log.record([evaluation(f"r{n}", result=result, submission=f"answers {n}".encode())])

    n = 0
    while not _stored_compressed(log) and n < 5000:
        record(n)
        n += 1
    assert _stored_compressed(log), "no dictionary was trained"
    record(n)
    log.close()

    again = DecisionLog(db_url)  # a restart: old rows read back, the dictionary is reused
    record_again = evaluation("after-restart", result=result_like(99_999))
    again.record([record_again])
    with again.engine.connect() as connection:
        dictionaries = connection.exec_driver_sql("SELECT count(*) FROM dictionaries").scalar()
        stored = connection.exec_driver_sql(
            "SELECT dictionary, length(result) FROM evaluations WHERE request_id = 'after-restart'"
        ).one()
    assert dictionaries == 1
    assert stored[0] is not None and stored[1] * 5 < len(result_like(99_999))
    before = 0
    while True:
        page, before = again.evaluations(Query(limit=1000, before=before))
        for summary in page:
            row = again.evaluation(summary["seq"])
            assert row is not None
            expected = sent.get(row.request_id, result_like(99_999))
            assert row.result == expected, row.request_id
            if row.request_id.startswith("r"):
                assert row.submission == f"answers {row.request_id[1:]}".encode()
        if not before:
            break


def _stored_compressed(log: DecisionLog) -> bool:
    with log.engine.connect() as connection:
        found = connection.exec_driver_sql(
            "SELECT count(*) FROM evaluations WHERE dictionary IS NOT NULL"
        ).scalar()
    return bool(found)


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (Query(tender_id="T-1"), "ix_evaluations_tender"),
        (Query(contract_id="C-1"), "ix_evaluations_contract"),
        (Query(supplier_id="SUP-1"), "ix_evaluations_supplier"),
        (Query(ruleset_id="nolan-tender"), "ix_evaluations_ruleset"),
    ],
)
def test_each_filter_is_served_by_its_index(log: DecisionLog, query: Query, index: str) -> None:
    """The id indexes hold only rows where the id is given; the queries must still use them."""
    log.record([evaluation(f"r{n}", tender_id=f"T-{n}", supplier_id="") for n in range(50)])
    statement = list_statement(query, 10).compile(
        dialect=log.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    with log.engine.connect() as connection:
        if log.sqlite:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}").all()
        else:  # the table is tiny: make PostgreSQL show whether it *can* use the index
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = connection.exec_driver_sql(f"EXPLAIN {statement}").all()
    assert index in str(plan), plan


def test_a_log_written_before_compression_is_migrated_and_reads_back(db_url: str) -> None:
    """A log made by migration 0001 (blobs as they were, no dictionaries) is brought up to
    date on open, keeping its rows as they were."""
    engine = create_engine(engine_url(db_url))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    old = evaluation("r-old", tender_id="T-9", result=b"\x00\xff\x01", submission=b"\x0a\x02")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        version = {**asdict(RULESET), "first_seen": now()}
        del version["citations"]  # the columns 0001 has
        connection.execute(ruleset_versions.insert().values(version))
        row = {**asdict(old), "recorded_at": now()}
        del row["seq"], row["view"]
        connection.execute(evaluations.insert().values(**row))  # the columns 0001 has
    engine.dispose()
    log = DecisionLog(db_url)
    [summary], _ = log.evaluations(Query(tender_id="T-9"))
    stored = log.evaluation(summary["seq"])
    assert stored is not None and stored.result == old.result
    assert stored.submission == old.submission
    assert stored.view == "full"  # 0005: every result before views was FULL
    recorded = log.ruleset_version(RULESET.digest)
    assert recorded is not None and recorded.citations == ""  # 0003: none for older versions
    with log.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_a_new_log_is_made_from_the_schema_as_the_migrations_would_make_it(db_url: str) -> None:
    """A new log is created from the schema and stamped at the newest revision, without
    running Alembic: Alembic then finds it current and its schema the migrated one."""
    log = DecisionLog(db_url)
    try:
        with log.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == HEAD
            assert compare_metadata(context, metadata) == []
    finally:
        log.close()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
    DecisionLog(db_url).close()  # opened again at head: left as it is


def _tender(request_id: str, **changes: object) -> Tender:
    values: dict[str, object] = {
        "request_id": request_id,
        "tender_id": "T-1",
        "method": "/probity.v1.EvaluationService/EvaluateTender",
        "caller_name": "portal-caller",
        "caller_role": "portal",
        "ruleset_id": "nolan-tender",
        "ruleset_version": "1.2.0",
        "ruleset_digest": RULESET.digest,
        "bids": 2,
        "ranking": b"\x0a\x03T-1 ranking " + request_id.encode(),
    }
    values.update(changes)
    return Tender(**values)  # type: ignore[arg-type]


def test_a_tender_is_recorded_with_its_bids_and_the_newest_call_is_current(
    log: DecisionLog,
) -> None:
    log.record([evaluation("r1", 1), evaluation("r1", 2)], _tender("r1"))
    log.record([evaluation("r2", 1)], _tender("r2", bids=1))
    log.record([], _tender("r3", tender_id="T-other"))
    newest = log.tender("T-1")
    assert newest is not None and newest.request_id == "r2" and newest.bids == 1
    assert newest.ranking == b"\x0a\x03T-1 ranking r2" and newest.recorded_at.endswith("Z")
    first = log.tender("T-1", request_id="r1")
    assert first is not None and first.ranking.endswith(b"r1")
    assert log.tender("T-1", request_id="r3") is None and log.tender("T-none") is None
    assert [call for call, _at in log.tender_calls("T-1")] == ["r2", "r1"]
    bids = log.evaluations_of_call("r1")
    assert [(e.item, e.result) for e in bids] == [(1, b"\x00\xffresult bytes")] * 1 + [
        (2, b"\x00\xffresult bytes")
    ]


def test_a_tender_and_its_bids_are_recorded_together_or_not_at_all(log: DecisionLog) -> None:
    """A ranking that cannot be written (it names a version the log does not hold) takes its
    bids with it: the log never holds bids as sent whose ranking was not."""
    with pytest.raises(LogUnavailable, match=r"(?i)foreign key"):
        log.record(
            [evaluation("r1", 1), evaluation("r1", 2)], _tender("r1", ruleset_digest="e" * 64)
        )
    assert log.count() == 0 and log.tender("T-1") is None
    log.record([evaluation("r2", 1)], _tender("r2"))  # and the log writes on
    assert log.count() == 1 and log.tender("T-1") is not None
