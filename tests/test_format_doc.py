"""docs/format.md is what `tracker schema --markdown` writes from the model, and covers every schema key."""

from __future__ import annotations

import json

from conftest import ROOT, run_tracker


def test_docs_format_md_is_generated_from_the_schema():
    done = run_tracker("schema", "--markdown")
    assert done.returncode == 0, done.stderr
    assert (ROOT / "docs" / "format.md").read_text(encoding="utf-8") == done.stdout, (
        "docs/format.md is stale: run `tracker schema --markdown > docs/format.md`"
    )


def test_every_key_of_the_schema_is_described_in_the_doc():
    schema = json.loads(run_tracker("schema").stdout)
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    for definition in schema["$defs"].values():
        for key, prop in definition["properties"].items():
            assert prop["description"], key
            assert f"| `{key}` |" in doc and prop["description"].replace("|", "\\\\|") in doc, key
    for words in ("## The status workflow", "## Progress, the one rule", "## Working with the plan"):
        assert words in doc
