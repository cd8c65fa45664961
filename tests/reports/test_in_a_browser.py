"""The report and the assessment summaries as a person sees them (issue 21, item 6): opened
in a real headless Chromium (Debian's chromium, driven by chromedriver through selenium),
with the ranking, every bidder and every chart there, nothing wider than the page, and no
script of a bidder's run."""

from __future__ import annotations

import json
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By

from probity.reports.pages import tender_html, write_tender
from probity.reports.summaries import write as write_summaries

HOSTILE = '<script>window.hijacked = true</script><img src=x onerror="window.hijacked=true">'


def _fits(browser: webdriver.Chrome) -> bool:
    """Nothing on the page is wider than the window: no sideways scrolling."""
    width: int = browser.execute_script("return document.documentElement.scrollWidth")
    shown: int = browser.execute_script("return document.documentElement.clientWidth")
    return width <= shown


def test_the_report_in_a_browser(
    browser: webdriver.Chrome, example_tender: Path, tmp_path: Path
) -> None:
    tender = json.loads(example_tender.read_text())
    page = write_tender(tender, tmp_path / "report.html")
    for width in (1280, 800):  # a laptop, and a narrow window
        browser.set_window_size(width, 900)
        browser.get(page.as_uri())
        assert browser.title == "Tender evaluation report: T-2026-014"
        ranking = browser.find_element(By.XPATH, "//caption[starts-with(., 'Bids in order')]/..")
        rows = ranking.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows] == [
            f"{b['supplier_name']}\n{b['submission_id']}" for b in tender["bids"]
        ]
        text = browser.find_element(By.TAG_NAME, "body").text
        for bid in tender["bids"]:
            assert bid["supplier_name"] in text
        charts = browser.find_elements(By.CSS_SELECTOR, "figure svg[role=img]")
        # quality and price for the ranking, and each principle for every bid
        assert len(charts) == 2
        assert all(chart.get_attribute("aria-describedby") for chart in charts)
        for chart in charts:  # each chart's text equivalent is on the page
            described = browser.find_element(By.ID, chart.get_attribute("aria-describedby"))
            assert described.tag_name == "table" or described.find_elements(By.TAG_NAME, "table")
        assert all(chart.size["width"] > 200 for chart in charts)  # drawn, not collapsed
        assert _fits(browser), f"wider than a {width}px window"


def test_each_summary_in_a_browser(
    browser: webdriver.Chrome, example_tender: Path, tmp_path: Path
) -> None:
    browser.set_window_size(1024, 900)
    tender = json.loads(example_tender.read_text())
    for page in write_summaries(tender, tmp_path, "html"):
        browser.get(page.as_uri())
        assert browser.title.startswith("Assessment summary: ")
        assert len(browser.find_elements(By.CSS_SELECTOR, "figure svg[role=img]")) == 1
        criteria = browser.find_elements(
            By.XPATH, "//h2[@id='criteria']/following::table[1]//tbody/tr"
        )
        assert len(criteria) == len(tender["bids"][0]["result"]["findings"])
        assert _fits(browser), page.name


def test_a_bidders_script_never_runs(
    browser: webdriver.Chrome, example_tender: Path, tmp_path: Path
) -> None:
    tender = json.loads(example_tender.read_text())
    for bid in tender["bids"]:
        bid["supplier_name"] = bid["supplier_id"] = bid["submission_id"] = HOSTILE
    page = tmp_path / "hostile.html"
    page.write_text(tender_html(tender), encoding="utf-8")
    browser.get(page.as_uri())
    assert browser.execute_script("return window.hijacked === undefined")
    assert HOSTILE in browser.find_element(By.TAG_NAME, "body").text  # shown, as written


def test_the_contract_report_in_a_browser(browser: webdriver.Chrome, tmp_path: Path) -> None:
    from probity.reports.pages import contracts_html
    from tests.clients.test_cli import probity
    from tests.conftest import ROOT

    examples = sorted((ROOT / "rules/examples/ethical-standards-monitoring").glob("*.json"))
    checked = probity(
        "monitor", "--rules", "rules/ethical-standards-monitoring.yaml", *map(str, examples)
    )
    contracts = [json.loads(line) for line in checked.stdout.splitlines()]
    page = tmp_path / "contracts.html"
    page.write_text(contracts_html(contracts), encoding="utf-8")
    browser.set_window_size(1024, 900)
    browser.get(page.as_uri())
    timelines = browser.find_elements(By.CSS_SELECTOR, "figure svg[role=img]")
    assert len(timelines) == len(contracts) and all(t.size["height"] > 50 for t in timelines)
    for timeline in timelines:  # each with its ratings as text, in a table
        described = browser.find_element(By.ID, timeline.get_attribute("aria-describedby"))
        assert described.tag_name == "table" and "Rating per period" in described.text
    assert _fits(browser)
