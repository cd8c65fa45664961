"""The contract performance notice (issue 35, item 3): every item of the Procurement
Regulations 2024, reg 39(4), checked one by one in the HTML and in the OCDS release; a notice
lacking one is refused, naming it; the OCDS package has the standard's shape; the PDF fits
its pages."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from markupsafe import escape

from probity.engine.compiler.pipeline import load_file
from probity.engine.monitoring.contract_result import contract_dict
from probity.engine.monitoring.monitor import Monitor
from probity.reports import notices
from probity.reports.pages import notice_html
from tests.clients.test_cli import probity
from tests.conftest import RULES
from tests.reports.test_pdf_fit import misfits

EXAMPLE = RULES / "examples/ethical-standards-monitoring/from-award.json"
ISSUED = "2028-02-01T00:00:00Z"
AUTHORITY = {
    "name": "Northfield Borough Council",
    "postal_address": "Town Hall, Northfield, NF1 1AA",
    "email": "procurement@northfield.example",
    "identifier": "PGPD-0001-NBCX",
}


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    """The example contract's four quarters checked, with the authority's full details."""
    given = json.loads(EXAMPLE.read_text())
    given["contract"]["contracting_authority"] = AUTHORITY
    monitor = Monitor(load_file(RULES / "ethical-standards-monitoring.yaml"))
    return contract_dict(monitor.check(given))


def _forms(result: dict[str, Any]) -> tuple[dict[str, Any], str, dict[str, Any]]:
    ctx = notices.context(result, ISSUED)
    return ctx, notice_html(ctx), notices.ocds_package(ctx)


def test_a_complete_notice_passes_every_item(result: dict[str, Any]) -> None:
    ctx, page, ocds = _forms(result)
    notices.check(ctx, page, ocds)
    assert [i.paragraph for i in notices.ITEMS] == [
        "reg 39(4)(a)", "reg 39(4)(b)", "reg 39(4)(c)(i)", "reg 39(4)(c)(ii)", "reg 39(4)(d)",
        "reg 39(4)(e)", "reg 39(4)(f)(i)", "reg 39(4)(f)(ii)", "reg 39(4)(f)(iii)",
        "reg 39(4)(g)", "reg 39(4)(h)",
    ]  # fmt: skip
    assert [k["overall_label"] for k in ctx["kpis"]] == [
        "Inadequate", "Good", "Requires improvement", "Good",
    ]  # fmt: skip
    assert (ctx["period_from"], ctx["period_to"]) == ("2027-Q1", "2027-Q4")


@pytest.mark.parametrize("item", notices.ITEMS, ids=lambda i: i.paragraph)
def test_each_item_must_be_printed_in_the_html_and_the_ocds(
    result: dict[str, Any], item: notices.Item
) -> None:
    ctx, page, ocds = _forms(result)
    values = [v for v in item.values(ctx) if v]
    assert values, item.paragraph
    for value in values:
        cut_page = page.replace(value, "").replace(str(escape(value)), "")  # as Jinja escapes
        with pytest.raises(notices.Incomplete) as caught:
            notices.check(ctx, cut_page, ocds)
        assert item.paragraph in str(caught.value)
        cut_ocds = json.loads(json.dumps(ocds, ensure_ascii=False).replace(value, ""))
        with pytest.raises(notices.Incomplete) as caught:
            notices.check(ctx, page, cut_ocds)
        assert item.paragraph in str(caught.value)


# Each item's data taken away from the contract, and the item whose refusal it must cause.
_TAKEN = [
    ("reg 39(4)(a)", lambda r: r.update(contracting_authority=None)),
    ("reg 39(4)(b)", lambda r: r.update(title="")),
    ("reg 39(4)(c)(i)", lambda r: r.update(procurement_id="")),
    ("reg 39(4)(c)(ii)", lambda r: r.update(contract_id="")),
    ("reg 39(4)(d)", lambda r: r.update(kpis=[])),
    ("reg 39(4)(f)(i)", lambda r: r.update(supplier="", supplier_details=None)),
    ("reg 39(4)(f)(ii)", lambda r: r["supplier_details"].update(email="")),
    ("reg 39(4)(f)(iii)", lambda r: r["supplier_details"].update(identifier="")),
    ("reg 39(4)(g)", lambda r: r.update(kpis=[])),
    ("reg 39(4)(h)", lambda r: r.update(assessed_from="")),
]


@pytest.mark.parametrize(("paragraph", "take"), _TAKEN, ids=[t[0] for t in _TAKEN])
def test_a_notice_without_an_items_data_is_refused_naming_it(
    result: dict[str, Any], paragraph: str, take: Any
) -> None:
    lacking = copy.deepcopy(result)
    take(lacking)
    ctx, page, ocds = _forms(lacking)
    with pytest.raises(notices.Incomplete) as caught:
        notices.check(ctx, page, ocds)
    assert paragraph in [i.paragraph for i in caught.value.missing]


# The parts of an OCDS 1.1 release package this notice uses, as the standard's schema
# describes them (release-package and release schemas, the metrics extension): written from
# its documentation, as the official schema cannot be fetched from this closed network.
_ORGANISATION_REF = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
OCDS_SUBSET = {
    "type": "object",
    "required": ["uri", "version", "publishedDate", "publisher", "releases"],
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "version": {"const": "1.1"},
        "extensions": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "publishedDate": {"type": "string", "format": "date-time"},
        "publisher": {"type": "object", "required": ["name"]},
        "releases": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["ocid", "id", "date", "tag", "initiationType"],
                "properties": {
                    "ocid": {"type": "string", "minLength": 1},
                    "id": {"type": "string", "minLength": 1},
                    "date": {"type": "string", "format": "date-time"},
                    "tag": {"type": "array", "items": {"enum": ["contractImplementation"]}},
                    "initiationType": {"const": "tender"},
                    "buyer": _ORGANISATION_REF,
                    "parties": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name", "roles"],
                            "properties": {
                                "roles": {
                                    "type": "array",
                                    "items": {"enum": ["buyer", "supplier"]},
                                },
                                "address": {"type": "object"},
                                "contactPoint": {
                                    "type": "object",
                                    "properties": {"email": {"type": "string"}},
                                },
                                "identifier": {"type": "object", "required": ["id"]},
                            },
                        },
                    },
                    "tender": {"type": "object", "required": ["id"]},
                    "contracts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "awardID"],
                            "properties": {
                                "implementation": {
                                    "type": "object",
                                    "properties": {
                                        "metrics": {
                                            "type": "array",
                                            "items": {"$ref": "#/$defs/metric"},
                                        }
                                    },
                                }
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {
        "metric": {
            "type": "object",
            "required": ["id", "title", "observations"],
            "properties": {
                "observations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id"],
                        "properties": {
                            "measure": {"type": ["string", "number"]},
                            "notes": {"type": "string"},
                            "value": {
                                "type": "object",
                                "properties": {"amount": {"type": "number"}},
                            },
                            "period": {
                                "type": "object",
                                "properties": {
                                    "startDate": {"type": "string", "format": "date-time"},
                                    "endDate": {"type": "string", "format": "date-time"},
                                },
                            },
                        },
                    },
                }
            },
        }
    },
}


def test_the_ocds_release_package_has_the_standards_shape(result: dict[str, Any]) -> None:
    _, _, ocds = _forms(result)
    checker = jsonschema.Draft202012Validator(
        OCDS_SUBSET, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert [e.message for e in checker.iter_errors(ocds)] == []
    (release,) = ocds["releases"]
    assert release["ocid"] == "ocds-h6vhtk-04a1b2" and release["tender"]["id"] == release["ocid"]
    roles = {p["roles"][0]: p for p in release["parties"]}
    assert roles["supplier"]["identifier"]["id"] == "PGPD-1001-NCPX"
    assert roles["buyer"]["contactPoint"]["email"] == AUTHORITY["email"]
    (metric,) = [
        m
        for m in release["contracts"][0]["implementation"]["metrics"]
        if m["id"] == "COMPLAINT-RESPONSE"
    ]
    assessment = metric["observations"][-1]
    assert assessment["measure"] == "Inadequate"
    assert assessment["period"] == {
        "startDate": "2027-01-01T00:00:00Z",
        "endDate": "2027-12-31T23:59:59Z",
    }
    q3 = next(o for o in metric["observations"] if o["id"] == "COMPLAINT-RESPONSE-2027-Q3")
    assert q3["value"] == {"amount": 12.0} and q3["notes"].startswith("promised 7 working days")
    broken = copy.deepcopy(ocds)
    broken["releases"][0]["tag"] = ["planning-ish"]  # the checker is not toothless
    assert list(checker.iter_errors(broken))


def test_the_command_writes_each_form_and_refuses_an_incomplete_notice(
    result: dict[str, Any], tmp_path: Path
) -> None:
    source = tmp_path / "result.json"
    source.write_text(json.dumps(result))
    for name in ("notice.html", "notice.pdf", "notice.json"):
        made = probity(
            "report", "performance-notice", str(source), "--out", str(tmp_path / name),
            "--date", "2028-02-01",
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
    html = (tmp_path / "notice.html").read_text()
    assert "Contract performance notice: T-2026-014/contract" in html
    assert misfits(tmp_path / "notice.pdf", html) == []
    assert json.loads((tmp_path / "notice.json").read_text())["version"] == "1.1"
    lacking = {**result, "supplier_details": {**result["supplier_details"], "email": ""}}
    source.write_text(json.dumps(lacking))
    refused = probity(
        "report", "performance-notice", str(source), "--out", str(tmp_path / "x.html")
    )
    assert refused.returncode == 1 and not (tmp_path / "x.html").exists()
    assert "reg 39(4)(f)(ii): the supplier's contact postal address and email address" in (
        refused.stderr
    )
    assert "Traceback" not in refused.stderr


def test_the_readme_shows_the_ocds_mapping_as_the_code_has_it() -> None:
    readme = (RULES.parent / "README.md").read_text()
    for said, where in notices.OCDS_FIELDS:
        assert f"| {said} | `{where}` |" in readme
