"""`tracker summary` on real repositories: what history tells, every section, and the command line."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from gitutil import Repo, make_repo
from markdown_it import MarkdownIt

from tracker.notes.errors import SummaryError
from tracker.notes.gather import build_summary, gather_summary
from tracker.plan.loader import load

SESSION = "2025-11-30"
DAY_BEFORE = "2025-11-29T16:00:00+00:00"


def plan(s1="not_started", s2="in_progress", s3="in_progress", step1="todo", extra="", session_extra=""):
    return f"""\
project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry
        status: {s1}
        deliverables:
          - path: src/retry.js
            type: source
            purpose: Backoff and retry
      - id: 2
        title: Timestamps
        status: {s2}
        steps:
          - title: Audit writes
            estimate: 30m
            status: {step1}
          - title: Fix writes
            estimate: 1h
            files: [src/app.js]
          - title: Test writes
            estimate: 1h10m
      - id: 3
        title: Locks
        status: {s3}
  - id: P2
    title: Later
    issues:
      - id: 4
        title: Checkpoints
        status: not_started
        depends_on: [2]
        steps:
          - title: Design
            estimate: 40m
{extra}
sessions:
  - date: {SESSION}
    focus: Fixes
{session_extra}"""


NEW_ISSUE = """\
      - id: 5
        title: New work
        status: in_progress
"""


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def shop(repo: Repo) -> dict:
    """Plan committed the day before; work committed on the session's day; more work in the work tree."""
    repo.write(".gitignore", "build/\n")
    repo.write("data/phases.yaml", plan())
    repo.write("src/app.js", "app();\n")
    repo.write("docs/old.md", "# Old\n")
    a = repo.commit("Plan", date=DAY_BEFORE)
    repo.write("src/retry.js", "retry();\nagain();\nlast();")  # 3 lines, the last without a newline
    repo.write("data/phases.yaml", plan(s1="in_progress"))
    b = repo.commit("Retry", date=f"{SESSION}T10:00:00+00:00")
    repo.git("mv", "docs/old.md", "docs/archive-old.md")
    repo.write("src/app.js", "app();\nmore();\n")
    c = repo.commit("Archive, app", date=f"{SESSION}T11:00:00+00:00")
    repo.write("data/phases.yaml", plan(s1="complete", step1="done", extra=NEW_ISSUE))
    repo.write("notes/todo.md", "- one\n- two\n")
    repo.write("build/out.log", "ignored\n")
    return {"repo": repo, "a": a, "b": b, "c": c, "plan": repo.root / "data" / "phases.yaml"}


def summary(path: Path, **kwargs) -> str:
    return build_summary(load(path), **kwargs)


def section(text: str, title: str) -> str:
    """The body of the `## … title` section."""
    match = re.search(rf"^## [^\n]*{re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no section {title!r} in:\n{text}"
    return match.group(1)


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(cwd.parent / "cache"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    env.pop("TRACKER_FILE", None)
    return subprocess.run([sys.executable, "-m", "tracker", *args], cwd=cwd, capture_output=True, env=env)


# --- accomplished: what changed since the start ---------------------------------------------


def test_status_changes_steps_and_added_issues_are_listed_and_unchanged_issues_are_not(shop):
    done = section(summary(shop["plan"]), "Accomplished This Session")
    assert "### 1. Issue #1: Retry ✅\n- Issue #1: not started → complete\n" in done
    assert "### 2. Issue #2: Timestamps 🔄\n- Step 1 done: Audit writes\n" in done
    assert "### 3. Issue #5: New work 🔄\n- Added to the plan, status In progress\n" in done
    assert "Issue #3" not in done and "Issue #4" not in done
    assert "### 4. Fixes" not in done  # the session's focus is not an accomplishment


def test_a_reopened_issue_is_said_to_be_reopened_not_passed_off_as_done(repo: Repo):
    """A status change counts (PRODUCT.md §5), but one from done back to open is work undone: the note says
    "Reopened" where it would say the issue's move, and in its closing list."""
    repo.write("data/phases.yaml", plan(s3="complete"))
    repo.commit("Plan", date=DAY_BEFORE)
    repo.write("data/phases.yaml", plan(s3="in_progress"))
    repo.commit("Reopen #3", date=f"{SESSION}T10:00:00+00:00")
    note = summary(repo.root / "data" / "phases.yaml")
    assert "### 1. Issue #3: Locks 🔄\n- Reopened: complete → in progress\n" in section(note, "Accomplished")
    assert "- 🔄 Issue #3: Locks (reopened: complete → in progress)" in section(note, "Summary")
    assert "Issue #3: complete → in progress" not in note


def test_deliverables_carry_line_counts_and_purposes(shop):
    text = summary(shop["plan"])
    assert "- **File**: `src/retry.js` (3 lines)\n  - Backoff and retry\n" in section(text, "Accomplished")
    table = section(text, "Deliverables This Session")
    assert "| `src/retry.js` | Source (3 lines) | Backoff and retry | ✅ Complete |" in table


def test_the_start_is_before_the_first_commit_of_the_session_day(shop):
    text = summary(shop["plan"])
    assert f"**Since**: `{shop['a'][:7]}`, the first commit made before {SESSION}, going back from HEAD\n" in text


def test_history_reads_files_as_they_were_and_leaves_no_git_process_once_closed(shop):
    from tracker.git.repo import GitRepo
    from tracker.notes.history import file_at, revision

    with GitRepo.open(shop["repo"].root) as git:  # kept in `git` after the block: only close() ends its reader
        start = revision(git, shop["a"], "given")
        assert (start.sha, start.date) == (shop["a"], "2025-11-29")
        then = shop["repo"].git("show", f"{shop['a']}:data/phases.yaml")
        assert file_at(git, start, "data/phases.yaml").decode().strip() == then
        assert file_at(git, start, "notes/todo.md") is None  # not there yet
        assert file_at(git, start, "data") is None  # a folder is not a file
    children = Path(f"/proc/self/task/{os.getpid()}/children")
    if children.exists():
        assert children.read_text().split() == []


def test_a_missing_object_is_said_as_a_git_failure_not_a_traceback(shop):
    repo = shop["repo"]
    blob = repo.git("rev-parse", f"{shop['a']}:data/phases.yaml")
    (repo.root / ".git/objects" / blob[:2] / blob[2:]).unlink()  # the plan as it was at the start
    done = run(repo.root, "summary")
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"tracker: error: git failed in {repo.root}: ".encode()), done.stderr


def test_a_commit_s_day_is_the_one_its_committer_saw(repo: Repo):
    from tracker.git.repo import GitRepo
    from tracker.notes.history import revision

    repo.write("a.txt", "x\n")
    sha = repo.commit("late", date="2025-11-30T23:30:00-05:00")  # already December 1st in UTC
    with GitRepo.open(repo.root) as git:
        assert revision(git, "HEAD", "given") == revision(git, sha[:7], "given")
        assert revision(git, "HEAD", "given").date == "2025-11-30"


def test_since_a_revision_starts_there(shop):
    text = summary(shop["plan"], since=shop["b"])
    done = section(text, "Accomplished")
    assert "- Issue #1: in progress → complete" in done
    created = section(text, "Files Created")
    assert "retry.js" not in created  # it existed at the start
    assert "- `docs/old.md` → `docs/archive-old.md` (1 line)\n" in section(text, "Files Moved")


def test_since_a_later_day_with_no_commits_starts_at_head(shop):
    text = summary(shop["plan"], since="2025-12-01")
    assert f"**Since**: `{shop['c'][:7]}`, HEAD, itself made before 2025-12-01\n" in text
    assert "- Issue #1: in progress → complete" in text
    assert "archive-old.md" not in section(text, "Files Created")


def test_a_start_after_the_sessions_end_or_on_another_branch_is_refused_not_counted_backwards(shop):
    # The session ended at b, where issue 1 was in progress; d, after it, has issue 1 complete. Counted
    # from d back to b, the note said "Issue #1: complete → in progress" and "-1 issue": work never done.
    repo, root, path = shop["repo"], shop["repo"].root, shop["plan"]
    path.write_text(plan(s1="complete", session_extra=f"    since: {shop['a'][:9]}\n    until: {shop['b'][:9]}\n"))
    d = repo.commit("Issue 1 done", date=f"{SESSION}T12:00:00+00:00")
    for since, start in ((d, d[:7]), ("HEAD", d[:7]), ("2025-12-01", d[:7]), (shop["c"], shop["c"][:7])):
        done = run(root, "summary", "--since", since, "-o", "note.md")
        assert done.returncode == 1, done.stdout
        assert (
            done.stderr.decode().startswith(f"tracker: error: --since {since}: {start} (")
            and f"is not in the history of the session's end, {shop['b'][:7]}, so the note" in done.stderr.decode()
        )
        assert not (root / "note.md").exists()
    assert run(root, "summary", "--since", shop["a"]).returncode == 0  # before the end: as it was
    path.write_text(plan(s1="complete", session_extra=f"    since: {d[:9]}\n    until: {shop['b'][:9]}\n"))
    located = run(root, "summary")
    assert located.returncode == 1
    assert re.match(
        rb".*/data/phases.yaml:\d+:\d+: error: session 2025-11-30: it starts at "
        + d[:7].encode()
        + rb" \(where the session started\), which is not in the history of the session's end",
        located.stderr,
    ), located.stderr
    # An open session counted from another branch's commit would take in that branch's work too.
    path.write_text(plan(s1="complete"))
    repo.commit("The session reopened")
    repo.git("checkout", "-q", "-b", "side", shop["a"])
    repo.write("side.txt", "side\n")
    side = repo.commit("Side work", "side.txt", date=f"{SESSION}T13:00:00+00:00")
    repo.git("checkout", "-q", "main")
    across = run(root, "summary", "--since", side)
    assert across.returncode == 1
    assert b"is not in the history of HEAD, so the note" in across.stderr
    for result in (located, across):
        assert b"Traceback" not in result.stderr and result.stdout == b""


def test_the_sessions_since_is_used_when_there_is_no_option(shop):
    path = shop["plan"]
    path.write_text(plan(s1="complete", session_extra=f"    since: {shop['b'][:9]}\n"))
    assert "- Issue #1: in progress → complete" in summary(path)
    assert "- Issue #1: not started → complete" in summary(path, since=SESSION)


def test_a_plan_missing_at_the_start_makes_every_issue_new(repo: Repo):
    repo.write("README.md", "hello\n")
    repo.commit("Readme", date=DAY_BEFORE)
    repo.write("data/phases.yaml", plan())
    text = summary(repo.root / "data" / "phases.yaml")
    done = section(text, "Accomplished")
    assert [int(n) for n in re.findall(r"^### \d+\. Issue #(\d+)", done, re.M)] == [1, 2, 3, 4]
    assert "phases.yaml (" in section(text, "Files Created")


def test_a_plan_unreadable_at_the_start_is_said_and_issues_are_left_out(repo: Repo):
    repo.write("data/phases.yaml", "project: [unclosed\n")
    repo.commit("Broken", date=DAY_BEFORE)
    repo.write("data/phases.yaml", plan())
    text = summary(repo.root / "data" / "phases.yaml")
    assert "> The plan at the start could not be read (" in text
    assert "Issue #1" not in section(text, "Accomplished")


# --- files created -----------------------------------------------------------------------------


def test_created_files_are_drawn_as_a_tree_with_line_counts(shop):
    created = section(summary(shop["plan"]), "Files Created This Session")
    assert created == (
        "\n```\nnotes/\n└── todo.md (2 lines, untracked)\n\nsrc/\n└── retry.js (3 lines)\n```\n\n---\n\n"
    )


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_files_named_like_a_pattern_or_with_a_backslash_are_counted_as_the_files_they_are(repo: Repo, closed: bool):
    """git's own names are no plan paths: "[2026] review.md" is not a pattern, and "a\\b.md" not "a/b.md"."""
    repo.write("data/phases.yaml", plan())
    start = repo.commit("Plan", date=DAY_BEFORE)
    names = ("evidence/[2026] vendor review.md", "evidence/a\\b.md", "evidence/plain.md")
    for name in names:
        repo.write(name, "a\nb\n")
    end = repo.commit("Evidence", date=f"{SESSION}T10:00:00+00:00")
    if closed:  # read as the session's end holds them, whatever the work tree holds now
        repo.write("data/phases.yaml", plan(session_extra=f"    since: {start[:9]}\n    until: {end[:9]}\n"))
        for name in names:
            (repo.root / name).unlink()
    else:
        repo.write("data/phases.yaml", plan(session_extra=f"    since: {start[:9]}\n"))
    created = section(summary(repo.root / "data" / "phases.yaml"), "Files Created")
    assert "├── [2026] vendor review.md (2 lines)\n├── a\\b.md (2 lines)\n└── plain.md (2 lines)" in created


def test_a_file_moved_in_the_window_is_listed_as_moved_not_created_and_its_note_stays_the_same(repo: Repo):
    odd = "docs/a `b` | *c* __d__ <i>x [l](u) &amp; #1.md"
    repo.write("data/phases.yaml", plan())
    repo.write("docs/old.md", "# Old\nkept\n")
    repo.write("src/app.js", "app();\n")
    a = repo.commit("Plan", date=DAY_BEFORE)
    repo.git("mv", "docs/old.md", odd)
    repo.git("mv", "src/app.js", "src/main.js")
    until = repo.commit("Move", date=f"{SESSION}T10:00:00+00:00")
    repo.write("data/phases.yaml", plan(session_extra=f"    since: {a}\n    until: {until}\n"))
    repo.commit("Close the session", date=f"{SESSION}T11:00:00+00:00")
    first = run(repo.root, "summary")
    assert first.returncode == 0, first.stderr
    repo.write(odd, "changed after the session\n")
    repo.git("mv", "src/main.js", "src/later.js")
    again = run(repo.root, "summary")
    assert again.stdout == first.stdout  # a closed session's note: the same bytes
    text = first.stdout.decode()
    assert section(text, "Files Created") == "\nNo files were created this session.\n\n---\n\n"
    tokens = MarkdownIt("commonmark").parse(section(text, "Files Moved This Session"))
    # One list of two items, whatever the paths hold: no heading, table, link or HTML made of them.
    assert [t.type for t in tokens if t.nesting == 1] == ["bullet_list_open"] + ["list_item_open", "paragraph_open"] * 2
    items = [
        "".join(child.content for child in t.children if child.type in ("text", "code_inline"))
        for t in tokens
        if t.type == "inline"
    ]
    assert items == [f"docs/old.md → {odd} (2 lines)", "src/app.js → src/main.js (1 line)"]
    assert not any(child.type == "html_inline" for t in tokens if t.type == "inline" for child in t.children)


def test_tree_nests_folders_and_joins_single_folder_chains(repo: Repo):
    repo.write("data/phases.yaml", plan())
    repo.commit("Plan", date=DAY_BEFORE)
    for path in (
        "src/api/base/RetryHandler.js",
        "src/api/base/__tests__/RetryHandler.test.js",
        "src/api/base/__tests__/more.test.js",
        "top.txt",
    ):
        repo.write(path, "x\n")
    created = section(summary(repo.root / "data" / "phases.yaml"), "Files Created")
    assert (
        "./\n"
        "└── top.txt (1 line, untracked)\n"
        "\n"
        "src/api/base/\n"
        "├── __tests__/\n"
        "│   ├── RetryHandler.test.js (1 line, untracked)\n"
        "│   └── more.test.js (1 line, untracked)\n"
        "└── RetryHandler.js (1 line, untracked)\n"
    ) in created


def test_the_output_file_is_listed_as_this_file_and_runs_repeat_byte_for_byte(shop):
    root = shop["repo"].root
    first = run(root, "summary", "-o", "SESSION.md")
    assert first.returncode == 0, first.stderr
    one = (root / "SESSION.md").read_bytes()
    second = run(root, "summary", "-o", "SESSION.md")
    assert second.returncode == 0, second.stderr
    assert (root / "SESSION.md").read_bytes() == one
    assert "└── SESSION.md (this file)" in one.decode()
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def test_same_inputs_give_the_same_bytes(shop):
    root = shop["repo"].root
    outputs = {run(root, "summary").stdout for _ in range(2)}
    assert len(outputs) == 1
    assert summary(shop["plan"]).encode() in outputs


# --- overall status, what's next, closing --------------------------------------------------------


def test_overall_status_has_every_phase_with_percent_and_each_issue(shop):
    overall = section(summary(shop["plan"]), "Overall Shop Status")
    assert "### Phase 1: Fixes 🔄 IN PROGRESS (44%)" in overall  # (1 + 1/3 + 0) / 3
    assert "- Issue #2: Timestamps - **IN PROGRESS** 🔄 (1 of 3 steps done)" in overall
    assert "### Phase 2: Later 🔄 IN PROGRESS (0%)" in overall  # #5 has begun, but earns no credit yet
    assert "- Issue #4: Checkpoints - **NOT STARTED** ⬜" in overall


def test_whats_next_lists_ready_issues_their_open_steps_and_the_total(shop):
    text = summary(shop["plan"])
    next_up = section(text, "What's Next")
    assert next_up.startswith("\n### Immediate Priority: Issue #2 (Timestamps)\n")
    assert "**Step 2: Fix writes** (1h)\n- `src/app.js`\n" in next_up
    assert "**Step 3: Test writes** (1h10m)\n" in next_up
    assert "Audit writes" not in next_up  # done
    assert "### Then: Issue #3 (Locks)" in next_up
    assert "**Total time**: 2h 10m" in next_up
    assert "### Then: Issue #4" not in next_up  # it waits for #2 (in another phase), and says so
    assert "- Issue #4 (Checkpoints): waiting on #2\n" in next_up
    recommendation = section(text, "Recommendation")
    assert "1. **Continue Issue #2: Timestamps** - 2 open steps, 2h 10m" in recommendation
    # #5 was added in the session: what the session touched comes before the rest of the plan.
    assert "2. **Finish Issue #5: New work** - no steps planned yet" in recommendation
    assert "3. **Finish Issue #3: Locks** - no steps planned yet" in recommendation
    assert "**Phase 1 is 44% complete** (1 of 3 issues done)" in section(text, "Summary")


def test_an_issue_whose_dependencies_are_not_done_waits(tmp_path: Path):
    path = tmp_path / "phases.yaml"
    path.write_text(
        plan(s1="complete", s2="not_started").replace(
            "        status: not_started\n", "        status: not_started\n        depends_on: [3]\n", 1
        )
    )
    text = summary(path)
    next_up = section(text, "What's Next")
    assert "### Immediate Priority: Issue #3 (Locks)" in next_up
    assert "- Issue #2 (Timestamps): waiting on #3" in next_up
    assert "Step 2: Fix writes" not in next_up
    assert "2. **Then Issue #2: Timestamps**, once #3 is done - 3 open steps, 2h 40m" in text


def test_when_everything_is_done_nothing_is_next(tmp_path: Path):
    path = tmp_path / "phases.yaml"
    text = plan(s1="complete", s2="complete", s3="complete").replace("status: not_started", "status: complete")
    path.write_text(text)
    out = summary(path)
    assert "Every issue in the plan is done." in out
    assert "**Overall**: 100% (4 of 4 issues done)" in out
    assert " is 100% complete" not in out


def test_when_every_issue_left_is_blocked_the_note_does_not_call_the_plan_done(tmp_path: Path):
    """Issue 2 blocked and 4 waiting on 3, blocked too: nothing is ready, and nothing is done either."""
    path = tmp_path / "phases.yaml"
    text = plan(s1="complete", s2="blocked", s3="blocked").replace("depends_on: [2]", "depends_on: [3]")
    path.write_text(text)
    out = summary(path)
    next_up = section(out, "What's Next")
    assert "Every issue in the plan is done." not in out
    assert "No issue is ready to work on: each one not done is blocked or waits on another issue." in next_up
    assert "- Issue #4 (Checkpoints): waiting on #3" in next_up
    assert section(out, "Recommendation").split("\n\n---")[0].strip().splitlines() == [
        "1. **Unblock Issue #2: Timestamps** - 3 open steps, 2h 40m",
        "2. **Unblock Issue #3: Locks** - no steps planned yet",
        "3. **Then Issue #4: Checkpoints**, once #3 is done - 1 open step, 40m",
    ]
    assert "Nothing left to do in this plan." not in out


def test_when_what_is_left_is_verified_the_note_says_to_mark_it_done(tmp_path: Path):
    path = tmp_path / "phases.yaml"
    text = plan(s1="complete", s2="verified", s3="complete", step1="done").replace(
        "status: not_started", "status: complete"
    )
    path.write_text(
        text.replace("            estimate: 1h\n", "            estimate: 1h\n            status: done\n").replace(
            "            estimate: 1h10m\n", "            estimate: 1h10m\n            status: done\n"
        )
    )
    out = summary(path)
    assert "No issue is ready to work on: each one not done is verified and waits to be marked done." in out
    assert "1. **Mark Issue #2 done: Timestamps** - verified, no open steps" in section(out, "Recommendation")
    assert "Nothing left to do in this plan." not in out


# --- without git -------------------------------------------------------------------------------


def test_without_git_the_summary_renders_and_says_what_it_leaves_out(tmp_path: Path):
    path = tmp_path / "phases.yaml"
    path.write_text(plan(s1="complete"))
    text = summary(path)
    assert "> No git history (not in a git repository): issue changes and created files are left out." in text
    assert "Files Created" not in text and "**Since**" not in text
    assert "### Phase 1: Fixes 🔄 IN PROGRESS (33%)" in text
    with pytest.raises(SummaryError, match=r"^tracker: error: --since HEAD needs the git history"):
        summary(path, since="HEAD")


# --- options -------------------------------------------------------------------------------------


def test_plain_has_no_emoji_and_no_front_matter_drops_the_block(shop):
    text = summary(shop["plan"], plain=True, front_matter=False)
    assert not re.search("[\u2600-\u27bf\U0001f300-\U0001faff]", text)
    assert text.startswith("# Session Summary - November 30, 2025\n")
    assert "## Accomplished This Session" in text
    assert "- Issue #2: Timestamps - **IN PROGRESS** (1 of 3 steps done)" in text
    assert summary(shop["plan"]).startswith(
        "---\ndescription: Session Summary - November 30, 2025\nalwaysApply: true\n---\n\n# Session Summary"
    )


def test_session_picks_an_older_session(tmp_path: Path):
    path = tmp_path / "phases.yaml"
    path.write_text(plan(session_extra="  - date: 2025-12-02\n    focus: Later work\n"))
    assert "**Focus**: Later work" in summary(path)
    older = summary(path, session="2025-11-30")
    assert older.startswith("---\ndescription: Session Summary - November 30, 2025\n")
    with pytest.raises(
        SummaryError,
        match=r"phases.yaml:\d+:\d+: error: no session on 2025-12-24; "
        r"the plan has sessions 2025-11-30, 2025-12-02",
    ):
        summary(path, session="2025-12-24")


def test_a_user_template_gets_the_same_variables(shop, tmp_path: Path):
    template = tmp_path / "mine.md.j2"
    template.write_text(
        "{{ session.date }} {{ project }}: {% for p in phases %}{{ p.name }}={{ p.percent }}% "
        "{% endfor %}\n{% for c in accomplished %}{{ c.title }}|{% endfor %}\n{{ next.time }}\n"
    )
    assert summary(shop["plan"], template=template) == (
        "2025-11-30 Shop: Phase 1=44% Phase 2=0% Retry|Timestamps|New work|2h 10m\n"
    )  # trim_blocks is on


def test_template_errors_point_at_the_template_line(shop, tmp_path: Path):
    broken = tmp_path / "broken.j2"
    broken.write_text("fine\n{% for x in phases %}\n")
    with pytest.raises(SummaryError, match=rf"^{re.escape(str(broken))}:\d+: error: "):
        summary(shop["plan"], template=broken)
    unknown = tmp_path / "unknown.j2"
    unknown.write_text("line one\n{{ nothing.here }}\n")
    with pytest.raises(SummaryError, match=rf"^{re.escape(str(unknown))}:2: error: 'nothing' is undefined"):
        summary(shop["plan"], template=unknown)


def test_the_context_is_plain_data(shop):
    context = gather_summary(load(shop["plan"])).context
    assert [c.issue.id for c in context["accomplished"] if c.issue] == ["1", "2", "5"]
    assert context["next"].minutes == 130 and context["next"].time == "2h 10m"
    assert [f.path for f in context["created"].files] == ["notes/todo.md", "src/retry.js"]
    assert [(m.source, m.file.path, m.file.lines) for m in context["moved"].files] == [
        ("docs/old.md", "docs/archive-old.md", 1)
    ]


# --- the command line ---------------------------------------------------------------------------


def test_cli_errors_are_located_and_exit_1_or_2(shop):
    root = shop["repo"].root
    bad = run(root, "summary", "--since", "nope")
    assert bad.returncode == 1
    assert bad.stderr.decode().startswith("tracker: error: --since nope: 'nope' is not a commit in the repository")
    usage = run(root, "summary", "--session", "banana")
    assert (
        usage.returncode == 2 and b"'banana' names no session; write YYYY-MM-DD, YYYY-MM-DD#N or last" in usage.stderr
    )
    missing = run(root, "summary", "--session", "2025-12-24")
    assert missing.returncode == 1 and b"error: no session on 2025-12-24" in missing.stderr
    (root / "plain-file").write_text("x")
    unwritable = run(root, "summary", "-o", "plain-file/x.md")
    assert unwritable.returncode == 1
    assert unwritable.stderr.decode().startswith("plain-file/x.md: error: cannot write the summary")
    shop["plan"].write_text(plan(session_extra="    since: deadbeef\n"))
    located = run(root, "summary")
    assert located.returncode == 1
    assert re.match(
        rb".*/data/phases.yaml:\d+:\d+: error: session 2025-11-30: 'deadbeef' is not a commit", located.stderr
    ), located.stderr
    shop["plan"].write_text(plan(session_extra='    until: "dead\\0beef"\n'))  # YAML's escape for a NUL
    nul = run(root, "summary")
    assert nul.returncode == 1
    assert re.match(rb".*/data/phases.yaml:\d+:\d+: error: session 2025-11-30: '.*' is not a revision", nul.stderr), (
        nul.stderr
    )
    for result in (bad, usage, missing, located, unwritable, nul):
        assert b"Traceback" not in result.stderr and result.stdout == b""


def test_cli_writes_the_file_and_prints_nothing(shop):
    root = shop["repo"].root
    done = run(root, "summary", "--plain", "--no-front-matter", "-o", "notes/2025/summary.md")
    assert done.returncode == 0, done.stderr  # the folders did not exist: they are made
    assert done.stdout == b""
    assert (root / "notes/2025/summary.md").read_text().startswith("# Session Summary - November 30, 2025\n")
    (root / "file").write_text("x")
    blocked = run(root, "summary", "-o", "file/summary.md")
    assert blocked.returncode == 1 and b"file/summary.md: error: cannot write the summary" in blocked.stderr


def test_a_shallow_clone_that_stops_inside_the_session_says_so(shop, tmp_path: Path):
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{shop['repo'].root}", str(clone)],
        check=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    with pytest.raises(SummaryError, match="the history of this shallow clone stops at"):
        summary(clone / "data" / "phases.yaml")


def test_a_repository_with_no_commits_lists_the_index_and_untracked_files(tmp_path: Path):
    repo = make_repo(tmp_path / "fresh")
    repo.write("data/phases.yaml", plan())
    repo.write("src/a.js", "a\n")
    repo.git("add", "src/a.js")
    text = summary(repo.root / "data" / "phases.yaml")
    assert "**Since**: no commits yet" in text
    created = section(text, "Files Created")
    assert "└── a.js (1 line)" in created and "phases.yaml (" in created


def test_a_plan_outside_its_repository_still_lists_created_files(tmp_path: Path):
    code = make_repo(tmp_path / "code")
    code.write("src/a.js", "a\n")
    code.commit("Code", date=DAY_BEFORE)
    code.write("src/b.js", "b\nb\n")
    path = tmp_path / "plans" / "phases.yaml"
    path.parent.mkdir()
    path.write_text(plan().replace("project: Shop\n", "project: Shop\nrepo: ../code\n"))
    text = summary(path)
    assert "> The plan file is outside the repository at " in text
    assert "└── b.js (2 lines, untracked)" in section(text, "Files Created")


def test_a_long_list_of_created_files_is_cut_and_counted(repo: Repo):
    repo.write("data/phases.yaml", plan())
    repo.commit("Plan", date=DAY_BEFORE)
    for n in range(205):
        repo.write(f"gen/f{n:03}.txt", "")
    created = section(summary(repo.root / "data" / "phases.yaml"), "Files Created")
    assert created.count("(0 lines, untracked)") == 200
    assert "f199.txt" in created and "f200.txt" not in created
    assert "And 5 more files." in created


# --- -o names a file to write, never one that was not meant to be written ---------------------


def test_output_to_a_fifo_is_written_into_it_and_the_fifo_stays(shop, tmp_path):
    root = shop["repo"].root
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = run(root, "summary", "-o", str(fifo))
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got == [run(root, "summary").stdout]


def test_output_to_a_fifo_no_one_reads_is_refused_not_waited_on(shop, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = run(shop["repo"].root, "summary", "-o", str(fifo))
    assert done.returncode == 1
    assert done.stderr.decode() == f"{fifo}: error: cannot write the summary: a FIFO that no program is reading from\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_dev_stdout_goes_to_the_descriptor_as_the_shell_set_it_up(shop, tmp_path):
    log = tmp_path / "log.md"
    log.write_bytes(b"kept\n")
    with open(log, "ab") as appended:  # `tracker summary -o /dev/stdout >> log.md`
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "summary", "-o", "/dev/stdout"],
            cwd=shop["repo"].root,
            stdout=appended,
            stderr=subprocess.PIPE,
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        )
    assert done.returncode == 0, done.stderr
    assert log.read_bytes() == b"kept\n" + run(shop["repo"].root, "summary").stdout


def test_output_dash_is_standard_output_and_dot_slash_dash_is_a_file_named_dash(shop):
    root = shop["repo"].root
    plain = run(root, "summary")
    dash = run(root, "summary", "-o", "-")
    assert dash.returncode == 0, dash.stderr
    assert dash.stdout == plain.stdout and dash.stdout.startswith(b"---\n")
    assert not (root / "-").exists()
    assert run(root, "summary", "--help").stdout.decode().count("FILE - means stdout") == 1
    named = run(root, "summary", "-o", "./-")
    assert (named.returncode, named.stdout) == (0, b"")
    assert (root / "-").read_text().startswith("---\n")


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(shop):
    root = shop["repo"].root
    assert run(root, "summary", "--no-front-matter", "-o", "notes/real.md").returncode == 0  # this session's note
    (root / "latest.md").symlink_to("notes/real.md")
    assert run(root, "summary", "-o", "latest.md").returncode == 0
    assert (root / "latest.md").is_symlink()
    assert (root / "notes" / "real.md").read_bytes().startswith(b"---\n")


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize(
    "args",
    [
        ["summary"],
        ["export", "html"],
        ["export", "csv"],
    ],
)
def test_an_output_over_the_plan_is_refused_even_with_force_and_does_not_offer_it(shop, args, force):
    """A user trial: `summary -o data/phases.yaml` said 'add --force to replace it', and --force put the note in
    place of the plan (every command then failed on its second YAML document); a hard link to it likewise."""
    root = shop["repo"].root
    plan = root / "data" / "phases.yaml"
    os.link(plan, root / "data" / "other-name.yaml")
    before = plan.read_bytes()
    for name in ("data/phases.yaml", "data/other-name.yaml"):
        done = run(root, *args, "-o", name, *force)
        what = "the summary" if args == ["summary"] else f"the {args[1]} export"
        assert (done.returncode, done.stderr.decode()) == (
            1,
            f"{name}: error: cannot write {what}: this is the plan itself, which an output never replaces; "
            "choose another file\n",
        )
        assert plan.read_bytes() == before
    assert run(root, "status").returncode == 0


@pytest.mark.parametrize(
    "name, why",
    [
        (".git/config", "this is inside a .git folder, which git keeps"),
        (".git/hooks/post-checkout", "this is inside a .git folder, which git keeps"),
        ("src/app.js", "the file exists and is not a .md file"),
        (
            "src/retry.js",
            "the file exists and is not a .md file, and the plan names this file as evidence (the deliverable of "
            "issue #1, {plan}:10:19): a session note does not replace it",
        ),
    ],
)
def test_output_over_the_plan_git_or_a_file_of_another_kind_is_refused_without_force(shop, name, why):
    root = shop["repo"].root
    target = root / name
    before = target.read_bytes() if target.exists() else None
    done = run(root, "summary", "-o", name)
    assert done.returncode == 1
    assert done.stderr.decode() == (
        f"{name}: error: cannot write the summary: {why.format(plan=shop['plan'])}; choose another file, or add "
        "--force to replace it\n"
    )
    assert (target.read_bytes() if target.exists() else None) == before
    if name == "src/app.js":
        assert run(root, "summary", "-o", name, "--force").returncode == 0
        assert target.read_bytes().startswith(b"---\n")


def test_a_markdown_file_that_is_not_this_sessions_note_is_kept_without_force(shop):
    """A user trial: `summary -o docs/POLICY.md` put the note in place of a committed document, saying nothing."""
    repo = shop["repo"]
    policy = repo.write("docs/POLICY.md", "# Approved policy v3, signed by the CEO\n")
    repo.commit("Policy")
    done = run(repo.root, "summary", "-o", "docs/POLICY.md")
    assert done.returncode == 1
    assert done.stderr.decode() == (
        "docs/POLICY.md: error: cannot write the summary: the file exists and is not this session's note (it starts "
        "with '# Approved policy v3, signed by the CEO', this note with '# Session Summary - November 30, 2025'); "
        "choose another file, or add --force to replace it\n"
    )
    assert policy.read_bytes() == b"# Approved policy v3, signed by the CEO\n"
    assert run(repo.root, "summary", "-o", "docs/POLICY.md", "--force").returncode == 0
    assert policy.read_bytes().startswith(b"---\ndescription: Session Summary - November 30, 2025\n")


def test_another_sessions_note_is_kept_and_the_same_sessions_note_is_made_again_over_its_file(shop, monkeypatch):
    root = shop["repo"].root
    note = root / "SESSION_SUMMARY_2025-11-30.md"
    assert run(root, "summary", "-o", note.name).returncode == 0
    first = note.read_bytes()
    (root / "src" / "later.js").write_text("later();\n")  # the open session goes on: its note changes
    assert run(root, "summary", "-o", note.name).returncode == 0
    assert note.read_bytes() != first  # other bytes, the same title: this session's note, made again
    assert run(root, "summary", "--no-front-matter", "--plain", "-o", note.name).returncode == 0
    assert not note.read_bytes().startswith(b"---")
    monkeypatch.setenv("TRACKER_NOW", "2025-11-30T15:00")
    assert run(root, "session", "start", "--end-open", "--focus", "second").returncode == 0
    kept = note.read_bytes()
    done = run(root, "summary", "-o", note.name)  # the second session's note over the first's
    assert done.returncode == 1
    assert done.stderr.decode() == (
        f"{note.name}: error: cannot write the summary: the file exists and is not this session's note (it starts "
        "with '# Session Summary - November 30, 2025', this note with "
        "'# Session Summary - November 30, 2025 (session 2)'); choose another file, or add --force to replace it\n"
    )
    assert note.read_bytes() == kept
    assert run(root, "summary", "--session", "2025-11-30#1", "-o", note.name).returncode == 0  # its own session's
    assert note.read_bytes().startswith(b"---\ndescription: Session Summary - November 30, 2025\n")


@pytest.mark.parametrize("named", ["docs/security-policy.md", "docs/*.md", "docs/"])
def test_a_file_the_plan_names_as_evidence_is_kept_and_said_to_be_evidence(repo, named):
    """The user trial, from `tracker init`: the session note written over the signed policy the plan names."""
    root = repo.root
    assert run(root, "init").returncode == 0
    plan = root / "data" / "phases.yaml"
    text = plan.read_text().replace("- path: docs/security-policy.md", f"- path: '{named}'")
    plan.write_text(text)
    policy = repo.write("docs/security-policy.md", "# Approved policy v3, signed by the CEO\n")
    repo.commit("Plan and policy")
    assert run(root, "session", "start", "--focus", "x").returncode == 0
    line = text[: text.index(f"'{named}'")].count("\n") + 1
    column = len(text[: text.index(f"'{named}'")].rpartition("\n")[2]) + 1
    done = run(root, "summary", "-o", "docs/security-policy.md")
    assert done.returncode == 1
    assert done.stderr.decode() == (
        "docs/security-policy.md: error: cannot write the summary: the plan names this file as evidence (the "
        f"deliverable of issue #1, {plan}:{line}:{column}): a session note does not replace it; choose another "
        "file, or add --force to replace it\n"
    )
    assert policy.read_bytes() == b"# Approved policy v3, signed by the CEO\n"


def test_output_to_a_new_file_of_any_name_is_written(shop):
    root = shop["repo"].root
    assert run(root, "summary", "-o", "notes.txt").returncode == 0
    assert (root / "notes.txt").read_bytes().startswith(b"---\n")
