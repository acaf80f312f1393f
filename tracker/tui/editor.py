"""The command that opens a file in the user's editor, at a line when it can.

$VISUAL, then $EDITOR, then `vi`.  The value may carry arguments
(`code --wait`); it is split like a shell would, never run through one.
Editors differ in how they take a line: most accept `+LINE FILE`; VS Code
and friends take `--goto FILE:LINE`; for editors not known here the file
opens at its top.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

PLUS_LINE = {
    "vi",
    "vim",
    "nvim",
    "view",
    "gvim",
    "nano",
    "pico",
    "emacs",
    "emacsclient",
    "micro",
    "kak",
    "joe",
    "jed",
    "ne",
    "mg",
    "ed",
    "ex",
}
GOTO_LINE = {"code", "code-insiders", "codium", "cursor", "windsurf"}
COLON_LINE = {"subl", "hx", "helix", "zed", "gedit", "kate"}


class NoEditor(Exception):
    pass


def editor_setting(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get("VISUAL") or env.get("EDITOR") or "vi"


def editor_command(editor: str, path: Path, line: int | None = None) -> list[str]:
    try:
        words = shlex.split(editor)
    except ValueError as exc:
        raise NoEditor(f"cannot read the editor setting {editor!r}: {exc}") from None
    if not words:
        raise NoEditor("the editor setting is empty; set $EDITOR")
    name = Path(words[0]).name.removesuffix(".exe")
    target = str(path)
    if line is None:
        return [*words, target]
    if name in PLUS_LINE:
        return [*words, f"+{line}", target]
    if name in GOTO_LINE:
        return [*words, "--goto", f"{target}:{line}"]
    if name in COLON_LINE:
        return [*words, f"{target}:{line}"]
    return [*words, target]
