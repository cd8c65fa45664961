"""The workbench's pages and its one JSON call (diagnostics as you type). Every page reads the
server through ProbityClient with the signed-in user's token; nothing here decides what a
role may do beyond what to offer: the server refuses what the token may not do."""

from __future__ import annotations

import difflib
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import probity.rules
from probity.clients.audit import as_recorded
from probity.clients.client import ProbityClient
from probity.clients.remote import describe_error, field_violations
from probity.clients.workbench.drafts import DraftRefused, Drafts
from probity.clients.workbench.sessions import COOKIE, Session, Sessions
from probity.codec.as_json import contract_result_to_dict, result_to_dict
from probity.engine.comparison import Change, compare
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import RuleFileError
from probity.engine.evaluation.thresholds import stated_minimums
from probity.engine.registry import library_of
from probity.engine.testing import CaseOutcome, TestReport, resolve_answers, set_path
from probity.engine.versioning import classify, understated

STATIC = Path(__file__).resolve().parent / "static"
# What a page may load: only this workbench's own files; no inline script, no framing.
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_ENVIRONMENT = Environment(
    loader=PackageLoader("probity.clients.workbench", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Config:
    target: str  # the Probity server (or the fleet's balancer), host:port
    drafts: Path  # the SQLite file drafts are kept in
    secure_cookies: bool = False  # set when the workbench is reached over HTTPS
    client_options: dict[str, Any] | None = None  # TLS for the server: tls, tls_ca, ...


class Workbench:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.sessions = Sessions()
        self.drafts = Drafts(config.drafts)

    # -- plumbing -------------------------------------------------------------------------
    def client(self, token: str) -> ProbityClient:
        return ProbityClient(
            self.config.target,
            token=token or None,
            timeout=60,
            attempts=2,
            **(self.config.client_options or {}),
        )

    def page(self, name: str, request: Request, status: int = 200, **values: Any) -> Response:
        session = request.state.session
        html = _ENVIRONMENT.get_template(name).render(
            session=session, csrf=session.csrf if session else "", **values
        )
        return HTMLResponse(html, status_code=status)

    def call(self, session: Session, work: Callable[[ProbityClient], Any]) -> Any:
        with self.client(session.token) as client:
            return work(client)

    # -- routes ---------------------------------------------------------------------------
    async def signin_form(self, request: Request) -> Response:
        return self.page("signin.html.j2", request, error="")

    async def signin(self, request: Request) -> Response:
        if not _same_origin(request):  # login CSRF: another site signing a browser in
            return HTMLResponse("Sign in from the workbench's own page.", status_code=403)
        form = await request.form()
        token = str(form.get("token", "")).strip()
        try:
            me = await run_in_threadpool(lambda: self.call(Session(token, "", ""), _caller))
        except grpc.RpcError as exc:
            said = _sentence(exc)
            return self.page("signin.html.j2", request, status=401, error=said)
        key = self.sessions.start(Session(token, me.name, me.role))
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE,
            key,
            httponly=True,
            samesite="strict",
            secure=self.config.secure_cookies,
            path="/",
        )
        return response

    async def signout(self, request: Request) -> Response:
        await _form(request)
        self.sessions.end(request.cookies.get(COOKIE))
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def rulesets(self, request: Request) -> Response:
        session = request.state.session
        listed = await run_in_threadpool(lambda: self.call(session, lambda c: c.list_rulesets()))
        return self.page("rulesets.html.j2", request, rulesets=listed)

    async def ruleset(self, request: Request) -> Response:
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        version = request.query_params.get("version", "")
        got = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id, version))
        )
        draft = self.drafts.get(session.user, ruleset_id)
        published = request.query_params.get("published", "")
        return self.page("ruleset.html.j2", request, got=got, draft=draft, published=published)

    async def compare(self, request: Request) -> Response:
        """Two versions (or a version and the user's draft) compared in words, beside the
        text diff."""
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        got = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id))
        )
        held = [*got.ruleset.other_versions, got.ruleset.version]
        draft = self.drafts.get(session.user, ruleset_id)
        choices = held + (["draft"] if draft else [])
        before = request.query_params.get("from") or (held[-2] if len(held) > 1 else held[-1])
        after = request.query_params.get("to") or ("draft" if draft else held[-1])
        if before not in choices or after not in choices:
            said = f"{ruleset_id} has no version to compare by that name."
            return self.page(
                "message.html.j2", request, status=404, title="No such version", message=said
            )

        def text_of(client: ProbityClient, version: str) -> str:
            if version == "draft":
                assert draft is not None
                return draft[0]
            return client.get_ruleset(ruleset_id, version).source_text

        texts = await run_in_threadpool(
            lambda: self.call(session, lambda c: (text_of(c, before), text_of(c, after)))
        )
        changes, problem, kind = _changes(*texts)
        diff = list(
            difflib.unified_diff(
                texts[0].splitlines(),
                texts[1].splitlines(),
                f"{ruleset_id} {before}",
                f"{ruleset_id} {after}",
                lineterm="",
                n=2,
            )
        )
        return self.page(
            "compare.html.j2",
            request,
            got=got,
            choices=choices,
            before=before,
            after=after,
            changes=changes,
            problem=problem,
            kind=kind,
            diff=diff,
        )

    async def editor(self, request: Request) -> Response:
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        if not session.may("edit"):
            return _refused(self, request, "edit rule sets")
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
            return _refused(self, request, "keep drafts of rule sets")
        form = await _form(request)
        if str(form.get("action")) == "discard":
            self.drafts.discard(session.user, ruleset_id)
            return RedirectResponse(f"/rulesets/{ruleset_id}", status_code=303)
        # a draft is of a rule set the server holds (NOT_FOUND otherwise, as a page)
        await run_in_threadpool(lambda: self.call(session, lambda c: c.get_ruleset(ruleset_id)))
        refused = self._keep(request, ruleset_id, _text(form.get("text")))
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
            return _refused(self, request, "edit rule sets")
        form = await _form(request)
        text, note = _text(form.get("text")), str(form.get("note", "")).strip()
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
                status=_status(exc),
                got=got,
                text=text,
                draft=self.drafts.get(session.user, ruleset_id),
                saved="",
                error=_sentence(exc),
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
            return _refused(self, request, "edit rule sets")
        form = await _form(request)
        text = _text(form.get("text"))
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
                status=_status(exc),
                title="No preview",
                message=_sentence(exc),
            )
        return self.page("impact.html.j2", request, ruleset_id=ruleset_id, shown=shown, scope=scope)

    async def run_tests(self, request: Request) -> Response:
        """The draft's own tests (its `tests:`), each passed or failed with its differences,
        and which criteria they show both met and not met. The server checks the draft
        first (durable_rules is asked in its child process); only a draft it takes is run."""
        session, ruleset_id = request.state.session, request.path_params["ruleset_id"]
        if not session.may("edit"):
            return _refused(self, request, "edit rule sets")
        form = await _form(request)
        text = _text(form.get("text"))
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
            return _refused(self, request, "try answers on a rule set")
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
            raise _Forged
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

    async def evaluation(self, request: Request) -> Response:
        """One recorded decision: who asked, when, on which version, and its findings."""
        session = request.state.session
        seq = _seq(request)
        record = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_evaluation(seq))
        )
        return self.page("evaluation.html.j2", request, record=record, replayed=None)

    # -- for evaluation leads and auditors: the decision log ------------------------------
    async def decisions(self, request: Request) -> Response:
        """The newest recorded decisions (or one tender's), with their tenders."""
        session = request.state.session
        if not session.may("audit"):
            return _refused(self, request, "read the decision log")
        tender_id = request.query_params.get("tender_id", "").strip()
        filters = {"tender_id": tender_id} if tender_id else {}

        def newest(client: ProbityClient) -> list[Any]:
            found = []
            for record in client.list_evaluations(**filters):
                found.append(record)
                if len(found) == 100:
                    break
            return found

        records = await run_in_threadpool(lambda: self.call(session, newest))
        return self.page("decisions.html.j2", request, records=records, tender_id=tender_id)

    async def tender(self, request: Request) -> Response:
        """A recorded tender: its ranking as sent, its reports and each bidder's summary."""
        session, tender_id = request.state.session, request.path_params["tender_id"]
        if not session.may("audit"):
            return _refused(self, request, "read the decision log")
        found = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_tender(tender_id))
        )
        return self.page("tender.html.j2", request, found=found)

    async def tender_report(self, request: Request) -> Response:
        """The tender evaluation report, made from the log (reports.pages)."""
        session, tender_id = request.state.session, request.path_params["tender_id"]
        if not session.may("audit"):
            return _refused(self, request, "read the decision log")
        found = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_tender(tender_id))
        )
        from probity.reports import pages  # imported here: charts are large

        html = await run_in_threadpool(lambda: pages.tender_html(as_recorded(found)))
        return _document(html)

    async def summary(self, request: Request) -> Response:
        """One bidder's assessment summary, as the service writes it for a portal to send."""
        session = request.state.session
        tender_id = request.path_params["tender_id"]
        submission_id = request.query_params.get("bid", "")
        if not session.may("audit"):
            return _refused(self, request, "read the decision log")
        if not submission_id:
            said = "Say whose summary: choose a bid from the tender's page."
            return self.page(
                "message.html.j2", request, status=400, title="Which bid?", message=said
            )
        sent = await run_in_threadpool(
            lambda: self.call(
                session, lambda c: c.assessment_summaries(tender_id, submission_ids=[submission_id])
            )
        )
        return _document(sent.summaries[0].html)

    async def contract_report(self, request: Request) -> Response:
        """A recorded contract check as the contract monitoring report (reports.pages)."""
        session = request.state.session
        if not session.may("audit"):
            return _refused(self, request, "read the decision log")
        seq = _seq(request)
        record = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_evaluation(seq))
        )
        if record.kind != "monitoring":
            said = "That decision is a tender submission's, not a contract's."
            return self.page(
                "message.html.j2", request, status=404, title="Not a contract", message=said
            )
        from probity.reports import pages  # imported here: charts are large

        checked = contract_result_to_dict(record.contract_result)
        html = await run_in_threadpool(lambda: pages.contracts_html([checked]))
        return _document(html)

    async def replay(self, request: Request) -> Response:
        """A recorded decision evaluated again on its recorded version."""
        session = request.state.session
        await _form(request)
        seq = _seq(request)
        replayed = await run_in_threadpool(lambda: self.call(session, lambda c: c.replay(seq)))
        record = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_evaluation(seq))
        )
        return self.page("evaluation.html.j2", request, record=record, replayed=replayed)

    async def validate(self, request: Request) -> Response:
        """The server's diagnostics of a text, as JSON, for the editor's script."""
        session = request.state.session
        if not session.csrf_ok(request.headers.get("x-csrf-token")):
            raise _Forged
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
            return JSONResponse({"error": _sentence(exc)}, status_code=_status(exc))
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


def _changes(before: str, after: str) -> tuple[list[Change], str, str]:
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
                "scoring": "pass/fail" if c.gate else f"up to {c.max_points} points",
                "levels": [] if c.gate else [f"{v.label or 'level'}: {v.points}" for v in c.levels],
            }
            for c in ruleset.criteria
        ],
        "scale": [f"{k}: {v}" for k, v in sorted(scale.descriptors.items())] if scale else [],
        "minimums": [m.statement for m in stated_minimums(ruleset)],
        "bands": [{"label": b.label, "from": _band_from(b)} for b in ruleset.bands],
        "award": f"quality {award.quality:g}%, price {award.price:g}%" if award else "",
    }


def _band_from(band: Any) -> str:
    if band.gate_failure:
        return "a pass/fail requirement not met"
    return f"a total of {band.min_total:g}" if band.min_total is not None else "any total"


# A report is a document of its own: its styles inline, no script at all.
_DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)


def _document(html: str) -> Response:
    response = HTMLResponse(html)
    response.headers["X-Document"] = "1"  # keeps its own policy (see _Guard)
    response.headers["Content-Security-Policy"] = _DOCUMENT_POLICY
    return response


class _NoSuchDecision(Exception):
    """A decision number no log could hold."""


def _seq(request: Request) -> int:
    seq = int(request.path_params["seq"])
    if not 0 < seq < 2**63:
        raise _NoSuchDecision
    return seq


class _Forged(Exception):
    """A POST without the session's CSRF token."""


def _same_origin(request: Request) -> bool:
    """Did the page that sent this request come from the workbench itself? Browsers say so
    (Sec-Fetch-Site, else Origin); a request without either is not a browser's form."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urllib.parse.urlsplit(origin).netloc == request.headers.get("host", "")


async def _form(request: Request) -> Any:
    """A POST's form, once its CSRF token is the session's (else _Forged)."""
    form = await request.form()
    if not request.state.session.csrf_ok(str(form.get("csrf", ""))):
        raise _Forged
    return form


def _caller(client: ProbityClient) -> Any:
    return client.caller()


def _text(value: Any) -> str:
    """A form's text as typed (browsers send CRLF line ends; rule files use LF)."""
    return str(value or "").replace("\r\n", "\n")


def _status(exc: grpc.RpcError) -> int:
    code = exc.code()
    return {
        grpc.StatusCode.PERMISSION_DENIED: 403,
        grpc.StatusCode.UNAUTHENTICATED: 401,
        grpc.StatusCode.INVALID_ARGUMENT: 400,
        grpc.StatusCode.FAILED_PRECONDITION: 409,
        grpc.StatusCode.NOT_FOUND: 404,
    }.get(code, 502)


def _sentence(exc: grpc.RpcError) -> str:
    """A server's refusal in words for the person at the screen."""
    code = exc.code()
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return "That token is not one the server knows. Check it and try again."
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return f"Your role may not do that: {exc.details()}."
    if code == grpc.StatusCode.UNAVAILABLE:
        return "The Probity server cannot be reached just now; try again in a moment."
    return describe_error(exc)


def _refused(bench: Workbench, request: Request, what: str) -> Response:
    role = request.state.session.role
    return bench.page(
        "message.html.j2",
        request,
        status=403,
        title="Not for your role",
        message=f"The {role} role may not {what}.",
    )


class _Guard(BaseHTTPMiddleware):
    """Every page but sign-in needs a live session, and every answer the security headers.
    (Each POST's CSRF token is checked where its body is read: `_form`, `validate`.)"""

    def __init__(self, app: Any, bench: Workbench) -> None:
        super().__init__(app)
        self.bench = bench

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.session = self.bench.sessions.get(request.cookies.get(COOKIE))
        path = request.url.path
        open_paths = path in ("/signin",) or path.startswith("/static/")
        if request.state.session is None and not open_paths:
            if path.startswith("/api/"):
                return _secured(JSONResponse({"error": "signed out"}, status_code=401))
            return _secured(RedirectResponse("/signin", status_code=303))
        try:
            response = await call_next(request)
        except _Forged:
            response = HTMLResponse("The form expired: reload the page and try again.", 403)
        except _NoSuchDecision:
            response = self.bench.page(
                "message.html.j2",
                request,
                status=404,
                title="No such decision",
                message="The decision log holds no decision by that number.",
            )
        except grpc.RpcError as exc:
            said = _sentence(exc)
            response = self.bench.page(
                "message.html.j2",
                request,
                status=_status(exc),
                title="The server refused",
                message=said,
            )
        return _secured(response)


def _secured(response: Response) -> Response:
    policy = response.headers.get("Content-Security-Policy")
    response.headers.update(_HEADERS)
    if "X-Document" in response.headers and policy:
        response.headers["Content-Security-Policy"] = policy
        del response.headers["X-Document"]
    return response


def create_app(config: Config) -> Starlette:
    bench = Workbench(config)
    routes = [
        Route("/signin", bench.signin_form, methods=["GET"]),
        Route("/signin", bench.signin, methods=["POST"]),
        Route("/signout", bench.signout, methods=["POST"]),
        Route("/", bench.rulesets, methods=["GET"]),
        Route("/rulesets/{ruleset_id}", bench.ruleset, methods=["GET"]),
        Route("/rulesets/{ruleset_id}/edit", bench.editor, methods=["GET"]),
        Route("/rulesets/{ruleset_id}/compare", bench.compare, methods=["GET"]),
        Route("/rulesets/{ruleset_id}/draft", bench.save_draft, methods=["POST"]),
        Route("/rulesets/{ruleset_id}/publish", bench.publish, methods=["POST"]),
        Route("/rulesets/{ruleset_id}/impact", bench.impact, methods=["POST"]),
        Route("/rulesets/{ruleset_id}/tests", bench.run_tests, methods=["POST"]),
        Route("/rulesets/{ruleset_id}/try", bench.try_it, methods=["GET", "POST"]),
        Route("/evaluations/{seq:int}", bench.evaluation, methods=["GET"]),
        Route("/evaluations/{seq:int}/replay", bench.replay, methods=["POST"]),
        Route("/evaluations/{seq:int}/report", bench.contract_report, methods=["GET"]),
        Route("/decisions", bench.decisions, methods=["GET"]),
        Route("/tenders/{tender_id}", bench.tender, methods=["GET"]),
        Route("/tenders/{tender_id}/report", bench.tender_report, methods=["GET"]),
        Route("/tenders/{tender_id}/summary", bench.summary, methods=["GET"]),
        Route("/api/validate", bench.validate, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_Guard, bench=bench)])
    app.state.bench = bench
    return app


def serve(config: Config, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the workbench until interrupted."""
    import uvicorn

    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


__all__ = ["Config", "create_app", "serve"]
