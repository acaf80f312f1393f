"""The summary's data through a Jinja2 template: the shipped one or the user's own.

Every `{{ value }}` a template prints is escaped as one line of markdown text
unless a filter already made it markdown (`md`, `code`, `markdown`, `verbatim`,
`codeblock`), so no template, ours or a user's, can let a title become HTML,
a table border or a heading.  A user's template runs in Jinja's sandbox: a
template file from a shared repository cannot reach Python internals.  The
shipped one is ours and runs without it (the sandbox checks every attribute
access, which costs seconds on a large plan).

A template is one file: `include`, `extends` and `import` find nothing (a clear
error, not the template loading itself until Python's stack runs out).  A
user's template also runs in a process of its own (notes/sandbox.py) with a
limit on its time, memory and output, since the sandbox guards what a template
may reach but not how long it loops or how large a string it builds.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from tracker.notes import mdtext
from tracker.notes.errors import SummaryError

BUILTIN = "summary.md.j2"


# What a user's template may use (the shipped one is ours and runs in-process, unlimited).
TIME_LIMIT = 30  # seconds of CPU
MEMORY_LIMIT = 4 << 30  # bytes of address space for the process that renders it
OUTPUT_LIMIT = 256 << 20  # characters of output


def render(context: dict, template: str | os.PathLike | None = None) -> str:
    name, source = _source(template)
    if template is None:
        return render_source(context, name, source, sandboxed=False)
    from tracker.notes.sandbox import render_apart

    return render_apart(context, name, source)


def render_source(context: dict, name: str, source: str, sandboxed: bool, limit: int | None = None) -> str:
    """`source` (the template named `name`) rendered with `context`; at most `limit` characters."""
    from jinja2 import (
        Environment,
        FunctionLoader,
        StrictUndefined,
        TemplateError,
        TemplateNotFound,
        TemplateSyntaxError,
    )
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment if sandboxed else Environment
    # Loading through a loader (not from_string) gives compiled frames the template's file name,
    # which is how a render error finds its line.  It knows this one template and no other.
    env = environment(
        loader=FunctionLoader(lambda asked: (source, name, lambda: True) if asked == name else None),
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(mdtext.FILTERS)
    try:
        compiled = env.get_template(name)
    except TemplateSyntaxError as exc:
        raise SummaryError(f"{name}:{exc.lineno}: error: {exc.message}") from None
    try:
        parts = _joined(compiled.generate(context), limit=limit)
    except TemplateNotFound as exc:
        raise SummaryError(
            f"{name}:{template_line(exc, name)}: error: a summary template is one file; '{exc.name}' cannot be "
            "included, extended or imported (copy what you need from it into this template)"
        ) from None
    except RecursionError as exc:
        raise SummaryError(
            f"{name}:{template_line(exc, name)}: error: the template calls itself too deeply "
            "(a macro that never stops calling itself?)"
        ) from None
    except (TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise SummaryError(f"{name}:{template_line(exc, name)}: error: {_first_line(exc)}") from None
    while parts and not parts[-1].rstrip("\n"):  # the text ends with exactly one line break
        parts.pop()
    if parts:
        parts[-1] = parts[-1].rstrip("\n")
    parts.append("\n")
    return "".join(parts)


class TooLong(Exception):
    """The template's output passed its limit."""


def _joined(chunks, size: int = 4096, limit: int | None = None) -> list[str]:
    """The template's output in pieces of `size` chunks each; TooLong past `limit` characters.

    Jinja's own render() gathers every chunk before joining them: on a large
    plan that is millions of small strings alive at once, several times the
    size of the text they make.
    """
    parts: list[str] = []
    batch: list[str] = []
    total = 0
    for chunk in chunks:
        batch.append(chunk)
        if limit is not None:
            total += len(chunk)
            if total > limit:
                raise TooLong
        if len(batch) == size:
            parts.append("".join(batch))
            batch.clear()
    parts.append("".join(batch))
    return parts


def _source(template: str | os.PathLike | None) -> tuple[str, str]:
    if template is None:
        from importlib.resources import files

        return BUILTIN, (files("tracker.notes") / "templates" / BUILTIN).read_text(encoding="utf-8")
    path = Path(template)
    try:
        return str(path), path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SummaryError(f"{path}: error: the template is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise SummaryError(f"{path}: error: cannot read the template: {exc.strerror}") from None


def _finalize(value):
    if value is None:
        return ""
    return mdtext.inline(value)


def template_line(exc: BaseException, name: str) -> int:
    """The template line a render error came from (Jinja maps its frames back to template lines)."""
    line = 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == name and frame.lineno:
            line = frame.lineno
    return line


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
