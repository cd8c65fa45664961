"""The rule-set editor's pages: a draft edited, kept, checked as it is typed, tried on
answers, tested, its impact previewed, and published; every evaluation of a draft runs on
the server (its sandbox), never in the workbench's process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grpc
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

import probity.rules
from probity.clients.client import ProbityClient
from probity.clients.remote import field_violations
from probity.clients.workbench.bench import (
    Bench,
    Forged,
    form_text,
    http_status,
    in_words,
    read_form,
    refused_page,
)
from probity.clients.workbench.drafts import DraftRefused
from probity.codec.as_json import result_to_dict
from probity.engine import (
    CaseOutcome,
    Change,
    CompiledRuleSet,
    RuleFileError,
    TestReport,
    classify,
    compare,
    compile_text,
    library_of,
    resolve_answers,
    set_path,
    stated_minimums,
    understated,
)


class EditingPages(Bench):
    async def editor(self, request: Request) -> Response:
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        if not session.may("edit"):
            return refused_page(self, request, "edit rule sets")
        got = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id))
        )
        draft = self.drafts.get(session.user, ruleset_id)
        text = draft[0] if draft else got.source_text
        saved = request.query_params.get("saved", "")
        return self.page(
            "edit.html.j2", request, got=got, text=text, draft=draft, saved=saved, error="", note=""
        )

    async def save_draft(self, request: Request) -> Response:
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        if not session.may("edit"):
            return refused_page(self, request, "keep drafts of rule sets")
        form = await read_form(request)
        if str(form.get("action")) == "discard":
            self.drafts.discard(session.user, ruleset_id)
            return RedirectResponse(f"/rulesets/{ruleset_id}", status_code=303)
        # a draft is of a rule set the server holds (NOT_FOUND otherwise, as a page)
        await run_in_threadpool(lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id)))
        refused = self._keep(request, ruleset_id, form_text(form.get("text")))
        if refused is not None:
            return refused
        return RedirectResponse(f"/rulesets/{ruleset_id}/edit?saved=1", status_code=303)

    def _keep(self, request: Request, ruleset_id: str, text: str) -> Response | None:
        """Save the user's draft, within the limits on its size and on drafts per user; a
        page saying which limit it passed otherwise."""
        try:
            self.drafts.save(request.state.session.user, ruleset_id, text)
        except DraftRefused as exc:
            return self.page(
                "message.html.j2", request, status=413, title="Draft not saved", message=str(exc)
            )
        return None

    async def publish(self, request: Request) -> Response:
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        if not session.may("edit"):
            return refused_page(self, request, "edit rule sets")
        form = await read_form(request)
        text, note = form_text(form.get("text")), str(form.get("note", "")).strip()
        refused = self._keep(request, ruleset_id, text)  # nothing typed is lost
        if refused is not None:
            return refused
        got = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id))
        )
        if not note:
            return self.page(
                "edit.html.j2",
                request,
                status=400,
                got=got,
                text=text,
                draft=self.drafts.get(session.user, ruleset_id),
                saved="",
                error="Say why you are publishing: a change note is required.",
                note="",
            )
        file_name = f"{ruleset_id}.yaml"
        try:
            published = await run_in_threadpool(
                lambda: self.call(session, lambda c: c.publish_ruleset(text, file_name, note))
            )
        except grpc.RpcError as exc:
            return self.page(
                "edit.html.j2",
                request,
                status=http_status(exc),
                got=got,
                text=text,
                draft=self.drafts.get(session.user, ruleset_id),
                saved="",
                error=in_words(exc),
                note=note,
            )
        self.drafts.discard(session.user, ruleset_id)
        version = published.ruleset.version
        return RedirectResponse(f"/rulesets/{ruleset_id}?published={version}", status_code=303)

    async def impact(self, request: Request) -> Response:
        """What the draft would change in recorded decisions (PreviewImpact); nothing is
        recorded, and the draft stays a draft."""
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        if not session.may("edit"):
            return refused_page(self, request, "edit rule sets")
        form = await read_form(request)
        text = form_text(form.get("text"))
        refused = self._keep(request, ruleset_id, text)  # what was previewed is kept
        if refused is not None:
            return refused
        scope = {"tender_id": str(form.get("tender_id", "")).strip()}
        for bound in ("since", "until"):
            given = str(form.get(bound, "")).strip()
            if given:
                scope[bound] = given
        try:
            shown = await run_in_threadpool(
                lambda: self.call(session, lambda c: c.preview_impact(ruleset_id, text, **scope))
            )
        except grpc.RpcError as exc:
            return self.page(
                "message.html.j2",
                request,
                status=http_status(exc),
                title="No preview",
                message=in_words(exc),
            )
        return self.page("impact.html.j2", request, ruleset_id=ruleset_id, shown=shown, scope=scope)

    async def run_tests(self, request: Request) -> Response:
        """The draft's own tests (its `tests:`), each passed or failed with its differences,
        and which criteria they show both met and not met. The server checks the draft
        first (durable_rules is asked in its child process); only a draft it takes is run."""
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        if not session.may("edit"):
            return refused_page(self, request, "edit rule sets")
        form = await read_form(request)
        text = form_text(form.get("text"))
        refused = self._keep(request, ruleset_id, text)
        if refused is not None:
            return refused
        checked = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.validate_ruleset(text, f"{ruleset_id}.yaml"))
        )
        if not checked.valid:
            said = "The server found problems in the draft: fix them (see the editor) first."
            return self.page(
                "message.html.j2", request, status=400, title="Not tested", message=said
            )
        tested = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.test_ruleset(text, f"{ruleset_id}.yaml"))
        )
        report = _report(tested, _compiled_here(text, ruleset_id))
        return self.page("tests.html.j2", request, ruleset_id=ruleset_id, report=report)

    async def try_it(self, request: Request) -> Response:
        """A form for the rule set's inputs (each with its question), filled by hand or from
        one of its tests' examples; the answers evaluated by the server, in its sandbox, on
        the active version or the user's draft, and shown as the bidder would read the
        result. Nothing is recorded."""
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        if not session.may("audit"):  # the server's TryRuleset: policy and auditor
            return refused_page(self, request, "try answers on a rule set")
        got = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id))
        )
        draft = self.drafts.get(session.user, ruleset_id)
        on_draft = request.query_params.get("on") == "draft" and draft is not None
        text = draft[0] if on_draft and draft else got.source_text
        try:
            ruleset = await run_in_threadpool(lambda: _compiled_here(text, ruleset_id))
        except RuleFileError as exc:
            said = f"The draft does not load: {exc.diagnostics[0].message}"
            return self.page(
                "message.html.j2", request, status=400, title="Cannot try it", message=said
            )
        if ruleset.kind != "tender":
            said = "Trying answers is for tender rule sets; a monitoring rule set reads returns."
            return self.page(
                "message.html.j2", request, status=400, title="Cannot try it", message=said
            )
        form = await request.form() if request.method == "POST" else None
        if form is not None and not session.csrf_ok(str(form.get("csrf", ""))):
            raise Forged
        example = request.query_params.get("example", "")
        answers = _answers_of(ruleset, form) if form is not None else _example(ruleset, example)
        shown = None
        if form is not None:
            shown = await run_in_threadpool(
                lambda: self.call(session, lambda c: _evaluated(c, ruleset, text, answers))
            )
        fields = [_field(spec, _at(answers, spec.path)) for spec in ruleset.spec.inputs]
        examples = [t.name for t in ruleset.spec.tests]
        return self.page(
            "try.html.j2",
            request,
            got=got,
            ruleset=ruleset,
            fields=fields,
            examples=examples,
            example=example,
            on_draft=on_draft,
            has_draft=draft is not None,
            shown=shown,
        )

    async def validate(self, request: Request) -> Response:
        """The server's diagnostics of a text, as JSON, for the editor's script."""
        session = request.state.session
        if not session.csrf_ok(request.headers.get("x-csrf-token")):
            raise Forged
        try:
            body = await request.json()
        except ValueError:  # not JSON (json.JSONDecodeError, UnicodeDecodeError)
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("text", ""), str):
            said = 'send a JSON object: {"text": "the rule file", "file_name": "its name"}'
            return JSONResponse({"error": said}, status_code=400)
        text, file_name = str(body.get("text", "")), str(body.get("file_name", "draft.yaml"))
        try:
            checked = await run_in_threadpool(
                lambda: self.call(session, lambda c: c.validate_ruleset(text, file_name))
            )
        except grpc.RpcError as exc:
            return JSONResponse({"error": in_words(exc)}, status_code=http_status(exc))
        shape = await run_in_threadpool(lambda: _structure(text)) if checked.valid else None
        return JSONResponse(
            {
                "valid": checked.valid,
                "ruleset": {"id": checked.ruleset.id, "version": checked.ruleset.version},
                "diagnostics": [
                    {
                        "line": d.line,
                        "column": d.column,
                        "message": d.message,
                        "severity": d.severity or "error",
                        "code": d.code,
                    }
                    for d in checked.diagnostics
                ],
                "structure": shape,
            }
        )


def changes_between(before: str, after: str) -> tuple[list[Change], str, str]:
    """The differences between two rule-file texts in words, what kind of change they make
    (and whether the version number says so), or why they cannot be said (a text that does
    not compile: its first problem)."""
    try:
        old, new = compile_text(before, "before.yaml"), compile_text(after, "after.yaml")
    except RuleFileError as exc:
        first = exc.diagnostics[0]
        return [], f"line {first.line}: {first.message}", ""
    return compare(old, new), "", kind_of_change(old, new)


def kind_of_change(old: CompiledRuleSet, new: CompiledRuleSet) -> str:
    """One sentence: the kind of change from `old` to `new`, and whether its number fits."""
    change = classify(old.spec, new.spec, old.source_text, new.source_text)
    if change.kind == "none":
        return ""
    wrong = understated(old.version, new.version, change)
    if wrong:
        return f"Version {new.version} would be refused: {wrong}."
    why = "; ".join(change.reasons)
    return f"A {change.kind} change ({why}): version {new.version} says so."


def _report(tested: Any, ruleset: CompiledRuleSet) -> TestReport:
    """The server's TestRulesetResponse as the engine's report, which the page reads."""
    cases = [CaseOutcome(case.name, list(case.failures)) for case in tested.cases]
    return TestReport(ruleset, cases, set(tested.met), set(tested.not_met))


def _compiled_here(text: str, ruleset_id: str) -> CompiledRuleSet:
    """A text compiled here, its tests' example files beside the shipped rule sets."""
    folder = Path(probity.rules.__file__).resolve().parent
    return compile_text(text, str(folder / f"{ruleset_id}.yaml"), library_of(folder))


def _example(ruleset: CompiledRuleSet, name: str) -> dict[str, Any]:
    """The answers of one of the rule file's tests (none: an empty form)."""
    if name not in {t.name for t in ruleset.spec.tests}:
        return {}
    try:
        return resolve_answers(ruleset, name)
    except (ValueError, OSError, KeyError):
        return {}


def _at(answers: dict[str, Any], path: str) -> Any:
    value: Any = answers
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _field(spec: Any, value: Any) -> dict[str, Any]:
    """One input as the form shows it: its label, question, kind of control and value."""
    kind = {"boolean": "choice", "list": "many", "date": "date"}.get(spec.type, "text")
    if spec.type in ("integer", "number"):
        kind = "number"
    if spec.type == "string" and spec.allowed:
        kind = "one"
    return {
        "path": spec.path,
        "name": "in." + spec.path,
        "label": spec.label or spec.description,
        "question": spec.question or spec.description,
        "kind": kind,
        "allowed": spec.allowed or [],
        # Each allowed value as bidders read it: its label, else the value in words.
        "shown": {v: (spec.labels or {}).get(v, v.replace("_", " ")) for v in spec.allowed or []},
        "minimum": spec.minimum,
        "maximum": spec.maximum,
        "step": "1" if spec.type == "integer" else "any",
        "value": value,
    }


def _answers_of(ruleset: CompiledRuleSet, form: Any) -> dict[str, Any]:
    """The form's answers in the shape a portal sends; an input left empty is not given."""
    answers: dict[str, Any] = {}
    for spec in ruleset.spec.inputs:
        name = "in." + spec.path
        if spec.type == "list":
            raw: Any = [str(v) for v in form.getlist(name)]
        else:
            raw = str(form.get(name, "")).strip()
            if raw == "":
                continue
        value: Any = raw
        if spec.type == "boolean":
            value = raw == "yes"
        elif spec.type in ("integer", "number"):
            try:
                value = int(raw) if spec.type == "integer" else float(raw)
            except ValueError:
                value = raw  # the engine says what is wrong with it
        set_path(answers, spec.path, value)
    return answers


def _evaluated(
    client: ProbityClient, ruleset: CompiledRuleSet, text: str, answers: dict[str, Any]
) -> dict[str, Any]:
    """The answers evaluated by the server, in its sandbox (never in this process, which
    would keep every draft tried), as the result's JSON; or the problems a portal would be
    told. Nothing is recorded."""
    try:
        tried = client.try_ruleset(text, answers, f"{ruleset.id}.yaml")
    except grpc.RpcError as exc:
        violations = field_violations(exc)
        if exc.code() != grpc.StatusCode.INVALID_ARGUMENT or not violations:
            raise
        labels = {spec.path: spec.label or spec.description for spec in ruleset.spec.inputs}
        said = []
        for field, reason in violations:
            path = field.removeprefix("answers.")
            said.append(f"{labels.get(path, 'An answer')}: {reason}")
        return {"problems": said}
    return result_to_dict(tried.result)


def _structure(text: str) -> dict[str, Any] | None:
    """What a tender rule set asks and how it scores, for the editor's structured view and
    as a bidder would be told it up front: principles and weights, each criterion (pass/fail,
    or its levels of points), the scale, the minimums and the bands. None for monitoring."""
    ruleset = compile_text(text, "draft.yaml")
    if ruleset.kind != "tender":
        return None
    names = {p.id: p.name for p in ruleset.principles}
    scale = ruleset.spec.scale
    award = ruleset.spec.award
    return {
        "principles": [{"name": p.name, "weight": p.weight} for p in ruleset.principles],
        "criteria": [
            {
                "id": c.id,
                "title": c.title,
                "principle": names.get(c.principle, c.principle),
                "scoring": _scoring(c),
                "levels": [f"{v.label}: {v.points}" for v in c.levels if v.label]
                if not c.gate and any(v.label for v in c.levels)
                else [],
            }
            for c in ruleset.criteria
        ],
        "scale": [f"{k}: {v}" for k, v in sorted(scale.descriptors.items())] if scale else [],
        "minimums": [m.statement for m in stated_minimums(ruleset)],
        "bands": [_band(b) for b in ruleset.bands],
        "award": f"quality {award.quality:g}%, price {award.price:g}%" if award else "",
    }


def _scoring(criterion: Any) -> str:
    """How a criterion scores, in words: pass/fail, a yes/no worth its points, or a range."""
    if criterion.gate:
        return "pass/fail"
    if not any(v.label for v in criterion.levels) and len(criterion.levels) <= 1:
        return f"{criterion.max_points} points when met, 0 when not"
    return f"up to {criterion.max_points} points"


def _band(band: Any) -> str:
    """A band as bidders are told it: its name, and the totals that reach it."""
    if band.gate_failure or band.min_total is None:
        return str(band.label)  # its name says when: "Rejected (a pass/fail requirement not met)"
    return f"{band.label}: a total of {band.min_total:g} or more"
