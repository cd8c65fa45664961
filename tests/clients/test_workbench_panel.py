"""The evaluation panel in the workbench (issue 34, item 5), in Debian's Chromium: the shipped
example tender recorded by a portal, the lead opens its panel from the tender's page, an
evaluator declares a conflict and is kept from that bid, reads a bid's answer with the
descriptors and guidance beside it and scores it by keyboard alone, sees nobody's scores
before submitting, the lead mitigates and moderates with the scores side by side (the
divergence flagged), and the ranking is final. A refusal is shown beside what was typed,
which is kept; hostile text stays text; axe finds nothing on any page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.clients.test_workbench import Bench, _accessible, _bench, _screenshot, _then, _titled
from tests.conftest import EXAMPLE_BIDS, EXAMPLE_DETAILS, ROOT
from tests.panel_flow import signed_in, token_file

TENDER = "T-2026-014"
BID = {n: f"{TENDER}/bid-0{n}" for n in (1, 2, 3)}
HOSTILE = '<img src=x onerror="window.hijacked=true"><script>window.hijacked=true</script>'
NAMED = "Staffing never below one carer to four, and the monthly quality audit, are named."


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    with _bench(tmp_path, tokens=token_file(tmp_path)) as started:
        bids = [json.loads(line) for line in (ROOT / EXAMPLE_BIDS).read_text().splitlines()]
        details = json.loads((ROOT / EXAMPLE_DETAILS).read_text())
        with signed_in(started.server.port, "portal") as portal:
            ranked = portal.evaluate_tender("nolan-tender", TENDER, bids, details=details)
        assert ranked.awaiting_panel
        yield started


def _sign_in(browser: webdriver.Chrome, bench: Bench, name: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{bench.url}/signin")
    browser.find_element(By.ID, "token").send_keys("prb_" + name)
    browser.find_element(By.CSS_SELECTOR, "form[action='/signin'] button").click()
    said = "return document.querySelector('header')?.innerText || ''"
    WebDriverWait(browser, 30).until(lambda b: f"Signed in as {name}" in b.execute_script(said))


def _keys(browser: webdriver.Chrome, *keys: str) -> None:
    """Keys pressed on whatever has the focus, as a person at the keyboard would."""
    ActionChains(browser).send_keys(*keys).perform()


def _tab_to(browser: webdriver.Chrome, css: str, limit: int = 80) -> None:
    """Tab from the top of the page until the focus is on `css` (fails if it never is)."""
    browser.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(limit):
        _keys(browser, Keys.TAB)
        if browser.execute_script("return document.activeElement.matches(arguments[0])", css):
            return
    raise AssertionError(f"Tab never reaches {css}")


def _choose(browser: webdriver.Chrome, group: str, value: int) -> None:
    """A radio button chosen as the keyboard does: Tab into its group, arrows to the value."""
    _tab_to(browser, group)
    value_of = "return document.activeElement.value"
    for _ in range(10):
        if browser.execute_script(value_of) == str(value):
            _keys(browser, Keys.SPACE)
            return
        _keys(browser, Keys.ARROW_DOWN)
    raise AssertionError(f"the arrows never reach {value} in {group}")


def _go(browser: webdriver.Chrome, bench: Bench, path: str) -> None:
    browser.get(bench.url + path)
    _then(browser, By.TAG_NAME, "h1")


def _shows(browser: webdriver.Chrome, css: str, text: str) -> str:
    """The text of `css` once it holds `text` (the page a click led to has loaded)."""
    read = "return document.querySelector(arguments[0])?.innerText || ''"
    found = WebDriverWait(browser, 60).until(
        lambda b: text in (said := b.execute_script(read, css)) and said
    )
    return str(found)


def _safe(browser: webdriver.Chrome) -> None:
    assert browser.execute_script("return window.hijacked === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img")


def test_a_tender_goes_through_its_panel_in_the_workbench(
    browser: webdriver.Chrome, bench: Bench
) -> None:
    panel = f"/panels/{TENDER}"
    bid_page = {n: f"{panel}/bids/{bid.replace('/', '%2F')}" for n, bid in BID.items()}

    # The lead opens the panel from the tender's page.
    _sign_in(browser, bench, "lead")
    _go(browser, bench, f"/tenders/{TENDER}")
    said = browser.find_element(By.ID, "panel-status").text
    assert "awaits the evaluation panel, which is not open yet" in said
    _accessible(browser)
    browser.find_element(By.ID, "evaluators").send_keys("ann, bo, cy")
    browser.find_element(By.CSS_SELECTOR, "#open-panel button").click()
    _titled(browser, f"Panel of tender {TENDER} · Probity workbench")
    assert "evaluators ann, bo, cy" in browser.find_element(By.TAG_NAME, "main").text
    _accessible(browser)

    # ann: her panels first; every bidder declared before any bid is shown.
    _sign_in(browser, bench, "ann")
    assert browser.current_url.endswith("/panels")  # an evaluator's home
    _accessible(browser)
    browser.find_element(By.LINK_TEXT, TENDER).click()
    _then(browser, By.ID, "declare")
    _accessible(browser)
    browser.get(bench.url + bid_page[1])
    assert "declare first" in _then(browser, By.CSS_SELECTOR, "[role=alert]")[0].text
    browser.back()
    _then(browser, By.ID, "declare")
    for n in (1, 3):
        browser.find_element(By.CSS_SELECTOR, f"input[name='conflict-{BID[n]}'][value=no]").click()
    browser.find_element(By.CSS_SELECTOR, f"input[name='conflict-{BID[2]}'][value=yes]").click()
    browser.find_element(By.CSS_SELECTOR, "#declare button").click()  # no details given
    error = _then(browser, By.ID, f"error-details-{BID[2]}")[0]
    assert "say what the conflict of interest is" in error.text.lower()
    box = browser.find_element(By.ID, f"details-{BID[2]}")
    assert box.get_attribute("aria-invalid") == "true"
    assert browser.find_element(
        By.CSS_SELECTOR, f"input[name='conflict-{BID[2]}'][value=yes]"
    ).is_selected()  # what she chose is kept
    _accessible(browser)
    box.send_keys("I advised Quickserve's board until March. " + HOSTILE)
    browser.find_element(By.CSS_SELECTOR, "#declare button").click()
    _shows(browser, "#bids", "kept from you: you declared a conflict")
    rows = browser.find_elements(By.CSS_SELECTOR, "#bids tbody tr")
    assert "kept from you: you declared a conflict" in rows[1].text
    assert "I advised Quickserve's board until March. " + HOSTILE in rows[1].text
    _safe(browser)
    _accessible(browser)
    browser.get(bench.url + bid_page[2])  # by its address: refused, saying why
    refusal = _then(browser, By.CSS_SELECTOR, "[role=alert]")[0].text
    assert "you declared a conflict of interest" in refusal
    assert "Quickserve" not in browser.find_element(By.TAG_NAME, "main").text.split("(")[0]

    # ann reads bid 1 with its descriptors and guidance beside the text, and scores it by
    # keyboard alone; nobody's scores are shown before hers are in.
    _go(browser, bench, bid_page[1])
    assert (
        "Our contract budget ring-fences care hours"
        in browser.find_element(By.CLASS_NAME, "said").text
    )
    assert "cut corners" in browser.find_element(By.ID, "guidance-SEL-02").text
    scale = browser.find_element(By.CSS_SELECTOR, ".descriptors dl").text
    assert scale.startswith("4\n") and "0\n" in scale
    assert not browser.find_elements(By.CSS_SELECTOR, "table.scores")
    with signed_in(bench.server.port, "bo") as bo:
        bo.panel.declare(TENDER, dict.fromkeys(BID.values()))
        bo.panel.score(TENDER, BID[1], {"SEL-02": (2, "The weekly staffing check is named. " * 2)})
    browser.refresh()
    assert not browser.find_elements(By.CSS_SELECTOR, "table.scores")  # bo's stays hidden
    _accessible(browser)
    _screenshot(browser, "workbench-scoring.png")
    _choose(browser, "input[name='points-SEL-02']", 4)
    _tab_to(browser, "#why-SEL-02")
    _keys(browser, "A convincing answer, well put together in every single respect.")
    _tab_to(browser, "#submit-scores")
    _keys(browser, Keys.ENTER)
    error = _then(browser, By.ID, "error-why-SEL-02")[0]  # the reasons cite nothing of the bid
    assert "Refer to the bid's own text" in error.text
    assert browser.find_element(
        By.CSS_SELECTOR, "input[name='points-SEL-02'][value='4']"
    ).is_selected()
    typed = browser.find_element(By.ID, "why-SEL-02")
    assert typed.get_attribute("value").startswith("A convincing answer")  # kept
    _accessible(browser)
    typed.clear()
    _tab_to(browser, "#why-SEL-02")
    _keys(browser, NAMED + " " + HOSTILE)
    _tab_to(browser, "#submit-scores")
    _keys(browser, Keys.ENTER)
    _shows(browser, "#submitted", "final")
    scores = browser.find_element(By.ID, "scores-SEL-02")
    assert "ann 4" in scores.text and "bo 2" in scores.text  # now side by side
    assert not browser.find_elements(By.ID, "submit-scores")  # final
    _safe(browser)
    _accessible(browser)

    # bo and cy score the rest through the API; ann scores bid 3.
    with signed_in(bench.server.port, "cy") as cy, signed_in(bench.server.port, "bo") as bo:
        cy.panel.declare(TENDER, dict.fromkeys(BID.values()))
        cy.panel.score(TENDER, BID[1], {"SEL-02": (3, NAMED)})
        for n, points in ((2, 0), (3, 4)):
            why = "It promises high quality, and names nothing more." if n == 2 else NAMED
            bo.panel.score(TENDER, BID[n], {"SEL-02": (points, why)})
            cy.panel.score(TENDER, BID[n], {"SEL-02": (points, why)})

    # ann: a conflict arises with Hallam (bid 3), which she has not scored: declared then.
    _go(browser, bench, panel)
    Select(browser.find_element(By.ID, "arisen-bid")).select_by_value(BID[3])
    browser.find_element(By.CSS_SELECTOR, "#arisen-form button").click()  # no words
    assert "Say what the conflict" in _then(browser, By.ID, "error-arisen")[0].text
    _accessible(browser)
    browser.find_element(By.ID, "arisen").send_keys("Hallam offered me a post last week.")
    browser.find_element(By.CSS_SELECTOR, "#arisen-form button").click()
    _shows(browser, "#bids", "a conflict: Hallam offered me a post last week.")
    row = browser.find_elements(By.CSS_SELECTOR, "#bids tbody tr")[2].text
    assert "kept from you: you declared a conflict" in row
    options = browser.find_elements(By.CSS_SELECTOR, "#arisen-bid option")
    assert [o.get_attribute("value") for o in options] == [BID[1]]  # bid 2 was a conflict

    # The lead: ann's conflict, refused without enough words, then mitigated.
    _sign_in(browser, bench, "lead")
    _go(browser, bench, panel)
    key = f"mitigation-ann-{BID[2]}"
    browser.find_element(By.ID, key).send_keys("Fine.")
    browser.find_element(By.CSS_SELECTOR, "form.mitigate button").click()
    assert "how the conflict is mitigated" in _then(browser, By.ID, f"error-{key}")[0].text
    assert browser.find_element(By.ID, key).get_attribute("value") == "Fine."
    _accessible(browser)
    browser.find_element(By.ID, key).send_keys(" Her advice ended in March; bo checks her score.")
    browser.find_element(By.CSS_SELECTOR, "form.mitigate button").click()
    conflicts = _shows(browser, "#conflicts", "bo checks her score")
    assert "mitigated: may score the bid" in conflicts and "bo checks her score" in conflicts
    with signed_in(bench.server.port, "ann") as ann:
        ann.panel.score(
            TENDER, BID[2], {"SEL-02": (0, "It promises high quality and names no more.")}
        )
    _accessible(browser)

    # Moderation, with every score side by side and the divergence flagged.
    _go(browser, bench, bid_page[1])
    scores = browser.find_element(By.ID, "scores-SEL-02")
    assert [r.text.split()[:2] for r in scores.find_elements(By.CSS_SELECTOR, "tbody tr")] == [
        ["bo", "2"],
        ["ann", "4"],
        ["cy", "3"],
    ]
    assert "they differ by 2 points, more than the panel's 1" in scores.text
    _safe(browser)
    _accessible(browser)
    browser.execute_script("arguments[0].scrollIntoView()", scores)
    _screenshot(browser, "workbench-moderation.png")
    browser.find_element(By.CSS_SELECTOR, "#moderate-SEL-02 input[value='3']").click()
    browser.execute_script(  # as an older browser would: no check before sending
        "document.getElementById('rationale-SEL-02').removeAttribute('minlength')"
    )
    browser.find_element(By.ID, "rationale-SEL-02").send_keys("Agreed.")
    browser.find_element(By.CSS_SELECTOR, "#moderate-SEL-02 button").click()
    error = _then(browser, By.ID, "error-rationale-SEL-02")[0]
    assert "Say why the panel agreed this score" in error.text
    assert browser.find_element(By.CSS_SELECTOR, "#moderate-SEL-02 input[value='3']").is_selected()
    _accessible(browser)
    _moderate(browser, 3, "Staffing floors and the monthly audit are named; no staffing check.")
    consensus = _shows(browser, "main", "The panel's consensus: 3.")
    assert "no staffing check" in consensus
    for n, points in ((2, 0), (3, 4)):
        _go(browser, bench, bid_page[n])
        why = "It promises high quality and names nothing more, all agreed."
        _moderate(browser, points, why if n == 2 else NAMED + " All agreed.")
        _shows(browser, "main", f"The panel's consensus: {points}.")

    # The ranking is final; the panel's checks and the conflicts assessment are the lead's.
    _go(browser, bench, panel)
    stands = [r.find_elements(By.TAG_NAME, "td")[2].text for r in
              browser.find_elements(By.CSS_SELECTOR, "#bids tbody tr")]  # fmt: skip
    assert [s.split("\n")[0] for s in stands] == ["moderated: see its scores"] * 3
    checks = browser.find_element(By.ID, "checks").text
    assert "mitigat" in checks and "ann" in checks
    exported = _fetched(browser, f"{panel}/conflicts.csv")
    assert exported.splitlines()[0].startswith("Evaluator,Bid,Declared at,Conflict")
    assert "I advised Quickserve's board until March." in exported
    (late,) = [r for r in exported.splitlines() if r.startswith(f"ann,{BID[3]},")]
    assert ",yes,Hallam offered me a post last week.,,,kept from the bid,20" in late
    assert "after first declaring none (Hallam offered me a post last week.)" in checks
    _go(browser, bench, f"/tenders/{TENDER}")
    assert "has moderated every bid" in browser.find_element(By.ID, "panel-status").text
    ranking = browser.find_elements(By.CSS_SELECTOR, "#ranking tbody tr")
    assert ranking[0].find_elements(By.TAG_NAME, "td")[1].text == BID[1]
    browser.find_element(By.ID, "report").click()
    _titled(browser, f"Tender evaluation report: {TENDER}")
    assert "awaiting the evaluation panel" not in browser.page_source.lower()
    assert "Staffing floors and the monthly audit are named" in browser.page_source

    # The auditor reads the panel; nothing on it to change.
    _sign_in(browser, bench, "auditor")
    _go(browser, bench, panel)
    assert browser.find_element(By.ID, "conflicts")
    assert not browser.find_elements(By.CSS_SELECTOR, "form.mitigate, #bids a")
    _accessible(browser)


def _moderate(browser: webdriver.Chrome, points: int, why: str) -> None:
    """The consensus recorded by keyboard alone."""
    _choose(browser, "#moderate-SEL-02 input[name=consensus]", points)
    browser.find_element(By.ID, "rationale-SEL-02").clear()
    _tab_to(browser, "#rationale-SEL-02")
    _keys(browser, why)
    _tab_to(browser, "#moderate-SEL-02 button")
    _keys(browser, Keys.ENTER)


def _fetched(browser: webdriver.Chrome, path: str) -> str:
    """A download's text, fetched by the page with its session."""
    found: Any = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text()).then(done);",
        path,
    )
    return str(found)
