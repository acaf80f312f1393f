"""`tracker add issue PHASE TITLE` from the last issues of the phase in the parse cache, without click: the same
bytes, messages and (read back) cache entry as the whole plan through the CLI, and the CLI whenever those
issues cannot settle it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_quickset import run

from tracker.cli.discovery import DEFAULT_MAX_BYTES
from tracker.cli.launch import plain_add
from tracker.edit import ondisk
from tracker.edit.writer import AddIssue, apply
from tracker.plan.loader import load, load_part

PLAN = """\
project: Shop
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: Retry — with backoff
        status: in_progress   # keep this comment

      - id: 2
        title: 'Flow: issue'
        status: audit
        steps:
          - title: Check
            status: done

  - id: P2
    title: Later
    issues:
      - id: 3
        title: Third
        status: not_started
      - id: 4
        title: Fourth
        status: complete
    description: after the issues
  - id: P3
    title: Empty
sessions:
  - date: 2025-11-30
    focus: Start
"""


def folders(tmp_path: Path, text: str) -> tuple[Path, Path]:
    """Two folders with the same plan, each with its own cache, both read once (the cache warm)."""
    made = []
    for name in ("fast", "cli"):
        folder = tmp_path / name
        (folder / "data").mkdir(parents=True)
        (folder / "data" / "phases.yaml").write_text(text, encoding="utf-8")
        assert run(folder, "validate", cli=True).returncode == 0
        made.append(folder)
    return made[0], made[1]


def same_result(fast: Path, cli: Path, *args: str, taken: bool = True) -> subprocess.CompletedProcess:
    quick = run(fast, *args)
    through_cli = run(cli, *args, cli=True)
    assert quick.returncode == through_cli.returncode, quick.stderr
    assert quick.stderr.endswith("click not loaded" if taken else "click loaded"), quick.stderr
    assert quick.stdout.replace(str(fast), str(cli)) == through_cli.stdout
    said = quick.stderr.replace(str(fast), str(cli)).replace("read whole\n", "")
    usage = through_cli.stderr.replace("-c add", "tracker add")  # click names the program as started
    assert said.removesuffix("click not loaded" if taken else "click loaded") == usage
    assert (fast / "data/phases.yaml").read_bytes() == (cli / "data/phases.yaml").read_bytes()
    return quick


def test_issues_added_from_the_phase_s_last_issues_are_the_cli_s_bytes_and_cache(tmp_path):
    fast, cli = folders(tmp_path, PLAN)
    for args in (
        ["add", "issue", "P1", "Rate limiting"],  # in the first phase: every issue after it moves
        ["add", "issue", "P2", "No: really"],  # quoted as the CLI quotes it
        ["set", "4", "blocked"],  # moved by the adds before it
        ["-f", "data/phases.yaml", "add", "issue", "P1", "Another"],
        ["set", "5", "complete"],  # added a moment ago
    ):
        done = same_result(fast, cli, *args)
        assert done.returncode == 0
        assert "read whole" not in done.stderr  # neither the whole model decoded nor the text parsed
    text = (fast / "data/phases.yaml").read_text(encoding="utf-8")
    assert "      - id: 5\n        title: 'Rate limiting'\n        status: complete\n\n      - id: 7\n" in text
    assert "      - id: 6\n        title: 'No: really'\n        status: not_started\n    description:" in text
    assert "        status: in_progress   # keep this comment\n" in text
    again = run(fast, "status", "--json")  # the entry the adds left reads as the CLI's
    assert again.returncode == 0 and "read whole" in again.stderr
    assert run(cli, "status", "--json", cli=True).stdout == again.stdout.replace(str(fast), str(cli))
    validate = run(fast, "validate", cli=True)
    assert validate.returncode == 0 and validate.stdout.replace(str(fast), str(cli)) == (
        run(cli, "validate", cli=True).stdout
    )


@pytest.mark.parametrize(
    "args, plan",
    [
        (["add", "issue", "P3", "First of its phase"], PLAN),  # no issue to copy the style of: the whole plan
        (["add", "issue", "P1", "Next"], PLAN.replace("id: 2\n", "id: AC-2\n")),  # ids not all numbers
        (
            ["add", "issue", "P2", "Next"],
            PLAN.replace(
                "      - id: 4\n        title: Fourth\n        status: complete\n",
                "      - {id: 4, title: Fourth, status: complete}\n",
            ),
        ),
        (["add", "issue", "P9", "Nowhere"], PLAN),  # no such phase: the CLI says which there are
        (["add", "issue", "P1", " "], PLAN),  # an empty title: the CLI says so
    ],
    ids=["empty phase", "lettered ids", "flow item", "unknown phase", "blank title"],
)
def test_what_the_last_issues_cannot_settle_goes_to_the_cli(tmp_path, args, plan):
    fast, cli = folders(tmp_path, plan)
    same_result(fast, cli, *args, taken=False)


def test_bare_numbers_among_text_ids_go_on_as_numbers_on_either_path(tmp_path):
    fast, cli = folders(tmp_path, PLAN.replace("      - id: 2\n", "      - id: X-2\n"))
    for _ in range(2):  # the first add leaves the plan cached: the second is offered to the quick path
        assert same_result(fast, cli, "add", "issue", "P1", "Next", taken=False).returncode == 0
    text = (fast / "data/phases.yaml").read_text(encoding="utf-8")
    # Written unquoted as the numbers around them, not '5' and '6': ids of another type than 1, 3 and 4.
    assert "      - id: 5\n        title: 'Next'\n        status: not_started\n\n      - id: 6\n" in text
    status = run(cli, "status", "--json", cli=True)
    ids = [issue["id"] for phase in json.loads(status.stdout)["phases"] for issue in phase["issues"]]
    assert ids == [1, "X-2", 5, 6, 3, 4]


def test_a_plan_changed_since_its_part_was_read_gets_the_next_id_of_the_plan_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(ondisk, "RECENT_NS", 0)  # the other program's save is not being made any more
    path = tmp_path / "phases.yaml"
    path.write_text(PLAN, encoding="utf-8")
    load(path)
    part = load_part(path, None, phase="P2")
    assert part is not None and [i.id for i in part.project.phases[1].issues] == [3, 4]
    path.write_text(PLAN.replace("      - id: 4\n", "      - id: 7\n"), encoding="utf-8")  # another program
    written = apply(part, AddIssue("P2", "Late"))
    assert written.project.phases[1].issues[-1].id == 8  # from the plan as it is now, read whole
    assert "      - id: 8\n        title: Late\n" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, found",
    [
        (["add", "issue", "P1", "Title"], (None, DEFAULT_MAX_BYTES, "P1", "Title")),
        (["-f", "p.yaml", "add", "issue", "P1", "Two words"], ("p.yaml", DEFAULT_MAX_BYTES, "P1", "Two words")),
        (["add", "issue", "P1", "T", "--max-bytes", "99"], (None, 99, "P1", "T")),
    ],
)
def test_plain_add_issue_command_lines_are_recognised(args, found):
    assert plain_add(args) == found


@pytest.mark.parametrize(
    "args",
    [
        ["add", "issue", "P1"],
        ["add", "step", "1", "Title"],
        ["add", "issue", "P1", "Title", "--owner", "kim"],
        ["add", "issue", "P1", "-starts with a dash"],
        ["add", "issue", "P1", "Title", "extra"],
    ],
)
def test_any_other_add_goes_to_the_cli(args):
    assert plain_add(args) is None
