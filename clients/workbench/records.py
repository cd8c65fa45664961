"""The decision log's pages: decisions listed and shown, tenders and their reports, the
assessment summaries, contract reports, and a decision replayed."""

from __future__ import annotations

from typing import Any

import grpc
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from probity.clients.audit_commands import as_recorded
from probity.clients.client import ProbityClient
from probity.clients.workbench.bench import (
    Bench,
    NoSuchDecision,
    read_form,
    refused_page,
)
from probity.codec.as_json import contract_result_to_dict


class RecordPages(Bench):
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
            return refused_page(self, request, "read the decision log")
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
            return refused_page(self, request, "read the decision log")
        found, panel = await run_in_threadpool(
            lambda: self.call(session, lambda c: (c.get_tender(tender_id), _panel_of(c, tender_id)))
        )
        return self.page("tender.html.j2", request, found=found, panel=panel)

    async def tender_report(self, request: Request) -> Response:
        """The tender evaluation report, made from the log (reports.pages)."""
        session, tender_id = request.state.session, request.path_params["tender_id"]
        if not session.may("audit"):
            return refused_page(self, request, "read the decision log")
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
            return refused_page(self, request, "read the decision log")
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
            return refused_page(self, request, "read the decision log")
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

    async def notice(self, request: Request) -> Response:
        """A recorded contract check's contract performance notice (GetPerformanceNotice)."""
        session = request.state.session
        if not session.may("audit"):
            return refused_page(self, request, "read the decision log")
        seq = _seq(request)
        found = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.performance_notice(seq))
        )
        return _document(found.html)

    async def replay(self, request: Request) -> Response:
        """A recorded decision evaluated again on its recorded version."""
        session = request.state.session
        await read_form(request)
        seq = _seq(request)
        replayed = await run_in_threadpool(lambda: self.call(session, lambda c: c.replay(seq)))
        record = await run_in_threadpool(
            lambda: self.call(session, lambda c: c.get_evaluation(seq))
        )
        return self.page("evaluation.html.j2", request, record=record, replayed=replayed)


def _panel_of(client: ProbityClient, tender_id: str) -> Any:
    """The tender's panel, if it is open and the caller may see it (else None)."""
    try:
        found = client.panel.get(tender_id)
        return found if found.lead else None
    except grpc.RpcError as exc:
        quiet = (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.PERMISSION_DENIED)
        if exc.code() in quiet:
            return None
        raise


# A report is a document of its own: its styles inline, no script at all.
_DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)


def _document(html: str) -> Response:
    response = HTMLResponse(html)
    response.headers["X-Document"] = "1"  # keeps its own policy (see _Guard)
    response.headers["Content-Security-Policy"] = _DOCUMENT_POLICY
    return response


def _seq(request: Request) -> int:
    seq = int(request.path_params["seq"])
    if not 0 < seq < 2**63:
        raise NoSuchDecision
    return seq
