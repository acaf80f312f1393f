"""An OSCAL catalog (or a profile with the catalog it imports) read as a new plan.

    plan = read_oscal([Path("profile.json"), Path("catalog.json")])
    text = newplan.render(plan)

Groups become phases (a nested group's controls join its top group, in
order); controls and their enhancements become issues whose `controls` carry
the control's label (`SP800-53:AC-2(1)`); the items of a control's statement
become its steps, and the catalog is declared as a framework with every
control id.  Parameters are written as people read them in the published
text (`[Assignment: organization-defined frequency]`), never as OSCAL's
`{{ insert: param, … }}`.

A profile is resolved against the catalog given with it, or, given alone,
against the catalog its import points at: the link read as a path relative to
the profile (a URI reference), else a file of that name next to the profile;
tracker does not download one.  Include-all, include-controls /
exclude-controls by with-ids (with-child-controls), merge as-is or flat.  Any
other construct is an OscalError that names it: a plan that silently lacks
controls is worse than no plan.

An error about a value of a file is `path:line:column: error: ...`, as a
plan's problems are.  json keeps no positions: the value is raised as itself
(_Fault), and its line and column are found in the text only when the error
is reported, by walking the JSON path to it (_offset).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.plan import LoadError, decode, id_fault
from tracker.support.textsafe import one_line

_INSERT = re.compile(r"\{\{\s*insert:\s*([^,}\s]+)\s*,\s*([^}\s]+)\s*\}\}")
_ANY_MOUSTACHE = re.compile(r"\{\{.*?\}\}")
_BEFORE_MARK = re.compile(r"(?<=\])\s+([;,.:])")
_FRAMEWORK_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
MODELS = ("catalog", "profile")
_SCHEMA_KEY = "$schema"


class OscalError(Exception):
    """The files cannot be imported; str() is the message, starting with the file it is about, and the line and
    column in it when it is about one value."""


class _Xml(OscalError):
    """A file tracker was to read as OSCAL JSON holds XML (OSCAL's other form): a profile whose import points at
    it is told at its href."""


Place = tuple[Any, Any]  # (within, key): see _Fault


class _Fault(Exception):
    """A problem at one value of a document, raised where the value is at hand and located only when it is
    reported: json keeps no positions, and an import that succeeds never looks for one.

    `at` is (within, key): the value `key` in `within` (a dict or list the document holds, or a copy `_kept`
    made of one); the key itself when `at_key`; `within` when `key` is None or the document lacks it.  `what`
    is the problem, led by the value's JSON path when `named`; `fix` how to mend it; `first` the place (as `at`)
    of the value this one repeats.
    """

    def __init__(self, at: Place, what: str, fix: str = "", *, at_key=False, named=False, first: Place | None = None):
        super().__init__(what)
        self.at, self.what, self.fix = at, what, fix
        self.at_key, self.named, self.first = at_key, named, first

    def located(self, documents: list[_Document]) -> str:
        place = _place(documents, self.at, self.at_key)
        if place is None:  # no document holds the value (a bug here): the message still names the problem
            return f"{documents[0].path}: error: {self.what}" + (f"; {self.fix}" if self.fix else "")
        path, line, column, steps = place
        what = f"{_dotted(steps)} {self.what}" if self.named else self.what
        if self.first is not None and (first := _place(documents, self.first, False)) is not None:
            what += f" (first at line {first[1]}, column {first[2]})"
        return f"{path}:{line}:{column}: error: {what}" + (f"; {self.fix}" if self.fix else "")


@dataclass
class _Document:
    path: Path
    text: str  # as json read it: kept to find a value's line and column when one is reported
    data: Any


class _Kept(dict):
    """A copy of a group or control that a profile resolution changed, remembering the one the document holds."""

    __slots__ = ("origin",)
    origin: dict


def _kept(original: dict, **changes) -> _Kept:
    kept = _Kept(original, **changes)
    kept.origin = original
    return kept


@dataclass
class NewIssue:
    id: str
    title: str
    controls: list[str]
    summary: str | None = None
    steps: list[str] = field(default_factory=list)
    # Where its id stands in the catalog, for an error about it: (within, key) as _Fault takes them.
    id_at: Place = field(default=(None, None), repr=False, compare=False)


@dataclass
class NewPhase:
    id: str
    title: str
    issues: list[NewIssue] = field(default_factory=list)
    id_at: Place = field(default=(None, None), repr=False, compare=False)  # as NewIssue's


@dataclass
class NewFramework:
    id: str
    title: str
    controls: list[str]


@dataclass
class NewPlan:
    project: str
    phases: list[NewPhase]
    frameworks: list[NewFramework] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)  # lines for the header, without '# '
    found: Path | None = None  # the catalog a profile given alone imports, found where its import points

    @property
    def issue_count(self) -> int:
        return sum(len(phase.issues) for phase in self.phases)


def read_oscal(files: list[Path], framework: str | None = None) -> NewPlan:
    """The plan for a catalog, or for a profile resolved against the catalog given with it (or, given alone,
    the catalog its import points at)."""
    documents: list[_Document] = []
    try:
        for path in files:
            documents.append(_read(path))
            _check(documents[-1].data)
        return _import(documents, framework)
    except _Fault as fault:
        raise OscalError(fault.located(documents)) from None


def _import(documents: list[_Document], framework: str | None) -> NewPlan:
    """The plan of `documents` (each a catalog or a profile); a catalog a profile given alone imports is read
    and added to them, so that a problem in it is located there."""
    catalogs = [(document.path, document.data["catalog"]) for document in documents if "catalog" in document.data]
    profiles = [(document.path, document.data["profile"]) for document in documents if "profile" in document.data]
    if len(profiles) > 1:
        raise OscalError(f"{profiles[1][0]}: error: give one profile at a time (with the catalog it imports)")
    if profiles:
        path, profile = profiles[0]
        catalog_path, catalog = _resolve_profile(path, profile, catalogs, documents)
        plan = _plan(path, catalog, framework)
        plan.found = None if catalogs else catalog_path
        return plan
    if len(catalogs) > 1:
        raise OscalError(
            f"{catalogs[1][0]}: error: give one catalog, or a profile with the catalog it imports; "
            "tracker does not merge catalogs"
        )
    catalog_path, catalog = catalogs[0]
    return _plan(catalog_path, catalog, framework)


def _read(path: Path) -> _Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise OscalError(f"{path}: error: cannot read it: {exc.strerror or exc}") from None
    markup = raw.removeprefix(b"\xef\xbb\xbf")
    if markup.lstrip().startswith(b"<"):  # before decoding: XML may be in another encoding than UTF-8
        lead = markup[: len(markup) - len(markup.lstrip())]
        line, column = lead.count(b"\n") + 1, len(lead) - lead.rfind(b"\n")
        raise _Xml(
            f"{path}:{line}:{column}: error: not OSCAL JSON but XML; tracker imports the JSON form of OSCAL: give this "
            "document's JSON form (NIST publishes each catalog and profile in JSON too)"
        )
    encoding = json.detect_encoding(raw)  # as json.loads reads bytes: UTF-8, else the UTF-16 or -32 it detects
    try:
        text = decode(raw, str(path)) if encoding.startswith("utf-8") else raw.decode(encoding, "surrogatepass")
        data = json.loads(text)
    except LoadError as exc:  # a byte that is not UTF-8, located as in a plan
        raise OscalError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise OscalError(f"{path}: error: not OSCAL JSON ({exc}); tracker imports the JSON form of OSCAL") from None
    except json.JSONDecodeError as exc:
        raise OscalError(
            f"{path}:{exc.lineno}:{exc.colno}: error: not OSCAL JSON: {exc.msg}; correct it there "
            "(tracker imports the JSON form of OSCAL)"
        ) from None
    except RecursionError:  # the decoder nests as deep as Python's stack allows; no catalog comes near it
        raise OscalError(
            f"{path}: error: not OSCAL JSON as tracker reads it: its arrays and objects are nested hundreds of "
            "levels deep"
        ) from None
    return _Document(path, text, data)


_ONE_MODEL = "not an OSCAL document (one top-level key, e.g. 'catalog', is expected)"


def _check(data) -> None:
    """`data` is one model tracker imports, and what tracker reads of it has the JSON types OSCAL gives it."""
    if not isinstance(data, dict):
        raise _Fault((data, None), _ONE_MODEL)
    # OSCAL's JSON schemas allow a `$schema` beside the model's key, naming the schema the document follows.
    if not isinstance(data.get(_SCHEMA_KEY, ""), str):
        raise _wrong(data[_SCHEMA_KEY], "a string (the schema's URI)", data, _SCHEMA_KEY)
    models = [key for key in data if key != _SCHEMA_KEY]
    if len(models) != 1:
        raise _Fault((data, models[1] if models else None), _ONE_MODEL, at_key=True)
    model = models[0]
    if model not in MODELS:
        raise _Fault(
            (data, model),
            f"'{model}' is an OSCAL model tracker does not import",
            "give a catalog, or a profile with the catalog it imports",
            at_key=True,
        )
    _check_shape(data[model], model, data, model)


# What the importer reads of each OSCAL object, and the JSON type OSCAL's schema gives it: a key absent (or null)
# is left to the reader's defaults; a value of another type is refused here, where its place is known, rather
# than failing later as a traceback, or becoming a title like "{'a': 1}".
_SHAPES: dict[str, dict[str, object]] = {
    "catalog": {"metadata": "metadata", "params": ["param"], "controls": ["control"], "groups": ["group"]},
    "metadata": {"title": str, "version": str},
    "group": {
        "id": str,
        "title": str,
        "props": ["prop"],
        "params": ["param"],
        "controls": ["control"],
        "groups": ["group"],
    },
    "control": {
        "id": str,
        "class": str,
        "title": str,
        "props": ["prop"],
        "params": ["param"],
        "parts": ["part"],
        "controls": ["control"],
    },
    "part": {"name": str, "prose": str, "props": ["prop"], "parts": ["part"]},
    "prop": {"name": str, "value": str, "class": str},
    "param": {"id": str, "label": str, "values": [str], "select": "select"},
    "select": {"how-many": str, "choice": [str]},
    "profile": {"metadata": "metadata", "imports": ["import"], "merge": "merge", "back-matter": "back-matter"},
    "import": {"href": str, "include-all": dict, "include-controls": ["selector"], "exclude-controls": ["selector"]},
    "selector": {"with-ids": [str], "with-child-controls": str},
    "merge": {"as-is": bool, "flat": dict, "custom": dict},
    "back-matter": {"resources": ["resource"]},
    "resource": {"uuid": str, "rlinks": ["rlink"]},
    "rlink": {"href": str, "media-type": str},
}
_JSON_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def _json_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _check_shape(value, shape, within, key) -> None:
    """`value`, `key` in `within`, is of `shape` (a name in _SHAPES, a JSON type, or a one-item list: an array of
    it), or a _Fault names its place (`catalog.groups[2].controls[0].title`) and what OSCAL has there."""
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise _wrong(value, "an array", within, key)
        for index, item in enumerate(value):
            _check_shape(item, shape[0], value, index)
        return
    if isinstance(shape, type):
        if not isinstance(value, shape) or (shape is not bool and isinstance(value, bool)):
            raise _wrong(value, _JSON_NAMES[shape], within, key)
        return
    if not isinstance(value, dict):
        raise _wrong(value, "an object", within, key)
    for name, inner in _SHAPES[shape].items():
        if value.get(name) is not None:
            _check_shape(value[name], inner, value, name)


def _wrong(value, expected: str, within, key) -> _Fault:
    return _Fault(
        (within, key),
        f"is {_json_name(value)}, where OSCAL has {expected}",
        "correct it in the file (tracker reads OSCAL JSON as its schema has it)",
        named=True,
    )


# --- the catalog as a plan ---------------------------------------------------


def _plan(source: Path, catalog: dict, framework: str | None) -> NewPlan:
    metadata = catalog.get("metadata") or {}
    title = _text(metadata.get("title")) or source.stem
    params: dict[str, dict] = {}
    _collect_params(catalog, params)
    controls = list(_all_controls(catalog))
    framework_id = framework or _framework_id(controls)
    if not _FRAMEWORK_ID.match(framework_id):
        raise OscalError(f"{source}: error: '{framework_id}' cannot be a framework id; pass --framework ID")
    phases: list[NewPhase] = []
    if catalog.get("controls"):
        phases.append(
            _phase("CONTROLS", "Controls", (catalog, "controls"), catalog["controls"], [], params, framework_id)
        )
    for group in catalog.get("groups") or []:
        phase_id, id_at = _labelled(group, str(len(phases) + 1))
        phases.append(
            _phase(
                phase_id,
                _text(group.get("title")) or phase_id,
                id_at,
                group.get("controls") or [],
                group.get("groups") or [],
                params,
                framework_id,
            )
        )
    _check_unique(phases, "groups")
    phases = [phase for phase in phases if phase.issues]
    if not phases:
        # An empty plan would declare a framework of no controls and say "0 issues" as if that were a result.
        raise OscalError(
            f"{source}: error: no control to import: the catalog has none that is not withdrawn "
            "(or the profile selects none); nothing was written"
        )
    for phase in phases:
        _check_id("group", phase)
        for issue in phase.issues:
            _check_id("control", issue)
    issues = [issue for phase in phases for issue in phase.issues]
    _check_unique(issues, "controls")
    version = _text(metadata.get("version"))
    comment = [
        f"{title}{f' (version {version})' if version else ''}, as a tracker plan.",
        "Made by `tracker import oscal` from NIST's OSCAL data: one phase per control family, one issue per",
        "control or enhancement, one step per item of its statement. Bracketed [Assignment: ...] and",
        "[Selection: ...] are the parameters your organisation fills in.",
    ]
    if "NIST" not in title:
        comment[1] = "Made by `tracker import oscal` from OSCAL data: one phase per group, one issue per"
    return NewPlan(
        project=title,
        phases=phases,
        frameworks=[NewFramework(framework_id, title, [issue.id for issue in issues])],
        comment=comment,
    )


def _check_unique(made: list[NewPhase] | list[NewIssue], what: str) -> None:
    first: dict[str, NewPhase | NewIssue] = {}
    for one in made:
        earlier = first.setdefault(one.id, one)
        if earlier is not one:
            raise _Fault(
                one.id_at,
                f"two {what} are both labelled '{one_line(one.id)}'",
                "give one of them another label (or id) in the catalog",
                first=earlier.id_at,
            )


def _check_id(what: str, made: NewPhase | NewIssue) -> None:
    """A label (or id) that would be no id of a plan (model.id_fault) is refused: the plan would not load."""
    fault = id_fault(made.id)
    if fault is not None:
        raise _Fault(
            made.id_at,
            f"the {what} labelled '{one_line(made.id)}' holds {fault}, and a plan's ids are one line without control "
            "characters (typed on command lines)",
            "correct its label (or id) in the catalog",
        )


def _phase(phase_id, title, id_at, controls, groups, params, framework_id) -> NewPhase:
    phase = NewPhase(phase_id, title, id_at=id_at)
    # nested groups are flattened into their top group, in order
    for control in [*controls, *(c for group in groups for c in _group_controls(group))]:
        _add_control(phase, control, params, framework_id)
    return phase


def _add_control(phase: NewPhase, control: dict, params: dict, framework_id: str) -> None:
    if _withdrawn(control):
        return
    label, id_at = _labelled(control, "")
    if not label:
        raise _Fault(id_at, f"a control in group '{one_line(phase.id)}' has no id", "give it its id (and a label prop)")
    summary, steps = _statement(control, params)
    phase.issues.append(
        NewIssue(
            id=label,
            title=_text(control.get("title")) or label,
            controls=[f"{framework_id}:{label}"],
            summary=summary,
            steps=steps,
            id_at=id_at,
        )
    )
    for child in control.get("controls") or []:
        _add_control(phase, child, params, framework_id)


def _statement(control: dict, params: dict) -> tuple[str | None, list[str]]:
    """(summary, steps): the statement's own words and one step per item; a statement of words alone is one step."""
    statement = next((p for p in control.get("parts") or [] if p.get("name") == "statement"), None)
    if statement is None:
        return None, []
    where = f"control '{one_line(str(control.get('id')))}'"
    lead = _prose(statement, params, where)
    items = [_item(part, params, where) for part in statement.get("parts") or [] if part.get("name") == "item"]
    if not items:
        return None, [lead] if lead else []
    return lead or None, items


def _item(part: dict, params: dict, where: str) -> str:
    label = _label(part)
    words = [label] if label else []
    prose = _prose(part, params, where)
    if prose:
        words.append(prose)
    words += [_item(sub, params, where) for sub in part.get("parts") or [] if sub.get("name") == "item"]
    return " ".join(words)


def _prose(part: dict, params: dict, where: str) -> str:
    """The part's prose as people read it; `where` names its control in an error."""
    prose = part.get("prose")
    if not isinstance(prose, str):
        return ""

    def insert(match: re.Match) -> str:
        kind, ident = match.group(1), match.group(2)
        if kind != "param":
            raise _Fault(
                (part, "prose"),
                f"{where}: '{{{{ insert: {kind}, … }}}}' is an OSCAL insert tracker does not support",
                "write the text it stands for in its place",
            )
        return _placeholder(ident, params, where, (part, "prose"), set())

    text = _BEFORE_MARK.sub(r"\1", _INSERT.sub(insert, prose))  # `[...] ;` as the source spaced it reads `[...];`
    left = _ANY_MOUSTACHE.search(text)
    if left:
        raise _Fault(
            (part, "prose"),
            f"{where}: '{one_line(left.group())}' is an OSCAL construct tracker does not support",
            "write the text it stands for in its place",
        )
    return _text(text)


def _placeholder(ident: str, params: dict, where: str, at: Place, seen: set[str]) -> str:
    """A parameter as the published text shows it: its value, else [Selection: ...] or [Assignment: ...].

    `at` is the place of the text that inserts it (a prose, or a choice of another parameter)."""
    param = params.get(ident)
    if param is None:
        raise _Fault(
            at,
            f"{where}: the parameter '{one_line(ident)}' is inserted but not defined in the catalog",
            "define it in the catalog's params, or correct the insert",
        )
    if ident in seen:
        raise _Fault(
            at, f"{where}: the parameter '{one_line(ident)}' refers to itself", "correct its choices in the catalog"
        )
    seen = seen | {ident}
    values = [_text(v) for v in param.get("values") or [] if _text(v)]
    if values:
        return ", ".join(values)
    select = param.get("select")
    if select:
        listed = select.get("choice") or []

        def choice_text(index: int) -> str:  # a choice may insert another parameter: its place is the choice
            return _INSERT.sub(lambda m: _placeholder(m.group(2), params, where, (listed, index), seen), listed[index])

        choices = [choice_text(index) for index in range(len(listed))]
        many = " (one or more)" if select.get("how-many") == "one-or-more" else ""
        return f"[Selection{many}: {'; '.join(_text(c) for c in choices)}]"
    label = _text(param.get("label"))
    if not label:
        return f"[Assignment: {ident}]"
    return f"[Assignment: {label if label.startswith('organization-defined') else 'organization-defined ' + label}]"


def _collect_params(owner: dict, params: dict) -> None:
    """Every parameter defined in `owner` or anywhere below it, by id (ids are unique in a catalog)."""
    for param in owner.get("params") or []:
        if isinstance(param, dict) and param.get("id"):
            params[param["id"]] = param
    for inner in (*(owner.get("groups") or []), *(owner.get("controls") or [])):
        _collect_params(inner, params)


def _all_controls(owner: dict):
    for control in owner.get("controls") or []:
        yield from _control_tree(control)
    for group in owner.get("groups") or []:
        yield from _all_controls(group)


def _control_tree(control: dict):
    yield control
    for child in control.get("controls") or []:
        yield from _control_tree(child)


def _framework_id(controls: list[dict]) -> str:
    """The controls' class (NIST's `SP800-53`, its enhancements' `SP800-53-enhancement` included), else OSCAL."""
    classes = {str(c.get("class")) for c in controls if c.get("class")}
    shortest = min(classes, key=len, default="")
    if shortest and all(c.startswith(shortest) for c in classes) and _FRAMEWORK_ID.match(shortest):
        return shortest
    return "OSCAL"


def _label(owner: dict) -> str | None:
    """The label people use (`AC-2(1)`): the plain `label` prop, not the zero-padded or assessment ones."""
    prop = _label_prop(owner)
    return _text(prop["value"]) if prop else None


def _label_prop(owner: dict) -> dict | None:
    labels = [p for p in owner.get("props") or [] if p.get("name") == "label" and p.get("value")]
    plain = [p for p in labels if not p.get("class")]
    return (plain or labels or [None])[0]


def _labelled(owner: dict, default: str) -> tuple[str, Place]:
    """A group's or control's label, else its id upper-cased, else `default`; and where it stands (see _Fault)."""
    prop = _label_prop(owner)
    label = _text(prop["value"]) if prop else ""
    if label:
        return label, (prop, "value")
    return str(owner.get("id") or default).upper(), (owner, "id")


def _withdrawn(control: dict) -> bool:
    return any(
        p.get("name") == "status" and p.get("value") in ("withdrawn", "Withdrawn") for p in control.get("props") or []
    )


def _text(value) -> str:
    return " ".join(str(value).split()) if value else ""


# --- a profile resolved against its catalog -------------------------------------


def _resolve_profile(
    path: Path, profile: dict, catalogs: list[tuple[Path, dict]], documents: list[_Document]
) -> tuple[Path, dict]:
    for key in ("modify",):
        if profile.get(key):
            inner = ", ".join(sorted(profile[key])) if isinstance(profile[key], dict) else key
            raise _Fault(
                (profile, key),
                f"the profile's '{key}' ({inner}) is not supported",
                "import its resolved-profile catalog instead",
                at_key=True,
            )
    merge = profile.get("merge") or {}
    if "custom" in merge:
        raise _Fault(
            (merge, "custom"), "the profile's 'merge: custom' is not supported", "use as-is or flat", at_key=True
        )
    imports = profile.get("imports") or []
    if len(imports) != 1:
        raise _Fault((profile, "imports"), f"the profile has {len(imports)} imports", "tracker resolves exactly one")
    spec = imports[0]
    catalog_path, catalog = _imported_catalog(path, profile, spec, catalogs, documents)
    wanted = _selection(spec, catalog, catalog_path)
    resolved_groups = []
    for group in catalog.get("groups") or []:
        kept = _keep_group(group, wanted)
        if kept is not None:
            resolved_groups.append(kept)
    top = _keep_controls(catalog.get("controls") or [], wanted)
    metadata = dict(catalog.get("metadata") or {})
    metadata.update({k: v for k, v in (profile.get("metadata") or {}).items() if k in ("title", "version")})
    resolved = _Kept(metadata=metadata, params=catalog.get("params") or [])
    resolved.origin = catalog  # its top controls are the catalog's: their place is the catalog's
    if merge.get("as-is"):
        resolved.update(groups=resolved_groups, controls=top)
    else:  # flat (OSCAL's default): every control in one list
        flat = top + [c for g in resolved_groups for c in _group_controls(g)]
        group_params = [p for g in catalog.get("groups") or [] for p in _group_params(g)]
        resolved.update(controls=flat, params=[*resolved["params"], *group_params])
    return catalog_path, resolved


def _imported_catalog(
    path: Path, profile: dict, spec: dict, catalogs: list[tuple[Path, dict]], documents: list[_Document]
) -> tuple[Path, dict]:
    if len(catalogs) == 1:
        return catalogs[0]
    links = _links(profile, spec.get("href") or "")
    if not catalogs:
        return _catalog_on_disk(path, spec, links, documents)
    names = {_file_name(link) for link, _ in links}
    for catalog_path, catalog in catalogs:
        if catalog_path.name in names:
            return catalog_path, catalog
    raise _Fault(
        (spec, "href"),
        f"the profile imports '{one_line(spec.get('href') or '')}', which is none of the catalogs given",
        "give that catalog with the profile",
    )


def _links(profile: dict, href: str) -> list[tuple[str, str]]:
    """Where an import's `href` points, with the media type given for it: itself, or, for `#uuid`, the links of
    the profile's back-matter resource of that uuid (NIST's give the catalog in XML, JSON and YAML)."""
    if not href.startswith("#"):
        return [(href, "")]
    resources = (profile.get("back-matter") or {}).get("resources") or []
    return [
        (rlink.get("href") or "", rlink.get("media-type") or "")
        for resource in resources
        if resource.get("uuid") == href[1:]
        for rlink in resource.get("rlinks") or []
    ]


def _file_name(link: str) -> str:
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(link).path).rsplit("/", 1)[-1]


def _local_path(link: str, folder: Path) -> Path | None:
    """The file a link names, relative to `folder` as a URI reference is; None for a web address."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(link)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if parts.scheme or parts.netloc:
        return None
    return folder / unquote(parts.path)


def _catalog_on_disk(
    path: Path, spec: dict, links: list[tuple[str, str]], documents: list[_Document]
) -> tuple[Path, dict]:
    """The catalog a profile given alone imports: where its import's link points, else a file of that name next
    to the profile; else a _Fault at the import's href that names the files looked for and how to give it."""
    href = one_line(spec.get("href") or "")
    folder = path.parent
    # The import's own href whatever it names (an XML catalog there is refused as not JSON, naming it); of a
    # back-matter resource's links, the JSON ones: tracker reads no other form.
    readable = [
        link
        for link, media in links
        if _file_name(link) and (not href.startswith("#") or "json" in media or link.endswith(".json"))
    ]
    tried: list[Path] = []
    for link in readable:
        for candidate in (_local_path(link, folder), folder / _file_name(link)):
            if candidate is not None and (absolute := Path(os.path.abspath(candidate))) not in tried:
                tried.append(absolute)
    give = f"give the catalog after the profile (tracker import oscal {one_line(str(path))} CATALOG.json)"
    # The href, or for NIST's `#uuid` the back-matter link it names, is what the user mends to read another file.
    point = f"point {'its back-matter link' if href.startswith('#') else 'the href'} at the catalog's JSON form"
    for candidate in tried:
        if os.path.isfile(candidate):
            try:
                documents.append(_read(candidate))
            except _Xml:
                raise _Fault(
                    (spec, "href"),
                    f"the profile imports '{href}', and {one_line(str(candidate))} is XML, not OSCAL JSON",
                    f"{point}, or {give}",
                ) from None
            _check(documents[-1].data)
            if "catalog" not in documents[-1].data:
                raise _Fault(
                    (spec, "href"),
                    f"the profile imports '{href}', and {one_line(str(candidate))} is a profile, not a catalog",
                    f"{give}; tracker resolves one profile, against its catalog",
                )
            return candidate, documents[-1].data["catalog"]
    if not tried:
        names = "no JSON catalog in its back-matter" if href.startswith("#") else "no file"
        raise _Fault((spec, "href"), f"the profile imports '{href}', which names {names}", give)
    what = f"the profile imports '{href}'"
    if href.startswith("#"):
        quoted = ", ".join(f"'{one_line(link)}'" for link in readable)
        what += f" (its back-matter links {quoted})"
    if any(_local_path(link, folder) is None for link in readable):
        what += " (tracker does not download a web address)"
    looked = " and ".join(one_line(str(candidate)) for candidate in tried)
    name = _file_name(readable[0])
    put = f"{point}: tracker reads no XML" if name.lower().endswith(".xml") else f"put it next to the profile as {name}"
    raise _Fault((spec, "href"), f"{what}, a catalog tracker cannot find: it looked for {looked}", f"{give}, or {put}")


def _selection(spec: dict, catalog: dict, catalog_path: Path) -> set[str]:
    by_id = {c.get("id"): c for c in _all_controls(catalog)}
    unsupported = sorted(set(spec) - {"href", "include-all", "include-controls", "exclude-controls"})
    if unsupported:
        raise _Fault(
            (spec, unsupported[0]),
            f"the import's '{one_line(unsupported[0])}' is not supported",
            "list the controls by include-controls and exclude-controls",
            at_key=True,
        )
    if "include-all" in spec:
        wanted = set(by_id)
    elif spec.get("include-controls"):
        wanted = _matched(spec["include-controls"], by_id, catalog_path, "include-controls")
    else:
        raise _Fault((spec, None), "the import includes nothing", "give include-all or include-controls")
    return wanted - _matched(spec.get("exclude-controls") or [], by_id, catalog_path, "exclude-controls")


def _matched(selectors: list[dict], by_id: dict, catalog_path: Path, what: str) -> set[str]:
    chosen: set[str] = set()
    for selector in selectors:
        extra = sorted(set(selector) - {"with-ids", "with-child-controls"})
        if extra:
            raise _Fault(
                (selector, extra[0]),
                f"'{what}' with '{one_line(extra[0])}' is not supported",
                "list the controls by with-ids",
                at_key=True,
            )
        children = selector.get("with-child-controls") == "yes"
        listed = selector.get("with-ids") or []
        for index, ident in enumerate(listed):
            control = by_id.get(ident)
            if control is None:
                raise _Fault(
                    (listed, index),
                    f"'{what}' names '{one_line(ident)}', which {catalog_path} does not have",
                    "correct the id, or give the catalog that has it",
                )
            chosen |= {c.get("id") for c in _control_tree(control)} if children else {ident}
    return chosen


def _keep_group(group: dict, wanted: set[str]) -> dict | None:
    controls = _keep_controls(group.get("controls") or [], wanted)
    groups = [g for g in (_keep_group(inner, wanted) for inner in group.get("groups") or []) if g is not None]
    if not controls and not groups:
        return None
    return _kept(group, controls=controls, groups=groups)


def _keep_controls(controls: list[dict], wanted: set[str]) -> list[dict]:
    kept: list[dict] = []
    for control in controls:
        children = _keep_controls(control.get("controls") or [], wanted)
        if control.get("id") in wanted:
            kept.append(_kept(control, controls=children))
        else:
            kept.extend(children)  # an enhancement chosen without its control takes the control's place
    return kept


def _group_controls(group: dict) -> list[dict]:
    return list(group.get("controls") or []) + [c for g in group.get("groups") or [] for c in _group_controls(g)]


def _group_params(group: dict) -> list[dict]:
    return list(group.get("params") or []) + [p for g in group.get("groups") or [] for p in _group_params(g)]


# --- where a value stands in the document's text (only when a problem is reported) -----------------


def _place(documents: list[_Document], at: Place, at_key: bool) -> tuple[Path, int, int, list] | None:
    """(file, line, column, JSON path) of `at` (see _Fault), or None when no document holds it."""
    within, key = at
    while isinstance(within, _Kept):
        within = within.origin
    for document in documents:
        steps = _steps(document.data, within)
        if steps is not None:
            if key is not None:
                steps.append(key)
            text = document.text
            offset = _offset(text, steps, at_key)
            # Columns count characters, after a BOM, as the plan's problems and json's own errors count them.
            return document.path, text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset), steps
    return None


def _steps(root, target) -> list | None:
    """The keys and indices that lead from `root` to the very object `target`, or None."""
    seen: list[tuple[object, int, object]] = [(root, -1, None)]  # (value, index of its container in seen, key)
    at = 0
    while at < len(seen):
        value = seen[at][0]
        if value is target:
            steps = []
            while at > 0:
                _, at, step = seen[at]
                steps.append(step)
            return steps[::-1]
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        seen.extend((item, at, step) for step, item in items if isinstance(item, (dict, list)))
        at += 1
    return None


def _offset(text: str, steps: list, at_key: bool) -> int:
    """Where in `text` (a JSON document json has read) the value `steps` lead to starts, or its key when `at_key`;
    the object that lacks a step's key when one does."""
    decoder = json.JSONDecoder()
    value = key = _skip(text, 0)
    for step in steps:
        is_object = text[value] == "{"
        found = None
        index = 0
        pos = _skip(text, value + 1)
        while text[pos] not in "]}":
            start = pos
            if is_object:
                name, pos = decoder.raw_decode(text, pos)
                pos = _skip(text, _skip(text, pos) + 1)  # past the colon
                if name == step:
                    found = (start, pos)  # and on: of a repeated key, json keeps the last
            elif index == step:
                found = (start, start)
                break
            index += 1
            pos = _skip(text, decoder.raw_decode(text, pos)[1])
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
        if found is None:
            return value
        key, value = found
    return key if at_key else value


def _skip(text: str, pos: int) -> int:
    """The offset of the first character from `pos` on that is not JSON's whitespace (one always follows)."""
    while text[pos] in " \t\n\r":
        pos += 1
    return pos


def _dotted(steps: list) -> str:
    """A JSON path as the messages write it: `catalog.groups[2].controls[0].title`."""
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" if i else step for i, step in enumerate(steps))
