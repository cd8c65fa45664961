"""RulesetService: list, read, validate, publish and reload rule sets."""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path
from typing import Any

import grpc
import structlog

from probity.codec import PROTOBUF, views
from probity.codec.messages import (
    diagnostic_to_proto,
    ruleset_info,
    struct_to_python,
)
from probity.engine import (
    CRASHED,
    HUNG,
    TOO_BIG,
    Acceptance,
    CompiledRuleSet,
    Refused,
    Registry,
    RuleFileError,
    SubmissionError,
    WorkerPool,
    check_text,
    input_schema,
)
from probity.server import calls, fields, statuses
from probity.store.decisions import DecisionSink
from probity.v1 import result_pb2, ruleset_pb2, ruleset_pb2_grpc

_log = structlog.get_logger("probity.rulesets")
DEFAULT_FILE_NAME = "submitted.yaml"


class RulesetService(ruleset_pb2_grpc.RulesetServiceServicer):
    def __init__(
        self,
        registry: Registry,
        pool: WorkerPool,
        sink: DecisionSink,
        live_seconds: float = 10,
        sandbox: Acceptance | None = None,
    ) -> None:
        self.registry = registry
        # Where a draft is tried or tested: the child that checks rule sets, replaced every
        # few dozen, never the workers, which keep every rule set they are given.
        self.sandbox = sandbox
        self.live_seconds = live_seconds  # a replica not heard from for longer is gone
        self.pool = pool  # warmed with each new version, so its first calls are not slow
        self.sink = sink  # every version is recorded, with who published it
        self._schemas: dict[str, str] = {}  # digest → the version's input schema (JSON)

    def _info(self, ruleset: CompiledRuleSet) -> ruleset_pb2.RulesetInfo:
        return ruleset_info(ruleset, self.registry.held(ruleset.id))

    def ListRulesets(
        self, request: ruleset_pb2.ListRulesetsRequest, context: grpc.ServicerContext
    ) -> ruleset_pb2.ListRulesetsResponse:
        active = self.registry.catalogue.active
        return ruleset_pb2.ListRulesetsResponse(
            rulesets=[self._info(active[key]) for key in sorted(active)]
        )

    def GetRuleset(
        self, request: ruleset_pb2.GetRulesetRequest, context: grpc.ServicerContext
    ) -> ruleset_pb2.GetRulesetResponse:
        ruleset = self.registry.get(request.id, request.version)
        calls.current().digests.add(ruleset.digest)
        response = ruleset_pb2.GetRulesetResponse(
            ruleset=self._info(ruleset), catalog=views.catalog(ruleset)
        )
        for replica in self.registry.replicas(self.live_seconds):
            version, digest = replica.serving.get(ruleset.id, ("", ""))
            response.replicas.add(replica=replica.replica, host=replica.host, version=version,
                                  digest=digest, seen_at=replica.seen_at)  # fmt: skip
        for made in self.registry.history(ruleset.id):
            response.activations.add(
                version=made.version, digest=made.digest, how=made.how, by_name=made.by_name,
                by_role=made.by_role, activated_at=made.activated_at, note=made.note,
            )  # fmt: skip
        if not request.catalog_only:
            response.source_text = ruleset.source_text
            response.inputs_schema = self._schema(ruleset)
        return response

    def _schema(self, ruleset: CompiledRuleSet) -> str:
        """The version's input schema as JSON text, made once per version."""
        text = self._schemas.get(ruleset.digest)
        if text is None:
            text = json.dumps(input_schema(ruleset), sort_keys=True)
            self._schemas[ruleset.digest] = text
        return text

    def ValidateRuleset(
        self, request: ruleset_pb2.ValidateRulesetRequest, context: grpc.ServicerContext
    ) -> ruleset_pb2.ValidateRulesetResponse:
        try:
            ruleset = self._checked(request.source_text, request.file_name)
        except RuleFileError as exc:
            return ruleset_pb2.ValidateRulesetResponse(
                valid=False, diagnostics=[diagnostic_to_proto(d) for d in exc.diagnostics]
            )
        return ruleset_pb2.ValidateRulesetResponse(
            valid=True,
            ruleset=ruleset_info(ruleset),
            diagnostics=[diagnostic_to_proto(w) for w in ruleset.warnings],
        )

    def TryRuleset(
        self, request: ruleset_pb2.TryRulesetRequest, context: grpc.ServicerContext
    ) -> ruleset_pb2.TryRulesetResponse:
        sandbox, ruleset = self._sandbox(), self._checked(request.source_text, request.file_name)
        done = sandbox.tried(ruleset, struct_to_python(request.answers), PROTOBUF)
        if isinstance(done, list):  # the answers' violations
            raise statuses.ServiceError(
                statuses.invalid_submission(SubmissionError(done), "answers")
            )
        encoded: bytes = _done(done, ruleset)
        return ruleset_pb2.TryRulesetResponse(result=result_pb2.Result.FromString(encoded))

    def TestRuleset(
        self, request: ruleset_pb2.TestRulesetRequest, context: grpc.ServicerContext
    ) -> ruleset_pb2.TestRulesetResponse:
        sandbox, ruleset = self._sandbox(), self._checked(request.source_text, request.file_name)
        cases, met, not_met, criteria = _done(sandbox.tested(ruleset, self._folder), ruleset)
        return ruleset_pb2.TestRulesetResponse(
            cases=[ruleset_pb2.TestCaseOutcome(name=n, failures=f) for n, f in cases],
            met=met,
            not_met=not_met,
            criteria=criteria,
        )

    @property
    def _folder(self) -> Path:
        """Where a caller's test files are looked for: the rules folder (none: no files)."""
        return self.registry.folder or Path(os.devnull)

    def _checked(self, text: str, file_name: str) -> CompiledRuleSet:
        """A caller's rule-file text compiled and accepted (RuleFileError if not), named by
        its file name without folders: a test's `file:` is looked for in the rules folder,
        never against the server's working directory."""
        fields.checked(("file_name", file_name, fields.MAX_FILE_NAME))
        name = Path(file_name or DEFAULT_FILE_NAME).name or DEFAULT_FILE_NAME
        library = self.registry.library
        ruleset = check_text(text, name, self.registry.accept, library, folder=self._folder)
        calls.current().digests.add(ruleset.digest)
        return ruleset

    def _sandbox(self) -> Acceptance:
        if self.sandbox is None:
            said = "this server has no sandbox to try rule files in"
            raise statuses.ServiceError(statuses.unavailable(said))
        return self.sandbox

    def PublishRuleset(
        self, request: ruleset_pb2.PublishRulesetRequest, context: grpc.ServicerContext
    ) -> ruleset_pb2.PublishRulesetResponse:
        fields.checked(("file_name", request.file_name, fields.MAX_FILE_NAME))
        fields.checked_note("note", request.note)
        record = calls.current()
        origin = record.origin
        ruleset, previous = self.registry.publish(
            request.source_text,
            request.file_name or DEFAULT_FILE_NAME,
            partial(self.sink.ruleset, how="published", by=origin),
            by=(origin.caller_name, origin.caller_role),
            note=request.note,
        )
        record.digests.add(ruleset.digest)
        self.pool.warm([ruleset])
        _log.info(
            "rule set published",
            ruleset=ruleset.id,
            version=ruleset.version,
            digest=ruleset.digest,
            previous_version=previous or None,
            caller=record.caller.name if record.caller else None,
        )
        return ruleset_pb2.PublishRulesetResponse(
            ruleset=self._info(ruleset), previous_version=previous
        )

    def GetCaller(
        self, request: ruleset_pb2.GetCallerRequest, context: grpc.ServicerContext
    ) -> ruleset_pb2.GetCallerResponse:
        caller = calls.current().caller
        if caller is None:
            return ruleset_pb2.GetCallerResponse()
        return ruleset_pb2.GetCallerResponse(name=caller.name, role=caller.role)

    def ReloadRulesets(
        self, request: ruleset_pb2.ReloadRulesetsRequest, context: grpc.ServicerContext
    ) -> ruleset_pb2.ReloadRulesetsResponse:
        problems = self.registry.reload()
        active = self.registry.catalogue.active
        for problem in problems:
            _log.warning("rule file not loaded", problem=str(problem))
        self.pool.warm(list(active.values()))
        return ruleset_pb2.ReloadRulesetsResponse(
            rulesets=[self._info(active[key]) for key in sorted(active)],
            diagnostics=[diagnostic_to_proto(d) for d in problems],
        )


def _done(done: Any, ruleset: CompiledRuleSet) -> Any:
    """What the sandbox did, or the status for what it would not do."""
    if not isinstance(done, Refused):
        return done
    if done.reason in (CRASHED, HUNG, TOO_BIG):
        raise statuses.ServiceError(statuses.exhausted("rules engine", done.reason))
    raise statuses.ServiceError(statuses.precondition(ruleset.id, done.reason))
