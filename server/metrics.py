"""Prometheus metrics (prometheus-client), served on --metrics-port: evaluations by rule set,
version, kind and outcome; call latency per RPC; worker restarts, crashed submissions and
the queue; decision-log commits; the rule set versions this replica serves. Each server has
a registry of its own (several run in one test process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from probity.engine import Registry, WorkerPool
from probity.server.calls import CallRecord

# Latency buckets, in seconds: a unary call takes milliseconds, a large tender minutes.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.evaluations = Counter(
            "probity_evaluations",
            "Submissions and contracts evaluated (outcome: evaluated, or failed: refused or "
            "not evaluated)",
            ["ruleset", "version", "kind", "outcome"],
            registry=self.registry,
        )
        self.rpc_seconds = Histogram(
            "probity_rpc_duration_seconds",
            "Time from a call's start to its end, by method and status",
            ["method", "code"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.commit_seconds = Histogram(
            "probity_decision_log_commit_seconds",
            "Time to commit a group of evaluations to the decision log",
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.commit_failures = Counter(
            "probity_decision_log_commit_failures",
            "Commits to the decision log that failed (the callers got UNAVAILABLE)",
            registry=self.registry,
        )
        self._rulesets: Registry | None = None
        self._labels: dict[str, tuple[str, str, str]] = {}  # digest → rule set, version, kind

    def watch(self, pool: WorkerPool, rulesets: Registry) -> None:
        """Report the pool's and the rule sets' state, read when scraped."""
        self._rulesets = rulesets
        self.registry.register(_State(pool, rulesets))

    def call(self, record: CallRecord, status: str, seconds: float) -> None:
        """A call ended (calls.Observer)."""
        self.rpc_seconds.labels(record.method, status).observe(seconds)
        if not record.count or len(record.digests) != 1 or self._rulesets is None:
            return
        (digest,) = record.digests
        ruleset = self._ruleset(digest)
        if ruleset is None:
            return
        ruleset_id, version, kind = ruleset
        evaluated = max(0, record.count - record.failed)
        if evaluated:
            self.evaluations.labels(ruleset_id, version, kind, "evaluated").inc(evaluated)
        if record.failed:
            self.evaluations.labels(ruleset_id, version, kind, "failed").inc(record.failed)

    def commit(self, seconds: float, ok: bool) -> None:
        """A decision-log commit ended (DecisionLog.on_commit)."""
        self.commit_seconds.observe(seconds)
        if not ok:
            self.commit_failures.inc()

    def serve(self, host: str, port: int) -> Any:
        """Serve /metrics on host:port (0: a free port); the HTTP server (its port is
        `server_port`), to shut down when the service stops."""
        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        return server

    def _ruleset(self, digest: str) -> tuple[str, str, str] | None:
        """The labels of the version with this digest (a digest names one text for good, so
        each is looked up once, not on every call)."""
        found = self._labels.get(digest)
        if found is None:
            assert self._rulesets is not None
            for versions in self._rulesets.catalogue.versions.values():
                for ruleset in versions.values():
                    self._labels[ruleset.digest] = (ruleset.id, ruleset.version, ruleset.kind)
            found = self._labels.get(digest)
        return found


class _State(Collector):
    """What is read when scraped: the pool's counters and queue, the versions served."""

    def __init__(self, pool: WorkerPool, rulesets: Registry) -> None:
        self.pool = pool
        self.rulesets = rulesets

    def collect(self) -> Iterator[Any]:
        restarts = CounterMetricFamily(
            "probity_worker_restarts", "Engine workers that died and were replaced"
        )
        restarts.add_metric([], self.pool.restarts)
        yield restarts
        crashed = CounterMetricFamily(
            "probity_crashed_items",
            "Submissions not evaluated: their engine worker died on them alone",
        )
        crashed.add_metric([], self.pool.crashed)
        yield crashed
        queue = GaugeMetricFamily("probity_queue_depth", "Submissions waiting for a worker")
        queue.add_metric([], self.pool.queued())
        yield queue
        active = GaugeMetricFamily(
            "probity_ruleset_active",
            "The rule set versions this replica serves (1 for each active version)",
            labels=["ruleset", "version", "digest"],
        )
        for ruleset in self.rulesets.catalogue.active.values():
            active.add_metric([ruleset.id, ruleset.version, ruleset.digest], 1)
        yield active
