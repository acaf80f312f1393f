"""The YAML nodes a change edits, read from as little of the text as will do."""

from __future__ import annotations

import gc

from tracker.edit import window
from tracker.plan import Issue, Phase, place, splice, yamltree


class NeedWhole(Exception):
    """A plan read in part, or the lines of one issue, cannot vouch for this write; nothing was written:
    load the whole plan and apply again."""


class Nodes:
    """The tree nodes an edit needs, read from no more of the text than it takes.

    An issue comes from its own lines (edit/window.py), checked against the model;
    the whole text is parsed only when they do not do (or to append a session).
    """

    def __init__(self, text: str):
        self.text = text
        self._root: yamltree.Mapping | None = None

    @property
    def root(self) -> yamltree.Mapping:
        if self._root is None:
            gc_was_on = gc.isenabled()
            gc.disable()  # as in the loader: a big tree has no cycles to collect
            try:
                root = yamltree.parse(self.text).root
                if root is None or root.kind != "mapping":  # a bug: the text loaded as a plan
                    raise LookupError("the plan's text has no mapping at its top")
                self._root = root
            finally:
                if gc_was_on:
                    gc.enable()
        return self._root

    def issue(self, issue: Issue) -> yamltree.Mapping:
        node = window.block_item(self.text, *issue.where())
        return node if node is not None and placed_as(node, issue) else issue_node(self.root, issue)

    def phase(self, phase: Phase, index: int) -> yamltree.Mapping:
        """The phase's mapping (item `index` of `phases`): from its own lines when they do."""
        node = window.block_item(self.text, *phase.where())
        return node if node is not None and placed_as(node, phase) else self.root.get("phases").items[index]


class IssueNodes(Nodes):
    """The nodes of the one issue whose lines alone are the text (from line `line` of the file on): placed at
    their lines in the file, their offsets in this text.  Anything else is not here: NeedWhole."""

    def __init__(self, text: str, line: int):
        super().__init__(text)
        self.line = line

    @property
    def root(self) -> yamltree.Mapping:
        raise NeedWhole

    def issue(self, issue: Issue) -> yamltree.Mapping:
        line, column = issue.where()
        node = splice.parse_item(self.text, 0, len(self.text), line, column) if line == self.line else None
        if node is None or not placed_as(node, issue):
            raise NeedWhole
        return node

    def phase(self, phase: Phase, index: int) -> yamltree.Mapping:
        raise NeedWhole


def issue_node(root: yamltree.Mapping, issue: Issue) -> yamltree.Mapping:
    """The issue's mapping in the tree: the one that starts where the model says the issue starts."""
    for phase in root.get("phases").items:
        issues = phase.get("issues") if phase.kind == "mapping" else None
        for node in issues.items if issues is not None and issues.kind == "sequence" else ():
            if (node.line, node.column) == issue.where():
                return node
    raise LookupError(f"issue #{issue.id} is in the model but not in the tree")  # a bug: both come from one text


def placed_as(node: yamltree.Node, record) -> bool:
    """Whether `node` holds the keys of `record` at the places the model has their values."""
    return (
        node.kind == "mapping"
        and (node.line, node.column) == record.where()
        and (
            {key.value: place(value.line, value.column) for key, value in node.items}
            == {key: at for key, at in record.places().items() if key and "." not in key}
        )
    )  # not list items' places
