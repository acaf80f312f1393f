"""Compliance fields (PRODUCT.md §1, §7): owners, dues, controls, review intervals, x- keys,
frameworks; freshness, overdue and coverage from real plans and real repositories."""

from __future__ import annotations

import datetime

import pytest
from gitutil import Repo

from tracker.git import attention, coverage_of, read_links
from tracker.plan import compliance, load_text

FRAMEWORKS = """frameworks:
  - id: SOC2
    title: SOC 2
    controls: [CC7.1, CC7.2, CC8.1]
  - id: ISO27001
    controls: [A.8.16, A.5.1]
"""


def load(body: str, top: str = "") -> object:
    return load_text("project: X\n" + top + "phases:\n  - id: P\n    title: T\n    issues:\n" + body, "p.yaml")


def issue(fields: str, ident: int = 1, status: str = "not_started") -> str:
    return f"      - id: {ident}\n        title: I\n        status: {status}\n" + "".join(
        f"        {line}\n" for line in fields.strip().splitlines()
    )


def errors(loaded) -> list[str]:
    return [str(p) for p in loaded.problems if p.is_error]


@pytest.mark.parametrize(
    "fields",
    [
        "owner: dana",
        "due: 2025-12-15",
        "due: '2024-02-29'",
        "tags: [network, retry]",
        "review_every: 90d",
        "review_every: 12w",
        "review_every: 6m",
        "review_every: 1y",
        "review_every: 2 weeks",
        "reviewed: 2025-11-30",
        "controls: [SOC2:CC7.1, ISO27001:A.8.16]",
        "controls: [NIST:AC-2(1)]",  # a framework not declared accepts any id
        "x-jira: LMS-123",
        "x-links: {wiki: 'https://example.org', ids: [1, 2]}",
        "deliverables: [{path: a.md, reviewed: 2025-11-30, review_every: 180d, x-note: kept}]",
    ],
)
def test_good_values_load(fields):
    loaded = load(issue(fields), FRAMEWORKS)
    assert loaded.ok, errors(loaded)


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ("due: soon", "15:14", "'due' must look like YYYY-MM-DD, not 'soon'"),
        (
            "due: 2025-02-30",
            "15:14",
            "due date '2025-02-30' of issue #1 is not a real calendar date; write a day that exists, as YYYY-MM-DD",
        ),
        ("due: 2025-13-01", "15:14", "not a real calendar date"),
        ("review_every: often", "15:23", "'review_every' of issue #1 is 'often', which is not an interval"),
        ("review_every: 0d", "15:23", "which is not an interval; write it like 90d, 12w, 6m or 1y"),
        ("reviewed: 2025-02-30", "15:19", "'reviewed' of issue #1 is '2025-02-30', which is not a real calendar date"),
        ("owner: ''", "15:16", "'owner' is blank"),
        ("tags: urgent", "15:15", "'tags' must be a list"),
        (
            "controls: [SOC2:CC7.l]",
            "15:20",
            "control 'CC7.l' of issue #1 is not a control of framework 'SOC2' (did you mean 'CC7.1'?)",
        ),
        (
            "controls: [CC7.1]",
            "15:20",
            "control 'CC7.1' of issue #1 names no framework, and this plan declares SOC2, ISO27001; "
            "write it as SOC2:CC7.1",
        ),
        (
            "controls: [SOC2:CC7.1, ISO27001:A.5.1, SOC2:CC7.1]",
            "15:48",
            "control 'SOC2:CC7.1' is listed twice on issue #1",
        ),
        (
            "deliverables: [{path: a.md, review_every: often}]",
            "15:51",
            "'review_every' of deliverable 'a.md' is 'often'",
        ),
        ("owners: dana", "15:9", "unknown key 'owners' in item 1 of 'issues' (did you mean 'owner'?)"),
    ],
)
def test_bad_values_are_located_errors(fields, where, message):
    loaded = load(issue(fields), FRAMEWORKS)
    found = errors(loaded)
    assert any(line.startswith(f"p.yaml:{where}: error: ") and message in line for line in found), found


def test_a_bare_control_belongs_to_the_one_declared_framework():
    top = "frameworks: [{id: SOC2, controls: [CC7.1]}]\n"
    assert load(issue("controls: [CC7.1]"), top).ok
    found = errors(load(issue("controls: [CC7.l]"), top))
    assert found == [
        "p.yaml:10:20: error: control 'CC7.l' of issue #1 is not a control of framework 'SOC2' "
        "(did you mean 'CC7.1'?); add it to the framework's controls or fix the id"
    ]
    # the same control written bare and with its prefix is a duplicate
    assert "listed twice" in errors(load(issue("controls: [CC7.1, SOC2:CC7.1]"), top))[0]


def test_framework_declared_twice_and_bad_top_level_values():
    top = "review_every: often\nreviewed: 2025-02-30\nframeworks: [{id: A, controls: [x, x]}, {id: A}]\n"
    found = errors(load(issue(""), top))
    assert any(":2:15: error: 'review_every' of the plan is 'often'" in line for line in found), found
    assert any(":3:11: error: 'reviewed' of the plan is '2025-02-30'" in line for line in found), found
    assert any("control 'x' is listed twice in framework 'A'" in line for line in found), found
    assert any("framework 'A' is declared twice" in line for line in found), found


def test_extension_keys_are_kept_anywhere():
    loaded = load(issue("x-jira: LMS-123\ndeliverables: [{path: a.md, x-sig: 3}]"), "x-owner-team: grc\n")
    project = loaded.project
    assert loaded.ok
    assert project.extensions == {"x-owner-team": "grc"}
    assert project.phases[0].issues[0].extensions == {"x-jira": "LMS-123"}
    assert project.phases[0].issues[0].deliverables[0].extensions == {"x-sig": 3}


def test_review_fields_are_inherited_downward():
    text = (
        "project: X\nreview_every: 1y\nreviewed: 2025-01-01\nphases:\n"
        "  - id: P\n    title: T\n    review_every: 90d\n    issues:\n"
        "      - {id: 1, title: a, status: audit, deliverables: [{path: a}, {path: b, review_every: 30d}]}\n"
        "      - {id: 2, title: b, status: audit, review_every: 6m, reviewed: 2025-06-01, deliverables: [{path: c}]}\n"
        "  - id: Q\n    title: U\n    issues:\n"
        "      - {id: 3, title: c, status: audit, deliverables: [{path: d, reviewed: 2025-03-01}]}\n"
    )
    project = load_text(text, "p.yaml").project
    (p, q) = project.phases
    one, two = p.issues
    three = q.issues[0]
    every = compliance.review_every_of
    day = datetime.date(2026, 1, 15)

    def reviewed(*where):
        return compliance.reviewed_of(*where, day)

    assert every(project, p, one, one.deliverables[0]) == "90d"  # the phase's
    assert every(project, p, one, one.deliverables[1]) == "30d"  # its own
    assert every(project, p, two, two.deliverables[0]) == "6m"  # the issue's
    assert every(project, q, three, three.deliverables[0]) == "1y"  # the top level's
    assert reviewed(project, p, one, one.deliverables[0]) == "2025-01-01"
    assert reviewed(project, p, two, two.deliverables[0]) == "2025-06-01"
    assert reviewed(project, q, three, three.deliverables[0]) == "2025-03-01"
    # A day still to come is passed over, as if it were not written: the next level up stands.
    before = datetime.date(2025, 5, 1)
    assert compliance.reviewed_of(project, p, two, two.deliverables[0], before) == "2025-01-01"
    assert compliance.reviewed_of(project, q, three, three.deliverables[0], before) == "2025-03-01"


@pytest.mark.parametrize(
    ("day", "interval", "due"),
    [
        ("2025-01-31", "1m", "2025-02-28"),
        ("2024-01-31", "1m", "2024-02-29"),
        ("2025-11-30", "90d", "2026-02-28"),
        ("2025-11-30", "2w", "2025-12-14"),
        ("2025-03-15", "1y", "2026-03-15"),
        ("2025-12-15", "3 months", "2026-03-15"),
    ],
)
def test_review_due_day(day, interval, due):
    parsed = compliance.parse_interval(interval)
    assert parsed is not None
    assert compliance.add_interval(datetime.date.fromisoformat(day), parsed).isoformat() == due


def test_overdue_is_past_due_and_not_done():
    project = load(
        issue("due: 2026-01-14", 1) + issue("due: 2026-01-15", 2) + issue("due: 2026-01-01", 3, "complete")
    ).project
    today = datetime.date(2026, 1, 15)
    overdue = [i.id for _, i in project.issues() if compliance.is_overdue(project, i, today)]
    assert overdue == [1]  # due today is not overdue yet; done is never overdue


PLAN_IN_REPO = """project: X
review_every: 90d
frameworks:
  - id: SOC2
    controls: [CC7.1, CC7.2, CC8.1, CC9.9]
phases:
  - id: P
    title: T
    issues:
      - id: 1
        title: old evidence
        status: complete
        controls: [CC7.1]
        deliverables: [{path: docs/old.md}]
      - id: 2
        title: fresh evidence
        status: complete
        controls: [CC7.2, CC8.1]
        deliverables: [{path: docs/new.md}]
      - id: 3
        title: reviewed by hand
        status: complete
        controls: [CC8.1]
        deliverables: [{path: docs/old2.md, reviewed: 2026-01-02}]
      - id: 4
        title: late
        status: in_progress
        due: 2026-01-10
        owner: dana
        controls: [NIST:AC-2]
        steps: [{title: s}]
      - id: 5
        title: done too soon
        status: complete
        steps: [{title: s, status: done}, {title: t}]
        deliverables: [{path: docs/missing.md}]
"""


@pytest.fixture
def programme(repo: Repo) -> Repo:
    repo.write("docs/old.md", "old\n")
    repo.write("docs/old2.md", "old too\n")
    repo.commit("old evidence", "docs/old.md", "docs/old2.md", date="2025-09-01T10:00:00+00:00")
    repo.write("docs/new.md", "new\n")
    repo.commit("new evidence", "docs/new.md", date="2025-12-20T10:00:00+00:00")
    repo.write("data/phases.yaml", PLAN_IN_REPO)
    repo.commit("plan", "data/phases.yaml", date="2025-12-21T10:00:00+00:00")
    return repo


def test_freshness_overdue_drift_and_open_steps_on_a_real_repository(programme):
    plan = programme.root / "data" / "phases.yaml"
    loaded = load_text(plan.read_text(), plan)
    assert loaded.ok, errors(loaded)
    links = read_links(loaded.project, plan)
    found = [(a.kind, a.issue.id, a.where()) for a in attention(loaded.project, links, datetime.date(2026, 1, 15))]
    assert found == [
        ("stale", 1, (14, 31)),  # committed 2025-09-01, due for review 2025-11-30
        ("overdue", 4, (28, 14)),
        ("open-steps", 5, (35, 16)),
        ("drift", 5, (36, 31)),
    ]
    # on the day its review falls due it is not stale yet; the day after it is
    assert [a.kind for a in attention(loaded.project, links, datetime.date(2025, 11, 30), ["stale"])] == []
    # old2.md's review, written for 2026-01-02, is still to come that day: like old.md, it is judged by its commit
    assert [a.issue.id for a in attention(loaded.project, links, datetime.date(2025, 12, 1), ["stale"])] == [1, 3]
    assert [a.issue.id for a in attention(loaded.project, links, datetime.date(2026, 1, 2), ["stale"])] == [1]
    # a review date written by hand wins over the commit's day: old2.md, reviewed 2026-01-02, is due 2026-04-02
    assert [a.issue.id for a in attention(loaded.project, links, datetime.date(2026, 4, 2), ["stale"])] == [1, 2]
    assert [a.issue.id for a in attention(loaded.project, links, datetime.date(2026, 4, 3), ["stale"])] == [
        1,
        2,
        3,
    ]


def test_coverage_counts(programme):
    plan = programme.root / "data" / "phases.yaml"
    loaded = load_text(plan.read_text(), plan)
    links = read_links(loaded.project, plan)
    soc2, nist = coverage_of(loaded.project, links, datetime.date(2026, 1, 15))
    assert (soc2.framework, len(soc2.declared), soc2.mapped, soc2.satisfied, soc2.unmapped) == (
        "SOC2",
        4,
        ["CC7.1", "CC7.2", "CC8.1"],
        ["CC7.2", "CC8.1"],  # CC7.1's only evidence is stale
        ["CC9.9"],
    )
    assert soc2.issues == {"CC7.1": ["1"], "CC7.2": ["2"], "CC8.1": ["2", "3"]}
    assert (nist.framework, nist.declared, nist.mapped, nist.satisfied) == ("NIST", None, ["AC-2"], [])
    (only,) = coverage_of(loaded.project, links, datetime.date(2026, 1, 15), ["NIST"])
    assert only.framework == "NIST"
