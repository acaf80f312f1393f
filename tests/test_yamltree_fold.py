"""yamltree's fold: containers at a path are handed over as soon as they are read, and replaced."""

import pytest

from tracker.plan import yamltree
from tracker.plan.loader import load_text

TEXT = """\
phases:
  - id: P1
    issues:
      - {id: 1}
      - id: 2
        steps:
          - issues: [not, this]
      - just text
  - issues:
      - id: 3
sessions:
  - issues:
      - id: 4
"""


def folded(text: str):
    seen = []

    def fold(node, index):
        seen.append((node.get("id").value, index, node.line))
        return ("folded", node.get("id").value)

    tree = yamltree.parse(text, spans=False, fold=(("phases", None, "issues", None), fold))
    return tree, seen


def test_each_container_on_the_path_is_folded_when_complete_and_replaced_by_what_the_fold_returns():
    tree, seen = folded(TEXT)
    assert seen == [(1, 1, 4), (2, 2, 5), (3, 1, 10)]
    phases = tree.root.get("phases").items
    assert phases[0].get("issues").items[:2] == [("folded", 1), ("folded", 2)]
    assert phases[0].get("issues").items[2].value == "just text"  # a scalar item is no container: left alone
    assert phases[1].get("issues").items == [("folded", 3)]
    assert tree.root.get("sessions").items[0].get("issues").items[0].kind == "mapping"  # off the path


def test_a_duplicate_key_is_dropped_with_its_value_and_not_folded():
    tree, seen = folded("phases:\n  - issues:\n      - id: 1\nphases:\n  - issues:\n      - id: 2\n")
    assert seen == [(1, 1, 3)]
    assert [p.message.split(" (")[0] for p in tree.problems] == ["duplicate key 'phases'"]


def test_a_fold_path_names_list_items():
    with pytest.raises(ValueError):
        yamltree.parse("a: 1\n", fold=(("phases",), lambda node, index: node))


def test_problems_of_folded_issues_are_reported_as_from_the_whole_tree():
    loaded = load_text(
        "project: X\nphases:\n  - id: P\n    title: T\n    issues:\n      - id: 1\n        title: A\n"
        "        status: audit\n      - id: 2\n        status: [x]\n",
        "p.yaml",
    )
    assert [str(p) for p in loaded.problems] == [
        "p.yaml:9:9: error: item 2 of 'issues' is missing the required key 'title'",
        "p.yaml:10:17: error: 'status' must be text, not a list",
    ]


def test_issues_equal_to_those_of_the_plan_before_an_edit_are_shared_with_it():
    text = (
        "project: X\nphases:\n  - id: P\n    title: T\n    issues:\n"
        "      - {id: 1, title: A, status: audit}\n      - {id: 2, title: B, status: audit}\n"
        "      - {id: 3, title: C, status: audit}\n"
    )
    before = load_text(text, "p.yaml").project
    after = load_text(text.replace("B, status: audit", "B, status: blocked"), "p.yaml", like=before).project
    kept, changed, same_data = after.phases[0].issues
    assert kept is before.phases[0].issues[0]
    assert changed is not before.phases[0].issues[1] and changed.status == "blocked"
    assert same_data is before.phases[0].issues[2]
    moved = load_text(text.replace("title: T\n", "title: T\n\n"), "p.yaml", like=before).project.phases[0].issues[0]
    assert moved.where() == (7, 9) and moved is not before.phases[0].issues[0]  # positions are part of the record
