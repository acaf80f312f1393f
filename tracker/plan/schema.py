"""The JSON Schema of the plan file, derived from the model so the two never disagree."""

from __future__ import annotations

import msgspec

from tracker.plan.model import Project


def plan_schema() -> dict:
    schema = msgspec.json.schema(Project)
    # `at` holds positions the loader records; it is never written in a plan.
    for definition in schema.get("$defs", {}).values():
        definition.get("properties", {}).pop("at", None)
        definition["additionalProperties"] = False
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tracker plan (data/phases.yaml)"
    return schema
