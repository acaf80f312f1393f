"""`tracker init`: a commented starting plan in a new repository, never over an existing one."""

from __future__ import annotations

import json

from conftest import BUNDLED_PLAN, ROOT, run_tracker

TEMPLATES = ROOT / "tracker" / "edit" / "templates"


def test_init_then_validate_in_a_new_git_repository(repo):
    done = run_tracker("init", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    plan = repo.root / "data" / "phases.yaml"
    text = plan.read_text()
    assert text.startswith("# yaml-language-server: $schema=./phases.schema.json\n# The plan tracker reads")
    schema = json.loads((repo.root / "data" / "phases.schema.json").read_text())
    assert schema["title"].startswith("tracker plan")
    assert done.stdout.splitlines()[:2] == [
        "wrote data/phases.yaml (template blank)",
        "wrote data/phases.schema.json (the schema editors check the plan against)",
    ]
    checked = run_tracker("validate", cwd=repo.root)
    assert (checked.returncode, checked.stdout) == (0, f"{plan}: ok\n"), checked.stderr
    status = run_tracker("status", cwd=repo.root)
    assert status.returncode == 0 and "0 of 1 issues done" in status.stdout


def test_git_lines_are_offered_not_forced(repo):
    done = run_tracker("init", cwd=repo.root)
    assert "suggested (not added; `--git-lines` adds them):" in done.stdout
    assert "  .gitignore: /data/phases.yaml.lock" in done.stdout
    assert not (repo.root / ".gitignore").exists() and not (repo.root / ".gitattributes").exists()
    (repo.root / ".gitignore").write_text("node_modules/")  # no final newline
    again = run_tracker("init", "--force", "--git-lines", cwd=repo.root)
    assert again.returncode == 0, again.stderr
    assert (repo.root / ".gitignore").read_text() == (
        "node_modules/\n/data/phases.yaml.lock\n/data/.phases.yaml.tracker-*.tmp\n"
    )
    assert (repo.root / ".gitattributes").read_text() == "/data/phases.schema.json linguist-generated=true\n"
    run_tracker("init", "--force", "--git-lines", cwd=repo.root)
    assert (repo.root / ".gitignore").read_text().count("phases.yaml.lock") == 1  # not added twice


def test_it_never_overwrites_without_force(repo):
    plan = repo.root / "data" / "phases.yaml"
    plan.parent.mkdir()
    plan.write_text("project: mine\nphases: []\n")
    done = run_tracker("init", "--template", "example", cwd=repo.root)
    assert done.returncode == 1
    assert done.stderr == (
        "data/phases.yaml: error: a plan is already there; nothing was written "
        "(pass --force to replace it, or --file PATH to write another)\n"
    )
    assert plan.read_text() == "project: mine\nphases: []\n"
    assert not (repo.root / "data" / "phases.schema.json").exists()
    forced = run_tracker("init", "--template", "example", "--force", cwd=repo.root)
    assert forced.returncode == 0
    assert plan.read_bytes() == BUNDLED_PLAN.read_bytes()  # it already carries the schema line


def test_project_name_and_file(repo):
    done = run_tracker("init", "--project", "ACME: SOC 2", "-f", "plans/soc2.yaml", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    text = (repo.root / "plans" / "soc2.yaml").read_text()
    assert "\nproject: 'ACME: SOC 2'\n" in text
    assert "`tracker -f plans/soc2.yaml validate`" in done.stdout
    assert run_tracker("validate", "plans/soc2.yaml", cwd=repo.root).returncode == 0


def test_templates_are_listed_and_a_wrong_name_is_a_usage_error(repo):
    listed = run_tracker("init", "--template", "list", cwd=repo.root)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["blank", "example", "nist-800-53-moderate"]
    assert not (repo.root / "data").exists()
    wrong = run_tracker("init", "--template", "nist", cwd=repo.root)
    assert wrong.returncode == 2
    assert "no template 'nist'" in wrong.stderr and "choose one of blank, example, nist-800-53-moderate" in wrong.stderr


def test_the_example_template_is_the_bundled_plan():
    assert (TEMPLATES / "example.yaml").read_bytes() == BUNDLED_PLAN.read_bytes()


def test_the_nist_template_validates_with_18_phases_and_287_issues(repo):
    done = run_tracker("init", "--template", "nist-800-53-moderate", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    assert run_tracker("validate", cwd=repo.root).returncode == 0
    status = run_tracker("status", cwd=repo.root)
    assert status.returncode == 0, status.stderr
    phases = [line for line in status.stdout.splitlines() if line[:2].isupper() and "%" in line]
    assert len(phases) == 18
    assert status.stdout.rstrip().endswith("0 of 287 issues done")
    report = json.loads(run_tracker("status", "--json", cwd=repo.root).stdout)
    assert sum(len(phase["issues"]) for phase in report["phases"]) == 287


def test_an_init_interrupted_leaves_no_folder_it_made(repo):
    import signal
    import subprocess
    import sys
    import time

    from conftest import tracker_env

    writer = subprocess.Popen(
        [sys.executable, "-m", "tracker", "init"],
        cwd=repo.root,
        env=tracker_env(TRACKER_TEST_PAUSE_AFTER_TEMP="60"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(repo.root.glob("data/.phases.yaml.tracker-*.tmp")):
            assert writer.poll() is None and time.monotonic() < deadline, "init never wrote its temporary file"
            time.sleep(0.02)
        writer.send_signal(signal.SIGTERM)
        assert writer.wait(timeout=30) == -signal.SIGTERM
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert sorted(p.name for p in repo.root.iterdir()) == [".git"]
