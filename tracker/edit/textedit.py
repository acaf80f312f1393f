"""Small edits to YAML text at the places the parser marked, leaving every other byte alone.

A value is replaced inside its own span (`Scalar.start:end` from yamltree); a key
that is absent becomes one new line at the indentation of its neighbours (block
mapping) or `, key: value` before the closing brace (flow mapping); a list entry
is appended in the style of the list it joins.  New text uses the line break of
the line it follows, so CRLF files stay CRLF.

Nothing here checks the result as a whole: the writer re-parses the new text
and compares models before anything reaches the disk.
"""

from __future__ import annotations

import re

import yaml

from tracker.plan import yamltree

# Conservative on purpose: text outside this set is quoted, which is always
# correct, while plain text next to `#`, `:`, `,` or brackets depends on context.
_PLAIN = re.compile(r"[\w./](?:[\w./()+ -]*[\w./()+-])?\Z")
_YAML11 = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_DATE_TAG = "tag:yaml.org,2002:timestamp"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# What other readers take as numbers or yes/no beyond the two resolvers used
# below: YAML 1.2 core ints with leading zeros (a short sha like 0384115) and
# YAML 1.1's one-letter booleans.
_OTHER_READERS = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[yYnN]")
_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")
_NAMED_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


class EditError(Exception):
    """The text around the value has a form this module does not rewrite."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


def render_scalar(value: str, style: str | None = None, plain_date: bool = False) -> str:
    """`value` as a YAML scalar that every reader takes as this exact text.

    Plain only when YAML 1.1 and 1.2 readers both see text (so `no`, `010`,
    `1:30` and `null` are quoted); `style` keeps an existing quote character.
    With `plain_date`, an ISO date stays plain, the way the plan writes dates.
    """
    if style is None and _plain_is_text(value, plain_date):
        out = value
    elif style != '"' and all(_single_quotable(ch) for ch in value):
        out = "'" + value.replace("'", "''") + "'"
    else:
        out = '"' + "".join(_escape(ch) for ch in value) + '"'
    root = yamltree.parse(f"k: {out}\n").root
    parsed = root.items[0][1] if root is not None and root.kind == "mapping" else None
    if parsed is None or parsed.text != value or (parsed.plain and parsed.value != value):
        raise ValueError(f"cannot write {value!r} as a YAML scalar")  # a bug in the rules above
    return out


def reads_back(flow: str, values: list[str]) -> bool:
    """Whether the flow list `flow` reads as exactly `values`, strings all, in tracker's reader and in
    PyYAML's (YAML 1.1: what other tools read the plan with)."""
    root = yamltree.parse(f"k: {flow}\n").root
    listed = root.items[0][1] if root is not None and root.kind == "mapping" else None
    if listed is None or listed.kind != "sequence" or any(item.kind != "scalar" for item in listed.items):
        return False
    if [item.text for item in listed.items] != values:
        return False
    if any(item.plain and item.value != item.text for item in listed.items):
        return False
    try:
        return yaml.safe_load(f"k: {flow}\n") == {"k": values}
    except yaml.YAMLError:
        return False


def _plain_is_text(value: str, plain_date: bool) -> bool:
    if not _PLAIN.match(value) or _OTHER_READERS.fullmatch(value):
        return False
    try:
        if yamltree.resolve_plain(value) != value:
            return False
    except ValueError:  # digits past Python's int-string limit: the reader refuses them unquoted
        return False
    tag = _YAML11.resolve(yaml.ScalarNode, value, (True, False))
    return tag == _STR_TAG or (plain_date and tag == _DATE_TAG and bool(_ISO_DATE.match(value)))


def _single_quotable(ch: str) -> bool:
    code = ord(ch)
    return (
        0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000
    ) and ch not in "\u2028\u2029\ufeff"


def _escape(ch: str) -> str:
    if ch in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[ch]
    if _single_quotable(ch):
        return ch
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def set_key(
    text: str,
    mapping: yamltree.Mapping,
    key: str,
    value: str | bool,
    plain_date: bool = False,
    after: tuple[str, ...] = (),
) -> str:
    """`text` with `key: value` in `mapping`: the old value replaced, or the key added (a date plain with plain_date,
    a bool as YAML's true or false).

    A new key goes on the line after the last of the keys `after` that the mapping has, else after all its keys.
    """
    node = mapping.get(key)
    if node is None:
        return _insert_key(text, mapping, key, render_value(value, None, plain_date), after)
    if node.kind != "scalar":
        raise EditError(node.line, node.column, f"'{key}' holds a {node.kind}, not a single value")
    if node.start == node.end:  # `key:` with nothing after it
        return _insert_at(text, node.start, _space_after_colon(text, node) + render_value(value, None, plain_date))
    written = text[node.start : node.end]
    if written[0] in "|>":
        raise EditError(
            node.line,
            node.column,
            f"'{key}' is written as a block of text ({written[0]}); write it on one line "
            f"as '{key}: value' and try again",
        )
    style = written[0] if written[0] in "'\"" else None
    return text[: node.start] + render_value(value, style, plain_date) + text[node.end :]


def render_value(value: str | bool, style: str | None = None, plain_date: bool = False) -> str:
    """A value as the plan writes it: text as render_scalar renders it, a bool as YAML's true or false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return render_scalar(value, style, plain_date)


def append_entry(
    text: str,
    mapping: yamltree.Mapping,
    key: str,
    fields: list[tuple[str, str]],
    like: yamltree.Node | None = None,
    spaced: bool = False,
) -> str:
    """`text` with a new mapping of `fields` (already rendered) at the end of the list under `key`.

    A missing or empty list is created, indented like `like` (another list in
    `mapping`, e.g. `phases`) when that is a block list.  With `spaced`, the
    new entry is set off by a blank line when the list's last two entries are.
    """
    node = mapping.get(key)
    if node is not None and node.kind == "sequence":
        return _append_to_sequence(text, node, fields, spaced)
    if node is not None and not (node.kind == "scalar" and node.start == node.end):
        raise EditError(node.line, node.column, f"'{key}' must be a list to add an entry to it")
    if mapping.flow:
        value = "[" + _flow_mapping(fields) + "]"
        if node is None:
            return _insert_key(text, mapping, key, value)
        return _insert_at(text, node.start, _space_after_colon(text, node) + value)
    dash, keys = _list_indent(mapping, like)
    at, lead, newline = _after_line(text, _content_end(text, mapping if node is None else node))
    lines = [] if node is not None else [" " * (mapping.column - 1) + f"{key}:"]
    lines += _block_entry(dash, keys, fields)
    return text[:at] + lead + "".join(line + newline for line in lines) + text[at:]


def append_to_list(text: str, seq: yamltree.Sequence, fields: list[tuple[str, str]], spaced: bool = False) -> str:
    """`text` with a new mapping of `fields` at the end of the list `seq` (as append_entry adds it)."""
    return _append_to_sequence(text, seq, fields, spaced)


def _append_to_sequence(text: str, seq: yamltree.Sequence, fields: list[tuple[str, str]], spaced: bool) -> str:
    if seq.flow:
        if not seq.items:
            return _insert_at(text, seq.start + 1, _flow_mapping(fields))
        return _insert_at(text, _content_end(text, seq.items[-1]), ", " + _flow_mapping(fields))
    last = seq.items[-1]
    keys = last.column if last.kind == "mapping" and not last.flow else seq.column + 2
    at, lead, newline = _after_line(text, _content_end(text, seq))
    if spaced and len(seq.items) > 1 and _BLANK_LINE.search(text, _content_end(text, seq.items[-2]), last.start):
        lead += newline
    if last.kind == "mapping" and last.flow:  # `- {path: a}`: the new entry is one such line too
        entry = [" " * (seq.column - 1) + "-" + " " * (last.column - seq.column - 1) + _flow_mapping(fields)]
    else:
        entry = _block_entry(seq.column, keys, fields)
    return text[:at] + lead + "".join(line + newline for line in entry) + text[at:]


def _block_entry(dash: int, keys: int, fields: list[tuple[str, str]]) -> list[str]:
    """Lines of `- k: v` at 1-based columns: the dash at `dash`, the keys at `keys`."""
    first = " " * (dash - 1) + "-" + " " * (keys - dash - 1)
    return [(first if i == 0 else " " * (keys - 1)) + f"{k}: {v}" for i, (k, v) in enumerate(fields)]


def _flow_mapping(fields: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in fields) + "}"


def _list_indent(mapping: yamltree.Mapping, like: yamltree.Node | None) -> tuple[int, int]:
    """(dash column, key column) for a new block list in `mapping`, copied from `like` if it is one."""
    if like is not None and like.kind == "sequence" and not like.flow and like.items:
        first = like.items[0]
        keys = first.column if first.kind == "mapping" and not first.flow else like.column + 2
        return like.column, keys
    return mapping.column + 2, mapping.column + 4


def _insert_key(text: str, mapping: yamltree.Mapping, key: str, rendered: str, after: tuple[str, ...] = ()) -> str:
    if mapping.flow:
        if not mapping.items:
            return _insert_at(text, mapping.start + 1, f"{key}: {rendered}")
        return _insert_at(text, _content_end(text, mapping.items[-1][1]), f", {key}: {rendered}")
    anchors = [value for name, value in mapping.items if name.value in after]
    anchor = max(anchors, key=lambda node: node.end) if anchors else mapping
    at, lead, newline = _after_line(text, _content_end(text, anchor))
    return text[:at] + lead + " " * (mapping.column - 1) + f"{key}: {rendered}" + newline + text[at:]


def _insert_at(text: str, at: int, piece: str) -> str:
    return text[:at] + piece + text[at:]


def _space_after_colon(text: str, empty: yamltree.Scalar) -> str:
    """An empty value sits right after its key's colon, or after a space in flow style."""
    before = text[empty.start - 1 : empty.start]
    if before == ":":
        return " "
    if before in (" ", "\t"):
        return ""
    raise EditError(
        empty.line,
        empty.column,
        "the value here is written in a form tracker does not rewrite; write it as 'key: value' and try again",
    )


def _content_end(text: str, node: yamltree.Node) -> int:
    """Offset just past the last character that belongs to `node` (its trailing blank lines excluded)."""
    while node.kind != "scalar" and not node.flow and node.items:
        last = node.items[-1]
        node = last[1] if node.kind == "mapping" else last
    if node.kind != "scalar" or node.start == node.end or text[node.start] not in "|>":
        return node.end
    found = re.match(r"[|>][-+0-9]*", text[node.start :])
    header = found.group() if found else ""
    if "+" in header:
        return node.end  # keep chomping: the trailing blank lines are part of the value
    # A block scalar's span runs over the blank lines after it; a new line goes before them.
    end = node.end
    while text[end - 1 : end] in ("\n", "\r"):
        body_end = end - 2 if text[end - 2 : end] == "\r\n" else end - 1
        line_start = max(text.rfind("\n", node.start, body_end), text.rfind("\r", node.start, body_end)) + 1
        if line_start <= node.start or text[line_start:body_end].strip(" \t"):
            break
        end = line_start
    return end


def _after_line(text: str, pos: int) -> tuple[int, str, str]:
    """Where a new line goes after the line holding `pos`: (offset, text to put first, line break)."""
    if pos > 0 and text[pos - 1] in "\r\n":
        return pos, "", "\r\n" if text[pos - 2 : pos] == "\r\n" else text[pos - 1]
    breaks = [i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0]
    if not breaks:  # the last line has no line break of its own
        newline = _file_newline(text)
        return len(text), newline, newline
    i = min(breaks)
    if text.startswith("\r\n", i):
        return i + 2, "", "\r\n"
    return i + 1, "", text[i]


def _file_newline(text: str) -> str:
    i = text.find("\n")
    if i > 0 and text[i - 1] == "\r":
        return "\r\n"
    return "\n" if i >= 0 or "\r" not in text else "\r"
