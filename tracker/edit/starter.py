"""A starting plan for a repository: `tracker init`'s templates, and writing a new plan file safely.

Templates live in edit/templates/.  `nist-800-53-moderate.yaml` is not written
by hand: it is `tracker import oscal` of NIST's resolved moderate baseline
(tests/test_init.py regenerates it and compares bytes), made with

    tracker import oscal tests/data/oscal/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json \\
        -o tracker/edit/templates/nist-800-53-moderate.yaml --force
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tracker.edit import textedit
from tracker.plan import plan_schema, yamltree
from tracker.support import atomicfile
from tracker.support.ownfiles import lock_name, temp_pattern
from tracker.support.treepath import inside_resolved

TEMPLATES = {
    "blank": "one phase, one issue, one step: a file to grow your own plan from",
    "example": "the example programme: an online-course platform's compliance review in four phases",
    "nist-800-53-moderate": "NIST SP 800-53 rev. 5 moderate baseline: 18 families, 287 controls (from NIST's OSCAL)",
}
SCHEMA_NAME = "phases.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema=./{SCHEMA_NAME}"
_SCHEMA_PREFIX = "# yaml-language-server: $schema="


class StartRefused(Exception):
    """Nothing was written; str() is the message, `path: error: ...`."""


def template_text(name: str, project: str | None = None) -> str:
    """The template's text with the schema line on top and, if given, `project` as the project's name."""
    if name not in TEMPLATES:
        raise KeyError(name)
    text = (Path(__file__).parent / "templates" / f"{name}.yaml").read_text(encoding="utf-8")
    return with_project(with_schema_line(text), project)


def with_schema_line(text: str) -> str:
    """`text` whose first line points editors at the schema file written next to it."""
    first, _, rest = text.partition("\n")
    if first.startswith(_SCHEMA_PREFIX):
        return SCHEMA_LINE + "\n" + rest
    return SCHEMA_LINE + "\n" + text


def with_project(text: str, project: str | None) -> str:
    if project is None:
        return text
    root = yamltree.parse(text).root
    if root is None or root.kind != "mapping":  # a bug: every template is a plan, a mapping at its top
        raise ValueError("the template has no mapping at its top")
    return textedit.set_key(text, root, "project", project)


def write_plan(
    target: Path,
    text: str,
    force: bool,
    placed: Callable[[Path], None],
    schema: bool = True,
    elsewhere: str = "--file PATH",
) -> None:
    """Write a new plan (and its schema file next to it, unless one is there); refuse to replace a plan unless
    `force`, saying how to write another: `elsewhere`, the command's option that names the file.  `placed` is
    told each file as it is put in place, in the rename's step (atomicfile: Ctrl+C held), so that an interrupted
    command has said each file it wrote (cli/launch.py)."""
    if target.is_dir():
        raise StartRefused(f"{target}: error: a folder, not a file; give the plan's file name")
    data = text.encode("utf-8")
    write = atomicfile.write_atomic if force else atomicfile.write_new  # the plan and its schema alike
    try:
        with atomicfile.folders_for(target):
            write(target, data, lambda: placed(target))
    except FileExistsError:
        raise StartRefused(
            f"{target}: error: a plan is already there; nothing was written "
            f"(pass --force to replace it, or {elsewhere} to write another)"
        ) from None
    except OSError as exc:
        raise StartRefused(f"{target}: error: cannot write it: {exc.strerror or exc}; nothing was written") from None
    if not schema:
        return
    schema_path = target.parent / SCHEMA_NAME
    schema_data = (json.dumps(plan_schema(), indent=2) + "\n").encode("utf-8")
    try:
        write(schema_path, schema_data, lambda: placed(schema_path))
    except FileExistsError:
        return
    except OSError as exc:
        raise StartRefused(
            f"{schema_path}: error: cannot write the schema for editors: {exc.strerror or exc}"
        ) from None


def git_lines(plan: Path, root: Path) -> dict[str, list[str]]:
    """Lines worth adding to the repository's .gitignore and .gitattributes for a plan at `plan`."""
    relative = inside_resolved(root, plan) or plan.name
    folder = relative.rpartition("/")[0]
    prefix = f"{folder}/" if folder else ""
    return {
        ".gitignore": [
            f"/{lock_name(relative)}",  # a writer's lock, there for milliseconds
            f"/{prefix}{temp_pattern(plan.name)}",  # a writer killed mid-write
        ],
        ".gitattributes": [f"/{prefix}{SCHEMA_NAME} linguist-generated=true"],
    }


def add_git_lines(root: Path, lines: dict[str, list[str]], placed: Callable[[Path], None]) -> None:
    """Append the lines that are not there yet to each file; `placed` is told each file changed, in its rename's
    step (as write_plan's)."""
    for name, wanted in lines.items():
        path = root / name
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        have = set(old.splitlines())
        missing = [line for line in wanted if line not in have]
        if not missing:
            continue
        lead = "" if not old or old.endswith("\n") else "\n"
        atomicfile.write_atomic(path, (old + lead + "\n".join(missing) + "\n").encode("utf-8"), partial(placed, path))
