"""`tracker serve`: the dashboard in a real browser through textual-serve, on loopback only by default."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import chromium, devtools_events, requested_urls, websocket_text
from conftest import BUNDLED_PLAN, run_tracker

pytest.importorskip("textual_serve", reason="tracker serve needs the serve extra: pip install -e '.[serve]'")

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


class Served:
    def __init__(self, port: int, process: subprocess.Popen, log):
        self.port, self.process, self.log = port, process, log

    def output(self) -> str:
        """What the server printed (stdout and stderr) so far."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")


@contextmanager
def served(plan: Path, *args: str) -> Iterator[Served]:
    """`tracker serve` on a free port, stopped (with the dashboards it started) when the block ends."""
    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--file", str(plan), "serve", "--port", str(port), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "TRACKER_NOW": "2026-01-15T09:30"},
        start_new_session=True,  # its own process group: the dashboards it starts stop with it
    )
    server = Served(port, process, log)
    try:
        deadline = time.monotonic() + 60
        host = args[args.index("--host") + 1] if "--host" in args else "127.0.0.1"
        while not listening(host, port):
            assert process.poll() is None, server.output()
            assert time.monotonic() < deadline, "tracker serve did not start listening within a minute"
            time.sleep(0.2)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def screen_text(browser, wanted: list[str], timeout: float = 90) -> str:
    """What the dashboard drew, from the WebSocket frames the page received, once every `wanted` text is in it."""
    received = []
    deadline = time.monotonic() + timeout
    while True:
        received += devtools_events(browser, "Network.webSocketFrameReceived")
        text = ANSI.sub("", websocket_text(received))
        if all(word in text for word in wanted) or time.monotonic() > deadline:
            return text
        time.sleep(0.5)


def test_served_dashboard_shows_the_plan_in_chromium(tmp_path: Path):
    with served(BUNDLED_PLAN) as server, chromium(1280, 800) as browser:
        browser.get(f"http://127.0.0.1:{server.port}/")
        # The page asks nothing of another machine (textual-serve's own page fetched its font from Google).
        urls = requested_urls(browser)
        assert [url for url in urls if not url.startswith(f"http://127.0.0.1:{server.port}/")] == []
        assert any("/static/fonts/RobotoMono" in url for url in urls), urls
        text = screen_text(browser, ["LMS Compliance", "40%"])
        assert "LMS Compliance" in text
        assert "40%" in text
        browser.save_screenshot(str(tmp_path / "served.png"))  # the canvas drew it, not just the frames carried it
        assert (tmp_path / "served.png").stat().st_size > 10_000


def test_serve_listens_on_loopback_only_by_default():
    with served(BUNDLED_PLAN) as server:
        port = server.port
        assert listening("127.0.0.1", port)
        # Bound to 127.0.0.1 alone: another address of this machine (127.0.0.2, still loopback, so no
        # traffic leaves it) is refused, as every other interface is.  Bound to all, it would answer.
        assert not listening("127.0.0.2", port)


def test_another_host_is_asked_for_with_a_warning():
    """192.0.2.1 (TEST-NET-1) is no address of this machine: the warning comes first, then binding fails,
    and no packet is sent to find that out."""
    port = free_port()
    done = run_tracker("--file", str(BUNDLED_PLAN), "serve", "--host", "192.0.2.1", "--port", str(port))
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"tracker: warning: listening on 192.0.2.1: anyone who can reach port {port} sees the plan and can "
        "change it (use --read-only to refuse changes)\n"
    )
    assert f"tracker: error: cannot listen on 192.0.2.1:{port}: " in done.stderr
    assert "Traceback" not in done.stderr
    read_only = run_tracker("--file", str(BUNDLED_PLAN), "serve", "--host", "192.0.2.1", "--read-only")
    assert "sees the plan\n" in read_only.stderr and "change" not in read_only.stderr.splitlines()[0]


def test_a_taken_port_is_a_message():
    with served(BUNDLED_PLAN) as server:
        done = run_tracker("--file", str(BUNDLED_PLAN), "serve", "--port", str(server.port))
    assert done.returncode == 1
    assert f"tracker: error: cannot listen on 127.0.0.1:{server.port}: " in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_refuses_a_plan_that_is_not_there(tmp_path: Path):
    done = run_tracker("--file", str(tmp_path / "nope.yaml"), "serve")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr


def test_read_only_served_dashboard_offers_the_csv_as_a_download(tmp_path: Path):
    """Ctrl+P, Export CSV, Enter in the browser: the file arrives through the browser, the same bytes as the CLI's."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with served(BUNDLED_PLAN, "--read-only") as server, chromium(1280, 800) as browser:
        browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        browser.get(f"http://127.0.0.1:{server.port}/")
        screen_text(browser, ["LMS Compliance", "40%"])
        browser.find_element(By.ID, "terminal").click()
        ActionChains(browser).key_down(Keys.CONTROL).send_keys("p").key_up(Keys.CONTROL).perform()
        screen_text(browser, ["Export CSV"])
        ActionChains(browser).send_keys("Export CSV").perform()
        time.sleep(1)  # the palette filters as it is typed; Enter picks the first match
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        deadline = time.monotonic() + 60
        while not (downloads / "plan.csv").exists() and time.monotonic() < deadline:
            time.sleep(0.5)
    done = run_tracker("--file", str(BUNDLED_PLAN), "export", "csv", "-o", str(tmp_path / "cli.csv"))
    assert done.returncode == 0, done.stderr
    assert (downloads / "plan.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()


def test_without_textual_serve_the_hint_installs_it_where_tracker_runs(tmp_path: Path):
    """A tracker without the extra (here textual-serve cannot be imported: a broken install looks the same)
    names the command that installs it into tracker's own Python, not `pip install 'tracker[serve]'`: tracker
    is installed from its clone, and the package of that name on PyPI is another project."""
    shadow = tmp_path / "shadow" / "textual_serve"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('textual-serve is broken here')\n")
    (shadow / "server.py").write_text("")
    run = run_tracker(
        "--file", str(BUNDLED_PLAN), "serve", "--port", str(free_port()), env={"PYTHONPATH": str(shadow.parent)}
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert f"{sys.executable} -m pip install 'textual-serve>=1.1'" in run.stderr, run.stderr
    assert "tracker[serve]" not in run.stderr
