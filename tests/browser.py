"""Headless Chromium (Debian's chromium and chromium-driver, installed by .ci/run) driven through Selenium.

Every request the page makes is read back from Chromium's DevTools log
(`goog:loggingPrefs` performance), so a test can say what was loaded, not
just what was shown.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def need_chromium() -> None:
    """Skip on a developer's machine without Chromium; in CI (.ci/run installs it) its absence is a failure."""
    if CHROMIUM and CHROMEDRIVER:
        return
    if os.environ.get("CI"):
        pytest.fail("chromium and chromium-driver are not installed; .ci/run installs them with apt-get")
    pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")


@contextmanager
def chromium(width: int = 1200, height: int = 900) -> Iterator:
    need_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


def devtools_events(driver, *methods: str) -> list[dict]:
    """The DevTools events logged since the last call, of the given methods."""
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in methods:
            events.append(message["params"])
    return events


def requested_urls(driver) -> list[str]:
    """Every URL the page asked for since the last look at the log."""
    return [event["request"]["url"] for event in devtools_events(driver, "Network.requestWillBeSent")]


def websocket_text(events: list[dict]) -> str:
    """What the server sent over WebSockets (Network.webSocketFrameReceived events), as text."""
    out = []
    for event in events:
        response = event["response"]
        data = response["payloadData"]
        out.append(base64.b64decode(data).decode("utf-8", "replace") if response["opcode"] == 2 else data)
    return "".join(out)
