"""The kernel's word that the plan changed (tui/folderevents.py): a rename over it, a write to it, and
nothing for the other files of its folder."""

from __future__ import annotations

import os
import select
import sys

import pytest

from tracker.tui.folderevents import open_events

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


def readable(events) -> bool:
    return bool(select.select([events.fileno()], [], [], 1.0)[0])


def test_a_rename_over_the_file_and_a_write_to_it_are_told_other_names_are_not(tmp_path):
    plan = tmp_path / "phases.yaml"
    plan.write_text("project: x\n")
    events = open_events([plan])
    assert events is not None
    try:
        assert not events.touched()  # nothing yet, and asking never blocks

        (tmp_path / "phases.yaml.lock").write_text("")  # the writer's lock, another file of the folder
        assert readable(events) and not events.touched()

        temp = tmp_path / "sed-temp"
        temp.write_text("project: y\n")
        assert readable(events) and not events.touched()  # the new file, before it is renamed
        os.replace(temp, plan)
        assert readable(events) and events.touched()

        with plan.open("a") as out:
            out.write("# saved in place\n")
        assert readable(events) and events.touched()
    finally:
        events.close()


def test_a_folder_that_is_not_there_gives_no_events(tmp_path):
    assert open_events([tmp_path / "gone" / "phases.yaml"]) is None
