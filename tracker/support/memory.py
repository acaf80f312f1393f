"""Python's cyclic garbage collector, kept out of the way of what lives to the end of a command."""

from __future__ import annotations

import gc


def collect_again() -> None:
    """The cyclic GC on again, with all that exists now (modules, a loaded plan) frozen out of its sight.

    What a command has loaded lives as long as the command does: scanning its
    hundreds of thousands of objects again and again takes a second on a big plan.
    """
    gc.freeze()
    gc.enable()
