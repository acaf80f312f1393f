"""Each kind of bad plan: a located message on stderr, exit 1, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_tracker
from gitutil import make_repo

PLAN_HEAD = "project: X\nphases:\n"

CASES = {
    # name: (file bytes, expected "line:column", expected words in the message)
    "syntax error points at the unclosed quote": (
        b'project: X\nphases:\n  - id: 1\n    title: "unclosed\n    issues: []\n',
        "4:12",
        "never closed",
    ),
    "unclosed flow list points at its start": (b"project: X\nphases: [a, b\n", "2:9", "never closed"),
    "bad indentation": (b"project: X\nphases:\n  - id: 1\n  title: x\n - y\n", "4:3", "indent this line"),
    # Each of libyaml's own words comes with how to mend the file.
    "': ' inside a value": (PLAN_HEAD.encode() + b"  - id: P\n    title: a: b\n", "4:13", 'in quotes (title: "a: b")'),
    "a key indented too far": (b"project: X\n  phases: []\n", "2:9", "line this key up"),
    "a line that is not a key": (b"project: X\nphases\n  - id: 1\n", "3:7", "add ': ' after the key"),
    "a value starting with @": (b"project: @x\nphases: []\n", "1:10", "put the value in quotes"),
    "a stray bracket": (b"project: [a]]\nphases: []\n", "1:13", "a stray ']'"),
    "an unknown escape": (b'project: "a\\qb"\nphases: []\n', "1:12", "or use single quotes"),
    "text after the end": (b"project: X\nphases: []\n...\nmore\n", "4:1", "text follows the end of the plan"),
    "a list still open at the end": (b"project: X\nphases: [\n", "3:1", "add the closing ']' or '}'"),
    "a last line that is not a key": (b"project: X\nphases: []\nhello\n", "3:1", "add ': ' after the key"),
    "tab used for indentation": (b"project: X\nphases:\n\t- id: 1\n", "3:1", "tab"),
    "empty file": (b"", "1:1", "holds no plan"),
    "only comments": (b"# nothing\n# here\n", "1:1", "holds no plan"),
    "two documents": (b"project: X\nphases: []\n---\nproject: Y\n", "3:1", "second YAML document"),
    "top level is a list": (b"- a\n- b\n", "1:1", "top level must be a mapping"),
    "top level is text": (b"hello\n", "1:1", "top level must be a mapping"),
    "missing required key": (b"project: X\n", "1:1", "missing the required key 'phases'"),
    "unknown key with did-you-mean": (b"project: X\nphasse: []\n", "2:1", "did you mean 'phases'"),
    "string where a list belongs": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues: not-a-list\n",
        "5:13",
        "must be a list",
    ),
    "list where text belongs": (b"project: [a, b]\nphases: []\n", "1:10", "must be text"),
    "unknown status with allowed list": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n      - {id: 1, title: a, status: done}\n",
        "6:35",
        "allowed: not_started, in_progress, audit, blocked, verified, complete",
    ),
    "status no is text, not false": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n      - {id: 1, title: a, status: no}\n",
        "6:35",
        "'no' is not a status",
    ),
    "duplicate phase ids name both places": (
        PLAN_HEAD.encode() + b"  - {id: P, title: A}\n  - {id: P, title: B}\n",
        "4:10",
        "line 3, column 10",
    ),
    "1 and '1' are the same issue id": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n"
        b"      - {id: 1, title: a, status: complete}\n      - {id: '1', title: b, status: complete}\n",
        "7:14",
        "duplicate issue id '1'",
    ),
    "duplicate mapping key": (b"project: X\nphases: []\nphases: []\n", "3:1", "duplicate key 'phases'"),
    "key that is not plain text": (b"project: X\n? [a, b]\n: 1\nphases: []\n", "2:3", "keys must be plain text"),
    "numeric key": (b"project: X\nphases: []\n12: x\n", "3:1", "keys must be plain text"),
    "python tag constructs nothing": (
        b'project: !!python/object/apply:os.system ["echo PWNED"]\nphases: []\n',
        "1:10",
        "tag",
    ),
    "anchor refused": (b"project: &p X\nphases: []\n", "1:10", "anchor '&p' is not allowed"),
    "alias refused": (b"project: X\nphases: []\nsessions: &s []\nx: *s\n", "4:4", "alias"),
    "nesting too deep": (b"project: X\nphases: " + b"[" * 100 + b"]" * 100 + b"\n", "2:40", "nesting is deeper"),
    "not UTF-8": (b"project: X\nphases: []\n# caf\xe9\n", "3:6", "not UTF-8"),
    # libyaml refuses these before parsing (a ReaderError, not a syntax error): a title pasted
    # with a terminal escape, a NUL, a noncharacter; the place is counted in characters.
    "a raw escape character in quotes": (
        PLAN_HEAD.encode() + b'  - id: P\n    title: "caf\xc3\xa9 \x1b[31mred"\n',
        "4:18",
        "U+001B is not allowed in YAML, not even in quotes; remove it, or write it as the escape \\x1B",
    ),
    "a NUL in a comment": (b"project: X\n# a\x00b\nphases: []\n", "2:4", "U+0000 is not allowed"),
    "a noncharacter": (b"project: X\nphases: []\n# \xef\xbf\xbe\n", "3:3", "escape \\uFFFE"),
    "null title": (PLAN_HEAD.encode() + b"  - id: P\n    title:\n", "4:11", "'title' is empty"),
    "blank title": (PLAN_HEAD.encode() + b"  - id: P\n    title: '   '\n", "4:12", "'title' is blank"),
    "null id": (PLAN_HEAD.encode() + b"  - id:\n    title: T\n", "3:8", "is empty"),
    "null status": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n      - {id: 1, title: a, status: }\n",
        "6:35",
        "'status' is empty",
    ),
    "bad estimate": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n      - id: 1\n        title: a\n"
        b"        status: audit\n        steps:\n          - {title: s, estimate: 1:30}\n",
        "10:34",
        "not a duration",
    ),
    "yes is not a boolean": (
        b"project: X\nstatuses:\n  - {id: open}\n  - {id: shut, done: yes}\nphases: []\n",
        "4:22",
        "true or false",
    ),
    "weight out of range": (
        b"project: X\nstatuses:\n  - {id: open, weight: 2}\nphases: []\n",
        "3:24",
        "between 0 and 1",
    ),
    "unknown dependency": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n"
        b"      - {id: 1, title: a, status: audit, depends_on: [7]}\n",
        "6:55",
        "depends on #7",
    ),
    "dependency cycle": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n"
        b"      - {id: 1, title: a, status: audit, depends_on: [2]}\n"
        b"      - {id: 2, title: b, status: audit, depends_on: [1]}\n",
        "",
        "dependency cycle",
    ),
    "bad session date": (b"project: X\nphases: []\nsessions:\n  - date: 2025-13-45\n", "4:11", "calendar date"),
    "path escaping the repository": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n      - id: 1\n        title: a\n"
        b"        status: complete\n        deliverables:\n          - path: ../../etc/passwd\n",
        "10:19",
        "leaves the repository",
    ),
    "absolute path": (
        PLAN_HEAD.encode() + b"  - id: P\n    title: T\n    issues:\n      - id: 1\n        title: a\n"
        b"        status: complete\n        deliverables:\n          - path: /etc/passwd\n",
        "10:19",
        "absolute",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_located_and_fails(tmp_path, name):
    data, where, words = CASES[name]
    plan = tmp_path / "phases.yaml"
    plan.write_bytes(data)
    before = plan.read_bytes()
    done = run_tracker("--file", str(plan), "validate")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert words in done.stderr
    prefix = f"{plan}:{where}: error: " if where else f"{plan}:"
    assert any(line.startswith(prefix) and words in line for line in done.stderr.splitlines()), done.stderr
    assert plan.read_bytes() == before


def test_status_fails_the_same_way(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_text('project: X\nphasse: []\n"\\e[2Jphases": []\n')
    done = run_tracker("--file", str(plan), "status")
    assert done.returncode == 1
    assert f"{plan}:2:1: error: unknown key 'phasse'" in done.stderr
    assert "\x1b" not in done.stderr and "[2Jphases" in done.stderr  # the plan's text, never an escape
    # `tracker` answers a plain status without click (cli/launch.py): the CLI's own `status` says the same.
    through_click = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tracker.cli.commands import main; main()",
            "--file",
            str(plan),
            "status",
        ],
        capture_output=True,
        text=True,
    )
    assert (through_click.returncode, through_click.stderr) == (1, done.stderr)


def test_every_problem_is_reported_in_one_run(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_text(
        "project: X\nphases:\n  - id: P\n    title: T\n    issues:\n"
        "      - {id: 1, title: a, status: nope}\n"
        "      - {id: 2, title: '', status: complete, files: x.js}\n"
        "      - {id: 1, title: c, status: complete, colour: red}\n"
    )
    done = run_tracker("--file", str(plan), "validate")
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 5, done.stderr
    assert done.stderr.splitlines()[-1].endswith("5 errors")


def test_problems_above_one_that_stops_the_parse_are_reported_with_it(tmp_path):
    # An alias or a syntax error stops the tree; the tag, the anchor, the duplicate key and the bad issue
    # found above it are reported in the same run, not one fix at a time.
    plan = tmp_path / "phases.yaml"
    plan.write_text(
        "project: !!python/object:os.system X\nproject: Y\nphases:\n  - id: P\n    title: T\n    issues:\n"
        "      - {id: 1, title: a, status: complete, colour: red}\n"
        "      - {id: 2, title: &t b, status: complete}\n"
        "      - {id: 3, title: *t, status: complete}\n"
    )
    done = run_tracker("--file", str(plan), "validate")
    assert done.returncode == 1
    located = [line.removeprefix(f"{plan}:").split(": error: ")[0] for line in done.stderr.splitlines()[:-1]]
    assert located == ["1:10", "2:1", "7:45", "8:24", "9:24"], done.stderr
    assert done.stderr.splitlines()[-1].endswith("5 errors")
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        PLAN_HEAD + "  - id: P\n    title: T\n    issues:\n"
        "      - {id: 1, title: a, status: complete, colour: red}\n      - {id: 2, title: [\n"
    )
    done = run_tracker("--file", str(broken), "validate")
    assert f"{broken}:6:45: error: unknown key 'colour'" in done.stderr, done.stderr
    assert f"{broken}:8:1: error: invalid YAML" in done.stderr


def test_values_read_above_a_syntax_error_are_checked_as_far_as_they_go(tmp_path):
    # The tab stops the reading inside issue 1: its status and its due date (the value the tab line cut short)
    # are judged, as they are without the tab line; issue 2, cut before its status, is not said to lack one,
    # nor its dependency on an issue the unread lines may hold.
    plan = tmp_path / "phases.yaml"
    plan.write_text(
        PLAN_HEAD + "  - id: P1\n    title: T\n    issues:\n      - id: 1\n        title: a\n        status: no\n"
        "        due: 2025-02-30\n      - id: 2\n        depends_on: [9]\n        title: b\n\tfoo: 1\n"
    )
    done = run_tracker("--file", str(plan), "validate")
    assert done.returncode == 1
    located = [line.removeprefix(f"{plan}:").split(": error: ") for line in done.stderr.splitlines()[:-1]]
    assert [at for at, _ in located] == ["8:17", "9:14", "13:1"], done.stderr
    assert located[0][1].startswith("status of issue #1 'no' is not a status of this plan")
    assert located[1][1].startswith("due date '2025-02-30' of issue #1 is not a real calendar date")
    assert "tab is used for indentation" in located[2][1]
    # A status is not judged against a workflow the lines after the error may still declare.
    plan.write_text(plan.read_text().replace("status: no", "status: started") + "statuses:\n  - id: started\n")
    done = run_tracker("--file", str(plan), "validate")
    assert [line.split(": error: ")[0] for line in done.stderr.splitlines()[:-1]] == [f"{plan}:9:14", f"{plan}:13:1"]
    # A '[' never closed holds the rest of the file: it is not judged (not 'status must be text, not a list').
    plan.write_text(PLAN_HEAD + "  - id: P1\n    title: T\n    issues:\n      - {id: 1, title: a, status: [no\n")
    done = run_tracker("--file", str(plan), "validate")
    assert [line.split(": error: ")[0] for line in done.stderr.splitlines()[:-1]] == [f"{plan}:6:35"], done.stderr


def test_the_values_of_an_entry_cut_before_a_required_key_are_checked(tmp_path):
    # Issue 2 is cut by the tab before its status: it was left out whole, and its due date, its evidence's path
    # and status were never judged. Its values read are judged as written; the status, never read, is not said
    # missing.
    plan = tmp_path / "phases.yaml"
    head = PLAN_HEAD + "  - id: P1\n    title: T\n    issues:\n      - id: 1\n        title: a\n        status: audit\n"
    plan.write_text(
        head + "      - id: 2\n        title: b\n        due: 2025-02-30\n        deliverables:\n"
        "          - path: ../outside.md\n            status: nope\n\tfoo: 1\n"
    )
    done = run_tracker("--file", str(plan), "validate")
    assert done.returncode == 1
    located = [line.removeprefix(f"{plan}:").split(": error: ") for line in done.stderr.splitlines()[:-1]]
    assert [at for at, _ in located] == ["11:14", "13:19", "14:21", "15:1"], done.stderr
    assert located[0][1].startswith("due date '2025-02-30' of issue #2 is not a real calendar date")
    assert located[1][1].startswith("path '../outside.md' leaves the repository")
    assert located[2][1].startswith("deliverable status 'nope' is not a status of this plan")
    assert "tab is used for indentation" in located[3][1]
    # A step cut before its title: its estimate is judged the same way.
    plan.write_text(head + "        steps:\n          - estimate: 5 parsecs\n\tfoo: 1\n")
    done = run_tracker("--file", str(plan), "validate")
    assert [line.split(": error: ")[0] for line in done.stderr.splitlines()[:-1]] == [f"{plan}:10:23", f"{plan}:11:1"]
    assert "estimate '5 parsecs' is not a duration" in done.stderr
    # A deliverable cut before its path: named by its issue.
    plan.write_text(head + "        deliverables:\n          - reviewed: 2025-02-30\n\tfoo: 1\n")
    done = run_tracker("--file", str(plan), "validate")
    assert f"{plan}:10:23: error: 'reviewed' of a deliverable of issue #1 is '2025-02-30'" in done.stderr


def test_file_larger_than_the_limit(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_text("project: X\nphases: []\n" + "# padding\n" * 100)
    done = run_tracker("--file", str(plan), "--max-bytes", "500", "validate")
    assert done.returncode == 1
    assert "over the limit of 500" in done.stderr
    assert run_tracker("--file", str(plan), "validate").returncode == 0


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_plan_that_is_not_a_regular_file_is_refused_unread(tmp_path, kind):
    # A FIFO with no writer would hang the open and the read; /dev/zero never ends.
    plan = tmp_path / "pipe"
    if kind == "fifo":
        os.mkfifo(plan)
    else:
        plan = Path("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--file", str(plan), "status"], capture_output=True, text=True, timeout=60
    )
    what = "a FIFO" if kind == "fifo" else "a device or socket"
    assert (done.returncode, done.stderr) == (
        1,
        f"{plan}: error: this is {what}, not a plan file; point --file at a regular file\n",
    )


def test_missing_file(tmp_path):
    done = run_tracker("--file", str(tmp_path / "nope.yaml"), "status")
    assert done.returncode == 1
    assert "no such file" in done.stderr


def test_no_plan_found_upwards(tmp_path):
    done = run_tracker("status", cwd=tmp_path)
    assert done.returncode == 1
    assert "no data/phases.yaml" in done.stderr


@pytest.mark.parametrize("args", [(), ("status",), ("set", "1", "complete"), ("summary",)])
def test_no_plan_found_says_how_to_start_one(tmp_path, args):
    # A first run in a new repository, as the README's "Use it in your own repository" goes: the way out is init.
    done = run_tracker(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        f"tracker: error: no data/phases.yaml in {tmp_path.resolve()} or any folder above it; "
        "start one with 'tracker init', or pass --file PATH or set TRACKER_FILE\n"
    )


def test_unknown_option_is_usage_error(tmp_path):
    done = run_tracker("status", "--bogus", cwd=tmp_path)
    assert done.returncode == 2


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["project: X", "phases: []", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    plan = tmp_path / "phases.yaml"
    plan.write_text("\n".join(lines) + "\n")
    done = run_tracker("--file", str(plan), "validate")
    assert done.returncode == 1
    assert "alias" in done.stderr


def test_very_deep_nesting_does_not_crash_the_process(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_text("project: X\nphases: " + "[" * 60000 + "]" * 60000 + "\n")
    done = run_tracker("--file", str(plan), "validate")
    assert done.returncode == 1
    assert "nesting is deeper" in done.stderr


def test_deep_block_nesting_is_refused_before_building(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_text("project: X\nphases:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)))
    done = run_tracker("--file", str(plan), "validate")
    assert done.returncode == 1
    assert ":34:" in done.stderr and "nesting is deeper than 32 levels" in done.stderr


def test_escape_sequences_in_the_plan_never_reach_the_terminal(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_text(
        'project: X\nstatuses:\n  - {id: open, label: "Open \\e]0;pwned\\a"}\nphases:\n  - id: P\n    title: T\n'
        '    issues:\n      - {id: 1, title: a, status: "bad\\e[2J\\a"}\n      - {id: 2, title: b, status: open}\n'
        '    "k\\e[31m": 1\n'
    )
    for args in (("validate",), ("status",), ("set", "2", "nope\x1b[2J")):
        done = run_tracker("--file", str(plan), *args)
        assert done.returncode == 1
        assert "\x1b" not in done.stderr + done.stdout and "\x07" not in done.stderr + done.stdout
        assert "bad[2J" in done.stderr or "nope[2J" in done.stderr


def test_each_list_item_is_located_on_its_own(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_text(
        "project: X\nphases:\n  - id: P\n    title: T\n    issues:\n      - id: 1\n        title: a\n"
        "        status: audit\n        files:\n          - ok.js\n          - ../../etc/passwd\n"
        "        depends_on: [1, 9]\n"
    )
    done = run_tracker("--file", str(plan), "validate")
    assert f"{plan}:11:13: error: path '../../etc/passwd' leaves the repository" in done.stderr
    assert f"{plan}:12:22: error: issue #1 depends on itself" in done.stderr
    assert f"{plan}:12:25: error: issue #1 depends on #9" in done.stderr


def test_the_dashboard_refuses_to_draw_into_a_pipe(tmp_path):
    from conftest import BUNDLED_PLAN

    done = run_tracker("--file", str(BUNDLED_PLAN), input="")
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and done.stdout == ""


def test_a_missing_plan_does_not_open_the_dashboard(tmp_path):
    done = run_tracker("--file", str(tmp_path / "typo.yaml"), input="")
    assert done.returncode == 1
    assert "no such file" in done.stderr


def test_an_id_with_a_line_break_or_a_control_character_is_located_and_refused(tmp_path):
    """An id is typed on command lines and shown on one line: `id: "a\\nb"` was accepted, and `tracker set` could
    not reach the issue by what it showed.  Every kind of id is refused at its place, nothing written."""
    repo = make_repo(tmp_path / "repo")
    plan = repo.write(
        "data/phases.yaml",
        "project: X\n"
        "statuses:\n"
        '  - {id: "open\\e[31m"}\n'
        "  - {id: complete, done: true}\n"
        "frameworks:\n"
        '  - id: "SOC\\t2"\n'
        '    controls: [CC1, "CC\\n2"]\n'
        "phases:\n"
        '  - id: "P\\u202e1"\n'
        "    title: T\n"
        "    issues:\n"
        '      - id: "a\\nb"\n'
        "        title: A\n"
        "        status: complete\n"
        '        controls: ["ISO:A\\a"]\n'
        '        depends_on: ["c\\rd"]\n',
    )
    repo.commit("Plan")
    before = plan.read_bytes()
    done = run_tracker("validate", cwd=repo.root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    expected = [
        ("3:10", "'id' holds the control character U+001B"),
        ("6:9", "'id' holds a tab"),
        ("7:21", "item 2 of 'controls' holds a line break"),
        ("9:9", "'id' holds the control character U+202E"),
        ("12:13", "'id' holds a line break"),
        ("15:20", "item 1 of 'controls' holds the control character U+0007"),
        ("16:22", "item 1 of 'depends_on' holds a line break"),
    ]
    for where, words in expected:
        assert any(line.startswith(f"{plan}:{where}: error: {words}; an id is one line") for line in errors), (
            where,
            errors,
        )
    assert len(errors) == len(expected), errors
    assert plan.read_bytes() == before
