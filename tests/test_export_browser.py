"""The exported HTML report in a real browser: what it shows, that no script runs, that it loads nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium, requested_urls
from conftest import BUNDLED_PLAN, run_tracker
from gitutil import Repo

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def report(repo: Repo) -> tuple[Path, str]:
    """The bundled plan in a repository that holds one of its deliverables; issue 2's title is hostile."""
    text = BUNDLED_PLAN.read_text(encoding="utf-8").replace("title: Session Closure", f'title: "{HOSTILE}"')
    repo.write("data/phases.yaml", text)
    repo.write("src/api/base/RetryHandler.js", "export function retry() {}\n")
    repo.commit("Plan and the retry handler")
    out = repo.root.parent / "report.html"
    done = run_tracker("export", "html", "-o", str(out), cwd=repo.root, env={"TRACKER_NOW": "2026-01-15T09:30"})
    assert done.returncode == 0, done.stderr
    return out, repo.git("rev-parse", "HEAD:src/api/base/RetryHandler.js")


def test_report_in_chromium_shows_progress_evidence_and_hostile_text(report: tuple[Path, str]):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    page, blob = report
    with chromium() as browser:
        browser.get(page.as_uri())
        phases = {
            row.find_element(By.CSS_SELECTOR, "td").text: row.find_element(By.CSS_SELECTOR, ".pct-value").text
            for row in browser.find_elements(By.CSS_SELECTOR, "#phases tr.phase")
        }
        assert phases == {"P1": "100%", "P2": "33%", "P3": "0%", "P4": "0%"}
        assert browser.find_element(By.CSS_SELECTOR, "#overall .pct").text == "40%"
        assert browser.find_element(By.ID, "project").text == "LMS Compliance"
        assert blob in [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#evidence code.blob")]
        # The hostile title is shown as the text it is; no script element exists and none ran.
        assert browser.find_element(By.CSS_SELECTOR, "#issue-2 .title").text == HOSTILE
        assert browser.execute_script("return document.scripts.length") == 0
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018 (reading it is what raises)
        # The page itself was the one request: no font, image, style or script came from anywhere.
        assert requested_urls(browser) == [page.as_uri()]


def test_the_request_log_sees_what_a_page_loads(tmp_path: Path):
    """The check above could not pass by blindness: a page that loads an image is seen doing so."""
    page = tmp_path / "loads.html"
    page.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    with chromium() as browser:
        browser.get(page.as_uri())
        assert "http://127.0.0.1:9/pixel.png" in requested_urls(browser)


def test_report_prints_without_its_navigation(report: tuple[Path, str]):
    """The print stylesheet: no navigation links on paper, and Chromium's Save as PDF gives a PDF."""
    import base64

    from selenium.webdriver.common.by import By

    page, _ = report
    with chromium() as browser:
        browser.get(page.as_uri())
        assert browser.find_element(By.TAG_NAME, "nav").is_displayed()
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert not browser.find_element(By.TAG_NAME, "nav").is_displayed()
        pdf = base64.b64decode(browser.print_page())
        assert pdf.startswith(b"%PDF")


def test_report_shows_a_phase_without_issues_as_the_terminal_does_and_counts_in_words(repo: Repo, tmp_path: Path):
    """A phase with no issue has nothing to average: `—`, as `tracker status` and the dashboard show it, not 0%
    (0% means nothing of it is done); one commit and one issue are said in the singular."""
    from selenium.webdriver.common.by import By

    repo.write(
        "data/phases.yaml",
        "project: P\nphases:\n  - id: P1\n    title: Work\n    issues:\n"
        "      - {id: 1, title: One, status: complete}\n      - {id: 2, title: Two, status: not_started}\n"
        "  - id: P2\n    title: Later\n    issues: []\n",
    )
    repo.commit("Plan")
    status = run_tracker("status", cwd=repo.root)
    assert "P2  Later" in status.stdout and status.stdout.split("P2  Later")[1].splitlines()[0].endswith("—")
    out = tmp_path / "report.html"
    done = run_tracker("export", "html", "-o", str(out), cwd=repo.root, env={"TRACKER_NOW": "2026-01-15T09:30"})
    assert done.returncode == 0, done.stderr
    with chromium() as browser:
        browser.get(out.as_uri())
        phases = {
            row.find_element(By.CSS_SELECTOR, "td").text: row.find_element(By.CSS_SELECTOR, ".pct-value").text
            for row in browser.find_elements(By.CSS_SELECTOR, "#phases tr.phase")
        }
        assert phases == {"P1": "50%", "P2": "—"}
        headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#issues h3")]
        assert headings == ["P1 · Work — 50%", "P2 · Later"]
        forecast = browser.find_element(By.ID, "forecast").text
        assert forecast.startswith("1 commit changed the plan; 1 issue left."), forecast


def test_report_says_when_each_piece_of_evidence_was_reviewed_and_is_due(repo: Repo, tmp_path: Path):
    """Freshness per deliverable, as the dashboard's detail gives it: the stale one marked, the fresh one with its
    next review, one without an interval with its last review alone, a missing file with nothing."""
    from selenium.webdriver.common.by import By

    repo.write(
        "data/phases.yaml",
        "project: P\nphases:\n  - id: P1\n    title: Work\n    issues:\n"
        "      - id: 1\n        title: One\n        status: complete\n        review_every: 30d\n"
        "        deliverables:\n          - path: old.md\n          - {path: checked.md, reviewed: 2026-01-10}\n"
        "          - path: gone.md\n"
        "      - id: 2\n        title: Two\n        status: not_started\n"
        "        deliverables:\n          - path: plain.md\n",
    )
    for name in ("old.md", "checked.md", "plain.md"):
        repo.write(name, "evidence\n")
    repo.commit("Evidence", date="2025-06-01T10:00:00+00:00")
    out = tmp_path / "report.html"
    done = run_tracker("export", "html", "-o", str(out), cwd=repo.root, env={"TRACKER_NOW": "2026-01-15T09:30"})
    assert done.returncode == 0, done.stderr
    with chromium() as browser:
        browser.get(out.as_uri())
        heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#evidence th")]
        column = heads.index("REVIEWED")
        reviewed = {
            row.find_elements(By.CSS_SELECTOR, "td code")[0].text: row.find_elements(By.TAG_NAME, "td")[column].text
            for row in browser.find_elements(By.CSS_SELECTOR, "#evidence tbody tr")
        }
    assert reviewed == {
        "old.md": "stale · last reviewed 2025-06-01 · review was due 2025-07-01",
        "checked.md": "last reviewed 2026-01-10 · review due 2026-02-09",
        "gone.md": "",
        "plain.md": "last reviewed 2025-06-01",
    }


def test_report_counts_what_is_left_in_the_plan_on_disk_as_its_percent_and_status_json_do(repo: Repo, tmp_path: Path):
    """The report is of the plan on disk: with an uncommitted edit, the issues left and the forecast's date are
    counted on it, as the percent above them and `status --json` are; the last commit's count is named as such."""
    import json

    from selenium.webdriver.common.by import By

    def plan(*done: int) -> str:
        issues = "".join(
            f"      - {{id: {n}, title: Issue {n}, status: {'complete' if n in done else 'not_started'}}}\n"
            for n in range(1, 5)
        )
        return f"project: P\nphases:\n  - id: P1\n    title: Work\n    issues:\n{issues}"

    repo.write("data/phases.yaml", plan())
    repo.commit("Plan", date="2025-12-20T10:00:00+00:00")
    repo.write("data/phases.yaml", plan(1, 2))
    repo.commit("Two done", date="2026-01-05T10:00:00+00:00")
    repo.write("data/phases.yaml", plan(1, 2, 3))  # not committed
    now = {"TRACKER_NOW": "2026-01-15T09:30"}
    status = json.loads(run_tracker("status", "--json", cwd=repo.root, env=now).stdout)
    issues = [issue for phase in status["phases"] for issue in phase["issues"]]
    left = sum(issue["progress"] < 100 for issue in issues)
    assert (status["progress"], left) == (75, 1)
    out = tmp_path / "report.html"
    done = run_tracker("export", "html", "-o", str(out), cwd=repo.root, env=now)
    assert done.returncode == 0, done.stderr
    with chromium() as browser:
        browser.get(out.as_uri())
        overall = browser.find_element(By.CSS_SELECTOR, "#overall .pct").text
        forecast = browser.find_element(By.ID, "forecast").text
    assert overall == f"{status['progress']}%"
    # The pace is the commits': 2 issues over the 26 days since 2025-12-20; 1 issue left at it is 13 days away.
    assert forecast.startswith(
        f"2 commits changed the plan; {left} issue left in the plan on disk (2 at its last commit). "
        "At the pace of the last weeks it reaches 100% on 2026-01-28"
    ), forecast
