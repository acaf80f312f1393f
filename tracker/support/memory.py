"""Python's cyclic garbage collector, kept out of the way of what lives to the end of a command."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_scans() -> Iterator[None]:
    """The cyclic GC held off while a tree of small objects with no cycles is built (a parse, a model).

    Building hundreds of thousands of them makes it scan over and over; nothing
    it could free is made meanwhile.  As it was before, afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def collect_again() -> None:
    """The cyclic GC on again, with all that exists now (modules, a loaded plan) frozen out of its sight.

    What a command has loaded lives as long as the command does: scanning its
    hundreds of thousands of objects again and again takes a second on a big plan.
    """
    gc.freeze()
    gc.enable()
