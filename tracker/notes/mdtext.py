"""User text inside generated markdown: shown, never obeyed.

A title may hold `|`, backticks, `<script>`, `*`, a trailing backslash or a
newline; none of it may become a table border, code, HTML, emphasis or a new
block.  `Md` marks text that is already markdown; the summary template
escapes every other value it prints (see summary_render), so forgetting a
filter shows a backslash too many, never a broken document.

Escaping is as light as CommonMark allows, so the file stays readable as
plain text: `snake_case` keeps its underscore, `A & B` its ampersand.
"""

from __future__ import annotations

import re

from tracker.support.textsafe import CONTROLS_AND_BREAKS, block, one_line


class Md(str):
    """Text already in markdown form."""

    __slots__ = ()


# Characters that start markup anywhere in a line.  `_` is handled apart:
# between two letters or digits it can neither open nor close emphasis.
_ANYWHERE = re.compile(r"[\\`*\[\]<|~]|&(?=#?[A-Za-z0-9]+;)|_")
# What starts a block when it comes first: a heading (`#` to `######` and a space), a quote, a list
# item (`-`, `+` or `1.` and a space), a setext or thematic line (only `-` or `=`).  `2.5 hours` and
# `#4` start none, and are left alone.
_LINE_START = re.compile(r"^(?:#{1,6}(?=[ \t]|$)|>|[-+](?=[ \t]|$)|[-=](?=[-= \t]*$)|\d{1,9}(?=[.)](?:[ \t]|$)))")
_TRAILING_HASHES = re.compile(r"(?<= )#+$")
_BACKTICKS = re.compile(r"`+")
_SPACES = re.compile(r"  +")
_FENCE_CHARS = ("```", "~~~")
# Anything _escaped would act on: a control or line break (textsafe.one_line), a markup character, a
# run of spaces, a leading space, a closing `#`.  A line start (_LINE_START) is asked apart.
_WORK = re.compile(f"[{CONTROLS_AND_BREAKS}" r"\\`*\[\]<|~&_]|  |^ |#$").search


def inline(value) -> Md:
    """Any value as one line of literal markdown text (safe in headings, lists and table cells)."""
    if isinstance(value, Md):
        return value
    text = "" if value is None else str(value)
    if _WORK(text) is None and _LINE_START.match(text) is None:
        # Most titles and every number: _escaped would give them back as they are.  A summary of
        # 100,000 issues prints two million values; asking one regex first is a third of its time.
        return Md(text)
    return _escaped(text)


def _escaped(text: str) -> Md:
    """inline's work on a string: every step, whether or not it changes anything."""
    # Runs of spaces become one: a single space can neither indent code nor force a line break.
    text = _SPACES.sub(" ", one_line(text))

    def escape(match: re.Match) -> str:
        char = match.group()
        if char == "_":
            at = match.start()
            before = text[at - 1] if at else " "
            after = text[at + 1] if at + 1 < len(text) else " "
            if before.isalnum() and after.isalnum():
                return char
        return "\\" + char

    text = _ANYWHERE.sub(escape, text)
    body = text.lstrip(" ")
    lead = text[: len(text) - len(body)]
    start = _LINE_START.match(body)
    if start:
        # A list number is made inert by escaping the `.`/`)` after it, anything else by escaping itself.
        end = start.end()
        body = body[:end] + "\\" + body[end:] if body[0].isdigit() else "\\" + body
        text = lead + body
    hashes = _TRAILING_HASHES.search(text)
    if hashes:
        # A heading drops a closing run of `#`; an escaped first `#` keeps the run as text.
        text = text[: hashes.start()] + "\\" + text[hashes.start() :]
    return Md(text)


def code(value, table: bool | None = None) -> Md:
    """A code span that shows the text exactly, however many backticks it holds.

    A `|` ends a table cell even inside a span, unless escaped, and outside a table the escape would show:
    `table=True` (a table cell) escapes it, `table=False` (anywhere else) leaves it, and a template that does
    not say gets escaped text, right in both places but no span."""
    text = one_line("" if value is None else str(value))
    if not text.strip() or ("|" in text and table is None):
        return inline(text)  # an empty span is not a span
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text[0] in "` " or text[-1] in "` ":
        text = f" {text} "
    span = f"{fence}{text}{fence}"
    # GFM splits a row into cells at each `|` not escaped, then reads `\|` as `|`, inside a span too.
    return Md(span.replace("|", "\\|") if table else span)


def verbatim(value) -> Md:
    """One line for inside a fenced code block, where nothing is interpreted."""
    return Md(one_line("" if value is None else str(value)))


def codeblock(value, info: str = "") -> Md:
    """A fenced code block around `value`, with a fence no line inside can close."""
    text = str(value).strip("\n")
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Md(f"{fence}{one_line(info).replace('`', '')}\n{text}\n{fence}")


def markdown(value) -> Md:
    """A user's markdown body (an insight): kept as markdown, but with no raw HTML and no open code fence."""
    if isinstance(value, Md):
        return value
    text = block("" if value is None else str(value)).strip("\n").rstrip()
    if "<" in text:
        text = _defuse_html(text)
    if any(chars in text for chars in _FENCE_CHARS):
        text = _close_fence(text)
    return Md(text)


def _parser():
    from markdown_it import MarkdownIt  # only bodies with `<` or fences pay for the import

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _defuse_html(text: str) -> str:
    """Escape `<` on the lines where a CommonMark parser finds raw HTML.

    Only those lines are touched, so `a < b` in a code block elsewhere stays as
    written.  If escaping once is not enough (it always is, but the loop keeps
    the promise unconditional), every `<` becomes `&lt;`.
    """
    parser = _parser()
    for _ in range(3):
        rows: set[int] = set()
        for token in parser.parse(text):
            has_html = token.type == "html_block" or (
                token.type == "inline" and any(child.type == "html_inline" for child in token.children or ())
            )
            if has_html:
                if token.map is None:
                    return text.replace("<", "&lt;")
                rows.update(range(*token.map))
        if not rows:
            return text
        lines = text.split("\n")
        for row in rows:
            lines[row] = lines[row].replace("<", "\\<")
        text = "\n".join(lines)
    return text.replace("<", "&lt;")


def _close_fence(text: str) -> str:
    """Close a code fence the body leaves open, so it cannot swallow the rest of the document.

    What follows a body in the summary starts at column 0 after a blank line,
    so a sentinel line in that place shows what the parser would do with it.
    """
    probe = text + "\n\nEND"
    lines = probe.count("\n") + 1
    for token in _parser().parse(probe):
        if token.type == "fence" and token.level == 0 and token.map and token.map[1] >= lines:
            return text + "\n" + token.markup
    return text


FILTERS = {"md": inline, "code": code, "verbatim": verbatim, "codeblock": codeblock, "markdown": markdown}
