"""The contract performance notice (Procurement Act 2023 s.71; Procurement Regulations 2024,
reg 39): a contract's KPIs assessed for a period, as HTML (PDF from the same HTML) and as an
Open Contracting Data Standard release package, from a contract check's result in the
engine's JSON shape (`probity monitor --format json`, CheckContract, the decision log).

Reg 39(4) lists what the notice must contain, item by item (ITEMS); a notice is issued only
when every item has its values and each value is printed in every form (`check`), as the
assessment summaries are (reports.reg31). The OCDS mapping is one table (OCDS_FIELDS) and the
README shows it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from probity.engine import kpi_amount, parse_period
from probity.reports.reg31 import plain_html

Context = dict[str, Any]

# Reg 39(5): the five ratings and what each means (paraphrased from the regulation's table).
MEANINGS = {
    "good": "Performance is meeting or exceeding the key performance indicator.",
    "approaching_target": "Performance is close to meeting the key performance indicator.",
    "requires_improvement": "Performance is below the key performance indicator.",
    "inadequate": "Performance is significantly below the key performance indicator.",
    "other": "Performance cannot be described by the other ratings; the reason is given.",
}


@dataclass(frozen=True)
class Item:
    paragraph: str  # e.g. "reg 39(4)(c)(ii)"
    says: str
    values: Callable[[Context], list[str]]


class Incomplete(Exception):
    """A notice that cannot be issued: the contract, and each item it lacks."""

    def __init__(self, contract: str, missing: list[Item]) -> None:
        self.contract = contract
        self.missing = missing
        said = "; ".join(f"{item.paragraph}: {item.says}" for item in missing)
        super().__init__(
            f"the contract performance notice for {contract} cannot be issued; it lacks {said}"
        )


def _party(role: str, *names: str) -> Callable[[Context], list[str]]:
    return lambda c: [c[role].get(name, "") for name in names]


ITEMS: tuple[Item, ...] = (
    Item("reg 39(4)(a)", "the contracting authority", _party("authority", "name")),
    Item("reg 39(4)(b)", "the title of the procurement", lambda c: [c["title"]]),
    Item("reg 39(4)(c)(i)", "the procurement's unique identifier", lambda c: [c["procurement_id"]]),
    Item("reg 39(4)(c)(ii)", "the contract's unique identifier", lambda c: [c["contract_id"]]),
    Item(
        "reg 39(4)(d)",
        "the key performance indicators set under s.52(1)",
        lambda c: [k["title"] for k in c["kpis"]],
    ),
    Item(
        "reg 39(4)(e)",
        "a statement that the notice sets out the assessment of performance against them",
        lambda c: [c["statement"]],
    ),
    Item("reg 39(4)(f)(i)", "the supplier's name", _party("supplier", "name")),
    Item(
        "reg 39(4)(f)(ii)",
        "the supplier's contact postal address and email address",
        _party("supplier", "postal_address", "email"),
    ),
    Item("reg 39(4)(f)(iii)", "the supplier's unique identifier", _party("supplier", "identifier")),
    Item(
        "reg 39(4)(g)",
        "the assessment against each KPI in one of the ratings of reg 39(5)",
        lambda c: [k["overall_label"] for k in c["kpis"]],
    ),
    Item(
        "reg 39(4)(h)",
        "the time period the assessment applies to",
        lambda c: [c["period_from"], c["period_to"]],
    ),
)


def context(result: dict[str, Any], issued: str) -> Context:
    """What the notice says, from a contract check's result (the engine's JSON shape)."""
    authority = _filled(result.get("contracting_authority"))
    supplier = _filled(result.get("supplier_details"))
    supplier["name"] = supplier["name"] or result.get("supplier", "")
    kpis = [_kpi(k) for k in result.get("kpis", [])]
    who = authority.get("name") or "the contracting authority"
    statement = (
        f"This notice sets out {who}'s assessment of the supplier's performance against the "
        "key performance indicators of the contract (Procurement Act 2023, section 71)."
    )
    return {
        "issued": issued,
        "authority": authority,
        "supplier": supplier,
        "title": result.get("title", ""),
        "procurement_id": result.get("procurement_id", ""),
        "contract_id": result.get("contract_id", ""),
        "kpis": kpis,
        "statement": statement,
        "period_from": result.get("assessed_from", ""),
        "period_to": result.get("assessed_to", ""),
        "ruleset": result.get("ruleset", {}),
        "meanings": MEANINGS,
    }


def _filled(party: dict[str, Any] | None) -> dict[str, str]:
    """A party with every detail a notice names ("" for one not given)."""
    given = party or {}
    return {k: str(given.get(k) or "") for k in ("name", "postal_address", "email", "identifier")}


def _kpi(kpi: dict[str, Any]) -> dict[str, Any]:
    target = kpi.get("target")
    bound = "at most" if kpi.get("lower_is_better") else "at least"
    wanted = "no target set" if target is None else f"{bound} {kpi_amount(kpi['unit'], target)}"
    promise = kpi.get("promise")
    source = {
        "promise": "promised by the supplier at tender"
        + (f" (tender {promise['tender_id']}, bid {promise['submission_id']})" if promise else ""),
        "contract": "set by the contract",
        "rule_set": "the authority's standard target",
        "none": "",
    }[kpi.get("target_from", "none")]
    return {**kpi, "wanted": wanted, "target_source": source}


def missing(ctx: Context, *plain_texts: str) -> list[Item]:
    """The items the notice lacks: a value not given, or not printed in every form."""
    lacking = []
    for item in ITEMS:
        values = [" ".join(str(v).split()) for v in item.values(ctx)]
        printed = all(v in text for v in values for text in plain_texts)
        if not values or not all(values) or not printed:
            lacking.append(item)
    return lacking


def check(ctx: Context, page: str, ocds: dict[str, Any]) -> None:
    """Incomplete, naming each item, unless the notice has every reg 39(4) item in its HTML
    and its OCDS release."""
    texts = [plain_html(page), " ".join(json.dumps(ocds, ensure_ascii=False).split())]
    lacking = missing(ctx, *texts)
    if lacking:
        raise Incomplete(ctx["contract_id"] or "(no contract id)", lacking)


# Where each part of the notice goes in the OCDS release (OCDS 1.1 and its metrics
# extension; the README shows this table).
OCDS_FIELDS = (
    ("reg 39(4)(a) the contracting authority", "parties[] (role buyer), buyer"),
    ("reg 39(4)(b) the procurement's title", "tender.title"),
    ("reg 39(4)(c)(i) the procurement's identifier", "ocid, tender.id"),
    ("reg 39(4)(c)(ii) the contract's identifier", "contracts[].id"),
    ("reg 39(4)(d) each KPI", "contracts[].implementation.metrics[] (id, title, description)"),
    ("reg 39(4)(e) the statement", "contracts[].description"),
    (
        "reg 39(4)(f) the supplier",
        "parties[] (role supplier): name, address, contactPoint, identifier",
    ),
    (
        "reg 39(4)(g) each KPI's assessment",
        "metrics[].observations[] (id …-assessment): measure, notes",
    ),
    (
        "reg 39(4)(h) the period assessed",
        "the assessment observation's period (startDate, endDate)",
    ),
    (
        "each period's rating and reason",
        "metrics[].observations[] (id …-<period>): measure, notes, value",
    ),
)
METRICS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metric_extension/"
    "master/extension.json"
)


def ocds_package(ctx: Context) -> dict[str, Any]:
    """The notice as an OCDS release package with one release (tag contractImplementation)."""
    issued = ctx["issued"]
    ocid = ctx["procurement_id"]
    authority, supplier = ctx["authority"], ctx["supplier"]
    buyer_id = authority.get("identifier") or authority.get("name", "")
    supplier_id = supplier.get("identifier") or supplier.get("name", "")
    start, _ = _dates(ctx["period_from"])
    _, end = _dates(ctx["period_to"])
    metrics = [
        {
            "id": k["kpi"],
            "title": k["title"],
            "description": f"{k['description']} Target: {k['wanted']}.",
            "observations": [
                *(_observation(k["kpi"], p) for p in k["periods"]),
                {
                    "id": f"{k['kpi']}-assessment",
                    "measure": k["overall_label"],
                    "notes": k["overall_reason"],
                    "period": {"startDate": start, "endDate": end},
                },
            ],
        }
        for k in ctx["kpis"]
    ]
    release = {
        "ocid": ocid,
        "id": f"{ocid}-performance-{ctx['contract_id']}-{ctx['period_to']}",
        "date": issued,
        "tag": ["contractImplementation"],
        "initiationType": "tender",
        "language": "en",
        "parties": [
            _organisation(buyer_id, authority, "buyer"),
            _organisation(supplier_id, supplier, "supplier"),
        ],
        "buyer": {"id": buyer_id, "name": authority.get("name", "")},
        "tender": {"id": ocid, "title": ctx["title"]},
        "contracts": [
            {
                "id": ctx["contract_id"],
                "awardID": ctx["contract_id"],
                "title": ctx["title"],
                "description": ctx["statement"],
                "implementation": {"metrics": metrics},
            }
        ],
    }
    return {
        "uri": f"urn:probity:contract-performance-notice:{ocid}:{ctx['contract_id']}:"
        f"{ctx['period_to']}",
        "version": "1.1",
        "extensions": [METRICS_EXTENSION],
        "publishedDate": issued,
        "publisher": {"name": authority.get("name", "")},
        "releases": [release],
    }


def _organisation(ident: str, party: dict[str, Any], role: str) -> dict[str, Any]:
    found: dict[str, Any] = {"id": ident, "name": party.get("name", ""), "roles": [role]}
    if party.get("identifier"):
        found["identifier"] = {"id": party["identifier"], "legalName": party.get("name", "")}
    if party.get("postal_address"):
        found["address"] = {"streetAddress": party["postal_address"]}
    if party.get("email"):
        found["contactPoint"] = {"email": party["email"]}
    return found


def _observation(kpi: str, period: dict[str, Any]) -> dict[str, Any]:
    start, end = _dates(period["period"])
    found: dict[str, Any] = {
        "id": f"{kpi}-{period['period']}",
        "measure": period["label"],
        "notes": period["reason"],
        "period": {"startDate": start, "endDate": end},
    }
    if period.get("value") is not None:
        found["value"] = {"amount": period["value"]}
    return found


def _dates(label: str) -> tuple[str, str]:
    """A period's first and last moments, as OCDS dates ("2027-Q1" or "2027-03")."""
    if not label:
        return "", ""
    period = parse_period(label, "quarter" if "-Q" in label else "month")
    return f"{period.start}T00:00:00Z", f"{period.end}T23:59:59Z"
