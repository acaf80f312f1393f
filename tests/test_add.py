"""`tracker add`: one entry inserted in the style of its neighbours, every other byte kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED_PLAN, NIST_PLAN, run_tracker
from gitutil import make_repo


def copy(tmp_path: Path, text: str | bytes) -> Path:
    plan = tmp_path / "phases.yaml"
    plan.write_bytes(text if isinstance(text, bytes) else text.encode())
    return plan


def add(plan: Path, *args: str) -> subprocess.CompletedProcess:
    return run_tracker("add", *args, "-f", str(plan))


def test_added_issue_step_and_deliverable_on_the_bundled_plan_byte_for_byte(tmp_path):
    original = BUNDLED_PLAN.read_text()
    plan = copy(tmp_path, original)
    done = add(plan, "issue", "P2", "Rate limiting")
    assert (done.returncode, done.stdout) == (0, f"{plan}: added issue #11 'Rate limiting' to phase P2\n"), done.stderr
    assert add(plan, "step", "11", "Write the limiter", "--estimate", "2h").stdout.endswith(
        "added step 1 'Write the limiter' to issue #11\n"
    )
    assert (
        add(plan, "deliverable", "11", "src/limiter.js", "--type", "source", "--purpose", "The limiter").returncode == 0
    )
    anchor = "            purpose: Session progress report\n\n"
    assert original.count(anchor) == 1
    expected = original.replace(
        anchor,
        anchor + "      - id: 11\n"
        "        title: Rate limiting\n"
        "        status: not_started\n"
        "        steps:\n"
        "          - title: Write the limiter\n"
        "            estimate: 2h\n"
        "        deliverables:\n"
        "          - path: src/limiter.js\n"
        "            type: source\n"
        "            purpose: The limiter\n"
        "\n",
    )
    assert plan.read_text() == expected


def test_added_phase_gets_the_next_id_and_its_first_issue_the_plans_indentation(tmp_path):
    original = BUNDLED_PLAN.read_text()
    plan = copy(tmp_path, original)
    assert add(plan, "phase", "Hardening").stdout.endswith("added phase P5 'Hardening'\n")
    assert add(plan, "issue", "P5", "No: really").stdout.endswith("added issue #11 'No: really' to phase P5\n")
    anchor = (
        "      - id: 10\n        title: Data Reconciliation\n        status: not_started\n"
        "        owner: kim\n        due: 2026-05-01\n        controls: [SOC2:CC7.2, ISO27001:A.8.13]\n        tags: [data]\n"
    )
    assert plan.read_text() == original.replace(
        anchor,
        anchor + "\n  - id: P5\n    title: Hardening\n    issues:\n"
        "      - id: 11\n        title: 'No: really'\n        status: not_started\n",
    )
    assert run_tracker("validate", str(plan)).returncode == 0


CRLF = (
    "project: P\r\n"
    "phases:\r\n"
    "- id: A\r\n"
    '  title: "First"\r\n'
    "  issues:\r\n"
    '  - {id: A-01, title: "One", status: not_started}\r\n'
    "  - id: A-02\r\n"
    '    title: "Two"\r\n'
    "    status: in_progress\r\n"
    "    steps: [{title: x}]\r\n"
    "# end\r\n"
)


def test_crlf_flow_lists_and_quotes_follow_the_neighbours(tmp_path):
    plan = copy(tmp_path, CRLF)
    assert add(plan, "issue", "A", "Three").stdout.endswith("added issue #A-03 'Three' to phase A\n")
    assert add(plan, "step", "A-02", "y", "--estimate", "30m").returncode == 0
    assert add(plan, "phase", "Second").stdout.endswith("added phase 2 'Second'\n")  # no sequence in 'A': a number
    assert (
        plan.read_bytes()
        == CRLF.replace(
            "    steps: [{title: x}]\r\n",
            "    steps: [{title: x}, {title: 'y', estimate: 30m}]\r\n"
            "  - id: A-03\r\n"
            '    title: "Three"\r\n'
            "    status: not_started\r\n"
            "- id: 2\r\n"
            '  title: "Second"\r\n',
        ).encode()
    )
    assert run_tracker("validate", str(plan)).returncode == 0


@pytest.mark.parametrize(
    "ids, near, wanted",
    [
        ([1, 2, 10], None, 11),
        ([], None, 1),
        (["P1", "P2", "P4"], None, "P5"),
        (["AC-01", "AC-02", "AC-02(01)"], None, "AC-03"),
        (["AC-1", "AC-2", "AC-2(1)", "AT-1"], ["AC-1", "AC-2", "AC-2(1)"], "AC-3"),
        (["SOC-2", "soc-3"], None, "SOC-4"),
        (["alpha", "beta"], None, 3),
        ([1, "X-1"], None, 2),  # a number, as the plan's numbers are: not the text '2'
        (["01", "02", "X-1"], None, "03"),  # numbers the plan writes as text stay text
    ],
)
def test_next_id_follows_the_plans_sequence(ids, near, wanted):
    from tracker.edit.adding import next_id

    assert next_id(ids, near) == wanted


def test_ids_stay_unique_and_case_is_suggested_not_applied(tmp_path):
    plan = copy(
        tmp_path,
        "project: P\nphases:\n  - id: S\n    title: S\n    issues:\n      - id: SOC-2\n        title: T\n        status: audit\n",
    )
    before = plan.read_bytes()
    taken = add(plan, "issue", "S", "Again", "--id", "soc-2")
    assert taken.returncode == 1
    assert "an issue 'SOC-2' is already in the plan (ids differ only in case)" in taken.stderr
    wrong = run_tracker("set", "soc-2", "complete", "-f", str(plan))
    assert wrong.returncode == 1
    assert "no issue 'soc-2' in the plan (did you mean 'SOC-2'?)" in wrong.stderr
    phase = add(plan, "issue", "s", "x")
    assert "no phase 's' in the plan (did you mean 'S'?)" in phase.stderr
    assert plan.read_bytes() == before


def test_an_id_typed_without_the_zeros_of_its_number_is_suggested_before_a_close_spelling(tmp_path):
    issues = "".join(f"      - {{id: AC-{n:02d}, title: T{n}, status: not_started}}\n" for n in range(1, 22))
    plan = copy(tmp_path, f"project: P\nphases:\n  - id: AC\n    title: Access\n    issues:\n{issues}")
    # Digits of another script are read as numbers too, as the catalogue reads a control id (plain_id; the next
    # test's AC-٠١): difflib would pick AC-21, every id being as far from AC-٠١.
    for typed, meant in (
        ("AC-1", "AC-01"),
        ("ac-1", "AC-01"),
        ("AC-001", "AC-01"),
        ("AC-012", "AC-12"),
        ("AC-٠١", "AC-01"),
        ("AC-１２", "AC-12"),
    ):
        wrong = run_tracker("set", typed, "in_progress", "-f", str(plan))
        assert wrong.returncode == 1
        assert f"no issue '{typed}' in the plan (did you mean '{meant}'?)" in wrong.stderr, wrong.stderr


def test_a_bare_number_given_with_id_takes_the_form_the_plans_own_next_id_has(tmp_path):
    """`--id 2` among text ids (AC-01) was written as the text '2', quoted: the one id of its form, and the next
    issue added took its quotes ('AC-03', 'Y').  It is refused where the plan's sequence goes on with text, and
    said how to give one; where it goes on with numbers it is a number, as the id given without --id is."""
    head = "project: P\nphases:\n  - id: AC\n    title: Access\n    issues:\n"
    plan = copy(tmp_path, head + "      - id: AC-01\n        title: A\n        status: not_started\n")
    before = plan.read_bytes()
    refused = add(plan, "issue", "AC", "X", "--id", "2")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        f"{plan}:6:7: error: --id 2 is a bare number, and the plan's issue ids are text (AC-01); give the id in "
        "their form, e.g. --id AC-02 (the next one), or leave --id out\n"
    )
    assert plan.read_bytes() == before
    phase = add(plan, "phase", "Audit", "--id", "2")  # a phase's id likewise: AC's next is a number, 2
    assert (phase.returncode, phase.stdout) == (0, f"{plan}: added phase 2 'Audit'\n"), phase.stderr
    assert plan.read_text().endswith("  - id: 2\n    title: Audit\n")
    # Numbers among text ids go on as numbers (next_id): one typed is a number too, not the text '7'.
    plan.write_text(head + "      - {id: 1, title: A, status: audit}\n      - {id: X-1, title: B, status: audit}\n")
    assert add(plan, "issue", "AC", "Keys", "--id", "7").returncode == 0
    assert add(plan, "issue", "AC", "Logs").stdout.endswith("added issue #8 'Logs' to phase AC\n")
    assert plan.read_text().endswith(
        "      - {id: 7, title: Keys, status: not_started}\n      - {id: 8, title: Logs, status: not_started}\n"
    )


def test_bad_values_are_refused_before_anything_is_written(tmp_path):
    plan = copy(tmp_path, BUNDLED_PLAN.read_text())
    before = plan.read_bytes()
    for args, message in [
        (("issue", "P1", "x", "--owner", ""), "an owner is a name, not blank"),
        (("issue", "P1", "x", "--owner", " "), "an owner is a name, not blank"),
        (("deliverable", "6", "../outside.md"), "'../outside.md'"),
        (("deliverable", "6", "src/api/base/RetryHandler.js"), "already has the deliverable"),
        (("step", "99", "x"), "no issue '99'"),
    ]:
        done = add(plan, *args)
        assert done.returncode == 1, args
        assert message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    empty = add(plan, "phase", " ")
    assert empty.returncode == 2
    for due in ("tomorrow", "2026-02-30"):  # a bad value on the command line is wrong usage, as in `set --due`
        done = add(plan, "issue", "P1", "x", "--due", due)
        assert done.returncode == 2
        assert f"'{due}' is not a real calendar date; write a day that exists, as YYYY-MM-DD, or 'today'" in done.stderr
    for estimate, message in (("soon", "is not a duration"), ("20000h", "is more than 10,000 hours")):
        done = add(plan, "step", "6", "x", "--estimate", estimate)  # wrong usage too, as a bad --due is
        assert done.returncode == 2, done.stderr
        assert f"Invalid value for '--estimate': estimate '{estimate}' {message}" in done.stderr
    assert plan.read_bytes() == before


def test_a_deliverable_a_symlink_leads_out_of_the_repository_is_refused_before_anything_is_written(tmp_path):
    """`add deliverable` refused `../x` but wrote a path a symlink takes outside (or into .git), which every
    later `validate` then reports as an error: it is refused the same way, the plan untouched."""
    repo = make_repo(tmp_path / "repo")
    plan = repo.write("data/phases.yaml", BUNDLED_PLAN.read_text())
    repo.commit("Plan")
    outside = tmp_path / "elsewhere"
    (outside / "notes").mkdir(parents=True)
    (outside / "secret.md").write_text("not the project's\n")
    (repo.root / "evidence.md").symlink_to(outside / "secret.md")
    (repo.root / "shared").symlink_to(outside / "notes")
    (repo.root / "meta").symlink_to(repo.root / ".git")
    before = plan.read_bytes()
    for path, reason in [
        ("evidence.md", "leads outside the repository through a symlink"),
        ("shared/new-policy.md", "leads outside the repository through a symlink"),  # not written yet
        ("meta/config", "leads into a '.git' folder"),
    ]:
        done = run_tracker("add", "deliverable", "6", path, cwd=repo.root)
        assert done.returncode == 1, (path, done.stdout)
        assert f"data/phases.yaml: error: path '{path}' {reason}" in done.stderr, done.stderr
        assert plan.read_bytes() == before
    assert run_tracker("validate", cwd=repo.root).returncode == 0
    inside = run_tracker("add", "deliverable", "6", "docs/policy.md", cwd=repo.root)
    assert inside.returncode == 0, inside.stderr
    assert "- path: docs/policy.md" in plan.read_text()


def test_two_adds_at_once_both_land_with_different_ids(tmp_path):
    plan = copy(tmp_path, BUNDLED_PLAN.read_text())
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "tracker", "-f", str(plan), "add", "issue", "P3", f"Parallel {n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    text = plan.read_text()
    assert "title: Parallel 0" in text and "title: Parallel 1" in text
    assert "      - id: 11\n" in text and "      - id: 12\n" in text


NIST = (Path(__file__).parent.parent / "tracker" / "edit" / "templates" / "nist-800-53-moderate.yaml").read_text()


@pytest.mark.parametrize(
    "flow, values, reads",
    [
        ("[SOC2:CC6.1, ISO27001:A.8.28]", ["SOC2:CC6.1", "ISO27001:A.8.28"], True),
        ("[a: b]", ["a: b"], False),  # a mapping in the list, not the text
        ("[SOC2:CC6.1, yes]", ["SOC2:CC6.1", "yes"], False),  # PyYAML reads True
        ("['SOC2:CC6.1']", ["SOC2:CC6.1"], True),
    ],
)
def test_a_flow_list_is_written_plain_only_when_every_reader_reads_the_same_text(flow, values, reads):
    from tracker.edit.textedit import reads_back

    assert reads_back(flow, values) is reads


def test_an_issue_with_owner_due_and_controls_checked_against_the_framework(tmp_path):
    plan = copy(tmp_path, NIST)
    done = add(
        plan,
        "issue",
        "AC",
        "Break-glass accounts",
        "--owner",
        "dana",
        "--due",
        "2026-03-31",
        "--controls",
        "SP800-53:AC-2, SP800-53:AC-2(1)",
    )
    assert done.stdout.endswith("added issue #AC-T1 'Break-glass accounts' to phase AC\n"), done.stderr
    anchor = "\n  - id: AT\n"
    assert plan.read_text() == NIST.replace(
        anchor,
        "      - id: AC-T1\n"
        "        title: Break-glass accounts\n"
        "        status: not_started\n"
        "        owner: dana\n"
        "        due: 2026-03-31\n"
        "        controls: [SP800-53:AC-2, SP800-53:AC-2(1)]\n" + anchor,  # as the plan writes its controls
        1,
    )
    before = plan.read_bytes()
    wrong = add(plan, "issue", "AC", "x", "--controls", "SP800-53:AC-99")
    assert wrong.returncode == 1
    assert "control 'AC-99' of issue #AC-T2 is not a control of framework 'SP800-53'" in wrong.stderr
    assert wrong.stderr.rstrip().endswith("nothing was written")
    assert plan.read_bytes() == before


def test_in_a_plan_of_controls_a_new_issue_is_a_task_of_its_phase_never_a_control_id(tmp_path):
    """In the NIST plan (issues AC-01, AC-02(01), no framework declared), the next in the sequence, AC-23, is a
    control outside the baseline, and an issue under that id reads as that control: a new issue is the phase's
    task, AC-T01, padded as the plan's numbers are; an id given with --id is taken as typed."""
    plan = copy(tmp_path, NIST_PLAN.read_text())
    assert add(plan, "issue", "AC", "Rotate SSO secrets").stdout.endswith(
        "added issue #AC-T01 'Rotate SSO secrets' to phase AC\n"
    )
    assert add(plan, "issue", "AC", "Second").stdout.endswith("added issue #AC-T02 'Second' to phase AC\n")
    assert add(plan, "issue", "SR", "Supplier list").stdout.endswith(
        "added issue #SR-T01 'Supplier list' to phase SR\n"
    )
    assert add(plan, "issue", "AC", "Data mining", "--id", "AC-23").stdout.endswith(
        "added issue #AC-23 'Data mining' to phase AC\n"
    )
    assert run_tracker("validate", str(plan)).returncode == 0


@pytest.mark.parametrize(
    "ids, controls, wanted",
    [
        # issue ids that are declared controls, SOC 2's: CC6.3 would be its control too
        (["CC6.1", "CC6.2"], ["CC6.1", "CC6.2", "CC6.3"], "CC6-T1"),
        # the task id declared as a control (a catalogue of one's own; AC-01 is AC-1): the next task number
        (["AC-1", "AC-2"], ["AC-1", "AC-2", "CC6-T01"], "CC6-T2"),
        # an ordinary sequence beside a framework it is not a control of: the next number, as before
        (["SEC-1", "SEC-2"], ["CC6.1"], "SEC-3"),
        # ids in digits of another script are the controls they read as (plain_id), as a suggestion reads them
        (["AC-٠١", "AC-٠٢"], ["AC-1", "AC-2"], "CC6-T01"),
    ],
)
def test_a_new_issue_id_is_never_a_declared_control(tmp_path, ids, controls, wanted):
    issues = "".join(f"      - id: {i}\n        title: Issue {i}\n        status: not_started\n" for i in ids)
    plan = copy(
        tmp_path,
        f"project: P\nframeworks:\n  - id: F\n    controls: [{', '.join(controls)}]\n"
        f"phases:\n  - id: CC6\n    title: Logical access\n    issues:\n{issues}",
    )
    done = add(plan, "issue", "CC6", "New")
    assert done.stdout.endswith(f"added issue #{wanted} 'New' to phase CC6\n"), done.stderr


def test_a_repeated_controls_option_adds_to_the_list(tmp_path):
    """`--controls SP800-53:AC-2 --controls SOC2:CC6.1` wrote `controls: [SOC2:CC6.1]`: the first mapping was lost
    without a word, and coverage then counted the issue against one control only."""
    plan = copy(tmp_path, NIST)
    done = add(plan, "issue", "AC", "Extra", "--controls", "SP800-53:AC-2", "--controls", "SOC2:CC6.1,SOC2:CC6.2")
    assert done.returncode == 0, done.stderr
    assert "        controls: [SP800-53:AC-2, SOC2:CC6.1, SOC2:CC6.2]\n" in plan.read_text()
    mapped = run_tracker("coverage", "--json", "-f", str(plan), cwd=plan.parent.parent)
    [nist] = [f for f in json.loads(mapped.stdout)["frameworks"] if f["framework"] == "SP800-53"]
    assert next(c["issues"] for c in nist["controls"] if c["id"] == "AC-2") == ["AC-2", "AC-T1"]


def test_an_id_with_a_line_break_or_a_control_character_is_refused_before_anything_is_written(tmp_path):
    """`add issue P1 T --id $'a\\nb'` was written, and then neither `set` nor the message naming it could show it on
    one line: such ids (and control ids) are refused at their place, as the loader refuses them in the file."""
    repo = make_repo(tmp_path / "repo")
    plan = repo.write("data/phases.yaml", BUNDLED_PLAN.read_text())
    repo.commit("Plan")
    before = plan.read_bytes()
    for args, message in [
        (
            ("add", "issue", "P1", "x", "--id", "a\nb"),
            "'a b' holds a line break; an id is one line without control characters (it is typed on command "
            "lines), so take a line break out",
        ),
        (("add", "phase", "x", "--id", "Q\t1"), "'Q 1' holds a tab"),
        (("add", "phase", "x", "--id", "Q\udcff1"), "'Q\\xff1' holds the byte \\xff (not UTF-8)"),
        (("add", "issue", "P1", "x", "--controls", "SOC2:a\x1bb"), "'SOC2:ab' holds the control character U+001B"),
        (("set", "a\nb", "complete"), "no issue 'a b' in the plan"),
        (("add", "issue", "P\n1", "x"), "no phase 'P 1' in the plan (did you mean 'P1'?)"),
    ]:
        for _ in range(2):  # the second from the parse cache the first left (cli/quickset.py)
            done = run_tracker(*args, cwd=repo.root)
            assert done.returncode == 1, args
            [line] = done.stderr.splitlines()  # one line, that an editor can jump to
            assert line.startswith(f"{plan}:") and ": error: " in line and message in line, (args, done.stderr)
            assert "\x1b" not in done.stderr
    assert plan.read_bytes() == before


def test_text_holding_a_byte_that_is_not_utf8_is_refused_in_one_line_by_every_writing_command(tmp_path):
    """`add issue P1 $'x\\xffy'` (and every other text a writing command takes: a title, a focus, an owner, a path)
    ended in a traceback of 60 lines, the YAML quoting of the byte's stand-in failing to read back; the writer
    now refuses such text in one line, wherever it came from (the quick path of cli/quickset.py too)."""
    repo = make_repo(tmp_path / "repo")
    plan = repo.write("data/phases.yaml", BUNDLED_PLAN.read_text())
    repo.commit("Plan")
    before = plan.read_bytes()
    odd = "x\udcffy"  # what Python makes of an argument's bytes x, 0xff, y (os.fsdecode)
    fix = "the plan is UTF-8 text, so type it as UTF-8 (is the terminal set to another encoding?)"
    for args, shown in [
        (("session", "start", "--focus", "caf\udce9"), "'caf\\xe9' holds the byte \\xe9 (not UTF-8)"),
        (("add", "phase", odd), "'x\\xffy' holds the byte \\xff (not UTF-8)"),
        (("add", "issue", "P1", odd), "'x\\xffy' holds the byte \\xff (not UTF-8)"),
        (("add", "step", "1", odd), "'x\\xffy' holds the byte \\xff (not UTF-8)"),
        (("add", "deliverable", "1", f"docs/{odd}.md"), "'docs/x\\xffy.md' holds the byte \\xff (not UTF-8)"),
        (("add", "deliverable", "1", "a.md", "--purpose", odd), "'x\\xffy' holds the byte \\xff (not UTF-8)"),
        (("set", "1", "--owner", odd), "'x\\xffy' holds the byte \\xff (not UTF-8)"),
    ]:
        for _ in range(2):  # the second from the parse cache the first left (cli/quickset.py: `add issue`)
            done = run_tracker(*args, cwd=repo.root)
            assert done.returncode == 1, (args, done.stderr)
            [line] = done.stderr.splitlines()
            assert line == f"{plan}: error: {shown}; {fix}", (args, line)
    assert plan.read_bytes() == before
    new = tmp_path / "new.yaml"
    done = run_tracker("init", "--project", odd, "-f", str(new), cwd=repo.root)  # a new plan's name, wrong usage
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "'--project': 'x\\xffy' holds the byte \\xff (not UTF-8)" in done.stderr
    assert not new.exists()


def test_a_deliverable_joins_a_block_list_of_flow_mappings_as_one_more_such_line(tmp_path):
    """Deliverables written `- {path: a}` got a new entry as a block mapping of several lines."""
    repo = make_repo(tmp_path / "repo")
    text = (
        "project: X\nphases:\n  - id: P\n    title: T\n    issues:\n"
        "      - id: 1\n        title: A\n        status: not_started\n"
        "        deliverables:\n          -   {path: a.md}\n          -   {path: b.md, type: doc}\n"
        "        steps:\n          - {title: one}\n"
        "      - id: 2\n        title: B\n        status: not_started\n"
        "        deliverables: [{path: a.md}, {path: b.md}]\n"
    )
    plan = repo.write("data/phases.yaml", text)
    repo.commit("Plan")
    for args in (
        ("deliverable", "1", "c.md", "--type", "doc", "--purpose", "a: b, c"),
        ("step", "1", "two", "--estimate", "1h"),
        ("deliverable", "2", "c.md"),
    ):
        done = run_tracker("add", *args, cwd=repo.root)
        assert done.returncode == 0, done.stderr
    assert plan.read_text() == text.replace(
        "          -   {path: b.md, type: doc}\n",
        "          -   {path: b.md, type: doc}\n          -   {path: c.md, type: doc, purpose: 'a: b, c'}\n",
    ).replace(
        "          - {title: one}\n", "          - {title: one}\n          - {title: two, estimate: 1h}\n"
    ).replace("[{path: a.md}, {path: b.md}]", "[{path: a.md}, {path: b.md}, {path: c.md}]")
    assert run_tracker("validate", cwd=repo.root).returncode == 0
