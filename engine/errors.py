"""Errors are values with a location and a message, raised once and translated once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Code(StrEnum):
    """What kind of problem a rule file has: stable names that tools and tests can rely on,
    whatever the wording of the message (as OPA's compiler errors carry rego_type_error and
    the like). One code covers a family of messages."""

    FILE_UNREADABLE = "file_unreadable"  # the file cannot be read as UTF-8 text
    YAML_SYNTAX = "yaml_syntax"  # not YAML
    SCHEMA = "schema"  # a key unknown, missing or of the wrong type (the rule-file model)
    WRONG_KIND = "wrong_kind"  # a key of the other kind of rule set (tender / monitoring)
    DUPLICATE = "duplicate"  # an id or name used twice
    UNKNOWN_REFERENCE = "unknown_reference"  # names a principle, criterion, test, band... not there
    INPUT = "input"  # an input declaration that cannot work
    EXPRESSION_SYNTAX = "expression_syntax"  # a `when` that does not parse
    EXPRESSION_TYPE = "expression_type"  # a `when` that parses but does not fit the inputs
    PLACEHOLDER = "placeholder"  # an explanation names something it cannot show
    WEIGHTS = "weights"  # principle weights or the quality:price split
    BANDS = "bands"  # result bands that leave a total without a band
    CRITERION = "criterion"  # a criterion or check missing what it needs, or with a clash
    UNREACHABLE_LEVEL = "unreachable_level"  # a level earlier levels always take
    SCALE = "scale"  # points off the scale, or a score without its descriptor
    GATE = "gate"  # a pass/fail gate on a sentence that does not make the duty mandatory
    MODALITY = "modality"  # (warning) a "must" duty rated below a "should" one
    THRESHOLDS = "thresholds"  # a minimum score that cannot be reached, or without its band
    SOCIAL_VALUE = "social_value"  # social value below its minimum share
    PATTERN = "pattern"  # a monitoring pattern that cannot work
    RATINGS = "ratings"  # monitoring rating rules
    TESTS = "tests"  # a rule file's own tests
    TOO_COMPLEX = "too_complex"  # over what the rules engine is known to handle
    ENGINE_REFUSED = "engine_refused"  # durable_rules refused a condition
    QUESTION = "question"  # (warning) an input without the question the bidder answered
    SOURCE = "source"  # a document not in the source library, or a quote not in its document
    RULESET_CONFLICT = "ruleset_conflict"  # clashes with a rule set or version already held


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem in a rule file, at a 1-based line and column, with its stable code."""

    file: str
    line: int
    col: int
    message: str
    code: Code
    # "error" stops the file from being used; "warning" is worth fixing but does not.
    severity: str = "error"

    def __str__(self) -> str:
        kind = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {kind}{self.message}"


class RuleFileError(Exception):
    """A rule file that cannot be used; carries every problem found in it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One bad field in a submission: its dotted path and what is wrong with it."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class SubmissionError(Exception):
    """A submission that does not match the rule set's declared inputs; nothing was evaluated."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        self.violations = violations
        super().__init__("; ".join(str(v) for v in violations))


class EngineCrashed(Exception):
    """The worker process evaluating a submission died; the submission was not evaluated."""


class UnknownRuleset(LookupError):
    """No rule set with this id (or no such version of it) is held."""

    def __init__(
        self, ruleset_id: str, version: str, known: list[str], versions: bool = False
    ) -> None:
        """`known`: the rule set ids loaded, or (`versions`) the versions held of this id."""
        self.ruleset_id = ruleset_id
        self.version = version
        # Shortened when said back: a caller's id may be any length.
        shown_id, shown_version = _shortened(ruleset_id), _shortened(version)
        held = ", ".join(known) or "none"
        if versions:
            message = f"rule set {shown_id!r} has no version {shown_version} (held: {held})"
        else:
            what = repr(shown_id)
            if version:
                what = f"version {shown_version} of rule set {shown_id!r}"
            message = f"no rule set {what} is loaded (loaded: {held})"
        super().__init__(message)


class RulesetConflict(Exception):
    """A valid rule set that may not become the active version (its version number clashes)."""


class WrongKind(Exception):
    """A rule set of one kind (tender, monitoring) asked to do the other's work."""

    def __init__(self, ruleset_id: str, kind: str, wanted: str) -> None:
        self.ruleset_id = ruleset_id
        self.kind = kind
        self.wanted = wanted
        super().__init__(f"{ruleset_id} is a {kind} rule set, not a {wanted} one")


class RecordingFailed(Exception):
    """The decision sink could not record: the results it was given must not be released."""


def _shortened(text: str, most: int = 80) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


class EngineError(Exception):
    """durable_rules refused or failed; the batch was not evaluated."""
