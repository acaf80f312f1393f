"""The summary's data through a Jinja2 template: the shipped one or the user's own.

Every `{{ value }}` a template prints is escaped as one line of markdown text
unless a filter already made it markdown (`md`, `code`, `markdown`, `verbatim`,
`codeblock`), so no template, ours or a user's, can let a title become HTML,
a table border or a heading.  A user's template runs in Jinja's sandbox: a
template file from a shared repository cannot reach Python internals.  The
shipped one is ours and runs without it (the sandbox checks every attribute
access, which costs seconds on a large plan).
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from tracker.notes import mdtext
from tracker.notes.errors import SummaryError

BUILTIN = "summary.md.j2"


def render(context: dict, template: str | os.PathLike | None = None) -> str:
    from jinja2 import Environment, FunctionLoader, StrictUndefined, TemplateError, TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    name, source = _source(template)
    environment = Environment if template is None else SandboxedEnvironment
    # Loading through a loader (not from_string) gives compiled frames the template's file name,
    # which is how a render error finds its line.
    env = environment(
        loader=FunctionLoader(lambda _: (source, name, lambda: True)),
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
        parts = _joined(compiled.generate(context))
    except (TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise SummaryError(f"{name}:{_template_line(exc, name)}: error: {_first_line(exc)}") from None
    while parts and not parts[-1].rstrip("\n"):  # the text ends with exactly one line break
        parts.pop()
    if parts:
        parts[-1] = parts[-1].rstrip("\n")
    parts.append("\n")
    return "".join(parts)


def _joined(chunks, size: int = 4096) -> list[str]:
    """The template's output in pieces of `size` chunks each.

    Jinja's own render() gathers every chunk before joining them: on a large
    plan that is millions of small strings alive at once, several times the
    size of the text they make.
    """
    parts: list[str] = []
    batch: list[str] = []
    for chunk in chunks:
        batch.append(chunk)
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


def _template_line(exc: BaseException, name: str) -> int:
    """The template line a render error came from (Jinja maps its frames back to template lines)."""
    line = 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == name and frame.lineno:
            line = frame.lineno
    return line


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
