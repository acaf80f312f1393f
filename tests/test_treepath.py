"""Whether a path is inside the work tree: one rule (support/treepath.py) for a plan's lock, a symlink's target
and a note's or a plan's git path, on the edge cases where hand-made versions of it part ways."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracker.git.links import symlink_reason
from tracker.support import cachefiles, ownfiles
from tracker.support.treepath import inside, inside_resolved


def test_inside_takes_the_root_itself_and_what_is_under_it_and_nothing_else():
    assert inside("/r", "/r") == "."
    assert inside("/r/", "/r") == "."  # a root written with its trailing separator is the same folder
    assert inside("/r/", "/r/a/b.md") == "a/b.md"
    assert inside("/r", "/r/a/b.md") == "a/b.md"
    assert inside("/r", "/r2/b.md") is None  # a sibling whose name starts with the root's
    assert inside("/r", "/") is None
    assert inside("/r", "/R/b.md") is None  # letter case counts, as in git's paths
    assert inside("/r", "/r/..b.md") == "..b.md"  # a name starting with two dots is no way up
    assert inside("/", "/r/b.md") == "r/b.md"
    assert inside("/", "/") == "."


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A work tree reached through a symlink (`tree` -> `real`), with a sibling whose name starts with its own."""
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "plan.yaml").write_text("")
    (tmp_path / "real2").mkdir()
    (tmp_path / "real2" / "plan.yaml").write_text("")
    (tmp_path / "tree").symlink_to(tmp_path / "real")
    return tmp_path / "tree"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("plan.yaml", "plan.yaml"),
        ("sub/../plan.yaml", "plan.yaml"),  # `..` that stays inside
        ("../real/plan.yaml", "plan.yaml"),  # out by `..` and back in under the real name
        ("../tree/plan.yaml", "plan.yaml"),  # ... or under the symlink's
        ("../real2/plan.yaml", None),  # the sibling whose name starts with the tree's
        ("../plan.yaml", None),
        ("../REAL/plan.yaml", None),  # letter case counts (this file system tells them apart)
    ],
)
def test_every_reader_of_the_work_tree_draws_its_edge_in_the_same_place(tree: Path, path: str, expected: str | None):
    """The plan's lock, a symlink's target and a plan's git path agree, the root named through a symlink."""
    target = Path(os.path.normpath(tree / path))
    real_root = os.path.realpath(tree)
    assert inside_resolved(tree, target) == expected
    assert inside_resolved(str(tree) + os.sep, target) == expected
    assert ownfiles.plan_locks(tree, target) == (frozenset() if expected is None else {f"{expected}.lock"})
    assert (symlink_reason(real_root, os.path.realpath(target)) is None) == (expected is not None)
    link = tree / "sub" / "link"
    link.symlink_to(target)
    assert (cachefiles.link_target(real_root, str(link))[1] is not None) == (expected is not None and target.exists())
