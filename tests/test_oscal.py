"""`tracker import oscal`: NIST's moderate baseline, profiles resolved against their catalog, and what is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_tracker
from gitutil import make_repo

from tracker.edit.newplan import render
from tracker.edit.oscal import OscalError, read_oscal

OSCAL = ROOT / "tests" / "data" / "oscal"
RESOLVED = OSCAL / "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json"
PROFILE = OSCAL / "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"
TEMPLATE = ROOT / "tracker" / "edit" / "templates" / "nist-800-53-moderate.yaml"


def issues(data: dict) -> list[dict]:
    return [issue for phase in data["phases"] for issue in phase["issues"]]


@pytest.fixture(scope="module")
def moderate(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("import") / "data" / "phases.yaml"
    done = run_tracker("import", "oscal", str(RESOLVED), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote {out}: 18 phases, 287 issues\n"
    return out, yaml.safe_load(out.read_text())


def test_the_moderate_baseline_is_18_phases_of_287_issues_with_their_labels(moderate):
    _, data = moderate
    assert [phase["id"] for phase in data["phases"]][:3] == ["AC", "AT", "AU"]
    assert len(data["phases"]) == 18
    found = issues(data)
    assert len(found) == 287
    by_id = {issue["id"]: issue for issue in found}
    assert by_id["AC-2(1)"]["title"] == "Automated System Account Management"
    assert by_id["AC-2(1)"]["controls"] == ["SP800-53:AC-2(1)"]
    assert all(issue["controls"] == [f"SP800-53:{issue['id']}"] for issue in found)
    assert all(issue["status"] == "not_started" for issue in found)
    # enhancements follow their control, in the catalog's order
    ids = [issue["id"] for issue in found]
    assert ids[:9] == ["AC-1", "AC-2", "AC-2(1)", "AC-2(2)", "AC-2(3)", "AC-2(4)", "AC-2(5)", "AC-2(13)", "AC-3"]
    [framework] = data["frameworks"]
    assert framework["id"] == "SP800-53"
    assert framework["controls"] == ids


def test_statement_items_are_steps_with_parameters_as_readable_placeholders(moderate):
    path, data = moderate
    text = path.read_text()
    assert "{{" not in text and "insert:" not in text
    by_id = {issue["id"]: issue for issue in issues(data)}
    steps = [step["title"] for step in by_id["AC-2"]["steps"]]
    assert len(steps) == 12  # items a. to l.
    assert (
        steps[2]
        == "c. Require [Assignment: organization-defined prerequisites and criteria] for group and role membership;"
    )
    assert steps[3].startswith("d. Specify: 1. Authorized users of the system; 2. Group and role membership;")
    ac1 = by_id["AC-1"]["steps"][0]["title"]
    assert "[Selection (one or more): organization-level; mission/business process-level; system-level]" in ac1
    assert "organization-defined organization-defined" not in text
    # an enhancement whose statement has no items is one step
    assert [s["title"] for s in by_id["AC-2(1)"]["steps"]] == [
        "Support the management of system accounts using [Assignment: organization-defined automated mechanisms]."
    ]


def test_the_profile_with_its_catalog_gives_the_same_plan(moderate, tmp_path):
    path, _ = moderate
    out = tmp_path / "from-profile.yaml"
    done = run_tracker("import", "oscal", str(PROFILE), str(RESOLVED), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == path.read_bytes()


def test_the_nist_template_is_the_importers_output():
    """The init template is generated (see edit/starter.py), not written by hand."""
    assert TEMPLATE.read_text(encoding="utf-8") == render(read_oscal([RESOLVED]))


def test_it_never_writes_over_a_plan_unless_forced(moderate, tmp_path):
    out = tmp_path / "plan.yaml"
    out.write_text("mine\n")
    done = run_tracker("import", "oscal", str(RESOLVED), "-o", str(out))
    assert done.returncode == 1
    assert done.stderr == (
        f"{out}: error: a plan is already there; nothing was written "
        "(pass --force to replace it, or -o/--output FILE to write another)\n"
    )
    assert out.read_text() == "mine\n"
    assert run_tracker("import", "oscal", str(RESOLVED), "-o", str(out), "--force").returncode == 0
    assert out.read_bytes() == moderate[0].read_bytes()


def test_dash_writes_to_stdout_and_the_default_is_data_phases_yaml(moderate, tmp_path):
    done = run_tracker("import", "oscal", str(RESOLVED), "-o", "-", cwd=tmp_path)
    assert done.stdout == moderate[0].read_text()
    assert list(tmp_path.iterdir()) == []
    assert run_tracker("import", "oscal", str(RESOLVED), cwd=tmp_path).returncode == 0
    assert (tmp_path / "data" / "phases.yaml").read_bytes() == moderate[0].read_bytes()


# --- small catalogs: nesting, selection, refusals ---------------------------------


def control(ident: str, label: str, prose: str = "Do it.", children: list | None = None, **extra) -> dict:
    return {
        "id": ident,
        "class": "TEST",
        "title": f"Control {label}",
        "props": [{"name": "label", "value": label}],
        "parts": [{"id": f"{ident}_smt", "name": "statement", "prose": prose}],
        "controls": children or [],
        **extra,
    }


def catalog() -> dict:
    return {
        "catalog": {
            "uuid": "c",
            "metadata": {"title": "Test catalog", "version": "1"},
            "params": [
                {"id": "p-freq", "label": "frequency"},
                {"id": "p-pick", "select": {"choice": ["daily", "weekly {{ insert: param, p-freq }}"]}},
                {"id": "p-set", "label": "value", "values": ["every Monday"]},
            ],
            "groups": [
                {
                    "id": "aa",
                    "title": "Group A",
                    "props": [{"name": "label", "value": "AA"}],
                    "controls": [
                        control(
                            "aa-1", "AA-1", "Review it {{ insert: param, p-freq }} ;", [control("aa-1.1", "AA-1(1)")]
                        ),
                    ],
                    "groups": [
                        {
                            "id": "inner",
                            "title": "Inner",
                            "controls": [control("aa-2", "AA-2", "Pick {{ insert: param, p-pick }}.")],
                        },
                    ],
                },
                {
                    "id": "bb",
                    "title": "Group B",
                    "controls": [
                        control("bb-1", "BB-1", "Set {{ insert: param, p-set }}."),
                        control("bb-2", "BB-2", props=[{"name": "status", "value": "withdrawn"}]),
                    ],
                },
            ],
        }
    }


def profile(**imported) -> dict:
    return {
        "profile": {
            "uuid": "p",
            "metadata": {"title": "Test profile"},
            "imports": [{"href": "#x", **imported}],
            "merge": {"as-is": True},
        }
    }


def write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, indent=2))
    return path


def places(text: str, before: str, value: str) -> list[str]:
    """'line:column' of `value` wherever it follows `before` in `text`, found by searching the text (not by
    walking the JSON), columns counted in characters."""
    found, offset = [], text.find(before + value)
    while offset >= 0:
        found.append(line_column(text, offset + len(before)))
        offset = text.find(before + value, offset + 1)
    return found


def line_column(text: str, offset: int) -> str:
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"


def brace_before(text: str, key: str) -> str:
    """'line:column' of the brace that opens the object holding `key` (once in `text`, after no nested object)."""
    [_] = places(text, "", key)
    return line_column(text, text.rindex("{", 0, text.index(key)))


def place(text: str, before: str, value: str) -> str:
    [one] = places(text, before, value)
    return one


def refused(*files: Path, cwd: Path) -> str:
    """The one line `tracker import oscal FILES` says on stderr, having written nothing (exit 1, no traceback)."""
    done = run_tracker("import", "oscal", *map(str, files), cwd=cwd)
    assert done.returncode == 1, done.stdout
    [line] = done.stderr.splitlines()
    assert "Traceback" not in done.stderr
    assert not (cwd / "data").exists()
    return line


def test_nested_groups_join_their_top_group_and_parameters_read_as_text(tmp_path):
    plan = read_oscal([write(tmp_path, "c.json", catalog())])
    assert [(p.id, p.title, [i.id for i in p.issues]) for p in plan.phases] == [
        ("AA", "Group A", ["AA-1", "AA-1(1)", "AA-2"]),
        ("BB", "Group B", ["BB-1"]),  # withdrawn controls are not work to do
    ]
    steps = {i.id: i.steps for p in plan.phases for i in p.issues}
    assert steps["AA-1"] == ["Review it [Assignment: organization-defined frequency];"]
    assert steps["AA-2"] == ["Pick [Selection: daily; weekly [Assignment: organization-defined frequency]]."]
    assert steps["BB-1"] == ["Set every Monday."]
    assert plan.frameworks[0].id == "TEST"
    assert plan.frameworks[0].controls == ["AA-1", "AA-1(1)", "AA-2", "BB-1"]


@pytest.mark.parametrize(
    "selection, wanted",
    [
        ({"include-all": {}}, ["AA-1", "AA-1(1)", "AA-2", "BB-1"]),
        ({"include-controls": [{"with-ids": ["aa-1", "bb-1"]}]}, ["AA-1", "BB-1"]),
        ({"include-controls": [{"with-ids": ["aa-1"], "with-child-controls": "yes"}]}, ["AA-1", "AA-1(1)"]),
        ({"include-controls": [{"with-ids": ["aa-1.1"]}]}, ["AA-1(1)"]),
        ({"include-all": {}, "exclude-controls": [{"with-ids": ["aa-2"]}]}, ["AA-1", "AA-1(1)", "BB-1"]),
    ],
)
def test_a_profile_selects_controls_from_its_catalog(tmp_path, selection, wanted):
    plan = read_oscal([write(tmp_path, "p.json", profile(**selection)), write(tmp_path, "c.json", catalog())])
    assert [i.id for p in plan.phases for i in p.issues] == wanted
    assert plan.project == "Test profile"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"modify": {"set-parameters": []}}, "the profile's 'modify' (set-parameters) is not supported"),
        ({"merge": {"custom": {}}}, "the profile's 'merge: custom' is not supported"),
        (
            {"imports": [{"href": "#x", "include-controls": [{"matching": [{"pattern": "aa-*"}]}]}]},
            "'include-controls' with 'matching' is not supported",
        ),
        (
            {"imports": [{"href": "#x", "include-controls": [{"with-ids": ["zz-9"]}]}]},
            "'include-controls' names 'zz-9'",
        ),
        ({"imports": [{"href": "#x"}]}, "the import includes nothing"),
    ],
)
def test_unsupported_profile_constructs_are_named(tmp_path, change, message):
    data = profile(**{"include-all": {}})
    data["profile"].update(change)
    with pytest.raises(OscalError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_oscal([write(tmp_path, "p.json", data), write(tmp_path, "c.json", catalog())])


def test_refusals_through_the_cli(tmp_path):
    poam = write(tmp_path, "poam.json", {"plan-of-action-and-milestones": {}})
    done = run_tracker("import", "oscal", str(poam), cwd=tmp_path)
    assert done.returncode == 1
    assert "'plan-of-action-and-milestones' is an OSCAL model tracker does not import" in done.stderr
    odd = catalog()
    odd["catalog"]["groups"][1]["controls"][0]["parts"][0]["prose"] = "{{ insert: choice, x }}"
    done = run_tracker("import", "oscal", str(write(tmp_path, "c.json", odd)), cwd=tmp_path)
    assert done.returncode == 1
    assert "'{{ insert: choice, … }}' is an OSCAL insert tracker does not support" in done.stderr
    alone = run_tracker("import", "oscal", str(write(tmp_path, "p.json", profile(**{"include-all": {}}))), cwd=tmp_path)
    assert "imports '#x', which names no JSON catalog in its back-matter; give the catalog after" in alone.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    done = run_tracker("import", "oscal", str(bad), cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.startswith(f"{bad}:1:2: error: not OSCAL JSON")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()


def test_the_imported_plan_validates(moderate):
    done = run_tracker("validate", str(moderate[0]))
    assert (done.returncode, done.stderr) == (0, "")


def test_a_label_that_would_be_no_id_is_refused_and_nothing_is_written(tmp_path):
    """A group or control label (or id, when it has none) holding a line break or a control character became a
    plan that did not load: the import is refused instead, naming it on one line."""
    repo = make_repo(tmp_path / "repo")
    for change, message, value in [
        (lambda c: c["groups"][1].update(id="b\nb"), "the group labelled 'B B' holds a line break", '"b\\nb"'),
        (
            lambda c: c["groups"][1]["controls"][0]["props"][0].update(value="BB\x1b-1"),
            "the control labelled 'BB-1' holds the control character U+001B",
            '"BB\\u001b-1"',
        ),
    ]:
        data = catalog()
        change(data["catalog"])
        path = write(tmp_path, "c.json", data)
        where = place(path.read_text(), ": ", value)  # the label's (or id's) value
        assert refused(path, cwd=repo.root).startswith(f"{path}:{where}: error: {message}")


@pytest.mark.parametrize(
    "change, message, value",
    [
        (
            lambda c: c.update(groups="AA"),
            "catalog.groups is a string, where OSCAL has an array",
            ('"groups": ', '"AA"'),
        ),
        (lambda c: c["groups"].append(7071), "catalog.groups[2] is a number, where OSCAL has an object", ("", "7071")),
        (
            lambda c: c.update(metadata="Test"),
            "catalog.metadata is a string, where OSCAL has an object",
            ('"metadata": ', '"Test"'),
        ),
        (lambda c: c.update(params=5), "catalog.params is a number, where OSCAL has an array", ('"params": ', "5")),
        (
            lambda c: c["params"][1].update(select="daily"),
            "catalog.params[1].select is a string, where OSCAL has an object",
            ('"select": ', '"daily"'),
        ),
        (
            lambda c: c["groups"][0]["controls"][0].update(parts="Do it."),
            "catalog.groups[0].controls[0].parts is a string, where OSCAL has an array",
            ('"parts": ', '"Do it."'),
        ),
        (
            lambda c: c["groups"][1]["controls"][0]["props"].append(4041),
            "catalog.groups[1].controls[0].props[1] is a number, where OSCAL has an object",
            ("", "4041"),
        ),
        (
            lambda c: c["groups"][1]["controls"][0].update(title={"en": "One"}),
            "catalog.groups[1].controls[0].title is an object, where OSCAL has a string",
            ('"title": ', "{"),
        ),
        (
            lambda c: c["groups"][1].update(id=7),
            "catalog.groups[1].id is a number, where OSCAL has a string",
            ('"id": ', "7"),
        ),
    ],
)
def test_a_catalog_of_the_wrong_shape_is_refused_at_its_place(tmp_path, change, message, value):
    """A value of another JSON type than OSCAL's was an AttributeError or TypeError traceback (a string for a list,
    a number for an object), or became a plan titled "{'en': 'One'}": it is named by its JSON path, and by the line
    and column of the value (`value`: the text before it, and its own)."""
    repo = make_repo(tmp_path / "repo")
    data = catalog()
    change(data["catalog"])
    path = write(tmp_path, "c.json", data)
    where = place(path.read_text(), *value)
    assert refused(path, cwd=repo.root).startswith(f"{path}:{where}: error: {message}; correct it in the file")


def test_a_profile_of_the_wrong_shape_is_refused_at_its_place(tmp_path):
    data = profile(**{"include-controls": [{"with-ids": "aa-1"}]})
    done = run_tracker(
        "import", "oscal", str(write(tmp_path, "p.json", data)), str(write(tmp_path, "c.json", catalog())), cwd=tmp_path
    )
    assert done.returncode == 1
    assert "profile.imports[0].include-controls[0].with-ids is a string, where OSCAL has an array" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "data").exists()


def test_a_catalog_with_no_control_to_import_writes_no_plan(tmp_path):
    """A catalog without controls (or all withdrawn) was 'wrote data/phases.yaml: 0 phases, 0 issues', exit 0."""
    repo = make_repo(tmp_path / "repo")
    data = catalog()
    data["catalog"]["groups"] = [data["catalog"]["groups"][1]]
    data["catalog"]["groups"][0]["controls"][0]["props"].append({"name": "status", "value": "withdrawn"})
    for document in (data, {"catalog": {"uuid": "c", "metadata": {"title": "Empty"}}}):
        path = write(tmp_path, "c.json", document)
        done = run_tracker("import", "oscal", str(path), cwd=repo.root)
        assert done.returncode == 1, done.stdout
        assert (
            done.stderr == f"{path}: error: no control to import: the catalog has none that is not withdrawn "
            "(or the profile selects none); nothing was written\n"
        )
        assert not (repo.root / "data").exists()


def test_a_blank_project_name_is_refused_as_init_refuses_it(tmp_path):
    """`--project ''` wrote a plan (exit 0) whose blank `project` `tracker validate` then rejected."""
    repo = make_repo(tmp_path / "repo")
    path = write(tmp_path, "c.json", catalog())
    for name in ("", "  "):
        done = run_tracker("import", "oscal", str(path), "--project", name, cwd=repo.root)
        assert done.returncode == 2, done.stdout
        assert "Invalid value for '--project': the project's name cannot be empty" in done.stderr
        assert not (repo.root / "data").exists()


def test_a_document_naming_its_json_schema_is_imported(tmp_path):
    """OSCAL's JSON schemas allow `$schema` beside the model's key; such a catalog (or profile) was refused as
    'not an OSCAL document (one top-level key ...)'."""
    repo = make_repo(tmp_path / "repo")
    schema = "https://raw.githubusercontent.com/usnistgov/OSCAL/v1.1.2/json/schema/oscal_catalog_schema.json"
    catalog_path = write(tmp_path, "c.json", {"$schema": schema, **catalog()})
    profile_path = write(tmp_path, "p.json", {"$schema": schema, **profile(**{"include-all": {}})})
    done = run_tracker("import", "oscal", str(profile_path), str(catalog_path), cwd=repo.root)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout == "wrote data/phases.yaml: 2 phases, 4 issues\n"
    odd = write(tmp_path, "odd.json", {"$schema": 5, **catalog()})
    done = run_tracker("import", "oscal", str(odd), "-o", "odd.yaml", cwd=repo.root)
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"{odd}:2:14: error: $schema is a number, where OSCAL has a string (the schema's URI)"
    )
    assert not (repo.root / "odd.yaml").exists()


def test_json_nested_too_deep_to_decode_is_refused_not_a_traceback(tmp_path):
    """json.loads raised RecursionError (a traceback) on arrays nested past Python's stack."""
    repo = make_repo(tmp_path / "repo")
    path = tmp_path / "deep.json"
    path.write_text('{"catalog": {"groups": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    done = run_tracker("import", "oscal", str(path), cwd=repo.root)
    assert done.returncode == 1
    assert done.stderr == (
        f"{path}: error: not OSCAL JSON as tracker reads it: its arrays and objects are nested hundreds of levels "
        "deep\n"
    )
    assert not (repo.root / "data").exists()


# --- every problem at a value of a document is located at path:line:column ------------------------------------


def test_a_control_without_an_id_is_located_at_the_control(tmp_path):
    """A missing value is located at the object that lacks it (json keeps no positions: the message had none)."""
    repo = make_repo(tmp_path / "repo")
    data = catalog()
    nameless = data["catalog"]["groups"][1]["controls"][0]
    del nameless["id"], nameless["props"]
    path = write(tmp_path, "c.json", data)
    where = brace_before(path.read_text(), '"title": "Control BB-1"')
    line = refused(path, cwd=repo.root)
    assert line == f"{path}:{where}: error: a control in group 'BB' has no id; give it its id (and a label prop)"


def test_a_repeated_label_is_located_with_the_first(tmp_path):
    repo = make_repo(tmp_path / "repo")
    for change, message, value in [
        (
            lambda c: c["groups"][1]["controls"][0]["props"][0].update(value="AA-1"),
            "two controls are both labelled 'AA-1'",
            '"AA-1"',
        ),
        (
            lambda c: c["groups"][1].update(props=[{"name": "label", "value": "AA"}]),
            "two groups are both labelled 'AA'",
            '"AA"',
        ),
    ]:
        data = catalog()
        change(data["catalog"])
        path = write(tmp_path, "c.json", data)
        first, second = places(path.read_text(), '"value": ', value)
        line = refused(path, cwd=repo.root)
        assert line == (
            f"{path}:{second}: error: {message} (first at line {first.replace(':', ', column ')}); "
            "give one of them another label (or id) in the catalog"
        )


def test_an_undefined_parameter_is_located_at_the_text_that_inserts_it(tmp_path):
    repo = make_repo(tmp_path / "repo")
    data = catalog()
    data["catalog"]["groups"][1]["controls"][0]["parts"][0]["prose"] = "Set {{ insert: param, p-none }}."
    path = write(tmp_path, "c.json", data)
    where = place(path.read_text(), '"prose": ', '"Set {{ insert: param, p-none }}."')
    assert refused(path, cwd=repo.root) == (
        f"{path}:{where}: error: control 'bb-1': the parameter 'p-none' is inserted but not defined in the catalog; "
        "define it in the catalog's params, or correct the insert"
    )
    data = catalog()  # in a choice of another parameter, the choice is the place
    data["catalog"]["params"][1]["select"]["choice"][1] = "weekly {{ insert: param, p-none }}"
    path = write(tmp_path, "c.json", data)
    where = place(path.read_text(), "", '"weekly {{ insert: param, p-none }}"')
    assert refused(path, cwd=repo.root).startswith(f"{path}:{where}: error: control 'aa-2': the parameter 'p-none'")


def test_a_profile_problem_is_located_in_the_profile_and_a_catalog_problem_in_the_catalog(tmp_path):
    """A problem found while the profile is resolved named the profile's file, even when it was the catalog's."""
    repo = make_repo(tmp_path / "repo")
    data = catalog()
    data["catalog"]["groups"][1]["controls"][0]["props"][0]["value"] = "BB\x1b-1"
    catalog_path = write(tmp_path, "c.json", data)
    profile_path = write(tmp_path, "p.json", profile(**{"include-all": {}}))
    where = place(catalog_path.read_text(), '"value": ', '"BB\\u001b-1"')
    line = refused(profile_path, catalog_path, cwd=repo.root)
    assert line.startswith(f"{catalog_path}:{where}: error: the control labelled 'BB-1' holds the control character")

    catalog_path = write(tmp_path, "c.json", catalog())
    profile_path = write(tmp_path, "p.json", profile(**{"include-controls": [{"with-ids": ["aa-1", "zz-9"]}]}))
    where = place(profile_path.read_text(), "", '"zz-9"')
    assert refused(profile_path, catalog_path, cwd=repo.root) == (
        f"{profile_path}:{where}: error: 'include-controls' names 'zz-9', which {catalog_path} does not have; "
        "correct the id, or give the catalog that has it"
    )
    profile_path = write(tmp_path, "p.json", profile())  # an import of nothing: the import itself
    where = brace_before(profile_path.read_text(), '"href": "#x"')
    assert refused(profile_path, catalog_path, cwd=repo.root) == (
        f"{profile_path}:{where}: error: the import includes nothing; give include-all or include-controls"
    )


def test_a_profile_given_alone_whose_catalog_is_not_found_names_its_href_and_the_files_looked_for(tmp_path):
    """NIST's profile copied alone to another folder, and a profile whose href points at a missing file: the
    error is at the import's href, names it (and the back-matter link it stands for) and every file looked for,
    and says how to give the catalog."""
    repo = make_repo(tmp_path / "repo")
    alone = tmp_path / "elsewhere" / PROFILE.name
    alone.parent.mkdir()
    alone.write_bytes(PROFILE.read_bytes())
    link = "../../../../nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json"
    uuid = "#84cbf061-eb87-4ec1-8112-1f529232e907"
    where = place(alone.read_text(), '"href": ', f'"{uuid}"')
    assert refused(alone, cwd=repo.root) == (
        f"{alone}:{where}: error: the profile imports '{uuid}' "
        f"(its back-matter links '{link}'), a catalog tracker cannot find: it looked for "
        f"{os.path.normpath(alone.parent / link)} and {alone.parent / 'NIST_SP-800-53_rev5_catalog.json'}; give the "
        f"catalog after the profile (tracker import oscal {alone} CATALOG.json), or put it next to the profile as "
        "NIST_SP-800-53_rev5_catalog.json"
    )
    missing = write(tmp_path, "p.json", profile(**{"include-all": {}}))
    data = json.loads(missing.read_text())
    data["profile"]["imports"][0]["href"] = "catalogs/test%20catalog.json"
    write(tmp_path, "p.json", data)
    where = place(missing.read_text(), '"href": ', '"catalogs')
    assert refused(missing, cwd=repo.root) == (
        f"{missing}:{where}: error: the profile imports "
        f"'catalogs/test%20catalog.json', a catalog tracker cannot find: it looked for "
        f"{tmp_path / 'catalogs' / 'test catalog.json'} and {tmp_path / 'test catalog.json'}; give the catalog "
        f"after the profile (tracker import oscal {missing} CATALOG.json), or put it next to the profile as "
        "test catalog.json"
    )
    data["profile"]["imports"][0]["href"] = "https://example.org/oscal/c.json"
    write(tmp_path, "p.json", data)
    assert refused(missing, cwd=repo.root).endswith(
        "error: the profile imports 'https://example.org/oscal/c.json' (tracker does not download a web address), "
        f"a catalog tracker cannot find: it looked for {tmp_path / 'c.json'}; give the catalog after the profile "
        f"(tracker import oscal {missing} CATALOG.json), or put it next to the profile as c.json"
    )


XML_CATALOG = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0">\xe9'


def test_a_profile_whose_href_points_at_an_xml_catalog_is_told_at_its_href_with_both_files(tmp_path):
    """OSCAL's XML form where the profile points (its href, or the JSON back-matter link of NIST's `#uuid`): the
    error is the profile's, at the href, names the file it led to, and says what to point it at or give instead;
    an XML file given to import is said to be XML at its first character, not as a JSON syntax error."""
    repo = make_repo(tmp_path / "repo")
    data = profile(**{"include-all": {}})
    data["profile"]["imports"][0]["href"] = "catalogs/c.xml"
    path = write(tmp_path, "p.json", data)
    where = place(path.read_text(), '"href": ', '"catalogs')
    fix = f"give the catalog after the profile (tracker import oscal {path} CATALOG.json)"
    assert refused(path, cwd=repo.root) == (
        f"{path}:{where}: error: the profile imports 'catalogs/c.xml', a catalog tracker cannot find: it looked for "
        f"{tmp_path / 'catalogs' / 'c.xml'} and {tmp_path / 'c.xml'}; {fix}, or point the href at the catalog's "
        "JSON form: tracker reads no XML"
    )
    (tmp_path / "catalogs").mkdir()
    xml = tmp_path / "catalogs" / "c.xml"
    xml.write_bytes(XML_CATALOG.encode("latin-1"))
    assert refused(path, cwd=repo.root) == (
        f"{path}:{where}: error: the profile imports 'catalogs/c.xml', and {xml} is XML, not OSCAL JSON; point the "
        f"href at the catalog's JSON form, or {fix}"
    )
    alone = tmp_path / "nist" / "a" / "b" / "c" / PROFILE.name
    alone.parent.mkdir(parents=True)
    alone.write_bytes(PROFILE.read_bytes())
    misnamed = tmp_path / "nist.gov" / "SP800-53" / "rev5" / "json" / "NIST_SP-800-53_rev5_catalog.json"
    misnamed.parent.mkdir(parents=True)
    misnamed.write_bytes(XML_CATALOG.encode("latin-1"))
    where = place(alone.read_text(), '"href": ', '"#84cbf061')
    assert refused(alone, cwd=repo.root) == (
        f"{alone}:{where}: error: the profile imports '#84cbf061-eb87-4ec1-8112-1f529232e907', and {misnamed} is "
        "XML, not OSCAL JSON; point its back-matter link at the catalog's JSON form, or give the catalog after the "
        f"profile (tracker import oscal {alone} CATALOG.json)"
    )
    xml.write_bytes(b"\xef\xbb\xbf\r\n  " + XML_CATALOG.encode("latin-1"))
    assert refused(path, xml, cwd=repo.root) == (
        f"{xml}:2:3: error: not OSCAL JSON but XML; tracker imports the JSON form of OSCAL: give this document's "
        "JSON form (NIST publishes each catalog and profile in JSON too)"
    )


@pytest.mark.parametrize("folder", ["catalogs", "."])
def test_a_profile_given_alone_is_resolved_against_the_catalog_its_href_points_at(tmp_path, folder):
    """Where the href points, relative to the profile, else a file of its name next to the profile (the second
    case: the href's folder does not exist)."""
    repo = make_repo(tmp_path / "repo")
    (tmp_path / folder).mkdir(exist_ok=True)
    catalog_path = write(tmp_path / folder, "c.json", catalog())
    data = profile(**{"include-controls": [{"with-ids": ["aa-1", "bb-1"]}]})
    data["profile"]["imports"][0]["href"] = "catalogs/c.json"
    profile_path = write(tmp_path, "p.json", data)
    both = run_tracker("import", "oscal", str(profile_path), str(catalog_path), "-o", "-", cwd=repo.root)
    alone = run_tracker("import", "oscal", str(profile_path), "-o", "-", cwd=repo.root)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout == both.stdout and "AA-1" in alone.stdout and "AA-2" not in alone.stdout
    assert alone.stderr == f"{profile_path}: resolved against {catalog_path}, the catalog it imports\n"


# A catalog as people write one by hand: a BOM, CRLF line ends, text in several scripts (one character outside
# the BMP) before the error on its line, escapes in strings and in a key, brackets inside strings, nested arrays
# and objects to pass over, and a key given twice (json keeps the last: the error is about that one).
HAND_WRITTEN = [
    "{",
    '  "catalog": {',
    '    "uuid": "c", "x-notes": ["]}", {"[": [1, -2.5e3, true, false, null, {}]}, [[]], "\\"{"],',
    '    "metadata": {"title": "Catalogue général 🙂 \\"quoted\\" \\\\ \\u00e9", "version": "1"},',
    '    "groups": [',
    '      {"id": "aa", "title": "Gruppe Ä — 中文", "controls": [',
    '        {"id": "aa-1", "class": 7, "title": "Prüfung 🙂 \\"x\\"", "cl\\u0061ss": 8}',
    "      ]}",
    "    ]",
    "  }",
    "}",
]


def test_columns_count_characters_past_a_bom_crlf_escapes_and_a_repeated_key(tmp_path):
    repo = make_repo(tmp_path / "repo")
    path = tmp_path / "hand.json"
    path.write_bytes(("\ufeff" + "\r\n".join(HAND_WRITTEN) + "\r\n").encode("utf-8"))
    column = HAND_WRITTEN[6].index('"cl\\u0061ss": 8') + len('"cl\\u0061ss": ') + 1
    assert refused(path, cwd=repo.root).startswith(
        f"{path}:7:{column}: error: catalog.groups[0].controls[0].class is a number, where OSCAL has a string"
    )
    # on the BOM's own line, the BOM is no column (as in a plan, and in json's own errors)
    path.write_bytes('\ufeff{"catalog": {"metadata": "général"}}'.encode())
    assert refused(path, cwd=repo.root).startswith(f"{path}:1:26: error: catalog.metadata is a string")


def test_a_json_syntax_error_is_located_in_the_same_form(tmp_path):
    """json's own message ended '(Expecting ',' delimiter: line 7 column 45 (char 321))': the place is said once,
    where every tracker error says it."""
    repo = make_repo(tmp_path / "repo")
    path = tmp_path / "hand.json"
    lines = [*HAND_WRITTEN[:6], '        {"id": "aa-1", "title": "Prüfung 🙂" "class": "x"}', *HAND_WRITTEN[7:]]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    column = lines[6].index('"class"') + 1
    assert refused(path, cwd=repo.root) == (
        f"{path}:7:{column}: error: not OSCAL JSON: Expecting ',' delimiter; correct it there "
        "(tracker imports the JSON form of OSCAL)"
    )
    path.write_bytes(b'{"catalog": {\n  "metadata": {"title": "caf\xe9"}}}')  # Latin-1, not UTF-8
    column = len('  "metadata": {"title": "caf') + 1
    assert refused(path, cwd=repo.root) == f"{path}:2:{column}: error: byte 0xe9 is not UTF-8; save the file as UTF-8"


@pytest.mark.parametrize(
    "document, message, key",
    [
        ({"plan-of-action-and-milestones": {}}, "'plan-of-action-and-milestones' is an OSCAL model", '"plan-of'),
        ({**catalog(), "profile": {}}, "not an OSCAL document (one top-level key", '"profile"'),
        (profile(**{"include-all": {}}) | {"x": 1}, "not an OSCAL document (one top-level key", '"x"'),
        (
            {"profile": {**profile()["profile"], "modify": {"alters": []}}},
            "the profile's 'modify' (alters)",
            '"modify"',
        ),
        ({"profile": {**profile()["profile"], "merge": {"custom": {}}}}, "the profile's 'merge: custom'", '"custom"'),
        (profile(**{"include-controls": [{"matching": []}]}), "'include-controls' with 'matching'", '"matching"'),
        (profile(**{"include-all": {}, "exclude": []}), "the import's 'exclude' is not supported", '"exclude"'),
    ],
)
def test_a_key_tracker_refuses_is_located_at_the_key(tmp_path, document, message, key):
    repo = make_repo(tmp_path / "repo")
    path = write(tmp_path, "d.json", document)
    where = place(path.read_text(), "", key)
    assert refused(path, write(tmp_path, "c.json", catalog()), cwd=repo.root).startswith(
        f"{path}:{where}: error: {message}"
    )


def test_a_document_that_is_no_object_is_located_at_its_value(tmp_path):
    repo = make_repo(tmp_path / "repo")
    path = tmp_path / "list.json"
    path.write_text('\n  ["catalog"]\n')
    assert refused(path, cwd=repo.root) == (
        f"{path}:2:3: error: not an OSCAL document (one top-level key, e.g. 'catalog', is expected)"
    )
