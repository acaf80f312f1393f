"""The one progress rule (PRODUCT.md §2), on plans loaded from real YAML."""

from __future__ import annotations

import json

from conftest import BUNDLED_PLAN, NIST_PLAN, run_tracker

from tracker.plan import progress
from tracker.plan.loader import load_text


def plan(body: str, statuses: str = ""):
    loaded = load_text("project: X\n" + statuses + "phases:\n" + body, "phases.yaml")
    assert loaded.ok, [str(p) for p in loaded.problems]
    return loaded.project


def issues(*rows: str) -> str:
    return "  - id: P\n    title: T\n    issues:\n" + "".join(f"      - {row}\n" for row in rows)


def test_done_status_counts_one_whatever_the_steps():
    project = plan(issues("{id: 1, title: a, status: complete, steps: [{title: s}]}"))
    assert progress.project_percent(project) == 100


def test_steps_give_partial_credit_when_not_done():
    project = plan(
        issues("{id: 1, title: a, status: audit, steps: [{title: s, status: done}, {title: t}, {title: u}]}")
    )
    assert progress.issue_percent(project, project.phases[0].issues[0]) == 33


def test_custom_workflow_weights_and_done():
    statuses = (
        "statuses:\n  - {id: open}\n  - {id: half, weight: 0.5}\n  - {id: shipped, done: true}\n"
        "  - {id: closed, done: true, weight: 0.25}\n"
    )
    project = plan(
        issues(
            "{id: 1, title: a, status: open}",
            "{id: 2, title: b, status: half}",
            "{id: 3, title: c, status: shipped}",
            "{id: 4, title: d, status: closed}",
        ),
        statuses,
    )
    # done always counts 1, even with a weight below 1: (0 + 0.5 + 1 + 1) / 4
    assert progress.project_percent(project) == 62
    assert progress.done_count(project, project.phases[0].issues) == 2


def test_the_issues_done_are_counted_as_is_done_says_in_the_default_workflow_and_a_plan_s_own():
    own = "statuses:\n  - {id: open}\n  - {id: shipped, done: true}\n  - {id: closed, done: true}\n"
    for statuses, words in (
        ("", ("not_started", "complete", "audit", "blocked")),
        (own, ("open", "shipped", "closed")),
    ):
        rows = [f"{{id: {n}, title: t{n}, status: {words[n % len(words)]}}}" for n in range(1, 12)]
        project = plan(issues(*rows), statuses)
        found = project.phases[0].issues
        assert progress.done_count(project, found) == sum(progress.is_done(project, issue) for issue in found) > 0


def test_rounding_is_down_and_never_shows_a_false_0_or_100():
    project = plan(
        issues(
            *(f"{{id: {i}, title: t, status: complete}}" for i in range(1, 1000)),
            "{id: 1000, title: t, status: not_started}",
        )
    )
    assert progress.project_percent(project) == 99
    tiny = plan(
        issues(
            "{id: 1, title: a, status: audit, steps: ["
            + ", ".join(["{title: s, status: done}"] + ["{title: s}"] * 299)
            + "]}"
        )
    )
    assert progress.project_percent(tiny) == 1


def test_thirds_round_down_not_to_nearest():
    project = plan(
        issues(
            "{id: 1, title: a, status: complete}",
            "{id: 2, title: b, status: complete}",
            "{id: 3, title: c, status: audit}",
        )
    )
    assert progress.project_percent(project) == 66


def test_empty_phase_has_no_percent_and_no_division_by_zero():
    project = plan("  - {id: E, title: Empty}\n" + issues("{id: 1, title: a, status: complete}")[0:0])
    phase = project.phases[0]
    assert progress.phase_percent(project, phase) is None
    assert progress.project_percent(project) is None
    assert progress.phase_status(project, phase) == "not_started"


def test_phase_status_is_derived_unless_given():
    project = plan(
        "  - id: A\n    title: all done\n    issues: [{id: 1, title: a, status: complete}]\n"
        "  - id: B\n    title: none begun\n    issues: [{id: 2, title: b, status: not_started}]\n"
        "  - id: C\n    title: some\n    issues: [{id: 3, title: c, status: audit}]\n"
        "  - id: D\n    title: given\n    status: blocked\n    issues: [{id: 4, title: d, status: complete}]\n"
    )
    assert [progress.phase_status(project, p) for p in project.phases] == [
        "complete",
        "not_started",
        "in_progress",
        "blocked",
    ]


def test_a_ticked_step_means_the_issue_has_begun():
    project = plan(issues("{id: 1, title: a, status: not_started, steps: [{title: s, status: done}, {title: t}]}"))
    assert progress.phase_status(project, project.phases[0]) == "in_progress"


def test_bundled_plan_matches_the_reference_note():
    done = run_tracker("--file", str(BUNDLED_PLAN), "status", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [p["progress"] for p in report["phases"]] == [100, 33, 0, 0]
    assert report["progress"] == 40
    assert set(report) >= {"project", "progress", "phases"}
    phase = report["phases"][1]
    assert set(phase) >= {"id", "title", "status", "progress", "issues"}
    issue = phase["issues"][2]
    assert set(issue) >= {"id", "title", "status", "progress", "deliverables"}
    assert issue["id"] == 6 and issue["status"] == "complete"
    deliverable = issue["deliverables"][0]
    assert set(deliverable) >= {"path", "type", "status", "git"}
    assert set(deliverable["git"]) >= {"state", "lines", "last_commit"}


def test_bundled_plan_status_table():
    done = run_tracker("--file", str(BUNDLED_PLAN), "status")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "LMS Compliance"
    assert [line.split()[-1] for line in lines if line.startswith("P")] == ["100%", "33%", "0%", "0%"]
    assert "40%" in next(line for line in lines if line.startswith("Overall"))


def test_nist_catalogue_loads_and_counts():
    done = run_tracker("--file", str(NIST_PLAN), "status", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["phases"]) == 18
    assert sum(len(p["issues"]) for p in report["phases"]) == 287


def test_100_percent_only_when_every_issue_is_done():
    statuses = "statuses:\n  - {id: open}\n  - {id: almost, weight: 1}\n  - {id: shipped, done: true}\n"
    project = plan(
        issues(
            "{id: 1, title: a, status: open, steps: [{title: s, status: done}]}", "{id: 2, title: b, status: almost}"
        ),
        statuses,
    )
    phase = project.phases[0]
    assert [progress.issue_percent(project, i) for i in phase.issues] == [99, 99]
    assert progress.phase_percent(project, phase) == 99
    assert progress.project_percent(project) == 99
    done = plan(issues("{id: 1, title: a, status: shipped}"), statuses)
    assert progress.project_percent(done) == 100


WEIGHTED = "statuses:\n  - {id: open}\n  - {id: review, weight: 0.6}\n  - {id: shipped, done: true}\n"


def test_v2_weight_above_steps_counts_the_weight():
    project = plan(
        issues("{id: 1, title: a, status: review, steps: [{title: s, status: done}, {title: t}, {title: u}]}"),
        WEIGHTED,
    )
    assert progress.issue_percent(project, project.phases[0].issues[0]) == 60


def test_v2_steps_above_weight_count_the_steps():
    project = plan(
        issues(
            "{id: 1, title: a, status: review, steps: "
            "[{title: s, status: done}, {title: t, status: done}, {title: u, status: done}, {title: v}]}"
        ),
        WEIGHTED,
    )
    assert progress.issue_percent(project, project.phases[0].issues[0]) == 75


def test_v2_done_counts_one_whatever_weight_and_steps():
    project = plan(issues("{id: 1, title: a, status: shipped, steps: [{title: s}]}"), WEIGHTED)
    assert progress.issue_percent(project, project.phases[0].issues[0]) == 100


def test_a_deliverable_without_a_status_has_its_issue_s_and_counts_done_by_it():
    project = plan(
        issues("{id: 1, title: a, status: complete, deliverables: [{path: a.txt}, {path: b.txt, status: audit}]}")
    )
    issue = project.phases[0].issues[0]
    inherits, own = issue.deliverables
    assert [issue.status_of(inherits), issue.status_of(own)] == ["complete", "audit"]
    assert [project.deliverable_done(issue, inherits), project.deliverable_done(issue, own)] == [True, False]


def test_the_next_status_follows_the_plan_s_own_workflow():
    statuses = "statuses:\n  - {id: open}\n  - {id: half}\n  - {id: shipped, done: true}\n"
    project = plan(issues("{id: 1, title: a, status: open}"), statuses)
    # n never finishes an issue: a done status is chosen on purpose
    assert [project.next_status(s) for s in ("open", "half", "shipped")] == ["half", None, None]
    assert project.following_status("half") == "shipped"
    assert project.next_status("not_in_this_workflow") == "open"  # an unknown status starts the workflow


def test_the_next_status_skips_blocked_and_stops_before_done():
    project = plan(issues("{id: 1, title: a, status: not_started}"))
    walk = ["not_started"]
    while (following := project.next_status(walk[-1])) is not None:
        walk.append(following)
    assert walk == ["not_started", "in_progress", "audit", "verified"]
    assert project.next_status("blocked") == "verified"


def test_the_percentages_worked_out_once_per_plan_are_those_of_each_phase_alone():
    """phase_percent and project_percent come from one pass over the plan (progress._Tally); each must be
    what the rule gives for the phase's issues alone, on plans with steps, weights, done statuses that are
    not named complete and an empty phase."""
    from tracker.plan.loader import load

    weighted = plan(
        issues(
            "{id: 1, title: a, status: review, steps: [{title: s, status: done}, {title: t}]}",
            "{id: 2, title: b, status: shipped}",
        )
        + "  - id: Q\n    title: Empty\n    issues: []\n",
        "statuses:\n  - id: todo\n  - id: review\n    weight: 0.4\n  - id: shipped\n    done: true\n",
    )
    for project in (load(BUNDLED_PLAN).project, load(NIST_PLAN).project, weighted):
        assert project is not None
        for phase in project.phases:
            assert progress.phase_percent(project, phase) == progress._percent_of(project, phase.issues)
        assert progress.project_percent(project) == progress._percent_of(
            project, [issue for _, issue in project.issues()]
        )
    assert [progress.phase_percent(weighted, phase) for phase in weighted.phases] == [75, None]


def test_a_phase_of_another_plan_gets_its_own_percent():
    done = plan(issues("{id: 1, title: a, status: complete}"))
    begun = plan(issues("{id: 1, title: a, status: not_started}"))
    assert progress.phase_percent(done, done.phases[0]) == 100
    assert progress.phase_percent(done, begun.phases[0]) == 0  # asked of `done`, but not one of its phases


def test_after_an_edit_only_the_changed_phase_is_counted_again_and_the_percentages_are_a_fresh_count(
    tmp_path, monkeypatch
):
    """A plan after an edit shares its unchanged phases with the plan before: their credits are taken from
    the last tally (the dashboard's key at 100,000 issues waited for every issue's), and every percent is
    what a count from scratch gives; a workflow with other weights counts everything again."""
    from msgspec.structs import replace

    from tracker.edit import SetIssueStatus, apply
    from tracker.plan.loader import load

    path = tmp_path / "plan.yaml"
    path.write_bytes(BUNDLED_PLAN.read_bytes())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    load(path)
    before = load(path)  # from the parse cache, as the dashboard holds it
    progress.project_percent(before.project)
    phase, issue = next((p, i) for p, i in before.project.issues() if i.status == "not_started")
    after = apply(before, SetIssueStatus(issue.id, "complete")).project
    counted: list[str] = []
    credits = progress._credits

    def counting(weights, issues):
        issues = list(issues)
        counted.extend(issue.key for issue in issues)
        return credits(weights, issues)

    monkeypatch.setattr(progress, "_credits", counting)
    whole = progress.project_percent(after)
    assert sorted(counted) == sorted(i.key for p in after.phases if p.id == phase.id for i in p.issues)
    assert whole == progress._Tally(after).project
    assert [progress.phase_percent(after, p) for p in after.phases] == [
        progress._percent_of(after, p.issues) for p in after.phases
    ]
    other = [replace(s, weight=0.9) if s.id == "in_progress" else s for s in after.workflow]
    reweighted = replace(after, statuses=other)  # the same phases, other weights
    counted.clear()
    whole = progress.project_percent(reweighted)
    assert len(counted) == sum(len(p.issues) for p in after.phases)
    assert whole == progress._percent_of(reweighted, [i for _, i in reweighted.issues()])


def test_a_phase_s_derived_status_is_worked_out_once_and_kept_for_the_phases_an_edit_left(tmp_path, monkeypatch):
    """The bars and the tree both ask each phase's status: it is derived once per phase and plan (kept in the
    tally), and after an edit only for the phase the edit changed, each as derived from scratch."""
    from tracker.edit import SetIssueStatus, apply
    from tracker.plan.loader import load

    path = tmp_path / "plan.yaml"
    path.write_bytes(BUNDLED_PLAN.read_bytes())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    load(path)
    before = load(path)
    derived: list[object] = []
    real = progress._derived_status
    monkeypatch.setattr(progress, "_derived_status", lambda p, issues, c: derived.append(issues) or real(p, issues, c))
    statuses = [progress.phase_status(before.project, p) for p in before.project.phases]
    assert len(derived) == sum(1 for p in before.project.phases if not p.status)
    assert [progress.phase_status(before.project, p) for p in before.project.phases] == statuses
    assert len(derived) == sum(1 for p in before.project.phases if not p.status)  # not derived again
    phase, issue = next((p, i) for p, i in before.project.issues() if i.status == "not_started" and not p.status)
    after = apply(before, SetIssueStatus(issue.id, "in_progress")).project
    derived.clear()
    now = [progress.phase_status(after, p) for p in after.phases]
    assert [[i.key for i in issues] for issues in derived] == [
        [i.key for i in p.issues] for p in after.phases if p.id == phase.id
    ]
    assert now == [
        p.status or real(after, p.issues, [progress.issue_credit(after, i) for i in p.issues]) for p in after.phases
    ]
    assert now[before.project.phases.index(phase)] == "in_progress"
    done = plan(issues("{id: 1, title: a, status: complete}"))
    begun = plan(issues("{id: 1, title: a, status: not_started}"))
    assert progress.phase_status(done, begun.phases[0]) == "not_started"  # asked of `done`, not one of its phases


def test_a_phase_s_issues_done_are_counted_once_and_kept_for_the_phases_an_edit_left(tmp_path, monkeypatch):
    """The dashboard's phase figures (outline.phase_figures) on each redraw: each phase's issues done are counted
    once per plan, and after an edit only for the phase the edit changed, each as done_count gives."""
    from tracker.edit import SetIssueStatus, apply
    from tracker.plan.loader import load

    path = tmp_path / "plan.yaml"
    path.write_bytes(BUNDLED_PLAN.read_bytes())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    load(path)
    before = load(path)
    counted: list[list[str]] = []
    real = progress.done_count
    monkeypatch.setattr(
        progress, "done_count", lambda p, issues: counted.append([i.key for i in issues]) or real(p, issues)
    )
    done = [progress.phase_done(before.project, p) for p in before.project.phases]
    assert [progress.phase_done(before.project, p) for p in before.project.phases] == done
    assert len(counted) == len(before.project.phases)  # not counted again
    phase, issue = next((p, i) for p, i in before.project.issues() if i.status == "not_started")
    after = apply(before, SetIssueStatus(issue.id, "complete")).project
    counted.clear()
    now = [progress.phase_done(after, p) for p in after.phases]
    assert counted == [[i.key for i in p.issues] for p in after.phases if p.id == phase.id]
    assert now == [real(after, p.issues) for p in after.phases]
    assert now[before.project.phases.index(phase)] == done[before.project.phases.index(phase)] + 1
