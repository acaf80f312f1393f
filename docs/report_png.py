"""Make docs/report.png: the HTML report of the bundled plan, in headless Chromium, from the top of the page
down to the end of its Evidence table.

    .venv/bin/python docs/report_png.py            # writes docs/report.png

The bundled plan names another project's files, so the report is made in a throwaway repository holding most
of them, with three commits of the plan (nothing done, Phase 1 done, the plan as shipped) so that Progress over
time has a line; today is 2026-01-15 (TRACKER_NOW), so some issues are overdue and some evidence stale.  The
.zencoder/rules/PHASE2_PROGRESS.md report is left out on purpose: it shows as drift.  Chromium and chromedriver
as for the tests (tests/browser.py); the page is cut at the Evidence table's end and kept to 256 colours by
pngquant when it is installed (apt-get install pngquant).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "phases.yaml"
OUT = ROOT / "docs" / "report.png"
WIDTH = 1100
NOW = "2026-01-15T09:30"
FILES = [
    "src/services/enrollmentServices.js",
    "src/services/quizServices.js",
    "src/services/pvqServices.js",
    "src/services/userServices.js",
    "src/api/client.js",
    "src/api/base/RetryHandler.js",
    "src/api/base/__tests__/RetryHandler.test.js",
    ".zencoder/rules/PHASE2_RACE_CONDITIONS_AND_RESILIENCE.md",
]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder) / "lms"
        page = Path(folder) / "report.html"
        _history(repo)
        env = {**os.environ, "TRACKER_NOW": NOW, "XDG_CACHE_HOME": str(Path(folder) / "cache")}
        subprocess.run(
            [sys.executable, "-m", "tracker", "export", "html", "-o", str(page)], cwd=repo, env=env, check=True
        )
        _screenshot(page, OUT)
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size:,} bytes")


def _history(repo: Path) -> None:
    text = PLAN.read_text(encoding="utf-8")
    # Every issue's own status (indented 8), not the steps' (they have none here): the plan as begun.
    begun = re.sub(r"(?m)^(        status: )\w+$", r"\1not_started", text)
    phase_one = begun
    for issue in ("Data Inconsistency", "Session Closure", "Engagement Validation"):
        phase_one = phase_one.replace(
            f"title: {issue}\n        status: not_started", f"title: {issue}\n        status: complete"
        )
    _git(repo.parent, "init", "-q", "-b", "main", str(repo))
    for path in FILES:
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(f"// {Path(path).name}\n", encoding="utf-8")
    for version, subject, day in (
        (begun, "Plan", "2025-10-01"),
        (phase_one, "Phase 1 done", "2025-10-31"),
        (text, "Retry logic done; race conditions in audit", "2025-11-30"),
    ):
        (repo / "data").mkdir(exist_ok=True)
        (repo / "data" / "phases.yaml").write_text(version, encoding="utf-8")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", subject, date=f"{day}T10:00:00+00:00")


def _git(cwd: Path, *args: str, date: str = "2025-10-01T10:00:00+00:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Dana",
        "GIT_AUTHOR_EMAIL": "dana@example.org",
        "GIT_COMMITTER_NAME": "Dana",
        "GIT_COMMITTER_EMAIL": "dana@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True)


def _screenshot(page: Path, out: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={WIDTH},900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(page.as_uri())
        bottom = driver.execute_script(
            "const r = document.getElementById('evidence').getBoundingClientRect(); return Math.ceil(r.bottom + scrollY) + 24;"
        )
        # The window's size is its outer size; the page gets what is left once the browser's frame is taken off.
        frame = driver.execute_script("return window.outerHeight - window.innerHeight;")
        driver.set_window_size(WIDTH, bottom + frame)
        driver.save_screenshot(str(out))
    finally:
        driver.quit()
    if shutil.which("pngquant"):  # 256 colours: the page's are flat, so the text stays sharp at a third of the bytes
        subprocess.run(["pngquant", "--force", "--strip", "--output", str(out), str(out)], check=True)


if __name__ == "__main__":
    main()
