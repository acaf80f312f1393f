"""`tracker schema` agrees with the loader, and the copy shipped for editors is current."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import BUNDLED_PLAN, NIST_PLAN, ROOT, run_tracker


@pytest.fixture(scope="module")
def schema() -> dict:
    done = run_tracker("schema")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_shipped_schema_is_current(schema):
    shipped = json.loads((ROOT / "data" / "phases.schema.json").read_text())
    assert shipped == schema, "run: tracker schema > data/phases.schema.json"


def test_bundled_plan_references_the_schema_for_editors():
    first = BUNDLED_PLAN.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=./phases.schema.json"


@pytest.mark.parametrize("plan", [BUNDLED_PLAN, NIST_PLAN], ids=["bundled", "nist"])
def test_valid_plans_pass_the_schema(schema, plan):
    data = yaml.load(plan.read_text(), Loader=yaml.BaseLoader)  # all scalars as text, as the loader reads them
    _retype(data)
    jsonschema.validate(data, schema)


def test_schema_rejects_what_the_loader_rejects(schema):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"project": "X", "phasse": []}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"project": "X", "phases": [{"id": "P", "title": "T", "priority": "urgent"}]}, schema)


def _retype(node):
    """BaseLoader keeps every scalar as text; give numbers and booleans back their types."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key == "id" and value.isdigit() and not value.startswith("0"):
                node[key] = int(value)
            elif isinstance(value, str) and key in ("done",):
                node[key] = value == "true"
            elif isinstance(value, str) and key == "weight":
                node[key] = float(value)
            else:
                _retype(value)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str) and value.isdigit():
                node[index] = int(value)
            else:
                _retype(value)


def test_every_property_has_a_description_for_editors(schema):
    missing = [
        f"{name}.{key}"
        for name, definition in schema["$defs"].items()
        for key, value in definition.get("properties", {}).items()
        if not value.get("description")
    ]
    assert missing == []
    assert "at" not in schema["$defs"]["Issue"]["properties"]
    assert "extensions" not in schema["$defs"]["Issue"]["properties"]


def test_schema_takes_extension_keys_and_the_compliance_fields(schema):
    plan = {
        "project": "X",
        "x-team": "grc",
        "frameworks": [{"id": "SOC2", "controls": ["CC7.1"]}],
        "review_every": "90d",
        "phases": [
            {
                "id": "P",
                "title": "T",
                "reviewed": "2025-11-30",
                "issues": [
                    {
                        "id": 1,
                        "title": "I",
                        "status": "audit",
                        "owner": "dana",
                        "due": "2026-01-15",
                        "controls": ["SOC2:CC7.1"],
                        "tags": ["a"],
                        "x-jira": "LMS-1",
                        "deliverables": [{"path": "a", "reviewed": "2025-11-30", "review_every": "180d"}],
                    }
                ],
            }
        ],
    }
    jsonschema.validate(plan, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**plan, "owner": "dana"}, schema)
