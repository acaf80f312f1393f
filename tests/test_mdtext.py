"""Markdown escaping: any text, in any place the summary puts it, parses back to itself."""

from __future__ import annotations

import random
import re

import pytest
from markdown_it import MarkdownIt

from tracker.notes.mdtext import Md, _escaped, code, codeblock, inline, markdown
from tracker.support.textsafe import one_line

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
ALPHABET = list("\\`*_[]()<>!#|~&;:-+=.1 aZé\t\n") + ["&amp;", "&#60;", "<b>", "</b>", "<!--", "```", "    ", "\x1b"]
PLACES = {
    "paragraph": "{}",
    "bullet": "- {}",
    "ordered": "1. {}",
    "heading": "### {}",
    "heading with a mark": "### {} ✅",
    "table cell": "| a | b |\n|---|---|\n| {} | x |",
}


def texts(count: int = 400) -> list[str]:
    rng = random.Random(20251130)
    return [("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12)))) for _ in range(count)]


def expected(text: str) -> str:
    return re.sub(" +", " ", one_line(text)).strip()


def inline_tokens(markup: str):
    tokens = PARSER.parse(markup)
    assert not [t for t in tokens if t.type == "html_block"], markup
    return [t for t in tokens if t.type == "inline"]


@pytest.mark.parametrize("place", PLACES)
def test_escaped_text_reads_back_as_typed_wherever_it_goes(place: str):
    for text in texts():
        markup = PLACES[place].format(inline(text))
        found = inline_tokens(markup)
        if place == "table cell":
            assert len(found) == 4, (text, markup)  # a, b, the text, x: the row did not split
            assert found[3].content == "x", (text, markup)
            found = found[2:3]
        else:
            assert len(found) <= 1, (text, markup)  # one block: no heading, list or quote appeared
        children = found[0].children if found else []
        assert not [c for c in children if c.type not in ("text", "code_inline", "softbreak")], (text, markup)
        shown = "".join(c.content for c in children)
        if place == "heading with a mark":
            shown = shown.removesuffix(" ✅").removesuffix("✅")
        assert re.sub(" +", " ", shown).strip() == expected(text), (text, markup)


def test_code_spans_hold_any_backticks_and_fall_back_to_text_for_pipes():
    for text in texts():
        span = code(text)
        tokens = inline_tokens(f"- {span} x")
        children = tokens[0].children if tokens else []
        if "|" in one_line(text) or not one_line(text).strip():
            assert span == inline(text)
            continue
        assert [c.type for c in children][:1] == ["code_inline"], (text, span)
        assert children[0].content == one_line(text).strip(" ") or children[0].content == one_line(text), text


def test_code_spans_told_where_they_go_keep_pipes_in_a_table_cell_and_in_a_line():
    for text in [*texts(), "ev/pi|pe.md", "a\\|b", "``|`"]:
        if not one_line(text).strip():
            continue
        for table, markup in ((True, "| a | b |\n|---|---|\n| {} | x |"), (False, "- {} x")):
            span = code(text, table=table)
            found = inline_tokens(markup.format(span))
            if table:
                assert len(found) == 4 and found[3].content == "x", (text, span)  # the row did not split
                found = found[2:3]
            children = found[0].children
            assert [c.type for c in children][:1] == ["code_inline"], (text, span)
            assert children[0].content in (one_line(text), one_line(text).strip(" ")), (text, span)


def test_text_left_as_it_is_without_the_escaping_steps_is_what_they_would_give():
    """inline skips its steps for text none of them would change; any text it skips them for must come out
    as the steps would have made it, whatever the character that would have made them act."""
    more = [
        *ALPHABET,
        "٣",
        "٣.",
        "5)",
        "#",
        "# ",
        ">",
        "=",
        "\u2028",
        "\u202e",
        "\udc80",
        "\x7f",
        "\x85",
        "_a",
        "&x;",
        "  ",
    ]
    rng = random.Random(20261204)
    samples = texts() + ["".join(rng.choice(more) for _ in range(rng.randint(0, 8))) for _ in range(5000)]
    samples += ["plain title", "Issue 12", "12", "v1.2 (draft)", "A/B: 50% done!", "", "ok #", "C#", "-1", "2.5 hours"]
    for text in samples:
        assert inline(text) == _escaped(text), repr(text)
    assert inline(12) == _escaped("12") == "12"


def test_light_escaping_keeps_ordinary_text_readable():
    assert inline("snake_case & A/B (v1.2) 50% done: yes!") == "snake_case & A/B (v1.2) 50% done: yes!"
    assert inline("__init__ *x* [y]") == r"\_\_init\_\_ \*x\* \[y\]"
    assert inline("2. second") == r"2\. second"
    assert inline("C# and fix ##") == r"C# and fix \##"
    assert isinstance(inline("x"), Md) and inline(Md("**kept**")) == "**kept**"


def test_codeblock_fence_outlasts_any_backticks_inside():
    block = codeblock("a ```` b\nc")
    assert block.startswith("`````\n") and block.endswith("\n`````")
    fences = [t for t in PARSER.parse(block + "\n\nafter") if t.type == "fence"]
    assert [f.content for f in fences] == ["a ```` b\nc\n"]


def test_markdown_bodies_keep_markdown_lose_html_and_close_their_fences():
    body = markdown("**Solution**: use `increment()`\n\n<div>x</div>\n\ntext <b>y</b> and `a<b`\n\n~~~\ncode <i>\n")
    tokens = PARSER.parse(body + "\n\n## Next")
    assert not [t for t in tokens if t.type == "html_block"]
    assert not [c for t in tokens if t.type == "inline" for c in t.children if c.type == "html_inline"]
    assert [t.content for t in tokens if t.type == "fence"] == ["code <i>\n"]
    assert tokens[-3].type == "heading_open"  # the heading after the body is still a heading
    assert "**Solution**: use `increment()`" in body
    assert markdown("a < b, plain") == "a < b, plain"
