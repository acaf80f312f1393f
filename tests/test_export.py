"""`tracker export csv|html` through the real command line, on real git repositories."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED_PLAN, run_tracker
from gitutil import Repo

from tracker.export.csvrows import COLUMNS

NOW = {"TRACKER_NOW": "2026-01-15T09:30"}

PLAN = """\
project: "Shop — été"
phases:
  - id: P1
    title: Fixes
    issues:
      - id: 1
        title: "=HYPERLINK(\\"http://evil.example\\", \\"click\\")"
        status: complete
        owner: Dana
        controls: [SOC2:CC7.1, SOC2:CC7.2]
        tags: [network, "+retry"]
        deliverables:
          - path: src/retry.js
          - path: docs/guide.md
          - path: "src/*.js"
      - id: 2
        title: "Quotes \\" and, commas\\nand a second line"
        status: in_progress
        owner: "@me"
        due: 2026-01-01
        controls: [SOC2:CC7.2]
        summary: "+1 -1 @me"
        steps:
          - {title: a, status: done}
          - {title: b}
        deliverables:
          - path: src/later.js
      - id: "-3"
        title: "<script>alert(1)</script>"
        status: not_started
"""


@pytest.fixture
def shop(repo: Repo) -> Repo:
    repo.write("data/phases.yaml", PLAN)
    repo.write("src/retry.js", "retry();\nagain();\n")
    repo.write("docs/guide.md", "# Guide\n")
    repo.commit("First version", date="2025-11-30T10:00:00+00:00")
    repo.write("docs/guide.md", "# Guide\n\nMore.\n")
    repo.commit("Guide: more", date="2025-12-01T10:00:00+00:00")
    return repo


def export(repo: Repo, *args: str):
    return run_tracker("export", *args, cwd=repo.root, env=NOW)


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_one_row_per_issue_and_round_trips_every_cell(shop: Repo):
    done = export(shop, "csv", "-o", "plan.csv")
    assert done.returncode == 0, done.stderr
    data = (shop.root / "plan.csv").read_bytes()
    assert b"\r\n" in data  # RFC 4180 line ends
    retry, guide = (shop.git("rev-parse", f"HEAD:{p}") for p in ("src/retry.js", "docs/guide.md"))
    guide_commit = shop.git("log", "-1", "--format=%h", "--", "docs/guide.md")
    expected = [
        [
            "phase",
            "id",
            "title",
            "status",
            "progress",
            "owner",
            "due",
            "controls",
            "tags",
            "deliverables",
            "last commit",
        ],
        [
            "P1",
            "1",
            '\'=HYPERLINK("http://evil.example", "click")',
            "Complete",
            "100%",
            "Dana",
            "",
            "SOC2:CC7.1\nSOC2:CC7.2",
            "network\n+retry",  # only a cell's first character can start a formula
            f"src/retry.js (committed, blob {retry})\ndocs/guide.md (committed, blob {guide})\n"
            f"src/*.js (pattern, 1 files)\n  src/retry.js (committed, blob {retry})",
            f"{guide_commit} 2025-12-01 Ada Lovelace: Guide: more",
        ],
        [
            "P1",
            "2",
            'Quotes " and, commas\nand a second line',
            "In progress",
            "50%",
            "'@me",
            "2026-01-01",
            "SOC2:CC7.2",
            "",
            "src/later.js (missing)",
            "",
        ],
        ["P1", "'-3", "<script>alert(1)</script>", "Not started", "0%", "", "", "", "", "", ""],
    ]
    assert rows(data) == expected
    # Written back by the csv module, the cells give the same bytes: every cell round-trips.
    again = io.StringIO()
    csv.writer(again, lineterminator="\r\n").writerows(expected)
    assert data == b"\xef\xbb\xbf" + again.getvalue().encode()


def test_csv_to_stdout_is_the_same_bytes(shop: Repo):
    assert export(shop, "csv", "-o", "plan.csv").returncode == 0
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "export", "csv"],
        cwd=shop.root,
        env={**os.environ, **NOW},
        capture_output=True,
    )
    assert done.returncode == 0
    assert done.stdout == (shop.root / "plan.csv").read_bytes()


def test_output_dash_is_standard_output(shop: Repo):
    done = export(shop, "csv", "-o", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout == export(shop, "csv").stdout and done.stdout.startswith("\ufeffphase,")
    assert not (shop.root / "-").exists()


def test_html_escapes_user_text_and_is_the_same_bytes_each_time(shop: Repo):
    # Written outside the work tree: a new untracked file there is a change the report would show.
    out = shop.root.parent
    assert export(shop, "html", "-o", str(out / "a.html")).returncode == 0
    assert export(shop, "html", "-o", str(out / "b.html")).returncode == 0
    page = (out / "a.html").read_bytes()
    assert page == (out / "b.html").read_bytes()
    text = page.decode()
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Shop — été" in text
    assert shop.git("rev-parse", "HEAD:src/retry.js") in text
    # Nothing outside the file: no URL to load, and the page forbids loads itself.
    assert "default-src 'none'" in text
    for attribute in ("src=", 'href="http', "url(", "@import"):
        assert attribute not in text


def test_html_shows_owner_due_controls_attention_and_coverage(shop: Repo):
    done = export(shop, "html")
    assert done.returncode == 0, done.stderr
    page = done.stdout
    assert "<td>Dana</td>" in page and "<code>SOC2:CC7.1</code>" in page
    assert '<td class="overdue">2026-01-01</td>' in page  # issue 2 was due before TRACKER_NOW's day
    assert '<tr class="overdue"><td>overdue</td><td>#2 ' in page
    # SOC2: two controls mapped, none declared; CC7.1's only issue is done with committed evidence, CC7.2's
    # second issue is not done.
    assert (
        '<tr class="framework"><td>SOC2</td><td class="num">—</td><td class="num">2</td><td class="num">1</td>' in page
    )
    assert "50%</span>" in page


def test_bundled_plan_report_shows_its_progress():
    done = run_tracker("--file", str(BUNDLED_PLAN), "export", "html", env=NOW)
    assert done.returncode == 0, done.stderr
    for value in ('data-phase="P1"', "100%</span>", "33%</span>", "40%</span>"):
        assert value in done.stdout


def test_a_plan_with_errors_exports_nothing(tmp_path: Path):
    plan = tmp_path / "data" / "phases.yaml"
    plan.parent.mkdir()
    plan.write_text("project: X\nphases:\n  - id: P1\n    title: T\n    issues:\n      - {id: 1, title: A}\n")
    done = run_tracker("export", "html", "-o", "out.html", cwd=tmp_path, env=NOW)
    assert done.returncode == 1
    assert f"{plan}:6:" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.html").exists()


def test_an_unwritable_output_is_a_message(shop: Repo):
    done = export(shop, "csv", "-o", "no/such/folder/plan.csv")
    assert done.returncode == 1
    assert done.stderr.startswith("no/such/folder/plan.csv: error: cannot write the csv export:")
    assert "Traceback" not in done.stderr


def test_a_bad_clock_is_a_message(shop: Repo):
    done = run_tracker("export", "html", cwd=shop.root, env={"TRACKER_NOW": "soon"})
    assert done.returncode == 1
    assert done.stderr.startswith("tracker: error: TRACKER_NOW='soon' is not a date")


def test_an_unknown_format_is_wrong_usage(shop: Repo):
    done = export(shop, "pdf")
    assert done.returncode == 2


MARK = "<i>x</i>&amp;"
EVERYWHERE = f"""\
project: "{MARK}"
phases:
  - id: "{MARK}"
    title: "{MARK}"
    issues:
      - id: "{MARK}"
        title: "{MARK}"
        status: complete
        summary: "{MARK}"
        steps: [{{title: "{MARK}", status: done}}]
        deliverables: [{{path: "{MARK}", purpose: "{MARK}"}}, {{path: "docs/a*", purpose: "{MARK}"}}]
"""


def test_html_escapes_every_field(repo: Repo):
    """Each user text the report shows (plan and git alike) carries markup; none of it is markup in the page."""
    repo.write("data/phases.yaml", EVERYWHERE)
    repo.write(f"docs/a{MARK}.md", "text\n")
    repo.commit(MARK)
    done = run_tracker("export", "html", cwd=repo.root, env=NOW)
    assert done.returncode == 0, done.stderr
    assert "<i>" not in done.stdout
    escaped = "&lt;i&gt;x&lt;/i&gt;&amp;amp;"
    # project, phase id and title, issue id (twice: cell and anchor) and title, summary, step, deliverable
    # path and purpose (twice), the pattern's match, and the commit subject (issue and two evidence rows)
    assert done.stdout.count(escaped) >= 14, done.stdout


def test_html_charts_progress_over_time_from_the_plans_history(shop: Repo):
    plan = shop.root / "data" / "phases.yaml"
    plan.write_text(plan.read_text().replace("status: in_progress", "status: complete"))
    shop.commit("Issue 2 done", "data/phases.yaml", date="2026-01-05T10:00:00+00:00")
    done = export(shop, "html")
    assert done.returncode == 0, done.stderr
    page = done.stdout
    assert '<section id="history">' in page
    # Two versions of the plan: 50% (issue 2 half its steps), then 66%, drawn as a step line.
    assert page.count('<circle class="point"') == 2
    assert ">2025-11-30</text>" in page and ">2026-01-05</text>" in page
    assert "2 commits changed the plan; 1 issue left." in page


def test_html_without_git_has_no_history(tmp_path: Path):
    plan = tmp_path / "data" / "phases.yaml"
    plan.parent.mkdir()
    plan.write_text(BUNDLED_PLAN.read_text(encoding="utf-8"))
    done = run_tracker("export", "html", cwd=tmp_path, env={**NOW, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert '<section id="history">' not in done.stdout
    assert "40%</span>" in done.stdout


def test_a_csv_list_item_holding_a_line_break_stays_one_item(repo: Repo):
    """A list cell has one item a line, so a path or tag with a newline is shown on one line, as the dashboard
    shows it, never split into two items."""
    repo.write(
        "data/phases.yaml",
        "project: P\nphases:\n  - id: P1\n    title: T\n    issues:\n      - id: 1\n        title: I\n"
        '        status: in_progress\n        tags: ["two\\nlines", plain]\n'
        '        deliverables: [{path: "docs/a\\nb.md"}, {path: "docs/*.md"}]\n',
    )
    repo.write("docs/a\nb.md", "x\n")
    repo.commit("Evidence")
    blob = repo.git("rev-parse", "HEAD:docs/a\nb.md")
    done = export(repo, "csv", "-o", "plan.csv")
    assert done.returncode == 0, done.stderr
    header, row = rows((repo.root / "plan.csv").read_bytes())
    issue = dict(zip(header, row, strict=True))
    assert issue["tags"].split("\n") == ["two lines", "plain"]
    assert issue["deliverables"].split("\n") == [
        f"docs/a b.md (committed, blob {blob})",
        "docs/*.md (pattern, 1 files)",
        f"  docs/a b.md (committed, blob {blob})",
    ]


def test_html_evidence_of_a_modified_file_says_which_content_its_lines_and_blob_are(shop: Repo):
    """The line count is the work tree's and the blob HEAD's: for a modified file they differ, so each is labelled;
    a file committed as it is shows the two bare, being one content."""
    shop.write("docs/guide.md", "# Guide\n\nMore.\nAnd more, not committed.\n")
    blob = shop.git("rev-parse", "HEAD:docs/guide.md")
    assert len(shop.git("cat-file", "-p", blob).splitlines()) == 3  # the work tree has 4
    done = export(shop, "html")
    assert done.returncode == 0, done.stderr
    (guide,) = [row for row in done.stdout.splitlines() if row.startswith("<tr><td>#1</td><td><code>docs/guide.md<")]
    assert '<td class="num">4 <span class="summary">in the work tree</span></td>' in guide
    assert f'<code class="blob">{blob}</code><br><span class="summary">at HEAD; the work tree differs</span>' in guide
    (retry,) = [row for row in done.stdout.splitlines() if row.startswith("<tr><td>#1</td><td><code>src/retry.js<")]
    retry_blob = shop.git("rev-parse", "HEAD:src/retry.js")
    assert (
        '<td class="num">2</td>' in retry
        and f'<td><code class="blob">{retry_blob}</code></td><td>last reviewed' in retry
    )
    status = json.loads(run_tracker("status", "--json", cwd=shop.root, env=NOW).stdout)
    (git,) = [
        d["git"] for i in status["phases"][0]["issues"] for d in i["deliverables"] if d["path"] == "docs/guide.md"
    ]
    assert (git["state"], git["lines"], git["blob"]) == ("modified", 4, blob)  # the JSON keeps its keys and values


# --- what an export may write over ------------------------------------------------------------------

EVIDENCE = {"csv": "reports/access-review.csv", "html": "docs/index.html"}


def exported(repo: Repo, kind: str) -> bytes:
    """The export's bytes on stdout, line ends and all (run_tracker reads text)."""
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "export", kind], cwd=repo.root, env={**os.environ, **NOW}, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("kind", ["csv", "html"])
def test_a_file_the_plan_names_as_evidence_is_kept_and_said_to_be_evidence(shop: Repo, kind: str):
    """A signed access review (or the published report) the plan lists as a deliverable: an export does not
    replace it, even one tracker made, unless --force."""
    plan = shop.root / "data" / "phases.yaml"
    text = plan.read_text().replace("          - path: src/later.js\n", f"          - path: {EVIDENCE[kind]}\n")
    plan.write_text(text)
    signed = {"csv": b"user,access,approved by\r\nalice,admin,CISO 2026-01-10\r\n", "html": b"<p>Published</p>\n"}
    evidence = shop.write(EVIDENCE[kind], signed[kind].decode())
    shop.commit("Evidence")
    at = text.index(EVIDENCE[kind])
    line, column = text[:at].count("\n") + 1, at - text.rindex("\n", 0, at)
    done = export(shop, kind, "-o", EVIDENCE[kind])
    assert done.returncode == 1
    assert done.stderr == (
        f"{EVIDENCE[kind]}: error: cannot write the {kind} export: the plan names this file as evidence (the "
        f"deliverable of issue #2, {plan}:{line}:{column}): the {kind} export does not replace it; choose another "
        "file, or add --force to replace it\n"
    )
    assert evidence.read_bytes() == signed[kind]
    evidence.write_bytes(exported(shop, kind))  # tracker's own export, kept as evidence
    kept = evidence.read_bytes()
    assert export(shop, kind, "-o", EVIDENCE[kind]).returncode == 1
    assert evidence.read_bytes() == kept
    assert export(shop, kind, "-o", EVIDENCE[kind], "--force").returncode == 0
    assert evidence.read_bytes() != kept


@pytest.mark.parametrize("kind", ["csv", "html"])
def test_a_deliverable_of_another_kind_is_said_to_be_evidence_as_well(shop: Repo, kind: str):
    """`export csv -o docs/guide.md`, a deliverable: the file is not of the export's kind, and the plan names it
    as evidence; both are said, the evidence with the place that names it.  A file of another kind that is no
    deliverable is refused for its kind alone."""
    plan = shop.root / "data" / "phases.yaml"
    text = plan.read_text()
    at = text.index("docs/guide.md")
    line, column = text[:at].count("\n") + 1, at - text.rindex("\n", 0, at)
    guide = (shop.root / "docs" / "guide.md").read_bytes()
    done = export(shop, kind, "-o", "docs/guide.md")
    assert done.returncode == 1
    assert done.stderr == (
        f"docs/guide.md: error: cannot write the {kind} export: the file exists and is not a .{kind} file, and the "
        f"plan names this file as evidence (the deliverable of issue #1, {plan}:{line}:{column}): the {kind} export "
        "does not replace it; choose another file, or add --force to replace it\n"
    )
    assert (shop.root / "docs" / "guide.md").read_bytes() == guide
    shop.write("docs/other.md", "# Other\n")
    done = export(shop, kind, "-o", "docs/other.md")
    assert (done.returncode, done.stderr) == (
        1,
        f"docs/other.md: error: cannot write the {kind} export: the file exists and is not a .{kind} file; choose "
        "another file, or add --force to replace it\n",
    )


@pytest.mark.parametrize(
    ("kind", "name", "other", "at", "why"),
    [
        (
            "csv",
            "people.csv",
            "\ufeffname,team\r\nDana,ops\r\n",
            ":1:1",
            "its header has 'name' where tracker's has 'phase'",
        ),
        ("csv", "empty.csv", "", "", "it starts with nothing"),
        (
            "html",
            "index.html",
            "<!DOCTYPE html>\n<html><head><title>My site</title>",
            "",
            "it starts with '<!DOCTYPE html>'",
        ),
    ],
)
def test_a_file_that_is_not_an_earlier_export_is_kept_unless_forced_and_an_export_is_made_again(
    shop: Repo, kind, name, other, at, why
):
    out = shop.root.parent / "out"  # outside the work tree: a new file there would change the export
    out.mkdir()
    (out / name).write_text(other, newline="")
    kept = (out / name).read_bytes()
    done = export(shop, kind, "-o", str(out / name))
    assert done.returncode == 1
    assert done.stderr == (
        f"{out / name}{at}: error: cannot write the {kind} export: the file exists and is not an earlier tracker "
        f"{kind} export ({why}); choose another file, or add --force to replace it\n"
    )
    assert (out / name).read_bytes() == kept
    assert export(shop, kind, "-o", str(out / name), "--force").returncode == 0
    earlier = (out / name).read_bytes()
    assert earlier == exported(shop, kind)
    # Now an earlier export: made again over itself without --force once the plan changed.
    plan = shop.root / "data" / "phases.yaml"
    plan.write_text(plan.read_text().replace("status: not_started", "status: in_progress"))
    shop.commit("Issue -3 started")
    done = export(shop, kind, "-o", str(out / name))
    assert done.returncode == 0, done.stderr
    assert earlier != (out / name).read_bytes() == exported(shop, kind)


def resaved(data: bytes, bom: bool, line_end: str, quoting: int, separator: str = ",") -> bytes:
    """`data`, a CSV, as a spreadsheet program writes it again once opened and saved: with or without the BOM,
    its own line ends, its own quoting, its own separator."""
    out = io.StringIO()
    csv.writer(out, lineterminator=line_end, quoting=quoting, delimiter=separator).writerows(rows(data))
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


@pytest.mark.parametrize(
    ("bom", "line_end", "quoting", "separator"),
    [
        (False, "\n", csv.QUOTE_MINIMAL, ","),  # LibreOffice's and Google Sheets' defaults
        (False, "\r\n", csv.QUOTE_MINIMAL, ","),  # Excel's "CSV (Comma delimited)"
        (True, "\n", csv.QUOTE_MINIMAL, ","),
        (False, "\r", csv.QUOTE_MINIMAL, ","),  # a classic Mac's line ends
        (False, "\n", csv.QUOTE_ALL, ","),  # LibreOffice's "Quote all text cells"
        (False, "\r\n", csv.QUOTE_MINIMAL, ";"),  # Excel where the comma is the decimal mark (most of Europe)
        (True, "\r\n", csv.QUOTE_MINIMAL, ";"),  # the same Excel's "CSV UTF-8"
        (False, "\n", csv.QUOTE_MINIMAL, "\t"),  # LibreOffice with its separator set to a tab
    ],
)
def test_an_export_saved_again_by_a_spreadsheet_is_still_an_earlier_export(
    shop: Repo, bom, line_end, quoting, separator
):
    out = shop.root.parent / "out"  # outside the work tree: a new file there would change the export
    out.mkdir()
    saved = out / "plan.csv"
    saved.write_bytes(resaved(exported(shop, "csv"), bom, line_end, quoting, separator))
    done = export(shop, "csv", "-o", str(saved))
    assert done.returncode == 0, done.stderr
    assert saved.read_bytes() == exported(shop, "csv")


@pytest.mark.parametrize("bom", ["\ufeff", ""])
def test_a_csv_whose_header_goes_on_past_the_exports_columns_is_kept(shop: Repo, bom):
    """A sheet of one's own that starts with tracker's first columns and adds others (notes, sign-off) is not an
    export, whatever its BOM."""
    out = shop.root.parent / "out"
    out.mkdir()
    mine = out / "plan.csv"
    mine.write_text(f"{bom}phase,id,title,status,notes,signed off\r\nP1,1,Fix,Complete,see ticket,Dana\r\n", newline="")
    kept = mine.read_bytes()
    done = export(shop, "csv", "-o", str(mine))
    assert done.returncode == 1
    assert done.stderr == (
        f"{mine}:1:23: error: cannot write the csv export: the file exists and is not an earlier tracker csv export "
        "(its header has 'notes' where tracker's has 'progress'); choose another file, or add --force to replace it\n"
    )
    assert mine.read_bytes() == kept


@pytest.mark.parametrize(
    ("header", "at", "why"),
    [
        # Said with the separator that reads most of tracker's columns, at the cell that departs from them.
        ("phase;id;title;status;notes\r\n", "1:23", "its header has 'notes' where tracker's has 'progress'"),
        ("phase\tid\ttitle\n", "1:15", "its header ends after 'title' where tracker's goes on with 'status'"),
        (
            ";".join(COLUMNS) + ';"signed, ""by"""\n',
            f"1:{len(';'.join(COLUMNS)) + 2}",
            "its header goes on past tracker's last column, 'last commit', with 'signed, \"by\"'",
        ),
        ('"a\nb",phase,"i\nd"\n', "1:1", "its header has 'a b' where tracker's has 'phase'"),
        ('phase,"i\nd",x\n', "1:7", "its header has 'i d' where tracker's has 'id'"),
        ('phase,"id",title,"status\nof it",x\n', "1:18", "its header has 'status of it' where tracker's has 'status'"),
        ('phase,id,title,"sta""tus"\n', "1:16", "its header has 'sta\"tus' where tracker's has 'status'"),
    ],
)
def test_a_csv_that_is_not_an_export_is_said_at_the_first_cell_of_its_header_that_is_not_trackers(
    shop: Repo, header, at, why
):
    out = shop.root.parent / "out"
    out.mkdir()
    mine = out / "mine.csv"
    mine.write_text(header + "1;2;3\n", newline="")
    done = export(shop, "csv", "-o", str(mine))
    assert done.returncode == 1
    assert done.stderr == (
        f"{mine}:{at}: error: cannot write the csv export: the file exists and is not an earlier tracker csv export "
        f"({why}); choose another file, or add --force to replace it\n"
    )


def test_html_charts_a_history_whose_plan_once_had_no_issues(repo: Repo):
    """A version with no issues has no percent: left off the chart (it raised a TypeError), the others drawn."""
    repo.write("plan.yaml", "project: P\nphases:\n  - id: P1\n    title: One\n    issues: []\n")
    repo.commit("No issues yet", date="2026-01-05T10:00:00+00:00")
    done = run_tracker("-f", "plan.yaml", "export", "html", cwd=repo.root, env=NOW)
    assert done.returncode == 0, done.stderr
    assert "No version of the plan in its git history loads with an issue to measure." in done.stdout
    repo.write(
        "plan.yaml",
        "project: P\nphases:\n  - id: P1\n    title: One\n    issues:\n      - {id: 1, title: A, status: complete}\n",
    )
    repo.commit("An issue", date="2026-01-06T10:00:00+00:00")
    done = run_tracker("-f", "plan.yaml", "export", "html", cwd=repo.root, env=NOW)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('<circle class="point"') == 1


def test_html_charts_a_rebased_commit_after_the_one_it_was_made_on(shop: Repo):
    """A commit authored on 12-03 rebased onto one authored on 12-05: it is dated by its work, but it stands
    on the line from 12-05, where it was put; the chart never runs back in time."""
    plan = shop.root / "data" / "phases.yaml"
    plan.write_text(plan.read_text().replace("status: in_progress", "status: complete"))
    shop.commit("Issue 2 done", "data/phases.yaml", date="2025-12-05T10:00:00+00:00")
    plan.write_text(plan.read_text().replace("title: Fixes", "title: Fixes and more"))
    shop.git("add", "-A")
    shop.git("commit", "-q", "-m", "Rebased", date="2025-12-06T10:00:00+00:00")
    shop.git(
        "commit", "-q", "--amend", "--no-edit", "--date=2025-12-03T10:00:00+00:00", date="2025-12-06T10:00:00+00:00"
    )
    assert shop.git("log", "-1", "--format=%ad %cd", "--date=short") == "2025-12-03 2025-12-06"
    page = export(shop, "html").stdout
    assert ">2025-11-30</text>" in page and ">2025-12-05</text>" in page
    xs = [float(x) for x in re.findall(r'<circle class="point" cx="([0-9.]+)"', page)]
    assert len(xs) == 3 and xs == sorted(xs) and xs[1] == xs[2]
