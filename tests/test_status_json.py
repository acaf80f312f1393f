"""`status_json` writes, a phase at a time, exactly the bytes of json.dumps(status_report(...), indent=2)."""

from __future__ import annotations

import json

import pytest
from conftest import BUNDLED_PLAN, NIST_PLAN

from tracker.export.report import status_json, status_report
from tracker.plan.loader import load, load_text

TRICKY = r"""project: "a\n  \"phases\": [] — é"
phases:
  - id: P1
    title: "\n  \"phases\": [],\n  \"repo\": {}\t\u2028 😀"
    issues: []
  - id: 2
    title: "quote \" and backslash \\"
    description: "a\nb"
    issues:
      - id: 1
        title: "</script>"
        status: complete
        summary: "\x00\x1f"
        depends_on: ["x"]
        files: ["src/*.js"]
        deliverables: [{path: "a\nb", type: doc, purpose: "p"}]
        steps: [{title: s, estimate: 1h30m, status: done, files: [f]}]
      - {id: x, title: other, status: not_started}
"""


def dumped(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode()


def git_of(path: str) -> dict:
    return {"state": "committed", "lines": len(path), "last_commit": {"sha": "abc", "subject": path}}


@pytest.mark.parametrize(
    "text",
    [
        BUNDLED_PLAN.read_text(encoding="utf-8"),
        NIST_PLAN.read_text(encoding="utf-8"),
        TRICKY,
        "project: Empty\nphases: []\n",
        "project: One\nphases:\n  - {id: P, title: T, issues: []}\n",
    ],
    ids=["bundled", "nist", "tricky", "no phases", "empty phase"],
)
@pytest.mark.parametrize("repo", [None, {"root": "/r", "head": None}, {}], ids=["no repo", "repo", "empty repo"])
@pytest.mark.parametrize("with_git", [False, True], ids=["no git", "git"])
def test_streamed_json_is_json_dumps_of_the_report(text: str, repo, with_git: bool):
    loaded = load_text(text, "plan.yaml")
    assert loaded.project is not None, loaded.problems
    kwargs = {"git_of": git_of if with_git else None, "repo": repo}
    assert b"".join(status_json(loaded.project, **kwargs)) == dumped(status_report(loaded.project, **kwargs))


def test_each_phase_is_a_separate_piece():
    project = load(BUNDLED_PLAN).project
    assert len(list(status_json(project))) == len(project.phases) + 2  # head, one per phase, tail
