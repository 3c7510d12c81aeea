"""The data map in a real browser (headless Chromium driven by selenium) against ``python -m
proxy serve``: sign in with the admin token, read the table, watch the counters move after
traffic, read the warnings and the exports, check that nothing is fetched from elsewhere and
that no seeded PII value reaches the HTML, the JSON, the CSV, the logs or the audit lines.

Chromium and chromedriver come from the distribution (``make install`` installs them when they
are missing); without them this test FAILS, saying how to install them: it never skips. Set
``DATAMAP_SCREENSHOT=docs/datamap.png`` to refresh the README's screenshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from proxy.testing import RecordingVendor
from tests.conftest import REPO, serve_subprocess
from tests.functional.datamap_helpers import ADMIN_TOKEN, SEEDED, datamap_config, send_traffic

pytestmark = pytest.mark.functional

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
INSTALL = ("the browser tests need Chromium and its driver from the distribution: run "
           "`apt-get install -y chromium chromium-driver` (as root; `make install` does it when "
           "apt-get is available) and `pip install -e '.[test]'` for selenium")


def _driver() -> Any:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed; " + INSTALL)
    browser = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    driver_path = shutil.which("chromedriver")
    if browser is None or driver_path is None:
        pytest.fail(f"Chromium ({browser}) or chromedriver ({driver_path}) not found; " + INSTALL)
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1920,1760", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    try:  # an explicit driver path: selenium-manager never downloads anything
        return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as exc:  # a broken install must say so, not skip
        pytest.fail(f"Chromium did not start ({exc!r}); " + INSTALL)


@pytest.fixture
def browser() -> Iterator[Any]:
    driver = _driver()
    yield driver
    driver.quit()


class Drain:
    """Reads a subprocess pipe to the end (the proxy never blocks on a full pipe)."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.lines: list[str] = []
        self.task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.lines.append(line.decode(errors="replace"))


@pytest.fixture
async def served(tmp_path: Path, vendor: RecordingVendor,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[dict[str, Any]]:
    monkeypatch.setenv("PROXY_PSEUDONYMIZE_KEY", "datamap-test-pseudonymize-key-0123")
    monkeypatch.setenv("PROXY_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    proc, ready = await serve_subprocess(datamap_config(tmp_path / "config"), vendor.url,
                                         stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    logs, audit = Drain(proc.stderr), Drain(proc.stdout)
    try:
        yield {"proxy": f"http://{ready['listen']}", "admin": f"http://{ready['admin']}",
               "logs": logs, "audit": audit}
    finally:
        proc.terminate()
        await proc.wait()
        await asyncio.gather(logs.task, audit.task)


def _cell(browser: Any, vendor: str, column: int) -> str:
    from selenium.webdriver.common.by import By

    row = browser.find_element(By.CSS_SELECTOR, f'#evidence tr[data-vendor="{vendor}"]')
    return str(row.find_element(By.CSS_SELECTOR, f'td[data-col="{column}"]').text)


def _requested_urls(browser: Any) -> list[str]:
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _wait_for_title(browser: Any, words: str, bound_s: float = 30.0) -> None:
    """Until the page's title holds ``words`` (or ``bound_s`` passes; the assert then fails)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    with contextlib.suppress(TimeoutException):
        WebDriverWait(browser, bound_s).until(lambda b: words in b.title.lower())


async def test_the_data_map_in_a_browser(browser: Any, served: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    admin = served["admin"]
    await asyncio.to_thread(browser.get, admin + "/datamap")
    assert "sign in" in browser.title.lower()
    browser.find_element(By.ID, "token").send_keys(ADMIN_TOKEN)
    await asyncio.to_thread(browser.find_element(By.ID, "sign-in").click)
    # A click returns before the form's POST and redirect have loaded the next page: wait for
    # that page (a state, bounded so a broken sign-in fails rather than hangs).
    await asyncio.to_thread(_wait_for_title, browser, "records of processing")
    assert "records of processing" in browser.title.lower()
    # the same page without its 5-second reload: an element read mid-reload would go stale
    await asyncio.to_thread(browser.get, admin + "/datamap?refresh=0")
    rows = browser.find_elements(By.CSS_SELECTOR, "#activities > tbody > tr")
    assert [(r.get_attribute("data-vendor"), r.get_attribute("data-purpose")) for r in rows] == [
        ("crm", "marketing"), ("survey", "market_research")]
    assert "consent" in rows[0].text and "DPA-TEST-001" in rows[0].text
    assert "user.health_and_medical" in rows[0].text and "pseudonymized" in rows[0].text
    assert "user.contact.email?" in rows[1].text  # a suggested category
    assert browser.find_element(By.ID, "h-controller").text == "Example Shop Ltd."
    assert _cell(browser, "crm", 1).startswith("0")

    async with aiohttp.ClientSession() as session:
        await send_traffic(session, served["proxy"])
    await asyncio.to_thread(browser.refresh)
    assert _cell(browser, "crm", 1).startswith("3")
    assert "subject_minor: 2" in _cell(browser, "crm", 6)
    assert "transfer_not_allowed: 1" in _cell(browser, "crm", 6)
    assert "invalid_json: 1" in _cell(browser, "crm", 7)
    assert "body:contacts[*].ssn" in _cell(browser, "crm", 9)
    assert "user.contact.email: 1" in _cell(browser, "crm", 2)
    assert _cell(browser, "survey", 1).startswith("1")
    crm_row = browser.find_element(By.CSS_SELECTOR, '#activities > tbody > tr[data-vendor="crm"]')
    # the unlabeled remarks field: the suggestion follows detection (3 records sent; this
    # store has no opt-out or erasure)
    assert "user.contact.phone_number?\ndetected: PHONE_NUMBER 3" in crm_row.text
    warnings = browser.find_element(By.ID, "warnings").text
    assert "sensitive category" in warnings and "schema drift" in warnings
    assert "no processing agreement" in warnings
    html = browser.page_source
    if os.environ.get("DATAMAP_SCREENSHOT"):
        browser.save_screenshot(str(REPO / os.environ["DATAMAP_SCREENSHOT"]))

    session_cookie = browser.get_cookie("datamap_session")
    assert session_cookie["httpOnly"] and ADMIN_TOKEN not in session_cookie["value"]
    cookie = {"Cookie": f"datamap_session={session_cookie['value']}"}
    async with aiohttp.ClientSession() as session:
        exported_json = await (await session.get(admin + "/datamap.json", headers=cookie)).text()
        exported_csv = await (await session.get(admin + "/datamap.csv", headers=cookie)).text()
    assert json.loads(exported_json)["evidence"]["vendors"]["crm"]["since_start"]["exchanges"] == 3
    assert exported_csv.count("\r\n") == 3  # the header and one row per vendor x purpose

    requested = _requested_urls(browser)
    assert requested and all(url.startswith(admin + "/") for url in requested), requested
    assert any(url.endswith("/datamap.css") for url in requested)
    # No CSP violation, no failed load; but the sign-in page answers 401 before the token and
    # Chromium asks for /favicon.ico (404) on its own.
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"
              and "(Unauthorized)" not in e["message"] and "favicon.ico" not in e["message"]]
    assert errors == []

    await asyncio.sleep(0.2)  # the last log and audit lines
    for text in (html, exported_json, exported_csv, "".join(served["logs"].lines),
                 "".join(served["audit"].lines)):
        for value in SEEDED:
            assert value not in text and value.lower() not in text.lower(), value
    assert any('"phase"' in line for line in served["audit"].lines)  # the audit was read
