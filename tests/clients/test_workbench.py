"""The workbench (issue 23) end to end, as a policy officer uses it: Debian's Chromium, driven
by chromedriver, against a real workbench over a real Probity server with tokens. Sign in,
make a mistake and see it at its line, fix it, publish with a note, see the new version
served; a portal token cannot publish; a script typed anywhere stays text."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from probity.clients.client import ProbityClient
from probity.clients.workbench.site import Config
from probity.engine.evaluation.matcher import Matcher
from probity.server.app import ProbityServer
from tests.clients.workbench_web import free_port, serving
from tests.conftest import NOLAN_VERSION, ROOT, RULES, shipped
from tests.panel_flow import run_panel
from tests.server.conftest import TOKENS, example, running, settings_for, token_file
from tests.server.test_tenders import DETAILS, supplier_details

NOLAN = (RULES / "nolan-tender.yaml").read_text()
HOSTILE = '<script>window.hijacked = true</script><img src=x onerror="window.hijacked=true">'


@dataclass
class Bench:
    server: ProbityServer
    url: str


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    with _bench(tmp_path, tokens=token_file(tmp_path)) as started:
        yield started


@contextmanager
def _bench(tmp_path: Path, **settings: Any) -> Iterator[Bench]:
    with running(settings_for(tmp_path, **settings)) as server:
        config = Config(f"127.0.0.1:{server.port}", tmp_path / "drafts.db")
        with serving(config) as at:
            yield Bench(server, f"http://{at}")


def _sign_in(browser: webdriver.Chrome, bench: Bench, role: str, check: bool = False) -> None:
    browser.delete_all_cookies()
    browser.get(f"{bench.url}/signin")
    if check:
        _accessible(browser)
    browser.find_element(By.ID, "token").send_keys(TOKENS[role])
    browser.find_element(By.CSS_SELECTOR, "form[action='/signin'] button").click()
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.TAG_NAME, "table"))


def _status(browser: webdriver.Chrome, starts: str) -> str:
    """The check's status line, once it starts with `starts`."""
    found = WebDriverWait(browser, 60).until(
        lambda b: (t := b.find_element(By.ID, "check-status").text).startswith(starts) and t
    )
    return str(found)


def _then(browser: webdriver.Chrome, by: str, value: str) -> list[Any]:
    """The elements a page that a click led to shows, once it has loaded (a click starts the
    navigation; chromedriver does not always wait for a form's answer)."""
    found: list[Any] = WebDriverWait(browser, 60).until(lambda b: b.find_elements(by, value))
    return found


def _titled(browser: webdriver.Chrome, title: str) -> None:
    WebDriverWait(browser, 60).until(lambda b: b.title == title)


def _screenshot(browser: webdriver.Chrome, name: str) -> None:
    """With PROBITY_SCREENSHOTS set, the page as shown now, for docs/."""
    if os.environ.get("PROBITY_SCREENSHOTS"):
        browser.save_screenshot(str(ROOT / "docs" / name))


AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"  # `make install` fetches it
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _accessible(browser: webdriver.Chrome) -> None:
    """axe-core finds nothing against WCAG 2.2 A and AA on the page as shown now."""
    assert AXE.is_file(), "axe-core comes with `make install` (npm)"
    browser.execute_script(AXE.read_text())
    found = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}})
          .then(r => done(r.violations.map(v => [v.id, v.help, v.nodes.map(n => n.target)])));
        """,
        WCAG,
    )
    assert found == [], found


def _type(browser: webdriver.Chrome, text: str) -> None:
    """Replace the editor's text as typing would (the input event the page listens for)."""
    browser.execute_script(
        "const s = document.getElementById('source'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('input'));",
        text,
    )


def test_a_policy_officer_edits_checks_and_publishes(
    browser: webdriver.Chrome,
    bench: Bench,
) -> None:
    _sign_in(browser, bench, "policy", check=True)
    assert "Signed in as policy-caller (policy)" in browser.find_element(By.TAG_NAME, "header").text
    _accessible(browser)
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    nolan = next(r for r in rows if "nolan-tender" in r.text)
    assert NOLAN_VERSION in nolan.text
    nolan.find_element(By.TAG_NAME, "a").click()
    (history,) = _then(browser, By.CSS_SELECTOR, "section[aria-labelledby=history] tbody")
    assert "seeded" in history.text and "server" in history.text
    _accessible(browser)
    browser.find_element(By.LINK_TEXT, "Edit a draft").click()
    _then(browser, By.ID, "source")
    _status(browser, "No problems: nolan-tender")
    shown = browser.execute_script("return document.getElementById('highlight').textContent")
    assert shown == NOLAN  # the highlighted copy is the text, exactly
    keys = browser.execute_script(
        "return [...document.querySelectorAll('#highlight .k')].map(k => k.textContent.trim())"
    )
    assert "id" in keys and "principles" in keys  # keys, comments and strings coloured
    comment = browser.find_elements(By.CSS_SELECTOR, "#highlight .c")[0]
    assert comment.get_attribute("textContent").startswith("# ")

    broken = NOLAN.replace("weight: 20", "weight: 25", 1)  # the weights no longer add up
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["policy"]) as client:
        expected = [(d.line, d.column) for d in client.validate_ruleset(broken, "x").diagnostics]
    assert expected
    _type(browser, broken)
    said = _status(browser, f"{len(expected)} problem")
    assert "before it can be published" in said
    items = browser.find_elements(By.CSS_SELECTOR, "#diagnostics li.problem")
    shown = [i.find_element(By.TAG_NAME, "button").text for i in items]
    assert shown == [f"Line {line}, column {column}" for line, column in expected]
    assert "add up to 105" in items[0].text
    gutter = browser.find_element(By.ID, "gutter").text.splitlines()
    assert gutter[expected[0][0] - 1] == f"\u25b6{expected[0][0]}"  # marked at its line
    # by keyboard alone: from the editor, Tab reaches the problem, Enter goes to its line
    browser.find_element(By.ID, "source").click()
    browser.switch_to.active_element.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == f"Line {expected[0][0]}, column {expected[0][1]}"
    focused.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "source"
    caret = browser.execute_script("return document.getElementById('source').selectionStart")
    assert broken[:caret].count("\n") == expected[0][0] - 1  # the caret went to that line
    shown = browser.execute_script(
        "const s = document.getElementById('source'); return [s.scrollTop, s.clientHeight]"
    )
    line_top = (expected[0][0] - 1) * 1.4 * 14.4  # 0.9rem lines at 1.4, as the styles say
    assert shown[0] <= line_top <= shown[0] + shown[1]  # that line is in view
    _screenshot(browser, "workbench-editor.png")
    _accessible(browser)

    fixed = (
        NOLAN.replace(f"version: {NOLAN_VERSION}", "version: 9.0.0", 1)
        .replace("weight: 20", "weight: 25", 1)
        .replace("weight: 10", "weight: 5", 1)  # they add up again
    )
    _type(browser, fixed)
    _status(browser, "No problems: nolan-tender 9.0.0 is ready to publish")
    weights = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#principles li")]
    assert "Integrity: 25" in weights and "Selflessness: 5" in weights  # in step with the text
    gates = browser.find_element(By.ID, "gates").text
    assert gates.count("\n") + 1 == sum(
        c.gate for c in shipped(RULES / "nolan-tender.yaml").criteria
    )
    bands = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#bands li")]
    assert "Compliant: a total of 75 or more" in bands  # issue 36: said once, in words
    assert "Rejected (a pass/fail requirement not met)" in bands
    scoring = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#criteria tbody tr")]
    assert not [r for r in scoring if "level:" in r or "(level" in r]
    assert any(r.endswith("points when met, 0 when not") for r in scoring)
    assert "quality 60%, price 40%" in browser.find_element(By.ID, "award").text
    browser.find_element(By.ID, "publish").click()  # without a note
    assert "a change note is required" in _then(browser, By.CSS_SELECTOR, ".error")[0].text
    assert browser.find_element(By.ID, "source").get_attribute("value") == fixed  # kept
    browser.find_element(By.ID, "note").send_keys(HOSTILE)
    browser.find_element(By.ID, "publish").click()
    WebDriverWait(browser, 60).until(lambda b: b.find_elements(By.ID, "published"))
    said = browser.find_element(By.ID, "published").text
    assert "Version 9.0.0 is published and active" in said
    if "1 of 1 replica serves it." not in said:  # this one takes it at its next sync
        time.sleep(bench.server.settings.sync_seconds + 0.5)
        browser.refresh()
    served = browser.find_element(By.CSS_SELECTOR, "#replicas tbody").text
    assert f":{bench.server.port} 9.0.0" in served
    first = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=history] tbody tr")
    assert "9.0.0" in first.text and "policy-caller (policy)" in first.text
    assert HOSTILE in first.text  # the note, shown as the text it is
    assert browser.execute_script("return window.hijacked === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "td.note script, td.note img")
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["portal"]) as portal:
        assert portal.evaluate("nolan-tender", example("strong")).ruleset.version == "9.0.0"

    browser.find_element(By.PARTIAL_LINK_TEXT, "Compare versions").click()
    _then(browser, By.ID, "diff")
    changes = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#changes li")]
    assert "Principles: Integrity's weight: 20 → 25." in changes
    assert "Principles: Selflessness's weight: 10 → 5." in changes
    assert browser.find_element(By.ID, "change-kind").text == (
        "A minor change (principles or their weights changed): version 9.0.0 says so."
    )
    added = [s.text for s in browser.find_elements(By.CSS_SELECTOR, "#diff .added")]
    removed = [s.text for s in browser.find_elements(By.CSS_SELECTOR, "#diff .removed")]
    assert "+    weight: 25" in added and "-    weight: 20" in removed
    assert "+version: 9.0.0" in added
    _screenshot(browser, "workbench-compare.png")
    _accessible(browser)


def test_a_draft_is_kept_for_its_author_and_never_served(
    browser: webdriver.Chrome,
    bench: Bench,
) -> None:
    _sign_in(browser, bench, "policy")
    browser.get(f"{bench.url}/rulesets/nolan-tender/edit")
    draft = NOLAN.replace(f"version: {NOLAN_VERSION}", "version: 9.1.0", 1) + f"# {HOSTILE}\n"
    _type(browser, draft)
    _status(browser, "No problems: nolan-tender 9.1.0")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    WebDriverWait(browser, 30).until(lambda b: "Draft saved" in b.page_source)
    assert browser.find_element(By.ID, "source").get_attribute("value") == draft
    assert browser.execute_script("return window.hijacked === undefined")
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["portal"]) as portal:
        assert portal.get_ruleset("nolan-tender").ruleset.version == NOLAN_VERSION
    browser.get(f"{bench.url}/rulesets/nolan-tender")
    assert browser.find_element(By.LINK_TEXT, "Go on with your draft")


def test_a_portal_token_reads_but_cannot_edit_or_publish(
    browser: webdriver.Chrome,
    bench: Bench,
) -> None:
    _sign_in(browser, bench, "portal")
    browser.get(f"{bench.url}/rulesets/nolan-tender")
    assert not browser.find_elements(By.PARTIAL_LINK_TEXT, "draft")
    browser.get(f"{bench.url}/rulesets/nolan-tender/edit")
    assert "The portal role may not edit rule sets" in browser.page_source
    answer = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const form = new URLSearchParams({csrf: csrf, text: arguments[0], note: "by a portal"});
        fetch("/rulesets/nolan-tender/publish", {method: "POST", body: form})
          .then(r => r.text().then(t => done([r.status, t])));
        """,
        NOLAN.replace(f"version: {NOLAN_VERSION}", "version: 9.2.0", 1),
    )
    assert answer[0] == 403 and "The portal role may not edit rule sets" in answer[1]
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["portal"]) as portal:
        assert portal.get_ruleset("nolan-tender").ruleset.version == NOLAN_VERSION


def _post(
    bench: Bench, path: str, form: dict[str, str], cookie: str = ""
) -> http.client.HTTPResponse:
    parsed = urllib.parse.urlsplit(bench.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("POST", path, urllib.parse.urlencode(form), headers)
    return connection.getresponse()


def test_sessions_are_server_side_and_posts_need_their_csrf_token(bench: Bench) -> None:
    refused = _post(bench, "/signin", {"token": "prb_not-a-token"})
    assert refused.status == 401 and b"That token is not one the server knows" in refused.read()
    signed = _post(bench, "/signin", {"token": TOKENS["policy"]})
    assert signed.status == 303
    set_cookie = signed.getheader("Set-Cookie") or ""
    assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie
    assert TOKENS["policy"] not in set_cookie  # the browser holds an id, not the token
    cookie = set_cookie.split(";", 1)[0]
    assert "default-src 'self'" in (signed.getheader("Content-Security-Policy") or "")
    parsed = urllib.parse.urlsplit(bench.url)
    for path in ("/evaluations/99999999999999999999999", "/evaluations/0"):
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        connection.request("GET", path, headers={"Cookie": cookie})
        answer = connection.getresponse()
        assert answer.status == 404 and b"no decision by that number" in answer.read()
    odd = _post(
        bench, "/rulesets/nolan-tender/draft", {"text": "x", "csrf": "\u00e9\u2603"}, cookie
    )
    assert odd.status == 403  # a forged token of any characters is refused, not a crash
    forged = _post(bench, "/rulesets/nolan-tender/draft", {"text": "x"}, cookie)
    assert forged.status == 403  # no CSRF token
    out = _post(bench, "/signout", {"csrf": "wrong"}, cookie)
    assert out.status == 403
    anonymous = _post(bench, "/rulesets/nolan-tender/draft", {"text": "x"})
    assert anonymous.status == 303 and anonymous.getheader("Location") == "/signin"


def test_an_impact_preview_shows_what_a_draft_would_change_in_recorded_decisions(
    browser: webdriver.Chrome,
    bench: Bench,
) -> None:
    at = f"127.0.0.1:{bench.server.port}"
    with ProbityClient(at, token=TOKENS["portal"]) as portal:
        for name in ("strong", "weak", "rejected"):
            portal.evaluate("nolan-tender", example(name))
    with ProbityClient(at, token=TOKENS["auditor"]) as auditor:
        recorded = len(list(auditor.list_evaluations()))
    _sign_in(browser, bench, "policy")
    browser.get(f"{bench.url}/rulesets/nolan-tender/edit")
    lenient = NOLAN.replace(f"version: {NOLAN_VERSION}", "version: 9.0.0", 1)
    _type(browser, lenient.replace("gate: true", "gate: false"))  # no pass/fail requirements
    _status(browser, "No problems: nolan-tender 9.0.0")
    browser.find_element(By.ID, "preview").click()
    WebDriverWait(browser, 120).until(lambda b: b.find_elements(By.ID, "impact-summary"))
    summary = browser.find_element(By.ID, "impact-summary").text
    assert "3 recorded decisions on version" in summary and "1 would change" in summary
    (row,) = browser.find_elements(By.CSS_SELECTOR, "#impact tbody tr")
    assert "since" not in summary  # all of them: no time range was given
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    assert cells[2].startswith("Rejected") and cells[2].endswith("→ Compliant")
    assert cells[4] == "rejected → passed"
    _screenshot(browser, "workbench-impact.png")
    _accessible(browser)
    row.find_element(By.TAG_NAME, "a").click()  # the decision behind it, one click away
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading.startswith("Decision ") and example("rejected")["id"] in heading
    browser.back()
    browser.back()
    browser.find_element(By.ID, "until").send_keys("2000-01-01")  # before anything recorded
    browser.find_element(By.ID, "preview").click()
    WebDriverWait(browser, 120).until(lambda b: b.find_elements(By.ID, "impact-summary"))
    assert browser.find_element(By.ID, "impact-summary").text.startswith("0 recorded decisions")
    with ProbityClient(at, token=TOKENS["auditor"]) as auditor:
        assert len(list(auditor.list_evaluations())) == recorded  # nothing recorded
        held = auditor.get_ruleset("nolan-tender").ruleset
        assert "9.0.0" not in [held.version, *held.other_versions]


def test_a_drafts_own_tests_run_and_say_what_differed(
    browser: webdriver.Chrome, bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_rules_engine_here(monkeypatch)
    _sign_in(browser, bench, "policy")
    browser.get(f"{bench.url}/rulesets/nolan-tender/edit")
    # the strong bid's test now expects a band it does not get
    draft = NOLAN.replace(f"version: {NOLAN_VERSION}", "version: 9.0.0", 1).replace(
        "    expect:\n      band: compliant\n      total: 100\n",
        "    expect:\n      band: conditional\n      total: 100\n",
        1,
    )
    assert draft.count("band: conditional\n      total: 100") == 1
    _type(browser, draft)
    _status(browser, "No problems: nolan-tender 9.0.0")
    browser.find_element(By.ID, "run-tests").click()
    WebDriverWait(browser, 120).until(lambda b: b.find_elements(By.ID, "tests-summary"))
    summary = browser.find_element(By.ID, "tests-summary").text
    assert "1 failed" in summary and "criteria are tested both met and not met" in summary
    (failed,) = browser.find_elements(By.CSS_SELECTOR, "#cases tr.failed")
    assert "strong bid" in failed.text and "band is compliant, expected conditional" in failed.text
    assert "✗ failed" in failed.text  # issue 36: a failed test stands out
    cell = failed.find_element(By.TAG_NAME, "td")
    assert cell.value_of_css_property("background-color") == "rgba(253, 236, 236, 1)"
    assert browser.find_element(By.ID, "tests-summary").get_attribute("role") == "alert"
    coverage = browser.find_elements(By.CSS_SELECTOR, "#coverage tbody tr")
    criteria = shipped(RULES / "nolan-tender.yaml").criteria
    assert len(coverage) == len(criteria)  # every criterion, shown met and not met or not
    assert all(row.text.endswith(("yes yes", "yes no", "no yes", "no no")) for row in coverage)
    _accessible(browser)


def test_an_auditor_reads_a_tender_its_report_and_summaries_and_replays_a_decision(
    browser: webdriver.Chrome,
    bench: Bench,
) -> None:
    bids = [
        dict(example("strong"), id="T-9/a", price=12_000.0, tender_id="T-9",
             supplier=supplier_details("S-A", HOSTILE)),
        dict(example("weak"), id="T-9/b", price=9_000.0, tender_id="T-9",
             supplier=supplier_details("S-B", "Birch Ltd")),
    ]  # fmt: skip
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["portal"]) as portal:
        portal.evaluate_tender("nolan-tender", "T-9", bids, details=DETAILS)
    agreed = {  # the evaluation panel's consensus on SEL-02, the criterion it scores
        "T-9/a": {"SEL-02": (4, "Staffing floors and a monthly quality audit are named.")},
        "T-9/b": {"SEL-02": (0, "It promises a high quality service but names no safeguard.")},
    }
    run_panel(
        bench.server.port, "T-9", agreed, lead=("lead-caller", TOKENS["lead"]),
        evaluators={"evaluator-caller": TOKENS["evaluator"]},
    )  # fmt: skip
    _sign_in(browser, bench, "portal")
    browser.get(f"{bench.url}/decisions")
    assert "The portal role may not read the decision log" in browser.page_source
    _sign_in(browser, bench, "auditor")
    browser.find_element(By.LINK_TEXT, "Decisions").click()
    _then(browser, By.ID, "decisions")
    _accessible(browser)
    browser.find_element(By.LINK_TEXT, "T-9").click()
    _then(browser, By.ID, "ranking")
    ranking = browser.find_elements(By.CSS_SELECTOR, "#ranking tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in ranking] == ["T-9/a", "T-9/b"]
    assert HOSTILE in ranking[0].text  # a bidder's name, as text
    _accessible(browser)
    browser.find_element(By.ID, "report").click()
    _titled(browser, "Tender evaluation report: T-9")
    assert "From the decision log: evaluated in call" in browser.page_source
    assert browser.execute_script("return window.hijacked === undefined")
    browser.back()
    _then(browser, By.LINK_TEXT, "Assessment summary")[1].click()
    _titled(browser, "Assessment summary: Birch Ltd")
    browser.back()
    _then(browser, By.ID, "ranking")
    browser.find_element(By.CSS_SELECTOR, "#ranking tbody tr td:nth-child(6) a").click()
    _then(browser, By.ID, "replay")[0].click()
    replayed = _then(browser, By.ID, "replayed")[0].text
    assert "the result is the same, byte for byte" in replayed
    _accessible(browser)


def _no_rules_engine_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """durable_rules may not run in this process (the workbench's, and the gRPC server's):
    each draft loaded into it there stayed for good (109 → 273 MB after 300 drafts)."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("durable_rules was asked to run in the workbench's process")

    monkeypatch.setattr(Matcher, "__init__", refused)


def test_try_it_with_a_form_made_from_the_inputs(
    browser: webdriver.Chrome, bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_rules_engine_here(monkeypatch)
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["auditor"]) as auditor:
        recorded = len(list(auditor.list_evaluations()))
    _sign_in(browser, bench, "portal")  # answers tried in the server's sandbox: not for portals
    browser.get(f"{bench.url}/rulesets/nolan-tender/try")
    assert "The portal role may not try answers on a rule set" in browser.page_source
    _sign_in(browser, bench, "auditor")
    browser.get(f"{bench.url}/rulesets/nolan-tender")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Try it").click()
    _then(browser, By.ID, "try-form")
    inputs = shipped(RULES / "nolan-tender.yaml").spec.inputs
    questions = browser.find_element(By.ID, "try-form").text
    assert all((spec.question or spec.description) in questions for spec in inputs)
    # Allowed values by their labels, never as codes.
    assert "co-designed with service users" in questions and "co_designed" not in questions
    assert "a decision log" in questions and "decision_log" not in questions
    _accessible(browser)
    select = browser.find_element(By.ID, "example")
    select.find_element(By.XPATH, "option[text()='strong bid']").click()
    browser.find_element(By.CSS_SELECTOR, "form.choose button").click()
    WebDriverWait(browser, 60).until(lambda b: "example=strong" in b.current_url)
    browser.find_element(By.ID, "try").click()
    said = WebDriverWait(browser, 60).until(lambda b: b.find_elements(By.ID, "try-band"))[0].text
    assert said.startswith("Compliant: 100.00 of 100")
    _accessible(browser)
    first = browser.find_element(By.CSS_SELECTOR, "#try-form select")  # a yes/no question
    first.find_element(By.XPATH, "option[@value='']").click()  # left unanswered now
    browser.execute_script("document.getElementById('try-result').id = 'before'")
    browser.find_element(By.ID, "try").click()
    WebDriverWait(browser, 60).until(lambda b: b.find_elements(By.ID, "try-result"))
    assert "answers." not in browser.find_element(By.ID, "try-result").text  # no paths shown
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["auditor"]) as auditor:
        assert len(list(auditor.list_evaluations())) == recorded  # nothing recorded


def test_against_an_open_server_anyone_on_the_machine_may_do_everything(tmp_path: Path) -> None:
    """`make run` serves without tokens (on loopback): the workbench then takes any text as
    the token, and offers everything."""
    with _bench(tmp_path) as open_bench:
        signed = _post(open_bench, "/signin", {"token": "anything"})
        assert signed.status == 303 and signed.getheader("Location") == "/"
        cookie = (signed.getheader("Set-Cookie") or "").split(";", 1)[0]
        parsed = urllib.parse.urlsplit(open_bench.url)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        connection.request("GET", "/rulesets/nolan-tender", headers={"Cookie": cookie})
        page = connection.getresponse().read().decode()
        assert "Edit a draft" in page and "a user of an open server" in page


def test_the_workbench_will_not_listen_beyond_loopback_for_an_open_server(
    tmp_path: Path,
) -> None:
    with running(settings_for(tmp_path)) as server:
        run = subprocess.run(
            [sys.executable, "-m", "probity", "workbench", "--server",
             f"127.0.0.1:{server.port}", "--host", "0.0.0.0", "--port", str(free_port()),
             "--drafts", str(tmp_path / "drafts.db")],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert run.returncode == 2
    assert "has no token file" in run.stderr and "Traceback" not in run.stderr


def _request(
    bench: Bench, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, str]:
    parsed = urllib.parse.urlsplit(bench.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    connection.request(method, path, body, headers or {})
    answer = connection.getresponse()
    return answer.status, answer.read().decode()


def test_hostile_requests_get_a_page_or_an_error_in_words_never_a_bare_500(bench: Bench) -> None:
    """A JSON list or bad JSON to /api/validate, a summary without ?bid and a cross-site
    sign-in each answered a bare "Internal Server Error" (or signed the browser in)."""
    signed = _post(bench, "/signin", {"token": TOKENS["policy"]})
    cookie = (signed.getheader("Set-Cookie") or "").split(";", 1)[0]
    csrf = _csrf(bench, cookie)
    api = {"Cookie": cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json"}
    for body in ("[1, 2]", "{not json", '{"text": 5}', "\xff"):
        status, said = _request(bench, "POST", "/api/validate", body, api)
        assert status == 400 and "send a JSON object" in said, body
    status, said = _request(bench, "GET", "/tenders/T-1/summary", headers={"Cookie": cookie})
    assert status == 400 and "Say whose summary" in said
    forged = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.test"}
    body = urllib.parse.urlencode({"token": TOKENS["policy"]})
    status, said = _request(bench, "POST", "/signin", body, forged)
    assert status == 403 and "Set-Cookie" not in said
    forged = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}
    assert _request(bench, "POST", "/signin", body, forged)[0] == 403
    parsed = urllib.parse.urlsplit(bench.url)
    same = {"Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://{parsed.netloc}"}  # fmt: skip
    assert _request(bench, "POST", "/signin", body, same)[0] == 303


def test_an_auditor_reads_a_contracts_check_and_its_monitoring_report(
    browser: webdriver.Chrome,
    bench: Bench,
) -> None:
    checked = json.loads(
        (RULES / "examples/ethical-standards-monitoring/breached.json").read_text()
    )
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["portal"]) as portal:
        result = portal.check_contract(
            "ethical-standards-monitoring", checked["contract"], checked["returns"]
        )
    _sign_in(browser, bench, "auditor")
    browser.get(f"{bench.url}/decisions")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#decisions tbody tr")
               if checked["contract"]["contract_id"] in r.text)  # fmt: skip
    row.find_element(By.TAG_NAME, "a").click()
    rating = _then(browser, By.ID, "rating")[0].text
    assert rating.startswith(result.rating_label)
    _accessible(browser)
    browser.find_element(By.ID, "contract-report").click()
    _titled(browser, f"Contract monitoring report: {checked['contract']['contract_id']}")
    assert browser.find_elements(By.TAG_NAME, "svg")  # the rating timeline


def test_the_sign_in_page_speaks_to_people_and_the_icon_is_served(
    browser: webdriver.Chrome, bench: Bench
) -> None:
    """Issue 36, item 5: the sign-in page told a policy officer about `make run`;
    /favicon.ico was a 404."""
    browser.delete_all_cookies()
    browser.get(f"{bench.url}/signin")
    said = browser.find_element(By.TAG_NAME, "main").text
    assert "make run" not in said and "gives you" in said
    parsed = urllib.parse.urlsplit(bench.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    connection.request("GET", "/favicon.ico")
    answer = connection.getresponse()
    assert answer.status == 200 and answer.getheader("Content-Type") == "image/svg+xml"
    assert answer.read().startswith(b"<svg")
    assert (
        browser.find_element(By.CSS_SELECTOR, "link[rel=icon]")
        .get_attribute("href")
        .endswith("/favicon.ico")
    )


def test_a_contracts_kpis_against_its_promises_and_its_performance_notice(
    browser: webdriver.Chrome,
    bench: Bench,
) -> None:
    """Issue 35, item 4: the workbench shows a contract's KPIs against the promises made at
    tender, and its contract performance notice."""
    awarded = json.loads(
        (RULES / "examples/ethical-standards-monitoring/from-award.json").read_text()
    )
    with ProbityClient(f"127.0.0.1:{bench.server.port}", token=TOKENS["portal"]) as portal:
        portal.check_contract(
            "ethical-standards-monitoring", awarded["contract"], awarded["returns"]
        )
    _sign_in(browser, bench, "auditor")
    browser.get(f"{bench.url}/decisions")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#decisions tbody tr")
               if "T-2026-014/contract" in r.text)  # fmt: skip
    row.find_element(By.TAG_NAME, "a").click()
    kpis = _then(browser, By.ID, "kpis")[0].text
    assert "promised at tender by bid T-2026-014/bid-01 (tender T-2026-014)" in kpis
    assert "2027-Q3: Inadequate: promised 7 working days, delivered 12 working days" in kpis
    _accessible(browser)
    browser.find_element(By.ID, "notice").click()
    _titled(browser, "Contract performance notice: T-2026-014/contract")
    assert "Period assessed" in browser.page_source


def test_a_quote_not_in_its_document_is_shown_at_its_line(
    browser: webdriver.Chrome,
    bench: Bench,
) -> None:
    _sign_in(browser, bench, "policy")
    browser.get(f"{bench.url}/rulesets/nolan-tender/edit")
    changed = NOLAN.replace("want personalisation and", "want uniformity and", 1)
    line = next(n for n, t in enumerate(changed.splitlines(), 1) if "want uniformity" in t)
    _type(browser, changed)
    _status(browser, "1 problem")
    (item,) = browser.find_elements(By.CSS_SELECTOR, "#diagnostics li.problem")
    assert item.find_element(By.TAG_NAME, "button").text.startswith(f"Line {line},")
    assert "the quote is not in ‘Ethical standards for providers of public services" in item.text


def test_the_comparison_says_when_a_version_number_would_be_refused() -> None:
    from probity.clients.workbench.editing import kind_of_change

    text = (RULES / "nolan-tender.yaml").read_text()
    old = shipped(RULES / "nolan-tender.yaml")
    major, minor, _ = (int(n) for n in NOLAN_VERSION.split("."))
    patch = f"{major}.{minor}.1"
    heavier = text.replace(f"version: {NOLAN_VERSION}", f"version: {patch}", 1).replace(
        "min_total: 75", "min_total: 80", 1
    )
    from probity.engine.compiler.pipeline import compile_text

    new = compile_text(heavier, "nolan-tender.yaml")
    assert kind_of_change(old, new) == (
        f"Version {patch} would be refused: this is a minor change from {NOLAN_VERSION} (the "
        f"bands changed), so its version must be at least {major}.{minor + 1}.0, not {patch}."
    )


def _csrf(bench: Bench, cookie: str) -> str:
    """The session's CSRF token, as a page carries it for its forms."""
    parsed = urllib.parse.urlsplit(bench.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    connection.request("GET", "/", headers={"Cookie": cookie})
    page = connection.getresponse().read().decode()
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_drafts_need_the_policy_role_and_keep_within_limits(bench: Bench) -> None:
    """A portal user saved 100 drafts of 1 MB under made-up ids in one second."""
    from probity.clients.workbench import drafts

    cookies = {}
    for role in ("portal", "policy"):
        signed = _post(bench, "/signin", {"token": TOKENS[role]})
        cookies[role] = signed.getheader("Set-Cookie", "").split(";")[0]
    csrf = {role: _csrf(bench, cookie) for role, cookie in cookies.items()}
    portal = _post(
        bench, "/rulesets/nolan-tender/draft", {"csrf": csrf["portal"], "text": "x"},
        cookies["portal"],
    )  # fmt: skip
    assert portal.status == 403 and "may not keep drafts" in portal.read().decode()
    made_up = _post(
        bench, "/rulesets/no-such-set/draft", {"csrf": csrf["policy"], "text": "x"},
        cookies["policy"],
    )  # fmt: skip
    assert made_up.status == 404
    huge = "x" * (drafts.MOST_CHARACTERS + 1)
    too_big = _post(
        bench, "/rulesets/nolan-tender/draft", {"csrf": csrf["policy"], "text": huge},
        cookies["policy"],
    )  # fmt: skip
    assert too_big.status == 413 and "more than a rule file may be" in too_big.read().decode()
    kept = _post(
        bench, "/rulesets/nolan-tender/draft", {"csrf": csrf["policy"], "text": NOLAN},
        cookies["policy"],
    )  # fmt: skip
    assert kept.status == 303
