"""`tracker session start|end`: a session is a window of history, from HEAD as it starts to HEAD as it ends."""

from __future__ import annotations

import click

from tracker.cli.context import Failed, Options, load_to_write, write_change

TYPE_CHECKING = False  # typing's constant without importing typing (see support/faces.py)
if TYPE_CHECKING:
    from tracker.edit import SessionWrite
    from tracker.git import StatusRun
    from tracker.plan import LoadedOk


class _InOrder(click.Command):
    """Keeps the order options were given in (ctx.meta["order"]): a --detail belongs to the --accomplished before it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        parser = self.make_parser(ctx)
        _, _, order = parser.parse_args(args=list(args))
        ctx.meta["order"] = [param.name for param in order]
        return super().parse_args(ctx, args)


@click.group()
def session() -> None:
    """Sessions: windows of history the notes are about."""


@session.command("start")
@click.option("--focus", metavar="TEXT", help="What this session is about (name issues as #4 to put them first).")
@click.option("--end-open", is_flag=True, help="End a session still open, at the current HEAD, before starting.")
@click.option(
    "--leave-uncommitted",
    is_flag=True,
    help="With --end-open: end it although the plan has changes not committed, which it leaves to the new session.",
)
@click.pass_obj
def session_start(options: Options, focus: str | None, end_open: bool, leave_uncommitted: bool) -> None:
    """Start a session now: today's date, the time and the current git HEAD.

    With --end-open, the session still open ends first, as `session end` ends it: refused while the plan has
    changes not committed, unless --leave-uncommitted."""
    from tracker.edit import WriteRefused, start_session

    if leave_uncommitted and not end_open:
        raise click.UsageError("--leave-uncommitted goes with --end-open: it says how the open session ends")
    moment = _now()
    loaded, unmerged = load_to_write(options)
    try:
        planned = start_session(loaded, moment, focus, end_open, leave_uncommitted)
    except WriteRefused as exc:
        raise Failed(str(exc)) from None
    _carry_out(loaded, unmerged, planned)


@session.command("end", cls=_InOrder)
@click.option("--headline", metavar="TEXT", help="The session in one line.")
@click.option("--duration", metavar="D", help="How long it took, as you want it shown (2.5 hours, 1h30m …).")
@click.option("--accomplished", multiple=True, metavar="TITLE", help="Work that is no issue's status (repeatable).")
@click.option("--detail", multiple=True, metavar="TEXT", help="A detail of the --accomplished before it (repeatable).")
@click.option("--insight", multiple=True, metavar="TITLE", help="Something learned (repeatable).")
@click.option("--body", multiple=True, metavar="TEXT", help="The text of the --insight before it (markdown).")
@click.option(
    "--session",
    "name",
    metavar="DATE|DATE#N",
    help="The session to end, when several are open (after a pull brought in a colleague's). Default: the open one.",
)
@click.option(
    "--leave-uncommitted",
    is_flag=True,
    help="End it although the plan has changes not committed: they are left out of its note, to the next session.",
)
@click.pass_context
def session_end(ctx: click.Context, headline, duration, accomplished, detail, insight, body, name, leave_uncommitted):
    """End the open session now, at the current git HEAD, with what it did.

    Refused while the plan has changes not committed, which a window of commits would leave out: commit them
    first, or give --leave-uncommitted."""
    from tracker.edit import WriteRefused, end_session

    options: Options = ctx.obj
    done, learned = _grouped(ctx.meta.get("order", []), accomplished, detail, insight, body)
    moment = _now()
    loaded, unmerged = load_to_write(options)
    try:
        planned = end_session(
            loaded, moment, headline, duration, tuple(done), tuple(learned), name or None, leave_uncommitted
        )
    except WriteRefused as exc:
        raise Failed(str(exc)) from None
    _carry_out(loaded, unmerged, planned)


def _carry_out(loaded: LoadedOk, unmerged: StatusRun | None, planned: SessionWrite) -> None:
    """A session start's or end's writes, each made to the plan the one before left, then its warning
    (`loaded`, `unmerged`: load_to_write's)."""
    for change in planned.changes:
        loaded = write_change(change, loaded, unmerged)
    if planned.warning:
        click.echo(planned.warning, err=True)


def _grouped(order: list[str], accomplished, detail, insight, body):
    """--accomplished/--detail and --insight/--body pairs, in the order given."""
    done: list[tuple[str, list[str]]] = []
    learned: list[list] = []
    taken = dict.fromkeys(("accomplished", "detail", "insight", "body"), 0)
    values = {"accomplished": accomplished, "detail": detail, "insight": insight, "body": body}
    for name in order:
        if name not in values:
            continue
        value = values[name][taken[name]]
        taken[name] += 1
        if name == "accomplished":
            done.append((value, []))
        elif name == "detail":
            if not done:
                raise click.UsageError("--detail TEXT belongs after the --accomplished TITLE it details")
            done[-1][1].append(value)
        elif name == "insight":
            learned.append([value, None])
        elif not learned or learned[-1][1] is not None:
            raise click.UsageError("--body TEXT belongs after the --insight TITLE it explains (one body each)")
        else:
            learned[-1][1] = value
    return [(title, tuple(details)) for title, details in done], [(title, text) for title, text in learned]


def _now():
    from tracker.support.clock import BadClock, now

    try:
        return now()
    except BadClock as exc:
        raise Failed(f"tracker: error: {exc}") from None
