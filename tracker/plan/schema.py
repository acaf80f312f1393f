"""The JSON Schema of the plan file, derived from the model so the two never disagree."""

from __future__ import annotations

import msgspec

from tracker.plan.model import HELP, Project

EXTENSION = "^x-"  # keys of the user's own (x-jira: LMS-123), kept and shown


def plan_schema() -> dict:
    schema = msgspec.json.schema(Project)
    for name, definition in schema.get("$defs", {}).items():
        properties = definition.get("properties", {})
        # `at` and `extensions` hold what the loader records; neither is ever written in a plan.
        properties.pop("at", None)
        properties.pop("extensions", None)
        for key, value in properties.items():
            value["description"] = HELP[name][key]  # a KeyError here is a model field without help
        definition["additionalProperties"] = False
        definition["patternProperties"] = {EXTENSION: {"description": "Your own key: kept and shown, never checked."}}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tracker plan (data/phases.yaml)"
    return schema
