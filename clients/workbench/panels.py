"""The evaluation panel's pages (PanelService): the panels a person is on; an evaluator's
declaration of interests, a bid read and scored with its descriptors and guidance beside its
text; the lead's opening of a panel, mitigations and moderation, scores side by side. The
server decides who may see and do what (conflicts, nobody's scores before one's own): a page
only offers it, and shows a refusal in words beside what was typed, which is kept."""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from probity.clients.client import ProbityClient
from probity.clients.remote import field_violations
from probity.clients.tables import write_table
from probity.clients.workbench.bench import Bench, form_text, read_form, refused_page
from probity.engine import PANEL_MIN_RATIONALE

# A refusal the person can act on: shown on the page they were on, with what they typed.
_ACTIONABLE = (
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.ALREADY_EXISTS,
)


@dataclass
class Refused:
    """A refusal in words: by form field (the server's field path), and in general."""

    general: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def refused(exc: grpc.RpcError) -> Refused:
    found = field_violations(exc)
    if found:
        return Refused(fields={where: _sentence(reason) for where, reason in found})
    return Refused(general=_sentence(exc.details() or ""))


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else text


class PanelPages(Bench):
    # -- every panel the person may see ---------------------------------------------------
    async def panels(self, request: Request) -> Response:
        session = request.state.session
        if not session.may("panel"):
            return refused_page(self, request, "take part in an evaluation panel")
        listed = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.panel.list_panels())
        )
        return self.page("panels.html.j2", request, panels=listed)

    # -- one panel: declarations (evaluator), bids, conflicts and checks (lead, auditor) ----
    async def panel(
        self,
        request: Request,
        problem: Refused | None = None,
        typed: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        session, tender_id = request.state.session, request.path_params["tender_id"]
        if not session.may("panel"):
            return refused_page(self, request, "take part in an evaluation panel")
        shown = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.panel.get(tender_id))
        )
        return self.page(
            "panel.html.j2",
            request,
            status=status,
            panel=shown,
            mine=_standing(shown, session.name) if session.role == "evaluator" else None,
            problem=problem or Refused(),
            typed=typed or {},
        )

    async def declare(self, request: Request) -> Response:
        """An evaluator's declaration for every bidder at once (the server keeps any bid's
        text from them until it is made)."""
        tender_id = request.path_params["tender_id"]
        form = await read_form(request)
        bids = [str(b) for b in form.getlist("bid")]
        typed = {f"conflict-{b}": str(form.get(f"conflict-{b}", "")) for b in bids}
        typed |= {f"details-{b}": form_text(form.get(f"details-{b}")) for b in bids}
        unanswered = [b for b in bids if typed[f"conflict-{b}"] not in ("yes", "no")]
        if unanswered:
            said = "Say, for every bidder, whether you have a conflict of interest: " + (
                ", ".join(unanswered)
            )
            return await self.panel(request, Refused(general=said), typed, status=400)
        declared = {
            b: (typed[f"details-{b}"] if typed[f"conflict-{b}"] == "yes" else None) for b in bids
        }

        def send(client: ProbityClient) -> Any:
            return client.panel.declare(tender_id, declared)

        return await self._then(request, send, self.panel, typed, _by_bid(bids, "declarations"))

    async def arisen(self, request: Request) -> Response:
        """An evaluator declares a conflict that has arisen with a bid declared free of one."""
        tender_id = request.path_params["tender_id"]
        form = await read_form(request)
        bid, details = str(form.get("bid", "")), form_text(form.get("arisen"))
        typed = {"arisen-bid": bid, "arisen": details}

        def send(client: ProbityClient) -> Any:
            return client.panel.declare(tender_id, {bid: details})

        where = {"declarations[0].details": "arisen", "declarations[0]": "arisen"}
        return await self._then(request, send, self.panel, typed, where)

    async def mitigate(self, request: Request) -> Response:
        """The lead records how one declared conflict is mitigated."""
        tender_id = request.path_params["tender_id"]
        form = await read_form(request)
        evaluator, bid = str(form.get("evaluator", "")), str(form.get("bid", ""))
        text = form_text(form.get("mitigation"))
        key = f"mitigation-{evaluator}-{bid}"

        def send(client: ProbityClient) -> Any:
            return client.panel.mitigate(tender_id, evaluator, bid, text)

        return await self._then(request, send, self.panel, {key: text}, {"mitigation": key})

    async def open_panel(self, request: Request) -> Response:
        """The lead opens a recorded tender for panel scoring, from its page."""
        tender_id = request.path_params["tender_id"]
        form = await read_form(request)
        names = [n.strip() for n in str(form.get("evaluators", "")).split(",") if n.strip()]
        spread = str(form.get("divergence", "") or "1").strip()
        if not spread.isdigit() or not 0 < int(spread) < 100:
            said = "Flag scores further apart than a whole number of points, from 1."
            return self.page(
                "message.html.j2", request, status=400, title="Not opened", message=said
            )
        session = request.state.session
        try:
            await run_in_threadpool(
                lambda: self.call(session, lambda c: c.panel.open(tender_id, names, int(spread)))
            )
        except grpc.RpcError as exc:
            if exc.code() not in _ACTIONABLE:
                raise
            said = "The panel was not opened. " + _said(refused(exc))
            return self.page(
                "message.html.j2", request, status=400, title="Not opened", message=said
            )
        return RedirectResponse(f"/panels/{_quoted(tender_id)}", status_code=303)

    async def conflicts(self, request: Request) -> Response:
        """The conflicts assessment as CSV, for the lead to file with the procurement."""
        session, tender_id = request.state.session, request.path_params["tender_id"]
        shown = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.panel.get(tender_id))
        )
        out = io.StringIO()
        header = ["Evaluator", "Bid", "Declared at", "Conflict", "What it is", "Mitigation",
                  "Mitigated by", "How it was handled", "Conflict arose at"]  # fmt: skip
        rows = (
            [c.evaluator, c.submission_id, c.declared_at, "yes" if c.conflict else "no",
             c.details, c.mitigation, c.mitigated_by, c.handled, c.arose_at]
            for c in shown.conflicts
        )  # fmt: skip
        write_table(rows, header, "csv", out)
        name = f"conflicts-assessment-{tender_id}.csv".replace('"', "")
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # -- one bid: scored by an evaluator, moderated by the lead ---------------------------
    async def bid(
        self,
        request: Request,
        problem: Refused | None = None,
        typed: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        session = request.state.session
        tender_id, bid = request.path_params["tender_id"], request.path_params["bid"]
        if not session.may("panel"):
            return refused_page(self, request, "take part in an evaluation panel")

        leads = session.role in ("lead", "")  # the lead moderates; evaluators score

        def read(client: ProbityClient) -> tuple[Any, Any, Any]:
            shown = client.panel.get(tender_id)
            to_score = client.panel.bid(tender_id, bid)
            seen = client.panel.scores(tender_id, bid) if leads or to_score.submitted else None
            return shown, to_score, seen

        shown, to_score, seen = await run_in_threadpool(lambda: self.call(session, read))
        return self.page(
            "bid.html.j2",
            request,
            status=status,
            panel=shown,
            bid=to_score,
            supplier=next(b.supplier_name for b in shown.bids if b.submission_id == bid),
            criteria=[_Criterion.of(c, to_score, seen) for c in to_score.criteria],
            seen=seen,
            leads=leads,
            problem=problem or Refused(),
            typed=typed or {},
            minimum=PANEL_MIN_RATIONALE,
        )

    async def score(self, request: Request) -> Response:
        """An evaluator's scores of every panel criterion of the bid, sent at once."""
        tender_id, bid = request.path_params["tender_id"], request.path_params["bid"]
        form = await read_form(request)
        criteria = [str(c) for c in form.getlist("criterion")]
        typed = {f"points-{c}": str(form.get(f"points-{c}", "")) for c in criteria}
        typed |= {f"why-{c}": form_text(form.get(f"why-{c}")) for c in criteria}
        unscored = [c for c in criteria if not typed[f"points-{c}"].isdigit()]
        if unscored:
            said = "Choose a score for every criterion (not yet: " + ", ".join(unscored) + ")."
            return await self.bid(request, Refused(general=said), typed, status=400)
        scores = {c: (int(typed[f"points-{c}"]), typed[f"why-{c}"]) for c in criteria}

        def send(client: ProbityClient) -> Any:
            return client.panel.score(tender_id, bid, scores)

        where = {f"scores[{n}].points": f"points-{c}" for n, c in enumerate(criteria)}
        where |= {f"scores[{n}].rationale": f"why-{c}" for n, c in enumerate(criteria)}
        return await self._then(request, send, self.bid, typed, where)

    async def moderate(self, request: Request) -> Response:
        """The lead's consensus score of one criterion of the bid, with its reasons."""
        tender_id, bid = request.path_params["tender_id"], request.path_params["bid"]
        form = await read_form(request)
        criterion = str(form.get("criterion", ""))
        points, why = str(form.get("consensus", "")), form_text(form.get("rationale"))
        typed = {f"consensus-{criterion}": points, f"rationale-{criterion}": why}
        if not points.isdigit():
            said = f"Choose the panel's consensus score for {criterion}."
            return await self.bid(request, Refused(general=said), typed, status=400)

        def send(client: ProbityClient) -> Any:
            return client.panel.moderate(tender_id, bid, criterion, int(points), why)

        where = {"rationale": f"rationale-{criterion}", "points": f"consensus-{criterion}"}
        return await self._then(request, send, self.bid, typed, where)

    async def _then(
        self,
        request: Request,
        send: Callable[[ProbityClient], Any],
        again: Callable[..., Any],
        typed: dict[str, str],
        where: dict[str, str],
    ) -> Response:
        """Send a step; on success show the page afresh (303), on a refusal the person can
        act on, the same page with what they typed and the refusal beside its field."""
        session = request.state.session
        try:
            await run_in_threadpool(lambda: self.call(session, send))
        except grpc.RpcError as exc:
            if exc.code() not in _ACTIONABLE:
                raise
            problem = refused(exc)
            problem.fields = {where.get(k, k): v for k, v in problem.fields.items()}
            unplaced = [v for k, v in problem.fields.items() if k not in typed]
            if unplaced:
                problem.general = " ".join([problem.general, *unplaced]).strip()
            response: Response = await again(request, problem, typed, status=400)
            return response
        back = request.scope["raw_path"].decode().rsplit("/", 1)[0]  # as the browser sent it
        return RedirectResponse(back, status_code=303)


@dataclass(frozen=True)
class _Criterion:
    """One panel criterion as the bid page shows it: the bid's answers to it, its scale
    highest first, and (once visible) everyone's scores."""

    criterion: str
    title: str
    gate: bool
    max_points: int
    guidance: str
    scale: list[tuple[int, str]]
    answers: list[Any]
    scores: Any

    @staticmethod
    def of(c: Any, bid: Any, seen: Any) -> _Criterion:
        return _Criterion(
            criterion=c.criterion,
            title=c.title,
            gate=c.gate,
            max_points=c.max_points,
            guidance=c.guidance,
            scale=sorted(((p, c.descriptors[p]) for p in c.descriptors), reverse=True),
            answers=[a for a in bid.answers if a.criterion == c.criterion],
            scores=next((s for s in seen.criteria if s.criterion == c.criterion), None)
            if seen is not None
            else None,
        )


@dataclass(frozen=True)
class _Standing:
    """Where one evaluator stands with each bid, from the records they may see."""

    undeclared: list[str]
    declared: dict[str, tuple[bool, str]]  # bid → (conflict, what)
    mitigated: set[str]
    submitted: set[str]

    @property
    def conflicted(self) -> list[str]:
        return [bid for bid, (conflict, _) in self.declared.items() if conflict]


def _standing(panel: Any, name: str) -> _Standing:
    declared = {  # in order: a conflict that arose later replaces a declaration of none
        r.submission_id: (r.kind == "conflict_arose" or r.conflict, r.text)
        for r in panel.records
        if r.kind in ("declared", "conflict_arose") and r.by == name
    }
    return _Standing(
        undeclared=[b.submission_id for b in panel.bids if b.submission_id not in declared],
        declared=declared,
        mitigated={
            r.submission_id for r in panel.records if r.kind == "mitigated" and r.evaluator == name
        },
        submitted={r.submission_id for r in panel.records if r.kind == "scored" and r.by == name},
    )


def _by_bid(bids: list[str], where: str) -> dict[str, str]:
    """The declaration's field paths (as the server names them) → the page's field names."""
    return {f"{where}[{n}].details": f"details-{b}" for n, b in enumerate(bids)}


def _said(problem: Refused) -> str:
    return " ".join([problem.general, *problem.fields.values()]).strip()


def _quoted(text: str) -> str:
    return urllib.parse.quote(text, safe="")
