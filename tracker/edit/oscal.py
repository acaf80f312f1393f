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

A profile is resolved against the catalog given with it: include-all,
include-controls / exclude-controls by with-ids (with-child-controls), merge
as-is or flat.  Any other construct is an OscalError that names it: a plan
that silently lacks controls is worse than no plan.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from tracker.plan import id_fault
from tracker.support.textsafe import one_line

_INSERT = re.compile(r"\{\{\s*insert:\s*([^,}\s]+)\s*,\s*([^}\s]+)\s*\}\}")
_ANY_MOUSTACHE = re.compile(r"\{\{.*?\}\}")
_BEFORE_MARK = re.compile(r"(?<=\])\s+([;,.:])")
_FRAMEWORK_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*\Z")
MODELS = ("catalog", "profile")
_SCHEMA_KEY = "$schema"


class OscalError(Exception):
    """The files cannot be imported; str() is the message, starting with the file it is about."""


@dataclass
class NewIssue:
    id: str
    title: str
    controls: list[str]
    summary: str | None = None
    steps: list[str] = field(default_factory=list)


@dataclass
class NewPhase:
    id: str
    title: str
    issues: list[NewIssue] = field(default_factory=list)


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

    @property
    def issue_count(self) -> int:
        return sum(len(phase.issues) for phase in self.phases)


def read_oscal(files: list[Path], framework: str | None = None) -> NewPlan:
    """The plan for a catalog, or for a profile resolved against the catalog given with it."""
    documents = [(path, _read(path)) for path in files]
    catalogs = [(path, doc["catalog"]) for path, doc in documents if "catalog" in doc]
    profiles = [(path, doc["profile"]) for path, doc in documents if "profile" in doc]
    if len(profiles) > 1:
        raise OscalError(f"{profiles[1][0]}: error: give one profile at a time (with the catalog it imports)")
    if not catalogs:
        what = f"the profile {profiles[0][0]} imports a catalog; give it too" if profiles else "no catalog given"
        raise OscalError(f"{files[0]}: error: {what}")
    if profiles:
        path, profile = profiles[0]
        catalog_path, catalog = _resolve_profile(path, profile, catalogs)
        source = path
    elif len(catalogs) > 1:
        raise OscalError(
            f"{catalogs[1][0]}: error: give one catalog, or a profile with the catalog it imports; "
            "tracker does not merge catalogs"
        )
    else:
        catalog_path, catalog = catalogs[0]
        source = catalog_path
    return _plan(source, catalog, framework)


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise OscalError(f"{path}: error: cannot read it: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f":{exc.lineno}:{exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise OscalError(
            f"{path}{where}: error: not OSCAL JSON ({exc}); tracker imports the JSON form of OSCAL"
        ) from None
    except RecursionError:  # the decoder nests as deep as Python's stack allows; no catalog comes near it
        raise OscalError(
            f"{path}: error: not OSCAL JSON as tracker reads it: its arrays and objects are nested hundreds of "
            "levels deep"
        ) from None
    if not isinstance(data, dict):
        raise OscalError(f"{path}: error: not an OSCAL document (one top-level key, e.g. 'catalog', is expected)")
    # OSCAL's JSON schemas allow a `$schema` beside the model's key, naming the schema the document follows.
    if not isinstance(data.get(_SCHEMA_KEY, ""), str):
        _wrong(path, data[_SCHEMA_KEY], "a string (the schema's URI)", _SCHEMA_KEY)
    models = [key for key in data if key != _SCHEMA_KEY]
    if len(models) != 1:
        raise OscalError(f"{path}: error: not an OSCAL document (one top-level key, e.g. 'catalog', is expected)")
    model = models[0]
    if model not in MODELS:
        raise OscalError(
            f"{path}: error: '{model}' is an OSCAL model tracker does not import; "
            "give a catalog, or a profile with the catalog it imports"
        )
    _check_shape(path, data[model], model, model)
    return data


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
    "rlink": {"href": str},
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


def _check_shape(path: Path, value, shape, where: str) -> None:
    """`value` is of `shape` (a name in _SHAPES, a JSON type, or a one-item list: an array of it), or an OscalError
    names its place (`catalog.groups[2].controls[0].title`) and what OSCAL has there."""
    if isinstance(shape, list):
        if not isinstance(value, list):
            _wrong(path, value, "an array", where)
        for index, item in enumerate(value):
            _check_shape(path, item, shape[0], f"{where}[{index}]")
        return
    if isinstance(shape, type):
        if not isinstance(value, shape) or (shape is not bool and isinstance(value, bool)):
            _wrong(path, value, _JSON_NAMES[shape], where)
        return
    if not isinstance(value, dict):
        _wrong(path, value, "an object", where)
    for key, inner in _SHAPES[shape].items():
        if value.get(key) is not None:
            _check_shape(path, value[key], inner, f"{where}.{key}")


def _wrong(path: Path, value, expected: str, where: str) -> NoReturn:
    raise OscalError(
        f"{path}: error: {where} is {_json_name(value)}, where OSCAL has {expected}; "
        "correct it in the file (tracker reads OSCAL JSON as its schema has it)"
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
        phases.append(_phase("CONTROLS", "Controls", catalog["controls"], [], params, framework_id, source))
    used_ids: set[str] = set()
    for group in catalog.get("groups") or []:
        phase_id = _label(group) or str(group.get("id") or len(phases) + 1).upper()
        phases.append(
            _phase(
                phase_id,
                _text(group.get("title")) or phase_id,
                group.get("controls") or [],
                group.get("groups") or [],
                params,
                framework_id,
                source,
            )
        )
    for phase in phases:
        if phase.id in used_ids:
            raise OscalError(f"{source}: error: two groups are both labelled '{phase.id}'")
        used_ids.add(phase.id)
    phases = [phase for phase in phases if phase.issues]
    if not phases:
        # An empty plan would declare a framework of no controls and say "0 issues" as if that were a result.
        raise OscalError(
            f"{source}: error: no control to import: the catalog has none that is not withdrawn "
            "(or the profile selects none); nothing was written"
        )
    for phase in phases:
        _check_id(source, "group", phase.id)
        for issue in phase.issues:
            _check_id(source, "control", issue.id)
    labels = [issue.id for phase in phases for issue in phase.issues]
    duplicate = next((label for i, label in enumerate(labels) if label in labels[:i]), None)
    if duplicate is not None:
        raise OscalError(f"{source}: error: two controls are both labelled '{duplicate}'")
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
        frameworks=[NewFramework(framework_id, title, labels)],
        comment=comment,
    )


def _check_id(source: Path, what: str, ident: str) -> None:
    """A label (or id) that would be no id of a plan (model.id_fault) is refused: the plan would not load."""
    fault = id_fault(ident)
    if fault is not None:
        raise OscalError(
            f"{source}: error: the {what} labelled '{one_line(ident)}' holds {fault}, and a plan's ids are one line "
            f"without control characters (typed on command lines); correct its label (or id) in the catalog"
        )


def _phase(phase_id, title, controls, groups, params, framework_id, source) -> NewPhase:
    phase = NewPhase(phase_id, title)
    # nested groups are flattened into their top group, in order
    for control in [*controls, *(c for group in groups for c in _group_controls(group))]:
        _add_control(phase, control, params, framework_id, source)
    return phase


def _add_control(phase: NewPhase, control: dict, params: dict, framework_id: str, source: Path) -> None:
    if _withdrawn(control):
        return
    label = _label(control) or str(control.get("id", "")).upper()
    if not label:
        raise OscalError(f"{source}: error: a control in group '{phase.id}' has no id")
    summary, steps = _statement(control, params, source)
    phase.issues.append(
        NewIssue(
            id=label,
            title=_text(control.get("title")) or label,
            controls=[f"{framework_id}:{label}"],
            summary=summary,
            steps=steps,
        )
    )
    for child in control.get("controls") or []:
        _add_control(phase, child, params, framework_id, source)


def _statement(control: dict, params: dict, source: Path) -> tuple[str | None, list[str]]:
    """(summary, steps): the statement's own words and one step per item; a statement of words alone is one step."""
    statement = next((p for p in control.get("parts") or [] if p.get("name") == "statement"), None)
    if statement is None:
        return None, []
    where = f"{source}: control '{control.get('id')}'"
    lead = _prose(statement.get("prose"), params, where)
    items = [_item(part, params, where) for part in statement.get("parts") or [] if part.get("name") == "item"]
    if not items:
        return None, [lead] if lead else []
    return lead or None, items


def _item(part: dict, params: dict, where: str) -> str:
    label = _label(part)
    words = [label] if label else []
    prose = _prose(part.get("prose"), params, where)
    if prose:
        words.append(prose)
    words += [_item(sub, params, where) for sub in part.get("parts") or [] if sub.get("name") == "item"]
    return " ".join(words)


def _prose(prose, params: dict, where: str) -> str:
    if not isinstance(prose, str):
        return ""

    def insert(match: re.Match) -> str:
        kind, ident = match.group(1), match.group(2)
        if kind != "param":
            raise OscalError(
                f"{where}: error: '{{{{ insert: {kind}, … }}}}' is an OSCAL insert tracker does not support"
            )
        return _placeholder(ident, params, where, set())

    text = _BEFORE_MARK.sub(r"\1", _INSERT.sub(insert, prose))  # `[...] ;` as the source spaced it reads `[...];`
    left = _ANY_MOUSTACHE.search(text)
    if left:
        raise OscalError(f"{where}: error: '{left.group()}' is an OSCAL construct tracker does not support")
    return _text(text)


def _placeholder(ident: str, params: dict, where: str, seen: set[str]) -> str:
    """A parameter as the published text shows it: its value, else [Selection: ...] or [Assignment: ...]."""
    param = params.get(ident)
    if param is None:
        raise OscalError(f"{where}: error: the parameter '{ident}' is inserted but not defined in the catalog")
    if ident in seen:
        raise OscalError(f"{where}: error: the parameter '{ident}' refers to itself")
    seen = seen | {ident}
    values = [_text(v) for v in param.get("values") or [] if _text(v)]
    if values:
        return ", ".join(values)
    select = param.get("select")
    if select:
        choices = [
            _INSERT.sub(lambda m: _placeholder(m.group(2), params, where, seen), c) for c in select.get("choice") or []
        ]
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
    labels = [p for p in owner.get("props") or [] if p.get("name") == "label" and p.get("value")]
    plain = [p for p in labels if not p.get("class")]
    chosen = (plain or labels or [None])[0]
    return _text(chosen["value"]) if chosen else None


def _withdrawn(control: dict) -> bool:
    return any(
        p.get("name") == "status" and p.get("value") in ("withdrawn", "Withdrawn") for p in control.get("props") or []
    )


def _text(value) -> str:
    return " ".join(str(value).split()) if value else ""


# --- a profile resolved against its catalog -------------------------------------


def _resolve_profile(path: Path, profile: dict, catalogs: list[tuple[Path, dict]]) -> tuple[Path, dict]:
    for key in ("modify",):
        if profile.get(key):
            inner = ", ".join(sorted(profile[key])) if isinstance(profile[key], dict) else key
            raise OscalError(
                f"{path}: error: the profile's '{key}' ({inner}) is not supported; "
                "import its resolved-profile catalog instead"
            )
    merge = profile.get("merge") or {}
    if "custom" in merge:
        raise OscalError(f"{path}: error: the profile's 'merge: custom' is not supported; use as-is or flat")
    imports = profile.get("imports") or []
    if len(imports) != 1:
        raise OscalError(f"{path}: error: the profile has {len(imports)} imports; tracker resolves exactly one")
    spec = imports[0]
    catalog_path, catalog = _imported_catalog(path, profile, spec.get("href", ""), catalogs)
    wanted = _selection(path, spec, catalog, catalog_path)
    resolved_groups = []
    for group in catalog.get("groups") or []:
        kept = _keep_group(group, wanted)
        if kept is not None:
            resolved_groups.append(kept)
    top = _keep_controls(catalog.get("controls") or [], wanted)
    metadata = dict(catalog.get("metadata") or {})
    metadata.update({k: v for k, v in (profile.get("metadata") or {}).items() if k in ("title", "version")})
    resolved = {"metadata": metadata, "params": catalog.get("params") or []}
    if merge.get("as-is"):
        resolved.update(groups=resolved_groups, controls=top)
    else:  # flat (OSCAL's default): every control in one list
        flat = top + [c for g in resolved_groups for c in _group_controls(g)]
        group_params = [p for g in catalog.get("groups") or [] for p in _group_params(g)]
        resolved.update(controls=flat, params=[*resolved["params"], *group_params])
    return catalog_path, resolved


def _imported_catalog(path, profile, href: str, catalogs) -> tuple[Path, dict]:
    if len(catalogs) == 1:
        return catalogs[0]
    names = {href.rsplit("/", 1)[-1]}
    if href.startswith("#"):
        for resource in (profile.get("back-matter") or {}).get("resources") or []:
            if resource.get("uuid") == href[1:]:
                names |= {r.get("href", "").rsplit("/", 1)[-1] for r in resource.get("rlinks") or []}
    for catalog_path, catalog in catalogs:
        if catalog_path.name in names:
            return catalog_path, catalog
    raise OscalError(f"{path}: error: the profile imports '{href}', which is none of the catalogs given")


def _selection(path: Path, spec: dict, catalog: dict, catalog_path: Path) -> set[str]:
    by_id = {c.get("id"): c for c in _all_controls(catalog)}
    unsupported = sorted(set(spec) - {"href", "include-all", "include-controls", "exclude-controls"})
    if unsupported:
        raise OscalError(f"{path}: error: the import's '{unsupported[0]}' is not supported")
    if "include-all" in spec:
        wanted = set(by_id)
    elif spec.get("include-controls"):
        wanted = _matched(path, spec["include-controls"], by_id, catalog_path, "include-controls")
    else:
        raise OscalError(f"{path}: error: the import includes nothing; give include-all or include-controls")
    return wanted - _matched(path, spec.get("exclude-controls") or [], by_id, catalog_path, "exclude-controls")


def _matched(path, selectors: list[dict], by_id: dict, catalog_path: Path, what: str) -> set[str]:
    chosen: set[str] = set()
    for selector in selectors:
        extra = sorted(set(selector) - {"with-ids", "with-child-controls"})
        if extra:
            raise OscalError(
                f"{path}: error: '{what}' with '{extra[0]}' is not supported; list the controls by with-ids"
            )
        children = selector.get("with-child-controls") == "yes"
        for ident in selector.get("with-ids") or []:
            control = by_id.get(ident)
            if control is None:
                raise OscalError(f"{path}: error: '{what}' names '{ident}', which {catalog_path} does not have")
            chosen |= {c.get("id") for c in _control_tree(control)} if children else {ident}
    return chosen


def _keep_group(group: dict, wanted: set[str]) -> dict | None:
    controls = _keep_controls(group.get("controls") or [], wanted)
    groups = [g for g in (_keep_group(inner, wanted) for inner in group.get("groups") or []) if g is not None]
    if not controls and not groups:
        return None
    return {**group, "controls": controls, "groups": groups}


def _keep_controls(controls: list[dict], wanted: set[str]) -> list[dict]:
    kept = []
    for control in controls:
        children = _keep_controls(control.get("controls") or [], wanted)
        if control.get("id") in wanted:
            kept.append({**control, "controls": children})
        else:
            kept.extend(children)  # an enhancement chosen without its control takes the control's place
    return kept


def _group_controls(group: dict) -> list[dict]:
    return list(group.get("controls") or []) + [c for g in group.get("groups") or [] for c in _group_controls(g)]


def _group_params(group: dict) -> list[dict]:
    return list(group.get("params") or []) + [p for g in group.get("groups") or [] for p in _group_params(g)]
