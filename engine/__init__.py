"""Probity's rules engine: rule files in, scored findings out. Knows nothing of gRPC.

This is its face: the server, the codec, the store, the reports and the command line import
what they use from `probity.engine`, never from its modules (an import contract keeps it
so). Importing it never loads durable_rules: only evaluating here (`Prepared.local`,
`run_tests`) or in the workers does.
"""

from probity.engine.characters import problem as character_problem
from probity.engine.commitments import AwardedBid, contract_from_award
from probity.engine.comparison import Change, compare
from probity.engine.compiler.citations import citations_from_json
from probity.engine.compiler.compiled import CompiledRuleSet, SourceReference
from probity.engine.compiler.kpis import commitment_problems
from probity.engine.compiler.model import AwardSpec, InputSpec, RuleSetSpec
from probity.engine.compiler.panel import NAMESPACE as PANEL_ANSWERS
from probity.engine.compiler.panel import is_panel_answer, spelled_out
from probity.engine.compiler.pipeline import STAGES, StageTime, Timings, compile_text, load_file
from probity.engine.compiler.yamlsource import YamlSyntaxError
from probity.engine.compiler.yamlsource import load as load_yaml
from probity.engine.errors import (
    Diagnostic,
    EngineCrashed,
    FieldViolation,
    RecordingFailed,
    RuleFileError,
    RulesetConflict,
    SubmissionError,
    UnknownRuleset,
    WrongKind,
)
from probity.engine.evaluation.items import Serialized, Submission
from probity.engine.evaluation.result import (
    Evidence,
    Finding,
    PrincipleScore,
    Rejection,
    Result,
    RulesetRef,
    exclusion_reason,
)
from probity.engine.evaluation.scoring import fixed_explanations
from probity.engine.evaluation.submission import input_schema
from probity.engine.evaluation.thresholds import stated_minimums
from probity.engine.evaluations import (
    BASIC,
    FULL,
    Encoded,
    Evaluations,
    Outcome,
    Prepared,
    View,
    prepare,
)
from probity.engine.monitoring.contract_result import (
    CheckFinding,
    ContractResult,
    KpiPeriod,
    KpiPromise,
    KpiRating,
    Occurrence,
    Party,
    PeriodEvidence,
    PeriodRating,
    PrincipleBreaches,
)
from probity.engine.monitoring.kpis import amount as kpi_amount
from probity.engine.panel import checks as panel_checks
from probity.engine.panel import records as panel_records
from probity.engine.panel.records import Record as PanelRecord
from probity.engine.panel.state import MIN_RATIONALE as PANEL_MIN_RATIONALE
from probity.engine.panel.state import Criterion as PanelCriterion
from probity.engine.panel.state import Panel, Refusal, criteria_of
from probity.engine.periods import parse_period
from probity.engine.phrasing import answer
from probity.engine.ranking import BidScore, check_bids, rank
from probity.engine.registry import SOURCES_FOLDER, Accept, Registry, check_text, library_of
from probity.engine.ruleset_store import Activation, ReplicaState, StoredVersion
from probity.engine.sources.library import (
    ID_PATTERN,
    SourceLibrary,
    Verified,
    load_library,
    register,
    save,
)
from probity.engine.testing import CaseOutcome, TestReport, resolve_answers, run_tests, set_path
from probity.engine.version import ENGINE_VERSION
from probity.engine.versioning import classify, understated
from probity.engine.workers.acceptance import CRASHED, HUNG, TOO_BIG, Acceptance, Refused
from probity.engine.workers.pool import WorkerPool, default_workers
from probity.engine.workers.worker import Codec, JsonCodec

__all__ = [
    "BASIC",
    "CRASHED",
    "ENGINE_VERSION",
    "FULL",
    "HUNG",
    "ID_PATTERN",
    "PANEL_ANSWERS",
    "PANEL_MIN_RATIONALE",
    "SOURCES_FOLDER",
    "STAGES",
    "TOO_BIG",
    "Accept",
    "Acceptance",
    "Activation",
    "AwardSpec",
    "AwardedBid",
    "BidScore",
    "CaseOutcome",
    "Change",
    "CheckFinding",
    "Codec",
    "CompiledRuleSet",
    "ContractResult",
    "Diagnostic",
    "Encoded",
    "EngineCrashed",
    "Evaluations",
    "Evidence",
    "FieldViolation",
    "Finding",
    "InputSpec",
    "JsonCodec",
    "KpiPeriod",
    "KpiPromise",
    "KpiRating",
    "Occurrence",
    "Outcome",
    "Panel",
    "PanelCriterion",
    "PanelRecord",
    "Party",
    "PeriodEvidence",
    "PeriodRating",
    "Prepared",
    "PrincipleBreaches",
    "PrincipleScore",
    "RecordingFailed",
    "Refusal",
    "Refused",
    "Registry",
    "Rejection",
    "ReplicaState",
    "Result",
    "RuleFileError",
    "RuleSetSpec",
    "RulesetConflict",
    "RulesetRef",
    "Serialized",
    "SourceLibrary",
    "SourceReference",
    "StageTime",
    "StoredVersion",
    "Submission",
    "SubmissionError",
    "TestReport",
    "Timings",
    "UnknownRuleset",
    "Verified",
    "View",
    "WorkerPool",
    "WrongKind",
    "YamlSyntaxError",
    "answer",
    "character_problem",
    "check_bids",
    "check_text",
    "citations_from_json",
    "classify",
    "commitment_problems",
    "compare",
    "compile_text",
    "contract_from_award",
    "criteria_of",
    "default_workers",
    "exclusion_reason",
    "fixed_explanations",
    "input_schema",
    "is_panel_answer",
    "kpi_amount",
    "library_of",
    "load_file",
    "load_library",
    "load_yaml",
    "panel_checks",
    "panel_records",
    "parse_period",
    "prepare",
    "rank",
    "register",
    "resolve_answers",
    "run_tests",
    "save",
    "set_path",
    "spelled_out",
    "stated_minimums",
    "understated",
]
