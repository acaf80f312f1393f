"""A plan read again from the one before it (plan/splice.py) is exactly the plan a whole parse gives,
or None; the writer's verification through it catches a wrong edit and writes the bytes the whole parse would."""

from __future__ import annotations

import re

import pytest
from conftest import BUNDLED_PLAN, NIST_PLAN
from test_writer import HAND_WRITTEN
from test_yamlwindow import ODD_FORMS

from tracker.edit import window, writer
from tracker.edit.writer import (
    AddDeliverable,
    AddIssue,
    AddStep,
    SetDeliverableReviewed,
    SetIssueField,
    SetIssueStatus,
    SetStepStatus,
    WriteRefused,
    apply,
)
from tracker.plan import loader, rules, splice, yamltree
from tracker.plan.loader import load, load_text

PLANS = {
    "hand-written": HAND_WRITTEN,
    "hand-written, CRLF": HAND_WRITTEN.replace("\n", "\r\n"),
    "odd forms": ODD_FORMS,
    "bundled": BUNDLED_PLAN.read_text(encoding="utf-8"),
    "NIST catalogue": NIST_PLAN.read_text(encoding="utf-8"),
}


def issue_edits(text: str):
    """(name, new text) of edits a person makes in an editor to each issue in turn: a value changed,
    a line added, the issue removed, an issue copied in after it with a new id."""
    base = load_text(text, "phases.yaml")
    assert base.ok, [str(p) for p in base.problems]
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    for phase in base.project.phases:
        for index, issue in enumerate(phase.issues):
            line, column = issue.where()
            start = sum(len(x) + len(newline) for x in lines[: line - 1])
            if splice.item_end(text, start, column) == start or "-" not in lines[line - 1][: column - 1]:
                continue  # its mapping starts on the line after its dash: never spliced
            end = splice.item_end(text, start, column)
            item = text[start:end]
            status = issue.where("status")
            if status[0] != line or "{" not in lines[line - 1]:
                changed = list(lines)
                changed[status[0] - 1] = changed[status[0] - 1][: status[1] - 1] + "verified"
                yield f"#{issue.id} status", newline.join(changed)
            owner = " " * (column - 1) + f"owner: someone{newline}"
            if "{" not in lines[line - 1] and issue.owner is None:
                after_first = text.index(newline, start) + len(newline)
                yield f"#{issue.id} owner added", text[:after_first] + owner + text[after_first:]
            if len(phase.issues) > 1:
                yield f"#{issue.id} removed", text[:start] + text[end:]
            copy = re.sub(r"id: *['\"]?[^,}\s'\"]+['\"]?", "id: copy-of-it", item, count=1)
            if index == len(phase.issues) - 1 and not item.endswith(newline):
                copy = newline + copy
            yield f"#{issue.id} copied", text[:end] + copy + text[end:]


@pytest.mark.parametrize("text", PLANS.values(), ids=PLANS.keys())
def test_an_issue_edited_in_an_editor_reads_again_to_exactly_the_whole_parse(text):
    base = load_text(text, "phases.yaml")
    spliced_count = 0
    for name, new in issue_edits(text):
        full = load_text(new, "phases.yaml")
        spliced = splice.splice(base, text, new)
        if spliced is None:
            continue  # fine: the whole parse answers
        spliced_count += 1
        assert spliced.project == full.project, name  # positions (`at`) included
        assert spliced.problems == full.problems, name
        assert spliced.text == new
    assert spliced_count >= 3


def test_a_status_outside_the_workflow_is_reported_as_the_whole_parse_reports_it():
    new = HAND_WRITTEN.replace("status: not_started   # trailing", "status: finished   # trailing")
    spliced = splice.splice(load_text(HAND_WRITTEN, "phases.yaml"), HAND_WRITTEN, new)
    full = load_text(new, "phases.yaml")
    assert not full.ok
    assert spliced is not None and spliced.problems == full.problems


@pytest.mark.parametrize(
    "old, new",
    [
        ("title: >-\n    A folded", "title: >-\n    Another folded"),  # a phase's key, not an issue
        ('project: "Ünïcode programme"', "project: Renamed"),
        ("title: 'Plain: quoted'", "title: 'Plain: quoted"),  # unclosed: the whole parse says where
        ('summary: "double', 'sumary: "double'),  # an unknown key: a problem in the new lines
        ("      status: not_started   #", "    status: not_started   #"),  # dedented out of the issue
        ("title: Flow issue", "title: Flow\u2028issue"),  # a line break the windows do not count
        ("    - {id: 2,", "<<<<<<< ours\n    - {id: 2,"),
        ('    - id: "003"', '    -  id: "003"'),  # another lead than the list's
    ],
)
def test_what_the_lines_alone_cannot_vouch_for_is_left_to_the_whole_parse(old, new):
    assert old in HAND_WRITTEN
    assert splice.splice(load_text(HAND_WRITTEN, "phases.yaml"), HAND_WRITTEN, HAND_WRITTEN.replace(old, new)) is None


def test_a_plan_with_problems_is_no_base_for_reading_again():
    text = HAND_WRITTEN.replace("estimate: 30m", "estimate: soon")
    base = load_text(text, "phases.yaml")
    assert base.problems
    assert splice.splice(base, text, text.replace("Quoted id", "Another id")) is None


def test_the_writers_verification_refuses_a_change_to_an_id_another_issue_depends_on():
    text = HAND_WRITTEN.replace("    - {id: 2, title: Flow issue,", "    - {id: 2, depends_on: [1], title: Flow issue,")
    base = load_text(text, "phases.yaml")
    assert base.ok
    new = text.replace("    - id: 1\n", "    - id: 11\n")
    assert splice.splice(base, text, new, whole_rules=False) is None
    assert not load_text(new, "phases.yaml").ok


# --- through the writer -----------------------------------------------------------------------

STYLES = {
    "hand-written": HAND_WRITTEN,
    "CRLF": HAND_WRITTEN.replace("\n", "\r\n"),
    "BOM": "\ufeff" + HAND_WRITTEN,
    "BOM and CRLF": "\ufeff" + HAND_WRITTEN.replace("\n", "\r\n"),
    "bundled": BUNDLED_PLAN.read_text(encoding="utf-8"),
}
CHANGES = [
    SetIssueStatus(1, "complete"),  # a value on its line, a comment after it
    SetIssueStatus("2", "complete"),  # a flow-style issue
    SetStepStatus(1, 0, "done"),  # a line added
    SetIssueField("003", "owner", "dana"),  # a line added among the keys
    SetDeliverableReviewed("003", "src/x.js", "2026-01-02"),  # a flow-style deliverable
    AddStep("003", "Write it down", "30m"),  # lines added, the issues and sessions after it moved
    AddDeliverable(1, "docs/new.md", "doc"),
    AddIssue("P1", "A new issue", owner="kim"),  # read from the phase's lines, spliced in after its last
]


def changes_for(text: str):
    if "Ünïcode" in text:
        return CHANGES
    return [
        SetIssueStatus(1, "complete"),
        SetIssueField(2, "owner", "dana"),
        AddStep(3, "Another step"),
        AddIssue("P2", "Another issue"),
    ]


class NoWholeParse(Exception):
    pass


def whole_parse(*args, **kwargs):
    raise NoWholeParse


@pytest.mark.parametrize("text", STYLES.values(), ids=STYLES.keys())
def test_set_writes_the_same_bytes_on_the_fast_path_as_through_the_whole_parse(tmp_path, monkeypatch, text):
    fast, slow = tmp_path / "fast.yaml", tmp_path / "slow.yaml"
    for path in (fast, slow):
        path.write_bytes(text.encode("utf-8"))
    fast_plan, slow_plan = load(fast), load(slow)
    for change in changes_for(text):
        with monkeypatch.context() as patch:  # the fast path: the whole text is never parsed
            patch.setattr(writer, "load_text", whole_parse)
            if hasattr(change, "issue_id"):  # nor decoded nor edited: the issue's lines are (writer._in_window)
                patch.setattr(writer, "decode", whole_parse)
                patch.setattr(writer, "Nodes", whole_parse)
            fast_plan = apply(fast_plan, change)
        with monkeypatch.context() as patch:  # the slow path: no splicing
            patch.setattr(splice, "splice", lambda *args, **kwargs: None)
            slow_plan = apply(slow_plan, change)
        assert fast.read_bytes() == slow.read_bytes(), change
        assert fast_plan.project == slow_plan.project == load_text(slow_plan.text, slow).project, change
        assert fast_plan.problems == slow_plan.problems
    assert fast.read_bytes() != text.encode("utf-8")


class TitleToo(SetIssueStatus, frozen=True):
    """A change whose edit (a bug) also renames the issue, or another one."""

    victim: str = ""

    def edit(self, text, nodes, project):
        return super().edit(text, nodes, project).replace(self.victim, "Renamed by mistake", 1)


def watch_verdicts(monkeypatch) -> list[bool]:
    """What the writer's verification says of each plan it splices, in turn."""
    verdicts: list[bool] = []
    real = splice.splice

    def watched(*args, **kwargs):
        same = kwargs["same"]
        kwargs["same"] = lambda project: verdicts.append(same(project)) or verdicts[-1]
        return real(*args, **kwargs)

    monkeypatch.setattr(splice, "splice", watched)
    return verdicts


def test_a_windowed_verification_catches_an_edit_that_changes_more_than_it_says(tmp_path, monkeypatch):
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)  # the whole plan, as the dashboard holds it
    verdicts = watch_verdicts(monkeypatch)
    monkeypatch.setattr(writer, "decode", whole_parse)  # the whole text is never decoded, edited or parsed
    monkeypatch.setattr(writer, "Nodes", whole_parse)
    monkeypatch.setattr(writer, "load_text", whole_parse)
    with pytest.raises(WriteRefused, match="would have changed more than that"):
        apply(loaded, TitleToo(1, "complete", "'Plain: quoted'"))  # its own title, in its own lines
    assert verdicts == [False]  # the issue was read from its lines, and found wrong
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def changed_on_disk(tmp_path):
    """A plan as read, and the file changed since, outside the issues: (path, the plan read, the new text)."""
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    loaded = load(path)  # what the cache and the caller hold
    changed = HAND_WRITTEN.replace("A folded\n    phase title", "A renamed\n    phase title")
    path.write_text(changed, encoding="utf-8")
    return path, loaded, changed


def test_the_whole_text_verification_catches_an_edit_that_changes_another_issue(tmp_path, monkeypatch):
    path, loaded, changed = changed_on_disk(tmp_path)  # so the whole text is edited: the bug reaches another issue
    verdicts = watch_verdicts(monkeypatch)
    with pytest.raises(WriteRefused, match="would have changed more than that"):
        apply(loaded, TitleToo(1, "complete", "Quoted id"))
    assert verdicts == [False]  # the changed issues were read from their lines, and found wrong
    assert path.read_text(encoding="utf-8") == changed


def test_the_writer_reads_the_whole_file_when_it_changed_on_disk_outside_the_issues(tmp_path, monkeypatch):
    path, loaded, _ = changed_on_disk(tmp_path)
    parses = []
    real = writer.load_text
    monkeypatch.setattr(writer, "load_text", lambda *a, **k: parses.append(1) or real(*a, **k))

    written = apply(loaded, SetIssueStatus(1, "complete"))

    assert parses == [1]  # the new content, parsed whole once; the edit then verified from its window
    text = path.read_text(encoding="utf-8")
    assert "A renamed" in text and "status: complete   # trailing" in text
    assert written.project == load_text(text, path).project


# --- the dashboard's reload -------------------------------------------------------------------


def test_a_reload_after_an_external_edit_reads_only_the_changed_issue_and_equals_a_full_load(tmp_path, monkeypatch):
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    before = load(path)
    edited = HAND_WRITTEN.replace("title: Quoted id", "title: Quoted id\n      owner: sam")
    path.write_text(edited, encoding="utf-8")

    with monkeypatch.context() as patch:  # neither the text nor the plan's rules read whole
        patch.setattr(loader, "load_text", whole_parse)
        patch.setattr(rules, "check", whole_parse)
        again = load(path, before=before)
    full = load_text(edited, path)
    assert again.project == full.project
    assert again.problems == full.problems
    assert again.digest == load(path).digest
    assert again.project.find_issue("003")[1].owner == "sam"


def test_a_reload_that_changes_what_other_issues_see_checks_every_rule_again(tmp_path, monkeypatch):
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    before = load(path)
    edited = HAND_WRITTEN.replace("    - id: 1\n", "    - id: 2\n")  # now a duplicate of the flow issue's id
    path.write_text(edited, encoding="utf-8")
    full = load_text(edited, path)
    checks = []
    real = rules.check
    monkeypatch.setattr(rules, "check", lambda *a: checks.append(1) or real(*a))
    again = load(path, before=before)
    assert checks == [1]
    assert not full.ok and again.problems == full.problems and again.project == full.project


def test_a_reload_it_cannot_splice_is_a_full_load(tmp_path):
    path = tmp_path / "phases.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    before = load(path)
    edited = HAND_WRITTEN.replace("Ünïcode programme", "Renamed programme")
    path.write_text(edited, encoding="utf-8")
    assert load(path, before=before).project == load_text(edited, path).project


@pytest.mark.parametrize("text", PLANS.values(), ids=PLANS.keys())
def test_a_phase_read_from_its_own_lines_is_the_node_of_the_whole_tree(text):
    """`tracker add issue` reads the phase it adds to from its lines: they must give the whole parse's node."""
    loaded = load_text(text, "phases.yaml")
    whole = yamltree.parse(text).root.get("phases").items
    for phase, node in zip(loaded.project.phases, whole, strict=True):
        alone = window.block_item(text, *phase.where())
        assert alone is None or alone == node, phase.id


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("a\x85b", False),
        ("a\u2028b", False),
        ("a\u2029b", False),
        ("x\ry", False),
        ("x\r\ny\n", True),
        ("Å é ©\n", True),  # \x85, \xa9 as the last byte of other characters
        ("\u2027\u202a…\n", True),
    ],
)
def test_a_text_and_its_bytes_have_the_same_line_breaks(text, plain):
    assert splice.plain_breaks(text) == splice.plain_breaks(text.encode("utf-8")) == plain


def test_the_record_fields_the_mover_walks_are_those_msgspec_resolves():
    """_child_types reads the annotations as written; msgspec's own resolution of every record type says the
    same (a field whose type is written another way would be missed, and its places left unmoved)."""
    from msgspec import inspect as mi

    from tracker.plan import model

    def resolved(cls):
        out = []
        for field in mi.type_info(cls).fields:
            kind = field.type
            if isinstance(kind, mi.UnionType):
                kind = next((t for t in kind.types if not isinstance(t, mi.NoneType)), kind)
            many = isinstance(kind, mi.ListType)
            inner = kind.item_type if many else kind
            if isinstance(inner, mi.StructType) and issubclass(inner.cls, model.Record):
                out.append((field.name, inner.cls if many else None, None if many else inner.cls))
        return tuple(out)

    records = [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, model.Record)]
    assert len(records) > 5
    for cls in records:
        assert splice._child_types(cls) == resolved(cls), cls
    assert splice._child_types(model.Project)  # phases, sessions, ... are found
