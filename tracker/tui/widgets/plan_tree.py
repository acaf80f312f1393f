"""Phases → issues → deliverables, files and steps, one mark per status.

Labels are plain text built from the plan (never markup), cut with an
ellipsis to the width there is.  Beside them: a file's git state (in the drift
colour when done in the plan but not in git), and "overdue" / "stale" / "drift" from
the git view's attention.  An issue's parts are added when it is first
opened, so a plan with ten thousand issues builds its tree quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tracker.plan import Deliverable, Issue, Outlined, Phase, PhaseFigures, Project, Query, progress
from tracker.support.textsafe import ellipsize, one_line
from tracker.tui.gitview import GitView
from tracker.tui.marks import STEP_MARKS, mark
from tracker.tui.refs import Ref, issue_ref, phase_ref
from tracker.tui.textfit import ellipsize_path, estimate_text

QUIET_STATES = {"committed"}
OPEN_ALL_UP_TO = 1000  # issues; a bigger plan (or filter result) starts with its phases closed


@dataclass(slots=True)
class Node:
    ref: Ref
    mark: str
    tone: str
    text: str
    tail: str = ""  # right-hand note: percent, estimate
    path: str | None = None  # a repository file, for its git state
    deliverable: tuple[Issue, Deliverable] | None = None  # a deliverable and its issue, for the drift rule


class PlanTree(Tree[Node]):
    COMPONENT_CLASSES = {
        "plan-tree--done",
        "plan-tree--active",
        "plan-tree--todo",
        "plan-tree--blocked",
        "plan-tree--tail",
        "plan-tree--git",
        "plan-tree--drift",
        "plan-tree--late",
    }

    BINDINGS = [
        Binding("right", "open", "Open the item", show=False),
        Binding("left", "close", "Close it, or go to its parent", show=False),
    ]

    @dataclass
    class CursorMoved(Message):
        ref: Ref | None

    def __init__(self, **kwargs):
        super().__init__(Text("plan"), **kwargs)  # a str would be parsed as markup (and load Rich's emoji table)
        self.show_root = False
        self.guide_depth = 3
        self.project: Project | None = None
        self.git = GitView(None)
        self.expanded: set[Ref] | None = None  # None: nothing chosen yet
        self.writing: frozenset[str] = frozenset()  # issues (by key) shown as changes on their way leave them
        self._content: dict[int, tuple[Phase, list[Issue]] | tuple[Phase, Issue]] = {}  # what a node opens to

    @property
    def plan(self) -> Project:
        """The plan shown; nodes are built only after show_plan has set it."""
        if self.project is None:
            raise LookupError("the tree has no plan yet")
        return self.project

    # -- building -------------------------------------------------------

    def show_plan(
        self,
        project: Project,
        figures: Sequence[PhaseFigures],
        query: Query | None = None,
        keep: Ref | None = None,
        writing: frozenset[str] = frozenset(),
    ) -> int:
        """Rebuild from `project`, keeping open nodes and putting the cursor back on `keep`; how many issues show.
        `figures`: each phase's (plan/outline.py's phase_figures), in order.  `writing`: the issues whose changes
        are not written yet, marked so."""
        self.project = project
        self.writing = writing
        query = query or Query()
        filtering = query.active
        flagged = self.git.attention.issues
        shown = [
            (phase, each, [i for i in phase.issues if query.keeps(project, i, flagged)] if filtering else phase.issues)
            for phase, each in zip(project.phases, figures, strict=True)
        ]
        shown = [(phase, each, issues) for phase, each, issues in shown if issues or not filtering]
        count = sum(len(issues) for _, _, issues in shown)
        few = count <= OPEN_ALL_UP_TO
        if self.expanded is None:
            self.expanded = {phase_ref(phase) for phase, _, _ in shown} if few else set()
        self.clear()
        self._content.clear()
        for phase, each, issues in shown:
            node = self._add_phase(project, phase, each.percent, each.status, bool(issues))
            self._content[node.id] = (phase, issues)
            if issues and (phase_ref(phase) in self.expanded or (filtering and few)):
                self._open(node)
        self.put_cursor(keep)
        return count

    def show_outline(self, outline: Outlined) -> None:
        """The phases of a plan whose issues are not decoded yet, from the figures kept for it (plan/outline.py):
        closed, as show_plan starts a plan of more than OPEN_ALL_UP_TO issues, the cursor on the first.  Nothing
        opens before show_plan has the plan (the app holds the keys until then)."""
        self.project = None
        if self.expanded is None:
            self.expanded = set()
        self.clear()
        self._content.clear()
        for phase, figures in zip(outline.project.phases, outline.figures, strict=True):
            self._add_phase(outline.project, phase, figures.percent, figures.status, figures.issues > 0)
        self.put_cursor(None)

    def _add_phase(self, project: Project, phase: Phase, pct: int | None, status: str, issues: bool) -> TreeNode[Node]:
        sign, tone = mark(project, status)
        return self.root.add(
            Text(),
            Node(
                phase_ref(phase),
                sign,
                tone,
                f"{one_line(str(phase.id))}  {one_line(phase.title)}",
                "" if pct is None else f"{pct}%",
            ),
            allow_expand=issues,
        )

    def _open(self, node: TreeNode[Node]) -> None:
        self._fill(node)
        node.expand()

    def _fill(self, node: TreeNode[Node]) -> None:
        """Add a node's children the first time they are needed."""
        if node.children or node.id not in self._content:
            return
        phase, content = self._content[node.id]
        if isinstance(content, list):
            for issue in content:
                self._add_issue(node, phase, issue)
            return
        issue, key = content, _data(node).ref
        for index, deliverable in enumerate(issue.deliverables):
            sign, tone = mark(self.plan, issue.status_of(deliverable))
            node.add_leaf(
                Text(),
                Node(
                    Ref("deliverable", key.phase, key.issue, index),
                    sign,
                    tone,
                    one_line(deliverable.path),
                    path=deliverable.path,
                    deliverable=(issue, deliverable),
                ),
            )
        for index, path in enumerate(issue.files):
            node.add_leaf(
                Text(), Node(Ref("file", key.phase, key.issue, index), "·", "todo", one_line(path), path=path)
            )
        for index, step in enumerate(issue.steps):
            node.add_leaf(
                Text(),
                Node(
                    Ref("step", key.phase, key.issue, index),
                    STEP_MARKS[step.status],
                    "done" if step.done else "todo",
                    one_line(step.title),
                    estimate_text(step),
                ),
            )

    def _add_issue(self, parent: TreeNode[Node], phase: Phase, issue: Issue) -> None:
        ref = issue_ref(phase, issue)
        sign, tone = mark(self.plan, issue.status)
        parts = bool(issue.deliverables or issue.files or issue.steps)
        tail = f"{progress.issue_percent(self.plan, issue)}%" if issue.steps else ""
        node = parent.add(
            Text(),
            Node(ref, sign, tone, f"{one_line(str(issue.id))}  {one_line(issue.title)}", tail),
            allow_expand=parts,
        )
        self._content[node.id] = (phase, issue)
        if parts and self.expanded is not None and ref in self.expanded:
            self._open(node)

    def put_cursor(self, ref: Ref | None) -> None:
        """Move the cursor to `ref`, or its closest ancestor shown, or the first line."""
        target = None
        while ref is not None and target is None:
            target = self.find(ref)
            ref = ref.parent()
        if target is None and self.root.children:
            target = self.root.children[0]
        if target is not None:
            parent = target.parent
            while parent is not None and parent is not self.root:
                parent.expand()
                parent = parent.parent
        if self.last_line >= 0:  # reading it lays out the lines, so nodes know their line numbers
            self.move_cursor(target)
        self.post_message(self.CursorMoved(_data(target).ref if target is not None else None))

    def find(self, ref: Ref) -> TreeNode[Node] | None:
        for phase in self.root.children:
            if _data(phase).ref.phase != ref.phase:
                continue
            if ref.kind == "phase":
                return phase
            self._fill(phase)
            for issue in phase.children:
                if _data(issue).ref.issue != ref.issue:
                    continue
                if ref.kind == "issue":
                    return issue
                self._fill(issue)
                return next((n for n in issue.children if _data(n).ref == ref), None)
        return None

    def set_git(self, git: GitView) -> None:
        self.git = git
        for phase in self.root.children:
            for issue in phase.children:
                issue.refresh()  # its overdue / stale marks
                for part in issue.children:
                    if _data(part).path:
                        part.refresh()

    # -- events ---------------------------------------------------------

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        self._fill(event.node)
        if self.expanded is not None:
            self.expanded.add(_data(event.node).ref)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Node]) -> None:
        if self.expanded is not None:
            self.expanded.discard(_data(event.node).ref)

    @property
    def cursor_ref(self) -> Ref | None:
        """The item under the cursor now, ahead of the CursorMoved messages still on their way."""
        node = self.cursor_node
        return node.data.ref if node is not None and node.data is not None else None

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.CursorMoved(event.node.data.ref))

    def action_open(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_expanded and node.children:
            self.move_cursor(node.children[0])
        else:
            self._open(node)  # children now, so a key typed right after finds them

    def _toggle_node(self, node: TreeNode[Node]) -> None:
        """Space, Enter and a click on the arrow: a node opened has its children at once, as `action_open` gives
        them, not when Textual's NodeExpanded message is handled (keys held until the model is there and posted
        again together, Space then Down, are all handled before it: Down went on to the next phase)."""
        if not node.is_expanded:
            self._fill(node)
        super()._toggle_node(node)

    def action_close(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    # -- drawing --------------------------------------------------------

    def get_label_width(self, node: TreeNode[Node]) -> int:
        # Tree asks this of every line on each rebuild (to size horizontal
        # scrolling); labels are fitted to the width anyway, so the plain
        # length does, at a fraction of the cost of drawing the label.
        data = node.data
        if data is None:
            return 0
        return 4 + len(data.text) + (len(data.tail) + 2 if data.tail else 0)

    def render_label(self, node: TreeNode[Node], base_style: Style, style: Style) -> Text:
        data = node.data
        if data is None:
            return Text()
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        icon = ""
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        tail = data.tail
        if data.ref.kind == "issue" and data.ref.issue in self.writing:  # shown as written before it is
            tail = f"{tail}  writing…" if tail else "writing…"
        git_note, drift = "", False
        late = self._late(data)
        if data.path is not None:
            link = self.git.state(data.path)
            if link is not None and link not in QUIET_STATES:
                git_note = link
            if data.deliverable is not None and self.project is not None:
                drift = self.git.drift_of(self.project, *data.deliverable) is not None
        room = self.scrollable_content_region.width - depth * self.guide_depth
        fixed = len(icon) + 2 + (len(tail) + 2 if tail else 0) + (len(git_note) + 2 if git_note else 0)
        fixed += len(late) + 2 if late else 0
        fit = ellipsize_path if data.path is not None else ellipsize
        body = data.text if room <= 0 else fit(data.text, max(room - fixed, 8))
        text = Text(icon, style=base_style + Style(dim=True))
        text.append(data.mark, self.get_component_rich_style(f"plan-tree--{data.tone}", partial=True))
        text.append(" ")
        text.append(body, style)
        if git_note:
            text.append("  ")
            text.append(
                git_note, self.get_component_rich_style("plan-tree--drift" if drift else "plan-tree--git", partial=True)
            )
        if late:
            text.append("  ")
            text.append(late, self.get_component_rich_style("plan-tree--late", partial=True))
        if tail:
            text.append("  ")
            text.append(tail, self.get_component_rich_style("plan-tree--tail", partial=True))
        return text

    def _late(self, data: Node) -> str:
        """'overdue', 'stale', 'drift' (those there are) beside an issue; 'stale' beside a deliverable."""
        ref = data.ref
        if ref.issue is None or ref.kind not in ("issue", "deliverable"):
            return ""
        return " ".join(self.git.attention.marks(ref.issue, data.path if ref.kind == "deliverable" else None))


def _data(node: TreeNode[Node]) -> Node:
    """What a node shows: every node has it but the hidden root, which is never asked."""
    if node.data is None:
        raise LookupError("the tree's root has no item")
    return node.data
