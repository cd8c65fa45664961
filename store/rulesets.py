"""Rule sets held in the decision log's database (engine.ruleset_store): every version kept,
each activation recorded, and other replicas told of a publish — on PostgreSQL at once by
NOTIFY, and on either database by polling (`Changes.wait`)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from probity.engine import Activation, CompiledRuleSet, ReplicaState, StoredVersion
from probity.store.log import DecisionLog, RulesetVersion, now
from probity.store.schema import activations, replicas, ruleset_versions

if TYPE_CHECKING:
    import psycopg

CHANNEL = "probity_rulesets"  # the PostgreSQL channel a publish is announced on


class StoredRulesets:
    """The store's side of engine.ruleset_store.RulesetStore, over a DecisionLog."""

    def __init__(self, log: DecisionLog) -> None:
        self.log = log

    def active(self) -> dict[str, str]:
        newest = (
            select(activations.c.ruleset_id, func.max(activations.c.seq).label("seq"))
            .group_by(activations.c.ruleset_id)
            .subquery()
        )
        statement = select(activations.c.ruleset_id, activations.c.digest).join(
            newest, activations.c.seq == newest.c.seq
        )
        return {row["ruleset_id"]: row["digest"] for row in self.log.read(statement)}

    def stored(
        self, digest: str = "", ruleset_id: str = "", version: str = ""
    ) -> StoredVersion | None:
        found = self.log.ruleset_version(digest, ruleset_id, version)
        if found is None or found.kind not in ("tender", "monitoring"):
            return None
        return StoredVersion(
            found.digest,
            found.ruleset_id,
            found.version,
            found.source_text,
            found.citations,
            found.file,
        )

    def versions(self) -> dict[str, list[str]]:
        statement = select(ruleset_versions.c.ruleset_id, ruleset_versions.c.version)
        held: dict[str, list[str]] = {}
        for row in self.log.read(statement):
            held.setdefault(row["ruleset_id"], []).append(row["version"])
        return held

    def activate(self, ruleset: CompiledRuleSet, activation: Activation) -> None:
        version = RulesetVersion(
            digest=ruleset.digest,
            ruleset_id=ruleset.id,
            version=ruleset.version,
            kind=ruleset.kind,
            source_text=ruleset.source_text,
            citations=ruleset.citations,
            file=ruleset.file,
            how="published" if activation.how == "published" else "loaded",
            by_name=activation.by_name or "server",
            by_role=activation.by_role,
        )
        row = {
            "ruleset_id": activation.ruleset_id,
            "version": activation.version,
            "digest": activation.digest,
            "how": activation.how,
            "by_name": activation.by_name,
            "by_role": activation.by_role,
            "note": activation.note,
            "activated_at": activation.activated_at or now(),
        }

        def run(connection: Connection) -> None:
            self.log.keep_rulesets(connection, [version])
            connection.execute(activations.insert().values(**row))
            if not self.log.sqlite:  # told on commit, to every replica listening
                connection.execute(
                    text("SELECT pg_notify(:channel, :digest)"),
                    {"channel": CHANNEL, "digest": ruleset.digest},
                )

        self.log.write(run)

    def heartbeat(self, replica: str, host: str, serving: dict[str, tuple[str, str]]) -> None:
        stamp = now()
        said = json.dumps({k: list(v) for k, v in sorted(serving.items())})
        insert = sqlite_insert if self.log.sqlite else pg_insert
        statement = (
            insert(replicas)
            .values(replica=replica, host=host, started_at=stamp, seen_at=stamp, serving=said)
            .on_conflict_do_update(  # the row a replica first wrote keeps its start
                index_elements=["replica"], set_={"host": host, "seen_at": stamp, "serving": said}
            )
        )
        self.log.write(lambda connection: connection.execute(statement))

    def replicas(self, within_seconds: float) -> list[ReplicaState]:
        since = (datetime.now(UTC) - timedelta(seconds=within_seconds)).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        )
        rows = self.log.read(
            select(replicas).where(replicas.c.seen_at >= since).order_by(replicas.c.host)
        )
        return [
            ReplicaState(
                row["replica"],
                row["host"],
                row["seen_at"],
                {k: (v[0], v[1]) for k, v in json.loads(row["serving"]).items()},
            )
            for row in rows
        ]

    def history(self, ruleset_id: str) -> list[Activation]:
        statement = (
            select(activations)
            .where(activations.c.ruleset_id == ruleset_id)
            .order_by(activations.c.seq.desc())
        )
        rows = self.log.read(statement)
        return [Activation(**{k: v for k, v in row.items() if k != "seq"}) for row in rows]


class Changes:
    """Waits for another replica's publish: a NOTIFY on PostgreSQL, or the time out (the
    polling fallback, and all SQLite has: a SQLite file serves one server)."""

    def __init__(self, log: DecisionLog) -> None:
        self._url = None if log.sqlite else _libpq_url(log)
        self._connection: psycopg.Connection[Any] | None = None
        self._closed = threading.Event()

    def wait(self, timeout: float) -> bool:
        """True when told of a change within `timeout` seconds; False when the time ran out
        (or the listening connection failed: the caller then polls)."""
        if self._url is None or self._closed.is_set():
            self._closed.wait(timeout)
            return False
        import psycopg  # PostgreSQL only (the postgres extra)

        try:
            if self._connection is None:
                self._connection = psycopg.connect(self._url, autocommit=True)
                self._connection.execute(f"LISTEN {CHANNEL}")
            for _notice in self._connection.notifies(timeout=timeout, stop_after=1):
                return True
            return False
        except psycopg.Error:
            self._drop()
            self._closed.wait(timeout)
            return False

    def close(self) -> None:
        self._closed.set()
        self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def _libpq_url(log: DecisionLog) -> str:
    url = log.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
