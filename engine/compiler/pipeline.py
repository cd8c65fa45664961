"""Compile a rule file: the stages in order (STAGES), all reporting into one Diagnostics.

    read YAML (with a source map) → structure (the rule-file model) → panel (criteria the
    evaluation panel scores, spelled out as levels over its scores) → inputs →
    sources (quotes checked against the source library) →
    the kind's stage (tender or monitoring, siblings) → assemble (partitions, digest)

Every stage runs even when an earlier one found problems in some parts (the sound parts go
on), so `probity check` reports every problem in one run; the file compiles only if none
was found.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from probity.engine.compiler import panel
from probity.engine.compiler.assemble import Body, assemble
from probity.engine.compiler.citations import Citations, cite_sources
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.inputs import check_inputs
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.compiler.monitoring import compile_monitoring
from probity.engine.compiler.structure import sound_parts, validate
from probity.engine.compiler.tender import compile_tender
from probity.engine.compiler.yamlsource import YamlSyntaxError, load
from probity.engine.errors import Code, Diagnostic, RuleFileError
from probity.engine.sources.library import SourceLibrary
from probity.engine.when.typecheck import FieldType

KindStage = Callable[[Diagnostics, RuleSetSpec, dict[str, FieldType], Citations], Body | None]
# The stage for each kind of rule set.
KIND_STAGES: Mapping[str, KindStage] = {"tender": compile_tender, "monitoring": compile_monitoring}
# The stages by name, in order, as `probity check --timings` shows them.
STAGES = (
    ("read", "read the YAML"),
    ("structure", "check the structure"),
    ("panel", "spell out the panel's criteria"),
    ("inputs", "check the inputs"),
    ("sources", "check the quotes"),
    ("kind", "compile the criteria"),
    ("assemble", "assemble"),
)


@dataclass(frozen=True, slots=True)
class StageTime:
    """How long one compile stage took (STAGES names it)."""

    stage: str
    seconds: float


Timings = list[StageTime]


@contextmanager
def _timed(timings: Timings | None, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings.append(StageTime(stage, time.perf_counter() - started))


def load_file(
    path: str | Path, library: SourceLibrary | None = None, timings: Timings | None = None
) -> CompiledRuleSet:
    """Load and compile one rule file, or raise RuleFileError with every problem in it.
    With a `library`, every quote is checked against it (see compile_text); each stage's
    time is added to `timings`, when given."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = f"cannot read the file: {exc}"
        raise RuleFileError([Diagnostic(str(path), 1, 1, message, Code.FILE_UNREADABLE)]) from None
    return compile_text(text, str(path), library, folder=file.parent, timings=timings)


def compile_text(
    text: str,
    file: str,
    library: SourceLibrary | None = None,
    citations: Citations | None = None,
    folder: Path | None = None,
    timings: Timings | None = None,
) -> CompiledRuleSet:
    """Compile rule-file text (`file` names it in diagnostics), or raise RuleFileError.

    Every product path (check, test, the service) passes the source library: a quote not in
    its document is then a problem. A version compiled before travels with its `citations`
    instead (to a worker, to a replay), and is not checked again. With neither (a unit test
    compiling a fixture) quotes are not checked and findings cite the bare document id.
    Tests' `file:` paths are looked for in `folder` when it is given (load_file gives the
    file's own directory), never in the working directory."""
    try:
        with _timed(timings, "read"):
            data, smap = load(text, file)
    except YamlSyntaxError as exc:
        raise RuleFileError([exc.diagnostic]) from None
    diagnostics = Diagnostics(text, file, smap, folder)
    compiled = _stages(diagnostics, data, library, citations, timings)
    if diagnostics.problems or compiled is None:
        invalid = Diagnostic(file, 1, 1, "invalid", Code.SCHEMA)  # never seen: a safety net
        raise RuleFileError(diagnostics.problems or [invalid])
    return compiled


def _stages(
    diagnostics: Diagnostics,
    data: Any,
    library: SourceLibrary | None,
    given: Citations | None,
    timings: Timings | None = None,
) -> CompiledRuleSet | None:
    with _timed(timings, "structure"):
        spec = validate(diagnostics, data)
        if spec is None and isinstance(data, dict):
            spec = sound_parts(data)
            diagnostics.partial = True
    if spec is None:
        return None
    with _timed(timings, "panel"):
        spec = panel.expand(diagnostics, spec)
    with _timed(timings, "inputs"):
        types = check_inputs(diagnostics, spec)
    with _timed(timings, "sources"):
        citations = given if given is not None else cite_sources(diagnostics, spec, library)
    with _timed(timings, "kind"):
        body = KIND_STAGES[spec.kind](diagnostics, spec, types, citations)
    if body is None or diagnostics.problems:
        return None
    with _timed(timings, "assemble"):
        return assemble(diagnostics, spec, body, citations)
