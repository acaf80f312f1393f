"""The filter's rule (plan.filtering.Query): words, owner:, tag:, control:, is:, and statuses, all at once."""

from __future__ import annotations

import pytest
from compliancetui import TEXT

from tracker.plan import Query, load_text

PROJECT = load_text(TEXT, "p.yaml").project
FLAGGED = {"overdue": {"2"}, "stale": {"1"}, "drift": {"5"}}


def kept(text: str, statuses: frozenset[str] = frozenset()) -> list[str]:
    query = Query.parse(text, statuses)
    return [issue.key for _, issue in PROJECT.issues() if query.keeps(PROJECT, issue, FLAGGED)]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("", ["1", "2", "3", "4", "5"]),
        ("owner:dana", ["1", "3"]),
        ("owner:DANA", ["1", "3"]),
        ("owner:dan", []),  # an owner is matched whole
        ("tag:change", ["2"]),
        ("tag:access tag:quarterly", ["1"]),
        ("control:CC7.1", ["3"]),
        ("control:soc2:cc7.1", ["3"]),
        ("is:overdue", ["2"]),
        ("is:stale", ["1"]),
        ("is:drift", ["5"]),
        ("is:open", ["2", "3"]),
        ("is:someday", []),
        ("owner:dana is:open", ["3"]),
        ("owner:kim is:drift", ["5"]),
        ("export", ["1"]),  # a deliverable's purpose
        ("alerting", ["3"]),  # the summary
        ("cc8.1", ["2"]),  # a control id, as a word
        ("SOC2:CC9.1", ["4"]),
        ("dana monitoring", ["3"]),
    ],
)
def test_each_filter_and_several_at_once(text, keys):
    assert kept(text) == keys


def test_a_status_set_and_terms_hold_together():
    assert kept("owner:dana", frozenset({"complete"})) == ["1"]
    assert kept("", frozenset({"complete"})) == ["1", "4", "5"]


def test_active_only_with_something_to_filter_by():
    assert not Query.parse("   ").active
    assert Query.parse("is:open").active and Query.parse("", {"complete"}).active
