"""The dashboard in a real browser (Debian's chromium, driven by Selenium through chromium-driver) against
`sellerops up`: every page loads with no console error, the numbers shown are the CLI's `--json` answers, a fact
published while a page is open appears without a reload, and bad input gets a 400 or 404 page.

A screenshot of each page is written under the test's temp dir (and, with SELLEROPS_SCREENSHOTS set to a folder,
there too: that is how docs/dashboard-*.png are made).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sellerops.runtime.embedded import free_port
from sellerops.testing.helpers import poll

pytestmark = [pytest.mark.browser, pytest.mark.nats, pytest.mark.slow]
EXAMPLE = Path(__file__).parents[4] / "examples" / "health.jsonl"
SELLER = "demo-seller"
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

if not (CHROMIUM and DRIVER):  # CI installs them (.ci/run); a developer without them is told why
    if os.environ.get("CI"):
        raise RuntimeError("the browser tier needs Debian's chromium and chromium-driver (see .ci/run)")
    pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)


def sellerops(*args: str, url: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "sellerops.cli.main", *args, "--nats-url", url],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"sellerops {' '.join(args)} failed: {result.stderr}"
    return result


def shifted(example: Path, folder: Path, last_at: datetime) -> Path:
    """The example with every time moved so that its last fact happened at `last_at` (inside live windows)."""
    text = example.read_text()
    last = max(datetime.fromisoformat(json.loads(line)["occurred_at"]) for line in text.splitlines())
    moved = TIMESTAMP.sub(lambda m: (datetime.fromisoformat(m.group()) + (last_at - last)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"), text)
    copy = folder / example.name
    copy.write_text(moved)
    return copy


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # loopback
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """`sellerops up` with the health example published; (NATS URL, dashboard URL)."""
    folder = tmp_path_factory.mktemp("up")
    nats_port, web_port = free_port(), free_port()
    url, web = f"nats://127.0.0.1:{nats_port}", f"http://127.0.0.1:{web_port}"
    log = (folder / "up.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "sellerops.cli.main", "up", "--data-dir", str(folder / "data"),
                                "--port", str(nats_port), "--dashboard-port", str(web_port)],
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "SELLEROPS_LOG_FORMAT": "json"})
    try:
        assert poll(lambda: get(web + "/")[0] == 200, timeout=120), "the dashboard did not come up"
        sellerops("events", "publish", str(shifted(EXAMPLE, folder, datetime.now(UTC) - timedelta(hours=1))), url=url)
        assert poll(lambda: 'data-field="claims">1<' in get(web + f"/?q={SELLER}")[1], timeout=60)
        yield url, web
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    assert f"dashboard: {web}/".encode() in (folder / "up.log").read_bytes()  # `up` printed where to look


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1300"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def shoot(driver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"dashboard-{name}.png"
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1400, min(max(height + 40, 700), 2400))
    driver.save_screenshot(str(path))
    if os.environ.get("SELLEROPS_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["SELLEROPS_SCREENSHOTS"]) / path.name)
    return path


def test_each_page_loads_with_no_console_error_and_a_screenshot_is_written(system, browser, tmp_path):
    _, web = system
    for name, path, ready in [("fleet", "/", f'tr[data-seller="{SELLER}"]'),
                              ("seller", f"/sellers/{SELLER}", '#trend[data-loaded="1"] .chart'),
                              ("services", "/services", 'tr[data-instance="health"]')]:
        browser.get(web + path)
        assert poll(lambda ready=ready: browser.find_elements("css selector", ready), timeout=60), f"{name}: {ready} never came"
        time.sleep(1)  # the live connection opened, the chart drawn
        assert errors(browser) == [], f"{name}: console errors"
        shot = shoot(browser, tmp_path, name)
        assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    browser.get(web + f"/sellers/{SELLER}")  # the orders behind a counter link to what health knows of them
    assert poll(lambda: browser.find_elements("css selector", "#why a"), timeout=60), "no order behind a counter"
    browser.find_elements("css selector", "#why a")[0].click()
    assert poll(lambda: browser.find_elements("css selector", "h1") and "Order" in browser.find_element(
        "css selector", "h1").text)
    assert errors(browser) == []
    shoot(browser, tmp_path, "order")


def test_the_numbers_shown_are_the_clis_json_answers_for_the_same_seller(system, browser):
    url, web = system

    def compare() -> list[str]:
        cli = json.loads(sellerops("health", SELLER, "--json", url=url).stdout)
        browser.get(web + f"/sellers/{SELLER}")
        found = []
        page = browser.find_element("css selector", "#account")
        if page.find_element("css selector", '[data-field="rating"]').text != str(cli["rating"]):
            found.append("rating")
        if page.find_element("css selector", '[data-field="account_status"]').text != cli["account_status"]:
            found.append("account_status")
        for m in cli["measures"]:
            row = browser.find_element("css selector", f'tr[data-measure="{m["key"]}"]')
            rate = row.find_element("css selector", '[data-field="rate"]').get_attribute("data-value")
            if (float(rate) if rate else None) != m["rate"]:
                found.append(f"{m['key']} rate")
            if row.find_element("css selector", '[data-field="counts"]').text != f"{m['numerator']} / {m['denominator']}":
                found.append(f"{m['key']} counts")
            if row.find_element("css selector", '[data-field="status"]').text != m["status"]:
                found.append(f"{m['key']} status")
        browser.get(web + f"/?q={SELLER}")
        fleet = browser.find_element("css selector", f'tr[data-seller="{SELLER}"]')
        if fleet.find_element("css selector", '[data-field="rating"]').text != str(cli["rating"]):
            found.append("fleet rating")
        for m in cli["measures"]:
            shown = fleet.find_element("css selector", f'[data-measure="{m["key"]}"]').get_attribute("data-rate")
            if (float(shown) if shown else None) != m["rate"]:
                found.append(f"fleet {m['key']}")
        return found

    differences = poll(lambda: not compare() or None, timeout=30) or compare()
    assert differences is True or differences == [], f"the page and the CLI differ on {differences}"
    cli = json.loads(sellerops("health", SELLER, "--json", url=url).stdout)
    assert cli["rating"] == 150 and cli["account_status"] == "AT_RISK"  # the example: 2 defects in 4 orders
    assert errors(browser) == []


def test_a_fact_published_while_the_page_is_open_appears_without_a_reload(system, browser, tmp_path):
    url, web = system
    browser.get(web + f"/sellers/{SELLER}")
    assert poll(lambda: browser.find_elements("css selector", '[data-work="claim"]'))
    browser.execute_script("window.stillTheSamePage = 42")
    claim = {"type": "market.claim_filed.v1", "seller": SELLER, "claim_id": "AZ-LIVE-1", "kind": "AtoZ",
             "order_id": "113-0000014-0000014", "reason": "NotReceived",
             "amount": {"amount": "14.99", "currency": "USD"},
             "occurred_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    facts = tmp_path / "claim.jsonl"
    facts.write_text(json.dumps(claim) + "\n")
    sellerops("events", "publish", str(facts), url=url)
    assert poll(lambda: browser.find_elements("css selector", '[data-ref="AZ-LIVE-1"]'), timeout=30), \
        "the new claim did not appear on the open page"
    assert browser.execute_script("return window.stillTheSamePage") == 42
    assert errors(browser) == []


@pytest.mark.parametrize(("path", "code"), [
    ("/sellers/no-such-seller", 404), ("/sellers/not%20a%20seller", 400), (f"/sellers/{SELLER}?as_of=2026-02-30", 400),
    ("/?page=zero", 400), ("/no/such/page", 404),
])
def test_bad_input_gets_a_proper_error_page_not_a_traceback(system, browser, path, code):
    _, web = system
    browser.get(web + path)
    assert browser.find_element("css selector", "h1").text.startswith(str(code))
    assert "Traceback" not in browser.page_source
    # the only console error is the page's own status
    assert all(str(code) in e["message"] for e in errors(browser))
