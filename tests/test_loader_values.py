"""What a plan's values mean: the text the user typed, never a YAML 1.1 surprise."""

from __future__ import annotations

from tracker.plan.loader import load, load_text

PLAN = """\
project: on
phases:
  - id: 010
    title: 2025-11-30
    issues:
      - id: 7
        title: no
        status: audit
        summary: 1:30
        steps:
          - {title: 1.10, estimate: 1h30m}
      - id: "8"
        title: "quoted: yes"
        status: complete
"""


def test_unquoted_values_stay_the_text_typed():
    loaded = load_text(PLAN, "phases.yaml")
    assert loaded.ok, [str(p) for p in loaded.problems]
    project = loaded.project
    phase = project.phases[0]
    assert project.project == "on"
    assert phase.id == "010"
    assert phase.title == "2025-11-30"
    first, second = phase.issues
    assert first.id == 7 and first.title == "no" and first.summary == "1:30"
    assert first.steps[0].title == "1.10"
    assert second.id == "8"
    assert project.find_issue(8) == (phase, second)


def test_positions_point_at_values():
    loaded = load_text(PLAN, "phases.yaml")
    issue = loaded.project.phases[0].issues[0]
    assert issue.where("status") == (8, 17)
    assert issue.where() == (6, 9)


def test_bom_and_crlf_are_fine(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_bytes(b"\xef\xbb\xbf" + PLAN.replace("\n", "\r\n").encode())
    loaded = load(plan)
    assert loaded.ok, [str(p) for p in loaded.problems]
    assert loaded.project.phases[0].issues[0].title == "no"
    assert loaded.project.phases[0].issues[0].where("status") == (8, 17)


def test_python_tags_construct_nothing(tmp_path):
    marker = tmp_path / "pwned"
    loaded = load_text(f'project: !!python/object/apply:os.system ["touch {marker}"]\nphases: []\n', "p.yaml")
    assert not loaded.ok
    assert not marker.exists()


def test_empty_lists_and_nulls_default_sensibly():
    loaded = load_text("project: X\nphases:\n  - id: P\n    title: T\n    issues:\nsessions:\n", "p.yaml")
    assert loaded.ok, [str(p) for p in loaded.problems]
    assert loaded.project.phases[0].issues == []
    assert loaded.project.sessions == []


def test_places_far_along_a_line_are_kept_exactly(tmp_path):
    issues = ", ".join(f"{{id: {n}, title: T{n}, status: audit}}" for n in range(1, 30))
    text = f"project: W\nphases:\n  - {{id: P, title: T, issues: [{issues}, {{id: 30, title: T, status: audti}}]}}\n"
    column = text.index("audti") - text.index("\n  - ")  # 1-based column on line 3
    assert column > 256
    path = tmp_path / "phases.yaml"
    path.write_text(text, encoding="utf-8")
    for loaded in (load_text(text, path), load(path), load(path)):  # parsed, parsed and cached, from the cache
        assert [str(p).split(" is not")[0] for p in loaded.problems] == [
            f"{path}:3:{column}: error: status of issue #30 'audti'"
        ]
        _, issue = loaded.project.find_issue(30)
        assert issue.where("status") == (3, column) and issue.where("title") == (3, column - 11)
