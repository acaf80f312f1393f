"""An issue read from its own lines is exactly the node the whole-file parse has, or None when that cannot be told."""

from __future__ import annotations

import pytest
from conftest import BUNDLED_PLAN, NIST_PLAN
from test_writer import HAND_WRITTEN, WHOLE_TREE_ONLY

from tracker.edit import nodes, window
from tracker.plan import yamltree
from tracker.plan.loader import load_text

ODD_FORMS = """\
# comments and odd forms around the issues
project: P
phases:
- id: P1
  title: Indentless lists
  issues:
  - id: 1
    title: First   # trailing comment
# a comment at the left margin, between the keys of issue 1
    status: not_started
    description: |
      Block text

      with a blank line inside and two after


  - # the mapping starts on the line after its dash
    id: 2
    title: "Quoted,
      over two lines"
    status: in_progress
    steps:
      - {title: A, estimate: 30m}
      - title: B
        files: [a.txt,
                b.txt]
  - {id: 3, title: Flow, status: complete}
- id: P2
  title: Deeper lists
  issues:
      - id: 4
        title: Deep
        status: blocked
        deliverables:
          - path: x.md
            status: audit
      - id: 5
        title: Keep chomping
        status: not_started
        summary: >+
          kept


sessions:
  - date: 2025-11-30
"""

PLANS = {
    "odd forms": ODD_FORMS,
    "hand-written": HAND_WRITTEN,
    "hand-written, CRLF": HAND_WRITTEN.replace("\n", "\r\n"),
    "bundled": BUNDLED_PLAN.read_text(encoding="utf-8"),
    "NIST catalogue": NIST_PLAN.read_text(encoding="utf-8"),
}


def mappings_by_place(node) -> dict:
    found, stack = {}, [node]
    while stack:
        node = stack.pop()
        if node.kind == "mapping":
            found[node.line, node.column] = node
            stack += [value for _, value in node.items]
        elif node.kind == "sequence":
            stack += node.items
    return found


@pytest.mark.parametrize("text", PLANS.values(), ids=PLANS.keys())
def test_every_issue_is_the_node_of_the_whole_tree_spans_and_all(text):
    loaded = load_text(text, "phases.yaml")
    assert loaded.ok, [str(p) for p in loaded.problems]
    whole = mappings_by_place(yamltree.parse(text).root)
    issues = [issue for _, issue in loaded.project.issues()]
    assert issues
    for issue in issues:
        assert window.block_item(text, *issue.where()) == whole[issue.where()], issue.id


@pytest.mark.parametrize("text", WHOLE_TREE_ONLY.values(), ids=WHOLE_TREE_ONLY.keys())
def test_what_cannot_be_cut_out_cleanly_is_left_to_the_whole_parse(text):
    loaded = load_text(text, "phases.yaml")
    assert loaded.ok, [str(p) for p in loaded.problems]
    assert window.block_item(text, *loaded.project.find_issue(1)[1].where()) is None


def test_from_the_middle_of_a_mapping_it_reads_the_rest_so_the_writer_checks_it_against_the_model():
    issue = load_text(ODD_FORMS, "phases.yaml").project.find_issue(1)[1]
    title_key = (issue.where("title")[0], issue.where()[1])
    rest = window.block_item(ODD_FORMS, *title_key)
    assert [key.value for key, _ in rest.items] == ["title", "status", "description"]
    assert not nodes.placed_as(rest, issue)
    assert nodes.placed_as(window.block_item(ODD_FORMS, *issue.where()), issue)


def test_a_line_past_the_end_gives_none():
    assert window.block_item(ODD_FORMS, ODD_FORMS.count("\n") + 2, 1) is None


def test_an_issue_with_lists_of_paths_is_edited_from_its_own_lines():
    # Items of `files:` keep their own positions in the model; that must not
    # send the writer to a whole-file parse.
    from conftest import BUNDLED_PLAN

    from tracker.edit.nodes import Nodes
    from tracker.plan.loader import load

    loaded = load(BUNDLED_PLAN)
    _, issue = loaded.project.find_issue(4)
    assert "files.0" in issue.places()
    nodes = Nodes(loaded.text)
    assert nodes.issue(issue).get("status").value == issue.status
    assert nodes._root is None
