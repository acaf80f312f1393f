"""The git columns through the real command line: status --json, status --files, validate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tracker_env
from gitutil import ENV, Repo, make_repo

PLAN = """\
project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry
        status: complete
        files: [src/*.js]
        deliverables:
          - path: src/retry.js
          - path: docs/guide.md
        steps:
          - title: Write it
            status: done
            files: [src/retry.js]
      - id: 2
        title: Later
        status: in_progress
        deliverables:
          - path: src/later.js
"""


def run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=tracker_env(cwd.parent / "cache", **(env or {})),
    )


@pytest.fixture
def shop(repo: Repo) -> Repo:
    repo.write("data/phases.yaml", PLAN)
    repo.write("src/retry.js", "retry();\nagain();\n")
    repo.write("docs/guide.md", "# Guide\n")
    repo.commit("First version", date="2025-11-30T10:00:00+00:00")
    return repo


def test_status_json_carries_the_git_object(shop: Repo):
    done = run(shop.root, "status", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    retry = report["phases"][0]["issues"][0]["deliverables"][0]
    assert retry["git"]["state"] == "committed" and retry["git"]["lines"] == 2
    assert retry["git"]["last_commit"] == {
        "sha": shop.git("rev-parse", "--short", "HEAD"),
        "date": "2025-11-30T10:00:00+00:00",
        "author": "Ada Lovelace",
        "subject": "First version",
    }
    assert retry["git"]["blob"] == shop.git("rev-parse", "HEAD:src/retry.js")
    assert retry["drift"] is None
    later = report["phases"][0]["issues"][1]["deliverables"][0]
    assert later["git"]["state"] == "missing" and later["git"]["last_commit"] is None and later["drift"] is None
    pattern = report["phases"][0]["issues"][0]["files"][0]["git"]
    assert [m["path"] for m in pattern["matches"]] == ["src/retry.js"]
    step = report["phases"][0]["issues"][0]["steps"][0]
    assert step["files"] == ["src/retry.js"] and step["file_links"][0]["git"]["state"] == "committed"
    assert report["repo"]["branch"] == "main" and report["repo"]["head"] == shop.git("rev-parse", "HEAD")


def test_drift_is_marked_in_status_and_warned_by_validate(shop: Repo):
    shop.write("src/retry.js", "changed\n")
    (shop.root / "docs/guide.md").unlink()

    plain = run(shop.root, "status")
    assert plain.returncode == 0
    assert "! #1 src/retry.js: marked complete but the file has changes that are not committed" in plain.stdout
    assert "! #1 docs/guide.md: marked complete but the file does not exist" in plain.stdout

    files = run(shop.root, "status", "--files")
    assert files.returncode == 0, files.stderr
    rows = files.stdout.splitlines()
    assert rows[1].startswith("git: main @ ")
    retry = next(r for r in rows if "deliverable  src/retry.js" in r)
    assert retry.lstrip().startswith("! deliverable") and "modified" in retry and "1 line" in retry
    later = next(r for r in rows if "src/later.js" in r)
    assert not later.lstrip().startswith("!") and "missing" in later
    assert any("First version" in r for r in rows)

    checked = run(shop.root, "validate")
    assert checked.returncode == 0, checked.stderr
    plan = shop.root / "data" / "phases.yaml"
    assert checked.stderr.splitlines() == [
        f"{plan}:11:19: warning: deliverable 'src/retry.js' of issue #1 is 'complete' but the file has "
        "changes that are not committed; commit it or change the status",
        f"{plan}:12:19: warning: deliverable 'docs/guide.md' of issue #1 is 'complete' but the file "
        "does not exist (deleted in the work tree; HEAD still has it); commit it or change the status",
    ]
    assert checked.stdout == f"{plan}: ok (2 warnings)\n"


def test_validate_rejects_a_symlink_out_of_the_repository(shop: Repo, tmp_path: Path):
    (shop.root / "src/escape.js").symlink_to("/etc/passwd")
    shop.write("data/phases.yaml", PLAN.replace("src/later.js", "src/escape.js"))
    checked = run(shop.root, "validate")
    assert checked.returncode == 1
    plan = shop.root / "data" / "phases.yaml"
    errors = checked.stderr.splitlines()
    assert errors[0].startswith(
        f"{plan}:9:17: error: 'src/escape.js', matched by 'src/*.js', leads outside "
        "the repository through a symlink; it is never read"
    )
    assert errors[1].startswith(f"{plan}:21:19: error: path 'src/escape.js' leads outside the repository")
    assert errors[2:] == [f"{plan}: 2 errors"]
    report = json.loads(run(shop.root, "status", "--json").stdout)
    escape = report["phases"][0]["issues"][1]["deliverables"][0]["git"]
    assert escape["state"] == "unsafe" and escape["lines"] is None and escape["size"] is None


def test_evidence_through_a_symlink_out_of_the_repository_marked_done_needs_attention(shop: Repo):
    # Marked complete, yet never read: status and the report's Needs attention flag it as they flag a missing
    # file; validate says it once, as the error it is, with or without --strict.
    (shop.root / "docs/pw.md").symlink_to("/etc/passwd")
    shop.write("data/phases.yaml", PLAN.replace("docs/guide.md", "docs/pw.md"))
    shop.commit("Link")
    reason = "its path leads outside the repository's files, so it is never read"
    plain = run(shop.root, "status")
    assert plain.returncode == 0, plain.stderr
    assert f"! #1 docs/pw.md: marked complete but {reason}\n" in plain.stdout
    html = run(shop.root, "export", "html").stdout
    attention = html[html.index("<h2>Needs attention</h2>") : html.index('<section id="issues">')]
    assert "<code>docs/pw.md</code>" in attention and reason.replace("'", "&#39;") in attention
    assert "root:" not in html  # never read
    plan = shop.root / "data" / "phases.yaml"
    for strict in ([], ["--strict"]):
        checked = run(shop.root, "validate", *strict)
        assert checked.returncode == 1
        assert checked.stderr.splitlines() == [
            f"{plan}:12:19: error: path 'docs/pw.md' leads outside the repository through a symlink; it is never read",
            f"{plan}: 1 error",
        ], strict


def test_without_git_everything_still_works(tmp_path: Path):
    root = tmp_path / "plain"
    (root / "data").mkdir(parents=True)
    (root / "data/phases.yaml").write_text(PLAN)
    for args in (["status"], ["status", "--files"], ["status", "--json"], ["validate"]):
        done = run(root, *args)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr)
    report = json.loads(run(root, "status", "--json").stdout)
    assert report["repo"]["message"] == "not in a git repository"
    # no file there: missing with or without git (so a done deliverable is drift); git's own states need git
    assert report["phases"][0]["issues"][0]["deliverables"][0]["git"]["state"] == "missing"
    (root / "docs").mkdir()
    (root / "docs/guide.md").write_text("# Guide\n")
    report = json.loads(run(root, "status", "--json").stdout)
    assert report["phases"][0]["issues"][0]["deliverables"][1]["git"]["state"] == "no-git"
    assert "git: not available (not in a git repository)" in run(root, "status", "--files").stdout


def test_a_git_dir_from_a_hook_does_not_move_the_work_tree(shop: Repo):
    # Hooks export GIT_DIR alone; from the plan's folder git would take data/ for the whole work tree.
    done = run(shop.root, "status", "--json", env={"GIT_DIR": str(shop.root / ".git")})
    assert done.returncode == 0 and done.stderr == ""  # the plan's own repository: nothing to say
    report = json.loads(done.stdout)
    assert report["repo"]["root"] == str(shop.root)
    assert report["phases"][0]["issues"][0]["deliverables"][0]["git"]["state"] == "committed"


@pytest.mark.parametrize("named", [("GIT_DIR",), ("GIT_WORK_TREE",), ("GIT_DIR", "GIT_WORK_TREE")])
def test_git_variables_that_name_another_repository_are_left_out_and_said_on_stderr(
    shop: Repo, tmp_path: Path, named: tuple[str, ...]
):
    # With them git reported another repository's branch, HEAD and files as the plan's (both), or none
    # at all (GIT_WORK_TREE alone: "not a tree object"), and the summary read its commits; without a word.
    first = shop.git("rev-parse", "HEAD")
    shop.write("data/phases.yaml", PLAN.replace("status: in_progress", "status: complete") + SESSION)
    shop.write("src/retry.js", "changed\n")  # modified here, committed elsewhere
    other = make_repo(tmp_path / "elsewhere")
    other.write("src/retry.js", "retry();\n")
    other.commit("Elsewhere")
    other.git("checkout", "-q", "-b", "elsewhere")
    places = {"GIT_DIR": str(other.root / ".git"), "GIT_WORK_TREE": str(other.root)}
    env = {name: places[name] for name in named}
    names = " and ".join(named)
    warning = (
        f"tracker: warning: {' and '.join(f'{name}={places[name]}' for name in named)} name{'s' * (len(named) == 1)}"
        f" another git repository than the plan's (its own, at {os.path.realpath(shop.root)}); tracker reads the"
        f" plan's and leaves {names} out. Unset {'it' if len(named) == 1 else 'them'} to see the same in git.\n"
    )
    for _ in range(2):  # computed, then replayed
        done = run(shop.root, "status", "--json", env=env)
        assert done.returncode == 0 and done.stderr == warning
        report = json.loads(done.stdout)  # stdout is the JSON alone
        assert report["repo"]["root"] == str(shop.root) and report["repo"]["branch"] == "main"
        assert report["repo"]["ignored"] == list(named)
        assert report["phases"][0]["issues"][0]["deliverables"][0]["git"]["state"] == "modified"
    files = run(shop.root, "status", "--files", env=env)
    assert files.stderr == warning
    assert files.stdout.splitlines()[1].endswith(f", 2 changed, 0 untracked ({names} ignored: another repository)")
    note = run(shop.root, "summary", "--since", first, env=env)
    assert note.returncode == 0 and note.stderr == warning
    assert note.stdout == run(shop.root, "summary", "--since", first).stdout
    assert "- Issue #2: in progress → complete" in note.stdout


SESSION = "sessions:\n  - date: 2025-11-30\n"


def kept_apart(tmp_path: Path, plan: str) -> tuple[Path, dict[str, str]]:
    """A home folder kept in a bare repository (dots.git) with `plan` and src/retry.js committed; the
    environment that names both, GIT_DIR and GIT_WORK_TREE."""
    home, dots = tmp_path / "home", tmp_path / "dots.git"
    (home / "data").mkdir(parents=True)
    (home / "data/phases.yaml").write_text(plan)
    (home / "src").mkdir()
    (home / "src/retry.js").write_text("retry();\n")
    subprocess.run(["git", "init", "-q", "--bare", str(dots)], check=True)
    apart = {**os.environ, **ENV, "GIT_DIR": str(dots), "GIT_WORK_TREE": str(home)}
    subprocess.run(["git", "add", "data", "src"], cwd=home, check=True, env=apart)
    subprocess.run(["git", "commit", "-q", "-m", "plan"], cwd=home, check=True, env=apart)
    return home, apart


def test_a_work_tree_kept_apart_from_its_git_dir(tmp_path: Path):
    plan = PLAN + SESSION
    home, apart = kept_apart(tmp_path, plan)
    first = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=home, check=True, env=apart, capture_output=True, text=True
    ).stdout.strip()
    (home / "data/phases.yaml").write_text(plan.replace("status: in_progress", "status: complete"))
    report = json.loads(run(home, "status", "--json", env=apart).stdout)
    assert report["repo"]["root"] == str(home)
    assert report["phases"][0]["issues"][0]["deliverables"][0]["git"]["state"] == "committed"
    done = run(home, "summary", "--since", first, env=apart)  # the plan then, read from dots.git by GitPython
    assert done.returncode == 0, done.stderr
    assert "- Issue #2: in progress → complete" in done.stdout


def test_a_work_tree_kept_apart_named_relative_to_where_tracker_starts(tmp_path: Path):
    # Relative GIT_DIR and GIT_WORK_TREE are read from the folder tracker starts in, as the user's git reads
    # them, whichever folder tracker runs git from: the answer is the same computed, replayed or from scratch.
    home, _ = kept_apart(tmp_path, PLAN)
    (home / "src/retry.js").write_text("retry();\nagain();\n")
    cache = tmp_path / "cache"  # outside the work tree: git would see it as untracked
    relative = {"GIT_DIR": "../../dots.git", "GIT_WORK_TREE": "..", "XDG_CACHE_HOME": str(cache)}
    where = home / "data"
    reports = [json.loads(run(where, "status", "--json", env=relative).stdout) for _ in range(2)]
    shutil.rmtree(cache)
    reports.append(json.loads(run(where, "status", "--json", env=relative).stdout))
    for report in reports:
        assert report["repo"]["root"] == str(home)
        assert report["phases"][0]["issues"][0]["deliverables"][0]["git"]["state"] == "modified"
    assert reports[0] == reports[1] == reports[2]


def test_a_file_name_that_is_not_utf_8_is_shown_escaped(shop: Repo):
    (shop.root / os.fsdecode(b"src/odd-\xff.js")).write_text("x\n")  # matched by the src/*.js
    first = run(shop.root, "status", "--files")
    assert first.returncode == 0 and "Traceback" not in first.stderr, first.stderr
    assert "src/odd-\\xff.js" in first.stdout and "untracked" in first.stdout
    assert run(shop.root, "status", "--files").stdout == first.stdout  # as recorded, replayed


def test_without_a_git_program_status_says_so(shop: Repo, tmp_path: Path):
    nowhere = tmp_path / "empty-path"
    nowhere.mkdir()
    done = run(shop.root, "status", "--json", env={"PATH": str(nowhere)})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["repo"]["message"] == "git is not installed (no 'git' program on PATH)"
    assert report["phases"][0]["issues"][0]["deliverables"][0]["git"]["state"] == "no-git"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_refused_repository_is_a_message_not_a_traceback(shop: Repo):
    subprocess.run(["chown", "-R", "nobody", str(shop.root)], check=True)
    done = run(shop.root, "status", "--files")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    # The folder to trust is the work tree git names, not the plan's own folder (data/).
    assert (
        f"git refuses to read {shop.root}: another user owns it; if you trust it, run "
        f"git config --global --add safe.directory {shop.root}"
    ) in done.stdout


def test_json_and_files_views_are_one_or_the_other(tmp_path):
    from conftest import BUNDLED_PLAN, run_tracker

    done = run_tracker("--file", str(BUNDLED_PLAN), "status", "--json", "--files")
    assert done.returncode == 2
    assert "use one of --json and --files" in done.stderr
