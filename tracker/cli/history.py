"""`tracker history`: the plan's progress at every commit that changed it, and a forecast of the finish."""

from __future__ import annotations

import json

import click

from tracker.cli.context import Failed, Options, plan_path


@click.command()
@click.option("--since", metavar="REV|DATE", help="Only commits after revision REV, or from day DATE (YYYY-MM-DD) on.")
@click.option("--json", "as_json", is_flag=True, help="Every row and the forecast as JSON.")
@click.pass_obj
def history(options: Options, since: str | None, as_json: bool) -> None:
    """Progress at every commit that changed the plan (renames followed), and when it reaches 100%."""
    from tracker.git import (
        BadSince,
        GitRepo,
        GitUnavailable,
        ask_unmerged,
        forecast,
        plan_in,
        read_history,
        rows_since,
        unmerged_problem,
    )
    from tracker.support.clock import BadClock, today

    path = plan_path(options)
    # An error here as for every command: the history read is HEAD's, without the side the merge brings.  Git is
    # asked as the repository is opened, and answers before the history is read.
    asked = ask_unmerged(path)
    try:
        with GitRepo.open(path) as repo:
            plan = plan_in(repo, path)
            unmerged = unmerged_problem(path, str(path), asked=asked)
            if unmerged is not None:
                raise Failed(str(unmerged))
            day = today()
            found = read_history(repo, plan, options.max_bytes)
            rows = rows_since(repo, found.rows, since) if since else found.rows
    except BadClock as exc:
        raise Failed(f"tracker: error: {exc}") from None
    except GitUnavailable as exc:
        raise Failed(f"tracker: error: no history for {path}: {exc}") from None
    except BadSince as exc:
        raise Failed(f"tracker: error: --since: {exc}") from None
    finally:
        if asked is not None:
            asked.stop()  # answered, or the repository did not open: git is not left running
    ahead = forecast(found.rows, day)
    if as_json:
        click.echo(json.dumps({"plan": plan, "rows": [_row_json(row) for row in rows], "forecast": ahead.as_json()}))
        return
    from tracker.cli.historyview import table

    click.echo(table(plan, rows, ahead))


def _row_json(row) -> dict:
    found = row.measure
    return {
        "sha": row.sha,
        "short": row.short,
        "date": row.when,
        "subject": row.subject,
        "path": row.path,
        "blob": row.blob,
        "loads": found.ok,
        "problem": row.problem or None,
        "percent": found.percent,
        "phases": [{"id": id_, "title": title, "percent": percent} for id_, title, percent in found.phases],
        "done": found.done,
        "total": found.total,
        "estimate_left_minutes": found.open_minutes,
    }
