"""The decision log: write evaluations and rule set versions, read them back.

SQLite (a file, WAL mode) by default; PostgreSQL when given a postgresql:// URL. The schema
is brought up to date by Alembic on open. Writes are idempotent: an evaluation is keyed by
(request id, item number) and a rule set version by its digest, so writing twice records
once. Submissions and results are stored compressed (store.compression) and read back as
they were. Any database failure is raised as LogUnavailable, once, for the caller to
translate.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    event,
    func,
    inspect,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from probity.engine import RecordingFailed
from probity.store.compression import Compressor, Dictionary
from probity.store.group_commit import GroupCommit
from probity.store.schema import (
    dictionaries,
    evaluations,
    metadata,
    ruleset_versions,
    tenders,
    undelivered,
)
from probity.store.writer import INSERTED, TENDER_COLUMNS, EvaluationWriter, Row, TenderRow

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration's revision: each file is named for its revision ("0005_views.py").
HEAD = max(path.name.split("_")[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))
# Alembic's record of the revision a log is at, as Alembic makes it.
_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
MAX_PAGE = 1000


class LogUnavailable(RecordingFailed):
    """The decision log cannot be read or written (the database is down, full or locked)."""


def now() -> str:
    """The time, as the log stores it: ISO 8601 UTC, fixed width, so text order is time order."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class RulesetVersion:
    digest: str
    ruleset_id: str
    version: str
    kind: str
    source_text: str
    file: str
    how: str  # "loaded" or "published"
    by_name: str
    by_role: str
    first_seen: str = ""
    citations: str = ""  # what its findings cite (JSON); "" for versions compiled without


@dataclass(frozen=True, slots=True)
class Evaluation:
    request_id: str
    item: int
    method: str
    caller_name: str
    caller_role: str
    kind: str  # "tender" or "monitoring"
    subject_id: str  # the submission id, or the contract id
    tender_id: str
    contract_id: str
    supplier_id: str
    ruleset_id: str
    ruleset_version: str
    ruleset_digest: str
    submission: bytes  # the request item, as received
    result: bytes  # the result, as sent
    view: str = "full"  # the view it was sent in: "full" or "basic"
    recorded_at: str = ""
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Tender:
    """A tender call's ranking as sent; its bids' results are the evaluations recorded
    under the same request id."""

    request_id: str
    tender_id: str
    method: str
    caller_name: str
    caller_role: str
    ruleset_id: str
    ruleset_version: str
    ruleset_digest: str
    bids: int
    ranking: bytes
    recorded_at: str = ""


@dataclass(frozen=True, slots=True)
class Query:
    """Which evaluations to list: every filter given must match. Newest first; `before`
    is the page token (the last seq of the previous page)."""

    tender_id: str = ""
    contract_id: str = ""
    supplier_id: str = ""
    ruleset_id: str = ""
    since: str = ""  # ISO 8601, inclusive
    until: str = ""  # ISO 8601, exclusive
    limit: int = 100
    before: int = 0


_EVALUATION_COLUMNS = [f.name for f in fields(Evaluation)]
_SUMMARY_COLUMNS = [c for c in _EVALUATION_COLUMNS if c not in ("submission", "result")]


def engine_url(url: str) -> str:
    """The SQLAlchemy URL for a --db value: a file path or sqlite:///… for SQLite,
    postgresql://… for PostgreSQL (through psycopg 3)."""
    if url.startswith(("postgresql://", "postgres://")):
        if importlib.util.find_spec("psycopg") is None:
            raise LogUnavailable(
                "a PostgreSQL decision log needs the postgres extra: "
                "pip install 'probity[postgres]'"
            )
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


class DecisionLog:
    def __init__(self, url: str) -> None:
        self.url = engine_url(url)
        self.sqlite = self.url.startswith("sqlite")
        self._errors = _database_errors(postgres=not self.sqlite)
        try:
            self.engine = _engine(self.url)
            self._migrate()
        except SQLAlchemyError as exc:
            reason = _reason(exc)
            if self.sqlite and "locked" in reason:
                reason += " (a SQLite file serves one server at a time: is another using it?)"
            raise LogUnavailable(f"cannot open the decision log: {reason}") from exc
        # Told of every commit of evaluations, its seconds and success (the service's metrics).
        self.on_commit: Callable[[float, bool], None] = lambda seconds, ok: None
        # SQLite takes one writer at a time: queue writers here rather than on its lock.
        self._write_lock = threading.Lock() if self.sqlite else None
        # The writer keeps a connection of its own, outside the readers' pool: a reader's
        # connection opened while the files were failing (SQLite then opens them read-only)
        # would otherwise be handed to the next write after the files recover.
        # (An in-memory database is one connection's alone: there the writer shares it.)
        in_memory = self.sqlite and ":memory:" in self.url
        writing = self.engine if in_memory else _engine(self.url, pooled=False)
        self._writer = EvaluationWriter(writing, self._write_lock)
        self._evaluations = GroupCommit(
            self._insert,
            closed=lambda: LogUnavailable("the decision log is closed: the server is stopping"),
        )
        self._compressor = Compressor(
            self._dictionary, self._store_dictionary, self._load_dictionary
        )

    def _migrate(self) -> None:
        """Bring the log to the newest schema. A log already there, or a new one (made
        from the schema and stamped, as Alembic's own cookbook does), needs no Alembic,
        whose import is a tenth of the server's start; an older log runs the migrations."""
        with self.engine.begin() as connection:
            tables = inspect(connection).get_table_names()
            if "alembic_version" in tables:
                if list(connection.execute(select(_VERSION.c.version_num)).scalars()) == [HEAD]:
                    return
            elif not tables:
                metadata.create_all(connection)
                _VERSION.create(connection)
                connection.execute(_VERSION.insert().values(version_num=HEAD))
                return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self._evaluations.close()
        self._writer.close()
        for engine in {self._writer.engine, self.engine}:
            engine.dispose()

    # -- writing -------------------------------------------------------------------------
    def record_rulesets(self, versions: Iterable[RulesetVersion]) -> None:
        kept = list(versions)
        if kept:
            self.write(lambda connection: self.keep_rulesets(connection, kept))

    def keep_rulesets(self, connection: Connection, versions: Sequence[RulesetVersion]) -> None:
        """Insert rule set versions in a transaction of the caller's (the first record of
        a version stands)."""
        rows = [{**asdict(v), "first_seen": v.first_seen or now()} for v in versions]
        insert = sqlite_insert if self.sqlite else pg_insert
        statement = insert(ruleset_versions).on_conflict_do_nothing(index_elements=["digest"])
        connection.execute(statement, rows)

    def mark_undelivered(self, keys: Sequence[tuple[str, int]]) -> None:
        """Note recorded evaluations (request id, item) as never sent to their caller."""
        rows = [{"request_id": r, "item": i, "noted_at": now()} for r, i in keys]
        if not rows:
            return
        insert = sqlite_insert if self.sqlite else pg_insert
        statement = insert(undelivered).on_conflict_do_nothing()
        self.write(lambda connection: connection.execute(statement, rows))

    def undelivered(self, request_ids: Iterable[str]) -> set[tuple[str, int]]:
        """The (request id, item) of these calls' evaluations noted as never sent."""
        wanted = sorted(set(request_ids))
        if not wanted:
            return set()
        found = self.read(
            select(undelivered.c.request_id, undelivered.c.item).where(
                undelivered.c.request_id.in_(wanted)
            )
        )
        return {(str(row["request_id"]), int(row["item"])) for row in found}

    def record(self, items: Sequence[Evaluation], tender: Tender | None = None) -> None:
        """Record evaluations, and the tender they were ranked in, committed together when
        this returns; any already recorded are left as they are. Concurrent callers share
        transactions (store.group_commit)."""
        if items or tender is not None:
            stamp = now()
            rows: list[Row] = [self._values(e, stamp) for e in items]
            if tender is not None:
                stamped = {**asdict(tender), "recorded_at": tender.recorded_at or stamp}
                rows.append(TenderRow(tuple(stamped[name] for name in TENDER_COLUMNS)))
            self._evaluations.write(rows)

    def _insert(self, rows: list[Row]) -> None:
        """Insert one group of rows (store.writer), translating the database's errors; the
        commit's time and success go to `on_commit` (the metrics)."""
        started = time.perf_counter()
        try:
            self._writer.insert(rows)
        except self._errors as exc:
            self.on_commit(time.perf_counter() - started, False)
            raise LogUnavailable(f"cannot write the decision log: {_reason(exc)}") from exc
        self.on_commit(time.perf_counter() - started, True)

    def _values(self, item: Evaluation, stamp: str) -> tuple[Any, ...]:
        """An evaluation's row, in INSERTED's order (store.writer): stamped now unless it has
        a time, its blobs compressed."""
        values = list(_read_row(item))
        if not item.recorded_at:
            values[_STAMP] = stamp
        blobs, dictionary = self._compressor.compress(
            item.ruleset_digest, (item.submission, item.result)
        )
        values[_SUBMISSION], values[_RESULT] = blobs
        values.append(dictionary)
        return tuple(values)

    def write(self, run: Callable[[Connection], Any]) -> Any:
        """Run `run` in one transaction (one SQLite writer at a time); what it returns, or
        LogUnavailable if the database fails."""
        try:
            with self._write_lock or nullcontext(), self.engine.begin() as connection:
                return run(connection)
        except SQLAlchemyError as exc:
            raise LogUnavailable(f"cannot write the decision log: {_reason(exc)}") from exc

    # -- compression dictionaries (store.compression) ------------------------------------
    def _dictionary(self, digest: str) -> Dictionary | None:
        """The newest dictionary recorded for a rule set version."""
        statement = (
            select(dictionaries.c.id, dictionaries.c.data)
            .where(dictionaries.c.ruleset_digest == digest)
            .order_by(dictionaries.c.id.desc())
            .limit(1)
        )
        rows = self.read(statement)
        return Dictionary(rows[0]["id"], rows[0]["data"]) if rows else None

    def _store_dictionary(self, digest: str, data: bytes) -> int:
        statement = dictionaries.insert().values(ruleset_digest=digest, data=data, created_at=now())
        result = self.write(lambda connection: connection.execute(statement))
        return int(result.inserted_primary_key[0])

    def _load_dictionary(self, dictionary_id: int) -> bytes:
        rows = self.read(select(dictionaries.c.data).where(dictionaries.c.id == dictionary_id))
        if not rows:
            raise LogUnavailable(f"the decision log has no dictionary {dictionary_id}")
        return bytes(rows[0]["data"])

    # -- reading -------------------------------------------------------------------------
    def evaluation(self, seq: int) -> Evaluation | None:
        rows = self.read(select(evaluations).where(evaluations.c.seq == seq))
        return self._evaluation_of(rows[0]) if rows else None

    def _evaluation_of(self, row: dict[str, Any]) -> Evaluation:
        dictionary = row.pop("dictionary")
        for blob in ("submission", "result"):
            row[blob] = self._compressor.decompress(bytes(row[blob]), dictionary)
        return Evaluation(**row)

    def tender(self, tender_id: str, request_id: str = "") -> Tender | None:
        """A tender's ranking: the one its call `request_id` sent, or else the newest."""
        statement = select(tenders).where(tenders.c.tender_id == tender_id)
        if request_id:
            statement = statement.where(tenders.c.request_id == request_id)
        statement = statement.order_by(tenders.c.recorded_at.desc()).limit(1)
        rows = self.read(statement)
        return Tender(**{**rows[0], "ranking": bytes(rows[0]["ranking"])}) if rows else None

    def tender_calls(self, tender_id: str) -> list[tuple[str, str]]:
        """Every call that ranked a tender: (request id, recorded at), newest first."""
        statement = (
            select(tenders.c.request_id, tenders.c.recorded_at)
            .where(tenders.c.tender_id == tender_id)
            .order_by(tenders.c.recorded_at.desc())
        )
        return [(row["request_id"], row["recorded_at"]) for row in self.read(statement)]

    def evaluations_of_call(self, request_id: str) -> list[Evaluation]:
        """Every evaluation one call recorded, with its submission and result, by item."""
        statement = (
            select(evaluations)
            .where(evaluations.c.request_id == request_id)
            .order_by(evaluations.c.item)
        )
        return [self._evaluation_of(row) for row in self.read(statement)]

    def evaluations(self, query: Query) -> tuple[list[dict[str, Any]], int]:
        """A page of evaluation summaries (no submission or result), newest first, and the
        token of the next page (0 when this is the last)."""
        limit = max(1, min(query.limit, MAX_PAGE))
        rows = self.read(list_statement(query, limit + 1))
        more = len(rows) > limit
        page = rows[:limit]
        return page, (page[-1]["seq"] if more else 0)

    def ruleset_version(
        self, digest: str = "", ruleset_id: str = "", version: str = ""
    ) -> RulesetVersion | None:
        """A rule set version by digest, or by id and version number."""
        statement = select(ruleset_versions)
        if digest:
            statement = statement.where(ruleset_versions.c.digest == digest)
        else:
            statement = statement.where(
                ruleset_versions.c.ruleset_id == ruleset_id,
                ruleset_versions.c.version == version,
            )
        rows = self.read(statement.order_by(ruleset_versions.c.first_seen).limit(1))
        return RulesetVersion(**rows[0]) if rows else None

    def count(self) -> int:
        rows = self.read(select(func.count().label("n")).select_from(evaluations))
        return int(rows[0]["n"])

    def read(self, statement: Any) -> list[dict[str, Any]]:
        """The rows of a SELECT, as dictionaries; LogUnavailable if the database fails."""
        try:
            with self.engine.connect() as connection:
                return [dict(row._mapping) for row in connection.execute(statement)]
        except SQLAlchemyError as exc:
            raise LogUnavailable(f"cannot read the decision log: {_reason(exc)}") from exc


def list_statement(query: Query, limit: int) -> Any:
    """The SELECT of evaluation summaries matching a query, newest first."""
    columns = [evaluations.c[name] for name in _SUMMARY_COLUMNS]
    statement = select(*columns).order_by(evaluations.c.seq.desc()).limit(limit)
    for column in ("tender_id", "contract_id", "supplier_id", "ruleset_id"):
        wanted = getattr(query, column)
        if wanted:
            statement = statement.where(evaluations.c[column] == wanted)
            if column != "ruleset_id":  # as the partial index says it (store.schema)
                statement = statement.where(evaluations.c[column] != literal_column("''"))
    if query.since:
        statement = statement.where(evaluations.c.recorded_at >= query.since)
    if query.until:
        statement = statement.where(evaluations.c.recorded_at < query.until)
    if query.before:
        statement = statement.where(evaluations.c.seq < query.before)
    return statement


# A row holds an Evaluation's fields, then the dictionary its blobs were compressed with.
assert INSERTED[-1] == "dictionary"
_STAMP, _SUBMISSION, _RESULT = map(INSERTED.index, ("recorded_at", "submission", "result"))
_read_row = attrgetter(*INSERTED[:-1])


# Errors of the database or its driver (raised as they are where SQLAlchemy is bypassed).
def _database_errors(postgres: bool) -> tuple[type[Exception], ...]:
    """Errors of the database or its driver; psycopg's only on PostgreSQL, where it is
    installed (the `postgres` extra): imported only then, it costs a SQLite start nothing."""
    if not postgres:
        return SQLAlchemyError, sqlite3.Error
    try:
        import psycopg
    except ImportError:
        return SQLAlchemyError, sqlite3.Error
    return SQLAlchemyError, sqlite3.Error, psycopg.Error


def _engine(url: str, *, pooled: bool = True) -> Engine:
    """An engine for the log; `pooled=False` opens a new connection each time it is asked
    (for a caller that keeps its one connection itself)."""
    pooling: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if not url.startswith("sqlite"):
        # pre_ping: a connection the database dropped is replaced, not failed on.
        # paramstyle "format" (%s): positional, as the evaluation insert passes its rows.
        if pooled:
            pooling.update(pool_pre_ping=True, pool_size=4, max_overflow=8)
        return create_engine(url, paramstyle="format", **pooling)
    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:"):
        # SQLite's "unix-excl" VFS keeps the WAL index in this process's memory, not in a
        # mapped -shm file: a -shm file made unwritable or cut short under a running server
        # killed it with SIGBUS. The file is then this server's alone (other processes get
        # "database is locked" until it stops); a fleet shares PostgreSQL.
        def connect() -> sqlite3.Connection:
            target = f"file:{quote(os.path.abspath(path))}?vfs=unix-excl"
            return sqlite3.connect(target, uri=True, timeout=30, check_same_thread=False)

        engine = create_engine(url, creator=connect, **pooling)
    else:
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **pooling
        )

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        cursor.execute("PRAGMA synchronous=FULL")  # a recorded result survives power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _reason(exc: Exception) -> str:
    """The database's own message, without SQLAlchemy's SQL and background links."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
