"""Assemble and run the gRPC server: services, health, reflection, auth, TLS, shutdown."""

from __future__ import annotations

import signal
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

import grpc
import structlog
from google.protobuf import message_factory
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from probity.codec import PROTOBUF, wire
from probity.engine import (
    ENGINE_VERSION,
    Acceptance,
    Evaluations,
    Registry,
    RuleFileError,
    WorkerPool,
)
from probity.server import reading, reflection, statuses
from probity.server.audit_service import AuditService
from probity.server.auth import TokenStore
from probity.server.calls import CallInterceptor
from probity.server.evaluation_service import EvaluationService
from probity.server.metrics import Metrics
from probity.server.panel_service import PanelService
from probity.server.recording import Recorder
from probity.server.ruleset_service import RulesetService
from probity.server.settings import Settings
from probity.server.tender_calls import TenderCalls
from probity.store.decisions import NO_SINK, DecisionSink
from probity.store.log import DecisionLog, LogUnavailable
from probity.store.rulesets import Changes, StoredRulesets
from probity.store.sink import LogSink
from probity.v1 import audit_pb2, evaluation_pb2, panel_pb2, ruleset_pb2

_log = structlog.get_logger("probity.server")
EVALUATION = evaluation_pb2.DESCRIPTOR.services_by_name["EvaluationService"]
RULESETS = ruleset_pb2.DESCRIPTOR.services_by_name["RulesetService"]
AUDIT = audit_pb2.DESCRIPTOR.services_by_name["AuditService"]
PANEL = panel_pb2.DESCRIPTOR.services_by_name["PanelService"]
SERVICE_NAMES = (EVALUATION.full_name, RULESETS.full_name, AUDIT.full_name, PANEL.full_name)


class ServerStartError(Exception):
    pass


class ProbityServer:
    """The service, bound to its port on construction; `start` loads rules, then serves."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # durable_rules never runs in this process: a child checks new versions.
        self.acceptance = Acceptance()
        self.acceptance.start()  # its imports overlap with ours until start() checks rules
        self.metrics = Metrics()
        self._metrics_http: Any = None
        tokens = TokenStore.load(settings.tokens) if settings.tokens else None
        self._tracing: Any = None
        self.server = self._grpc_server(settings, CallInterceptor(tokens, self.metrics.call))
        try:
            # Both ports before the workers start: a busy one fails fast, naming the address.
            self.port = self._bind(settings)
            self._serve_metrics(settings)
        except ServerStartError:
            self.acceptance.close()
            raise
        self.log = _open_log(settings)
        self.sink: DecisionSink = LogSink(self.log) if self.log is not None else NO_SINK
        # With a log, its database holds the rule sets, shared by every replica on it.
        store = StoredRulesets(self.log) if self.log is not None else None
        self.registry = Registry(settings.rules, self.acceptance.refusals, store)
        self._changes = Changes(self.log) if self.log is not None else None
        self._following = threading.Thread(
            target=self._follow_store, name="probity-rulesets", daemon=True
        )
        self.pool = WorkerPool(settings.workers, codec=PROTOBUF)
        self.evaluations = Evaluations(self.registry, self.pool)
        self.recorder = Recorder(self.sink)
        self.metrics.watch(self.pool, self.registry)
        if self.log is not None:
            self.log.on_commit = self.metrics.commit
        self.health = health.HealthServicer()
        # Handlers may answer in wire format (bytes): see _add_service.
        for descriptor, servicer in self._services(settings):
            _add_service(self.server, descriptor, servicer)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection.enable((*SERVICE_NAMES, health.SERVICE_NAME), self.server)
        self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        self.open = tokens is None
        self._stopping = threading.Event()
        self.replica = uuid.uuid4().hex[:12]  # this replica, as the store knows it

    def _grpc_server(self, settings: Settings, calls: CallInterceptor) -> grpc.Server:
        """The gRPC server with its threads, message limits and interceptors (tracing first,
        when an endpoint is set, so that its span covers authentication and logging)."""
        interceptors: list[Any] = [calls]
        if settings.otlp_endpoint:
            # Imported here: tracing is off unless an endpoint is given (the tracing extra).
            from probity.server import tracing

            traced, self._tracing = tracing.start(settings.otlp_endpoint)
            interceptors.insert(0, traced)
        limit = settings.limits.max_message_bytes
        return grpc.server(
            ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="probity-rpc"),
            interceptors=interceptors,
            options=[
                ("grpc.max_receive_message_length", limit),
                ("grpc.max_send_message_length", limit),
                ("grpc.so_reuseport", 0),
            ],
        )

    def _services(self, settings: Settings) -> tuple[tuple[Any, Any], ...]:
        """Each service's descriptor and its servicer."""
        return (
            (
                EVALUATION,
                EvaluationService(self.evaluations, self.recorder, settings.limits),
            ),
            (
                RULESETS,
                RulesetService(
                    self.registry,
                    self.pool,
                    self.sink,
                    max(10.0, 3 * settings.sync_seconds),
                    sandbox=self.acceptance,
                ),
            ),
            (
                AUDIT,
                AuditService(
                    self.log,
                    self.evaluations,
                    self.acceptance.refusals,
                    settings.limits.max_message_bytes,
                ),
            ),
            (
                PANEL,
                PanelService(
                    self.log,
                    self.registry,
                    TenderCalls(self.evaluations, self.recorder, settings.limits),
                ),
            ),
        )

    def _bind(self, settings: Settings) -> int:
        try:
            return self._add_port(settings)
        except RuntimeError:  # grpc says only "Failed to bind"; the log above has the reason
            raise ServerStartError(
                f"cannot listen on {settings.address}: is the port in use by another server?"
            ) from None

    def _serve_metrics(self, settings: Settings) -> None:
        if settings.metrics_port is None:
            return
        try:
            self._metrics_http = self.metrics.serve(settings.host, settings.metrics_port)
        except OSError as exc:
            where = settings.at(settings.metrics_port)
            raise ServerStartError(
                f"cannot serve metrics on {where}: {exc.strerror or exc}"
            ) from None
        _log.info("metrics", port=self._metrics_http.server_port, path="/metrics")

    def _add_port(self, settings: Settings) -> int:
        if settings.tls_cert is None or settings.tls_key is None:
            return self.server.add_insecure_port(settings.address)
        client_ca = settings.client_ca.read_bytes() if settings.client_ca else None
        credentials = grpc.ssl_server_credentials(
            [(settings.tls_key.read_bytes(), settings.tls_cert.read_bytes())],
            root_certificates=client_ca,
            require_client_auth=client_ca is not None,
        )
        return self.server.add_secure_port(settings.address, credentials)

    def _set_health(self, status: int) -> None:
        for name in ("", *SERVICE_NAMES):
            self.health.set(name, status)

    def _rulesets_health(self, up: bool) -> None:
        """The rule-set path (validate, publish, reload) needs the acceptance child: while
        a dead one is being replaced, that service alone says NOT_SERVING."""
        if self._stopping.is_set():
            return
        if up:
            _log.info("rule-set checks available again")
            self.health.set(RULESETS.full_name, health_pb2.HealthCheckResponse.SERVING)
        else:
            _log.warning("rule-set checks unavailable: their process died and is replaced")
            self.health.set(RULESETS.full_name, health_pb2.HealthCheckResponse.NOT_SERVING)

    def start(self) -> None:
        """Load the rule sets, warm the workers, then serve; ServerStartError (with
        everything started so far stopped) when there is nothing to serve."""
        try:
            self._start()
        except BaseException:  # whatever stops the start, nothing it started is left running
            self.stop(0)
            raise

    def _start(self) -> None:
        # Rule sets load and compile before the port takes calls: a call that arrives early
        # is refused (UNAVAILABLE, which clients retry), never answered from an empty catalogue.
        try:
            problems = self.registry.load()
        except (LogUnavailable, RuleFileError) as exc:
            raise ServerStartError(f"cannot load the rule sets the store holds: {exc}") from None
        for problem in problems:
            said = _log.warning if problem.severity == "warning" else _log.error
            said("rule file not loaded", problem=str(problem))
        active = self.registry.catalogue.active
        if not active:
            raise ServerStartError(
                f"no rule set to serve: {self.settings.rules} holds no rule file that loads"
                + (" and the decision log holds none" if self.log is not None else "")
            )
        self._log_versions()
        tls = "mutual" if self.settings.client_ca else "on" if self.settings.tls_cert else "off"
        if self.open:
            _log.warning(
                "no token file: the server is open to anyone who can reach it, so it listens "
                "on loopback only",
                host=self.settings.host,
            )
        # compiled in every worker before SERVING
        self.pool.warm(list(active.values()), together=True)
        self._heartbeat()
        self._set_health(health_pb2.HealthCheckResponse.SERVING)
        self.acceptance.watch(self._rulesets_health)
        self.server.start()
        if self._changes is not None:
            self._following.start()
        _log.info(
            "serving",
            host=self.settings.host,
            port=self.port,
            rulesets=[f"{r.id}@{r.version}" for r in active.values()],
            workers=self.settings.workers,
            tls=tls,
            auth="open" if self.open else "tokens",
            engine_version=ENGINE_VERSION,
        )

    def _log_versions(self) -> None:
        """Every version loaded goes in the decision log now (an evaluation would put it
        there anyway, before its first result)."""
        try:
            for versions in self.registry.catalogue.versions.values():
                for ruleset in versions.values():
                    self.sink.ruleset(ruleset)
        except LogUnavailable as exc:
            _log.error("rule set versions not logged yet", reason=str(exc))

    def _follow_store(self) -> None:
        """Take each version another replica publishes: at once when the database says so
        (PostgreSQL NOTIFY), else within `sync_seconds` (polling); a failure to read the
        store, or to compile a version, leaves the versions in service serving."""
        assert self._changes is not None
        while not self._stopping.is_set():
            self._changes.wait(self.settings.sync_seconds)
            if self._stopping.is_set():
                return
            try:
                taken = self.registry.sync()
            except (LogUnavailable, RuleFileError) as exc:
                _log.error("rule sets not synchronised with the store", reason=str(exc))
                continue
            if taken:
                self.pool.warm(taken)
                for ruleset in taken:
                    _log.info("rule set activated from the store", ruleset=ruleset.id,
                              version=ruleset.version, digest=ruleset.digest)  # fmt: skip
            self._heartbeat()

    def _heartbeat(self) -> None:
        """Say in the store what this replica serves (a publish's reach is read from it)."""
        try:
            self.registry.heartbeat(self.replica, f"{socket.gethostname()}:{self.port}")
        except LogUnavailable as exc:
            _log.error("could not say what this replica serves", reason=str(exc))

    def stop(self, grace: float | None = None) -> None:
        """Stop taking calls; let those in flight finish (up to the grace period)."""
        self._stopping.set()
        if self._changes is not None:
            self._changes.close()
        self.health.enter_graceful_shutdown()
        if self._metrics_http is not None:
            self._metrics_http.shutdown()
        self.server.stop(self.settings.grace_seconds if grace is None else grace).wait()
        self.pool.close()
        self.acceptance.close()
        if self._tracing is not None:
            self._tracing.shutdown()  # sends the spans still buffered
        if self.log is not None:
            self.log.close()
        _log.info("stopped")


def _open_log(settings: Settings) -> DecisionLog | None:
    """The decision log, migrated to the current schema; the server does not start without
    it (unless it is turned off)."""
    if settings.log_url is None:
        _log.warning("decision log off: evaluations are not recorded")
        return None
    try:
        log = DecisionLog(settings.log_url)
    except LogUnavailable as exc:
        raise ServerStartError(str(exc)) from None
    _log.info("decision log open", db=log.engine.url.render_as_string(hide_password=True))
    return log


def serve(settings: Settings) -> int:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    received: list[int] = []
    stopping = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        # Only note it: the handler runs between two bytecodes of the main thread, which
        # may be inside the logger holding its lock; logging here would deadlock.
        received.append(number)
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = ProbityServer(settings)
    server.start()
    stopping.wait()
    _log.info("shutting down", signal=signal.Signals(received[0]).name)
    server.stop()
    return 0


_HANDLER_KINDS = {  # (client streams, server streams) → how grpc wraps the method
    (False, False): grpc.unary_unary_rpc_method_handler,
    (False, True): grpc.unary_stream_rpc_method_handler,
    (True, False): grpc.stream_unary_rpc_method_handler,
    (True, True): grpc.stream_stream_rpc_method_handler,
}


def _refusing(behaviour: Any) -> Any:
    """A unary method that refuses an unreadable request before its handler sees it."""

    def handle(request: Any, context: grpc.ServicerContext) -> Any:
        if isinstance(request, reading.Unreadable):
            raise statuses.ServiceError(statuses.unreadable(request))
        return behaviour(request, context)

    return handle


def _add_service(server: grpc.Server, service: ServiceDescriptor, servicer: Any) -> None:
    """Register `servicer`'s methods, as the generated add_*_to_server does, except that a
    method may answer with bytes already in wire format: they are sent as they are. So
    interceptors (auth, call logging) never see the difference. And requests are read
    leniently (server.reading): an unreadable unary request is refused with INVALID_ARGUMENT
    naming its field; a stream's handler gets the Unreadable item and fails it alone."""
    handlers = {}
    for method in service.methods:
        request = message_factory.GetMessageClass(method.input_type)
        response = message_factory.GetMessageClass(method.output_type)
        make = _HANDLER_KINDS[(method.client_streaming, method.server_streaming)]
        behaviour = getattr(servicer, method.name)
        handlers[method.name] = make(
            behaviour if method.client_streaming else _refusing(behaviour),
            request_deserializer=reading.lenient(request),
            response_serializer=wire.passthrough(response.SerializeToString),
        )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(service.full_name, handlers),)
    )
    # grpc-stubs predates registered handlers (grpc 1.62), which the generated code uses too.
    server.add_registered_method_handlers(service.full_name, handlers)  # type: ignore[attr-defined]
