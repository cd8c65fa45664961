"""Errors are values with a location and a message, raised once and translated once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem in a rule file, at a 1-based line and column."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


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

    def __init__(self, ruleset_id: str, version: str, known: list[str]) -> None:
        self.ruleset_id = ruleset_id
        self.version = version
        what = f"version {version} of rule set {ruleset_id!r}" if version else repr(ruleset_id)
        held = ", ".join(known) or "none"
        super().__init__(f"no rule set {what} is loaded (loaded: {held})")


class RulesetConflict(Exception):
    """A valid rule set that may not become the active version (its version number clashes)."""
