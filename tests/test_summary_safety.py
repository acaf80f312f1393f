"""User text in the summary is shown, never obeyed: a CommonMark parser finds every table intact,
no raw HTML, and every title exactly as the user typed it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_tracker
from gitutil import ENV, Repo, make_repo
from markdown_it import MarkdownIt

from tracker.notes.gather import build_summary
from tracker.plan.loader import load
from tracker.support.textsafe import one_line

NASTY = [
    "a | b | c",
    "`tick` and ``double``",
    "<script>alert(1)</script>",
    "line\nbreak",
    "ends with a backslash \\",
    "**bold** _em_ [link](http://x) ![img](y) ~~gone~~",
    "# heading",
    "1. not a list",
    "- not a bullet",
    "> not a quote",
    "&lt;b&gt; &#60;i&#62; &amp;",
    "\x1b[31mred\x1b[0m, a bell \x07 and \u202eoverride\u202c",
    "<!-- comment",
    "| --- | --- |",
    "<http://auto.link> <b>bold</b>",
    "```",
    "trailing hashes ##",
    "    four spaces in front",
    "snake_case __init__ *",
]
BODY = "Before <div onclick='x'>\n\n<div>\nblock html\n</div>\n\n- item <span>inline</span>\n\n```js\nif (a < b) {}\n"


def q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def source_of(title: str) -> str:
    """A deliverable's file named after a title: no folder, pattern or backslash in it, so it is one file."""
    return "src/" + re.sub(r"[/\\*?\[\]]", "_", one_line(title)) + ".js"


def nasty_plan(odd: str = "complete", even: str = "weird") -> str:
    issues = []
    for n, title in enumerate(NASTY, 1):
        issues.append(f"""\
      - id: {n}
        title: {q(title)}
        status: {odd if n % 2 else even}
        summary: {q(title)}
        deliverables:
          - path: {q(source_of(title))}
            type: source
            purpose: {q(title)}
        steps:
          - title: {q(title)}
            estimate: 30m
""")
    return f"""\
project: {q("Shop <b>|</b>")}
statuses:
  - {{id: weird, label: {q("<i>odd</i> | `label`")}}}
  - {{id: complete, label: Complete, done: true}}
phases:
  - id: P1
    title: {q(NASTY[0] + NASTY[2])}
    issues:
{"".join(issues)}
sessions:
  - date: 2025-11-30
    focus: {q(NASTY[4])}
    headline: {q(NASTY[2])}
    duration: {q(NASTY[11])}
    accomplished:
      - title: {q(NASTY[5])}
        details: [{", ".join(q(t) for t in NASTY)}]
        files: [{q("docs/a|b<c>.md")}]
    insights:
      - title: {q(NASTY[14])}
        body: {q(BODY)}
"""


@pytest.fixture
def nasty(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo.write("data/phases.yaml", nasty_plan(odd="weird", even="complete"))  # every issue changes
    repo.commit("Plan", date="2025-11-29T10:00:00+00:00")
    repo.write("data/phases.yaml", nasty_plan())
    for title in NASTY[:3]:
        repo.write("created/" + one_line(title).replace("/", "_") + ".txt", "x\n")
    for title in NASTY:  # deliverables made in the session: only those are listed
        repo.write(source_of(title), "x\n")
    loaded = load(repo.root / "data" / "phases.yaml")
    assert loaded.ok, loaded.problems
    return build_summary(loaded)


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def shown(text: str) -> str:
    """A title as the note should show it: one line, no controls, runs of spaces as one (and none at the ends,
    which markdown trims from every heading, cell and paragraph)."""
    return re.sub(" +", " ", one_line(text)).strip()


def inline_text(token) -> str:
    return "".join(child.content for child in token.children if child.type in ("text", "code_inline"))


def test_no_raw_html_and_no_terminal_controls(nasty: str):
    tokens = parser().parse(nasty)
    html = [t for t in tokens if t.type == "html_block"]
    html += [c for t in tokens if t.type == "inline" for c in t.children if c.type == "html_inline"]
    assert html == []
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]", nasty)


def test_every_table_row_keeps_its_cells_and_its_text(nasty: str):
    tokens = parser().parse(nasty)
    rows: list[list[str]] = []
    row: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif (
            token.type == "inline"
            and row is not None
            and tokens[tokens.index(token) - 1].type in ("th_open", "td_open")
        ):
            row.append(inline_text(token))
        elif token.type == "tr_close":
            rows.append(row)
    assert rows[0] == ["File", "Type", "Purpose", "Status"]
    body = rows[1:]
    assert [r[2] for r in body] == [shown(t) for t in NASTY]  # purposes, exactly as typed
    assert [r[0] for r in body] == [source_of(t) for t in NASTY]  # paths, exactly as typed
    assert [r[3] for r in body] == [
        ("✅ Complete" if n % 2 else "⬜ <i>odd</i> | `label`") for n in range(1, len(NASTY) + 1)
    ]
    # Cell count in the text itself: markdown-it pads short rows, so count unescaped pipes too.
    table_lines = [line for line in nasty.splitlines() if line.startswith("| ")]
    for line in table_lines:
        assert len(re.findall(r"(?<!\\)\|", line)) == 5, line


def test_titles_come_out_as_typed_in_headings_and_lists(nasty: str):
    tokens = parser().parse(nasty)
    # HTML shows runs of spaces as one; a title typed with a space in front may leave two in the text.
    headings = [re.sub(" +", " ", inline_text(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"]
    for n, title in enumerate(NASTY, 1):
        assert f"{n}. Issue #{n}: {shown(title)} {'✅' if n % 2 else '⬜'}" in headings
    assert shown(NASTY[14]) in headings  # the insight title
    assert "Overall Shop <b>|</b> Status" in " ".join(headings)
    items = [re.sub(" +", " ", inline_text(t)).strip() for t in tokens if t.type == "inline" and t.level == 3]
    for title in NASTY:
        assert shown(title) in items  # the accomplished entry's details, one bullet each


def test_a_markdown_body_keeps_markdown_but_loses_html_and_its_open_fence(nasty: str):
    body = nasty[nasty.index("## 💡 Key Insights") :].split("## 📋")[0]
    assert "<div>" not in body.replace("\\<div>", "")
    assert "if (a < b) {}\n```\n" in body  # inside the code the `<` stays, and the fence is closed
    tokens = parser().parse(nasty)
    fences = [t for t in tokens if t.type == "fence"]
    assert any(t.content == "if (a < b) {}\n" for t in fences)
    assert tokens[-1].type != "fence"  # nothing after the body was swallowed
    assert any(t.type == "heading_open" and t.tag == "h2" for t in tokens[tokens.index(fences[-1]) :])


def test_paths_with_markdown_are_literal_in_the_created_tree(nasty: str):
    tree = nasty[nasty.index("## 📁") :].split("---")[0]
    assert "├── <script>alert(1)<_script>.txt (1 line, untracked)" in tree
    tokens = parser().parse(nasty)
    fence = next(t for t in tokens if t.type == "fence" and "created/" in t.content)
    assert "a | b | c.txt (1 line, untracked)" in fence.content


def test_a_deliverables_path_stays_code_and_a_deliverable_with_no_type_shows_its_size_alone(tmp_path: Path):
    """The table showed `|  (1 line) |` for a deliverable with no type, and `ev/pi\\|pe.md` as plain text: a `|`
    in a path lost its code span, in the table and in the lists."""
    repo = make_repo(tmp_path / "repo")
    paths = ["ev/pi|pe.md", "ev/``tick`.md", "ev/plain.md"]
    deliverables = "".join(f"\n          - path: {q(path)}" for path in paths)
    repo.write(
        "data/phases.yaml",
        f"""\
project: X
phases:
  - id: P
    title: T
    issues:
      - id: 1
        title: one
        status: not_started
        deliverables:{deliverables}
            type: doc
sessions:
  - date: 2026-12-05
""",
    )
    repo.commit("Plan", date="2026-12-04T08:00:00+00:00")
    for path in paths:
        repo.write(path, "x\n")
    repo.commit("Evidence", date="2026-12-05T09:30:00+00:00")
    env = {**ENV, "TRACKER_NOW": "2026-12-05T10:00", "TRACKER_FILE": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    note = run_tracker("summary", cwd=repo.root, env=env)
    assert note.returncode == 0, note.stderr
    table = note.stdout[note.stdout.index("| File |") :].split("\n\n")[0].splitlines()
    assert table[2:] == [
        "| `ev/pi\\|pe.md` | 1 line |  | ⬜ Not started |",
        "| ```ev/``tick`.md``` | 1 line |  | ⬜ Not started |",
        "| `ev/plain.md` | Documentation (1 line) |  | ⬜ Not started |",
    ]
    tokens = parser().parse(note.stdout)
    cells = [t for i, t in enumerate(tokens) if t.type == "inline" and tokens[i - 1].type == "td_open"]
    assert [(c.children[0].type, c.children[0].content) for c in cells[::4]] == [("code_inline", p) for p in paths]
    # Outside the table a `|` needs no escape, and the path keeps its span there too.
    assert "- **File**: `ev/pi|pe.md` (1 line)" in note.stdout
    lists = [c for t in tokens if t.type == "inline" for c in t.children if c.type == "code_inline"]
    assert [c.content for c in lists].count("ev/pi|pe.md") == 2  # Accomplished, and the table
