"""`tracker serve`: the dashboard in a browser, through Textual's own web serving (tui/web.py).

Here: the options, the warning for an address others can reach, and the
command each browser tab's dashboard is started with.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys

import click

from tracker.cli.context import Failed, Options, load_plan

READ_ONLY_ENV = "TRACKER_READ_ONLY"  # the dashboard refuses every write when it is "1" (tui/settings.py)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="The port to listen on.")
@click.option("--read-only", is_flag=True, help="Refuse every change to the plan and every file written.")
@click.pass_obj
def serve(options: Options, host: str, port: int, read_only: bool) -> None:
    """The dashboard in a browser, at http://HOST:PORT/.

    It listens on loopback only unless --host says otherwise; then anyone who
    reaches the port can change the plan, unless --read-only.
    """
    from tracker.tui import can_serve, web_server

    if not can_serve():
        raise Failed(not_installed())
    loaded = load_plan(options, fail_on_errors=False)
    if not loaded.path.is_file():
        raise Failed(loaded.report())
    if not is_loopback(host):
        click.echo(
            f"tracker: warning: listening on {host}: anyone who can reach port {port} sees the plan"
            + ("" if read_only else " and can change it (use --read-only to refuse changes)"),
            err=True,
        )
    if read_only:
        os.environ[READ_ONLY_ENV] = "1"  # textual-serve passes its environment to each dashboard it starts
    else:
        os.environ.pop(READ_ONLY_ENV, None)
    command = shlex.join(
        [sys.executable, "-m", "tracker", "--file", str(loaded.path), "--max-bytes", str(options.max_bytes)]
    )
    title = loaded.project.project if loaded.project is not None else "tracker"
    try:
        server = web_server(command, host, port, f"tracker · {title}")
    except ImportError:  # found, but it cannot be imported (a broken install)
        raise Failed(not_installed()) from None
    try:
        server.serve()
    except OSError as exc:  # the address is not this machine's, or the port is taken
        raise Failed(f"tracker: error: cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def not_installed() -> str:
    """The error for a tracker without its `serve` extra, with the command that installs it where tracker runs.

    Not `pip install 'tracker[serve]'`: tracker is installed from its clone, and the package of that name on
    PyPI is another project.  The requirement is read from tracker's own metadata, so pyproject.toml stays
    its one home.
    """
    from importlib import metadata

    try:
        wanted = [r.partition(";")[0].strip() for r in metadata.requires("tracker") or () if 'extra == "serve"' in r]
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        wanted = []
    command = shlex.join([sys.executable, "-m", "pip", "install", *(wanted or ["textual-serve"])])
    return (
        "tracker: error: tracker serve needs textual-serve, an optional extra; install it into tracker's "
        f"environment with: {command}"
    )


def in_a_browser() -> bool:
    """Whether Textual's web driver stands in for the terminal: textual-serve starts each dashboard so."""
    return os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
