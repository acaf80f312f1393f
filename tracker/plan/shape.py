"""Node tree → model records, checked against the model's own field types.

Each model type is compiled once into a small checker function; checking a
node never walks a string letter by letter and never stops at the first
problem.  A plain scalar given where text belongs keeps the exact text that was
typed (`title: 1.10` is "1.10", `id: 010` is "010").
"""

from __future__ import annotations

from functools import cache

from msgspec import inspect as mi

from tracker.plan.model import UNREAD, WIDE, Issue, Project, id_fault, pack_places, place
from tracker.plan.problems import Problem, did_you_mean

INVALID = object()
ISSUES = ("phases", None, "issues", None)  # where the issues stand in the tree (a yamltree fold path)


def build_project(root, where: str, problems: list[Problem], consume: bool = False, cut: tuple = ()) -> Project | None:
    """The plan in the tree under `root`, or None; every problem found is added to `problems`.

    With `consume`, each list item of the tree is let go once its record is
    built, so that a large plan is never held whole both as a tree and as a
    model (the loader passes it; the tree is no use after).  `cut`: the
    mappings a syntax error left open (yamltree.YamlError.cut), whose required
    keys may be in the lines never read: one missing is no problem of its own
    (the record is left out, as an invalid one is).
    """
    if root.kind != "mapping":
        problems.append(
            Problem(
                where,
                root.line,
                root.column,
                f"the top level must be a mapping with 'project' and 'phases', not {_kind(root)}",
            )
        )
        return None
    value = _checker(Project)(root, _Context(where, problems, consume, frozenset(map(id, cut))), "the plan")
    return None if value is INVALID else value


def issue_fold(where: str, problems: list[Problem], like: Project | None = None) -> tuple:
    """A yamltree fold that checks each issue as soon as the parser has read it.

    The issue's nodes are then let go at once, and the tree keeps only its
    record (or INVALID, its problems added to `problems`), which
    `build_project` takes as it is.  A plan of 10,000 issues is so never held
    whole as nodes.  With `like` (the plan before an edit), an issue equal to
    `like`'s issue of the same id, positions included, is taken from `like`:
    the two plans share it instead of each holding a copy.
    """
    ctx = _Context(where, problems, consume=True)
    check = _checker(Issue)
    known = {issue.key: issue for _, issue in like.issues()} if like is not None else {}

    def fold(node, index: int) -> _Checked:
        value = check(node, ctx, f"item {index} of 'issues'")  # as the list of issues names its items
        if known and value is not INVALID:
            same = known.get(value.key)
            if same is not None and same == value:
                value = same
        return _Checked(value)

    return ISSUES, fold


def issue_checker():
    """The check that turns an issue's node into its record (or INVALID): `check(node, context(...), what)`."""
    return _checker(Issue)


def context(where: str, problems: list[Problem]) -> _Context:
    """Where a checker says what it finds: `problems`, located in the file `where`."""
    return _Context(where, problems, consume=False)


class _Checked:
    """A node of the tree already turned into its record while the tree was read."""

    __slots__ = ("value",)
    kind = "checked"

    def __init__(self, value):
        self.value = value


class _Context:
    __slots__ = ("where", "problems", "consume", "cut")

    def __init__(self, where: str, problems: list[Problem], consume: bool, cut: frozenset[int] = frozenset()):
        self.where = where
        self.problems = problems
        self.consume = consume
        self.cut = cut  # the id() of each mapping read only in part (build_project)

    def error(self, node, message: str) -> object:
        self.problems.append(Problem(self.where, node.line, node.column, message))
        return INVALID


def _kind(node) -> str:
    """The node described with its article: 'a list', 'the text 'x'', 'the number 5'."""
    if node.kind == "scalar":
        if node.value is None:
            return "an empty value"
        if isinstance(node.value, str):
            return f"the text '{_short(node.text)}'"
        if isinstance(node.value, bool):
            return f"the boolean {node.text}"
        return f"the number {node.text}"
    return "a list" if node.kind == "sequence" else "a mapping"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


@cache
def _checker(tp):
    return _compile(mi.type_info(tp))


def _compile(t):
    if isinstance(t, mi.Metadata):  # descriptions for the schema; nothing to check but an id's text
        return _id_text(_compile(t.type)) if _is_id(t) else _compile(t.type)
    if isinstance(t, mi.StructType):
        return _compile_struct(t)
    if isinstance(t, mi.ListType):
        return _compile_list(t)
    if isinstance(t, mi.UnionType):
        return _compile_union(t)
    if isinstance(t, mi.StrType):
        return _compile_str(t)
    if isinstance(t, mi.LiteralType):
        return _compile_literal(t)
    if isinstance(t, mi.BoolType):
        return _check_bool
    if isinstance(t, mi.FloatType):
        return _compile_float(t)
    if isinstance(t, mi.IntType):
        return _check_int
    raise TypeError(f"the model uses a type the loader cannot check: {t!r}")  # a programming error


def _compile_struct(t: mi.StructType):
    cls = t.cls
    fields = {f.name: f for f in t.fields if f.name not in ("at", "extensions")}
    required = [f.name for f in t.fields if f.required]
    # The required keys a record cut off by a syntax error may lack and still be judged (its title, status,
    # path, date): text, UNREAD in it.  Not its id, which every message about it names.
    unread = {f.name for f in t.fields if f.required and f.name != "id" and _is_text(f.type)}
    # name -> (checker, required, how messages name it); compiled on first use,
    # since the model's types refer to each other.
    steps: dict = {}

    def check(node, ctx: _Context, what: str):
        if node.kind != "mapping":
            return ctx.error(node, f"{what} must be a mapping of keys, not {_kind(node)}")
        if not steps:
            steps.update({name: (_compile(f.type), f.required, f"'{name}'") for name, f in fields.items()})
        values: dict = {}
        line = node.line  # the places of its values are kept from here (model.pack_places)
        at: dict[str, int] = {}
        broken = False
        extensions = None
        for key, value in node.items:
            name = key.value
            step = steps.get(name)
            if step is None:
                if isinstance(name, str) and name.startswith("x-"):
                    extensions = extensions or {}
                    extensions[name] = plain(value)
                    at[name] = place(value.line - line, value.column)
                    continue
                ctx.error(
                    key,
                    f"unknown key '{name}' in {what}{did_you_mean(name, fields)}; allowed: {', '.join(fields)} "
                    "(or a key of your own starting with x-)",
                )
                continue
            checker, needed, label = step
            column = value.column  # model.place, written out: this runs for every value of a plan
            at[name] = (value.line - line) * WIDE + column if column < WIDE else place(value.line - line, column)
            if value.kind == "sequence" and value.items and value.items[0].kind == "scalar":
                # Each item of a list of text (files, depends_on) keeps its own place, so
                # a message about one path points at that path.
                for index, item in enumerate(value.items):
                    at[f"{name}.{index}"] = place(item.line - line, item.column)
            result = checker(value, ctx, label)
            if result is INVALID:
                broken = broken or needed
                continue
            if result is None and needed:
                ctx.error(value, f"'{name}' is empty; {what} needs a value here")
                broken = True
                continue
            values[name] = result
        for name in required:
            if name not in values and name not in at:
                if id(node) not in ctx.cut:
                    ctx.error(node, f"{what} is missing the required key '{name}'")
                    broken = True
                elif name in unread:
                    values[name] = UNREAD  # in the lines never read, maybe: the values read are judged
                else:
                    broken = True
        if broken:
            return INVALID
        if extensions:
            values["extensions"] = extensions
        return cls(at=pack_places(line, node.column, at), **values)

    return check


def _is_text(t) -> bool:
    while isinstance(t, mi.Metadata):
        t = t.type
    return isinstance(t, mi.StrType)


def plain(node):
    """A node as plain data (text, numbers, booleans, lists, mappings): what an `x-*` key holds."""
    if node.kind == "scalar":
        return node.value
    if node.kind == "sequence":
        return [plain(item) for item in node.items]
    return {str(key.value): plain(value) for key, value in node.items}


def _compile_list(t: mi.ListType):
    item = _compile(t.item_type)

    def check(node, ctx: _Context, what: str):
        if node.kind != "sequence":
            hint = ""
            if node.kind == "scalar" and node.value is not None:
                hint = f"; write it as [{node.text}] or as one '- item' per line"
            if node.kind == "scalar" and node.value is None:
                return []
            return ctx.error(node, f"{what} must be a list, not {_kind(node)}{hint}")
        out = []
        children = node.items
        for index, child in enumerate(children, 1):
            if ctx.consume:
                children[index - 1] = None
            value = child.value if child.kind == "checked" else item(child, ctx, f"item {index} of {what}")
            if value is not INVALID:
                out.append(value)
        return out

    return check


def _compile_union(t: mi.UnionType):
    options = [o for o in t.types if not isinstance(o, mi.NoneType)]
    nullable = len(options) < len(t.types)
    kinds = {type(o.type if isinstance(o, mi.Metadata) else o) for o in options}
    if kinds == {mi.IntType, mi.StrType}:
        return _check_id
    if len(options) != 1:
        raise TypeError(f"the model uses a union the loader cannot check: {t!r}")
    option = options[0].type if isinstance(options[0], mi.Metadata) else options[0]
    if nullable and isinstance(option, mi.StrType):  # the common optional fields, checked in one call
        return _compile_str(option, nullable=True)
    if nullable and isinstance(option, mi.LiteralType):
        return _compile_literal(option, nullable=True)
    inner = _compile(option)

    def check(node, ctx: _Context, what: str):
        if nullable and node.kind == "scalar" and node.value is None and node.plain:
            return None
        return inner(node, ctx, what)

    return check


def _check_id(node, ctx: _Context, what: str):
    """An id is a whole number as typed, or else the text as typed."""
    if node.kind != "scalar":
        return ctx.error(node, f"{what} must be a number or text, not {_kind(node)}")
    if node.value is None and node.plain:
        return ctx.error(node, f"{what} is empty; give it a number or a name")
    if type(node.value) is int:
        return node.value
    text = node.text
    if not text.strip():
        return ctx.error(node, f"{what} is blank; give it a number or a name")
    return _refuse_fault(node, ctx, what, text)


def _is_id(t: mi.Metadata) -> bool:
    return bool(t.extra and t.extra.get("id"))


def _id_text(inner):
    """`inner`, a text checker, for an id: text that holds no line break or control character (model.id_fault)."""

    def check(node, ctx: _Context, what: str):
        value = inner(node, ctx, what)
        return value if not isinstance(value, str) else _refuse_fault(node, ctx, what, value)

    return check


def _refuse_fault(node, ctx: _Context, what: str, text: str):
    fault = id_fault(text)
    if fault is None:
        return text
    return ctx.error(
        node,
        f"{what} holds {fault}; an id is one line without control characters (it is typed on command lines), "
        f"so take {fault} out",
    )


def _compile_str(t: mi.StrType, nullable: bool = False):
    import re

    pattern = re.compile(t.pattern) if t.pattern else None
    # The model's two patterns are a day and a time of day; the message names the one in force.
    shape = "HH:MM (24 hours)" if pattern is not None and pattern.match("09:30") else "YYYY-MM-DD"
    blank_refused = bool(t.min_length)
    needs_text = blank_refused and not nullable

    def check(node, ctx: _Context, what: str):
        if node.kind != "scalar":
            return ctx.error(node, f"{what} must be text, not {_kind(node)}")
        if node.value is None and node.plain:
            return None if not needs_text else ctx.error(node, f"{what} is empty; write the text here")
        text = node.text
        if blank_refused and not text.strip():
            return ctx.error(node, f"{what} is blank; write the text here")
        if pattern is not None and not pattern.match(text):
            return ctx.error(node, f"{what} must look like {shape}, not '{_short(text)}'")
        return text

    return check


def _compile_literal(t: mi.LiteralType, nullable: bool = False):
    allowed = [str(v) for v in t.values]
    known = frozenset(allowed)

    def check(node, ctx: _Context, what: str):
        if node.kind != "scalar" or node.value is None:
            if nullable and node.kind == "scalar" and node.plain:
                return None
            return ctx.error(node, f"{what} must be one of: {', '.join(allowed)}; not {_kind(node)}")
        if node.text not in known:
            return ctx.error(
                node,
                f"{what} is '{_short(node.text)}', which is not one of: "
                f"{', '.join(allowed)}{did_you_mean(node.text, allowed)}",
            )
        return node.text

    return check


def _check_bool(node, ctx: _Context, what: str):
    if node.kind == "scalar" and node.plain and isinstance(node.value, bool):
        return node.value
    hint = ""
    if node.kind == "scalar" and node.text.lower() in ("yes", "no", "on", "off", "y", "n"):
        hint = " (YAML 1.1 read that as a yes/no; this file is read as YAML 1.2, so write true or false)"
    return ctx.error(node, f"{what} must be true or false, not {_kind(node)}{hint}")


def _compile_float(t: mi.FloatType):
    def check(node, ctx: _Context, what: str):
        value = node.value if node.kind == "scalar" and node.plain else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return ctx.error(node, f"{what} must be a number, not {_kind(node)}")
        if (t.ge is not None and value < t.ge) or (t.le is not None and value > t.le):
            return ctx.error(node, f"{what} must be between {t.ge} and {t.le}, not {node.text}")
        return float(value)

    return check


def _check_int(node, ctx: _Context, what: str):
    if node.kind == "scalar" and node.plain and type(node.value) is int:
        return node.value
    return ctx.error(node, f"{what} must be a whole number, not {_kind(node)}")
