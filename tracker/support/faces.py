"""A part's face: its `__init__.py` names what the part offers, and loads each name when first used.

A face lists its offer as imports under `if TYPE_CHECKING:` (so mypy and
import-linter see every name and where it comes from) and sets
`__getattr__ = faces.lazy(__name__, __file__)`.  At run time nothing is
imported until a name is asked for, and then only the module that holds it:
a replayed `tracker status` must not pay for PyYAML, msgspec or git because
the part it asks for one small thing also holds them.  For the same reason a
face says `TYPE_CHECKING = False` rather than importing it from typing (2 ms of
a replayed `status`, which imports no other module that needs typing); mypy
takes any `if TYPE_CHECKING:` as true.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal's core: signal.py loads enum, which a replay never needs
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def offer(face_file: str) -> dict[str, str]:
    """Each name the face at `face_file` offers → the module that holds it (or, for a module, itself).

    The offer is read as `from tracker.part.module import a, b` (or `from
    tracker.part import module`) lines, on one line or in parentheses, after
    `TYPE_CHECKING:`.  Read with `str` methods, not `re`: `re` and the `enum`
    it imports are 4 ms of a replayed `status`, which needs neither.
    """
    with open(face_file, encoding="utf-8") as file:
        text = file.read()
    names: dict[str, str] = {}
    for statement in text.split("TYPE_CHECKING:", 1)[-1].split("\n    from ")[1:]:
        module, _, listed = statement.partition(" import ")
        if not module.startswith("tracker."):
            continue
        listed = listed.split(")", 1)[0] if listed.startswith("(") else listed.split("\n", 1)[0]
        for name in (item.strip() for item in listed.strip("(").split(",")):
            if name:
                names[name] = module
    return names


def lazy(package: str, face_file: str) -> Callable[[str], object]:
    """The face's module `__getattr__`: imports the module holding the name asked for, once."""
    table: dict[str, str] = {}

    def __getattr__(name: str) -> object:
        if not table:
            table.update(offer(face_file))
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} offers no {name!r}")
        if module == package:  # a module offered whole, such as tracker.plan.progress
            value: object = _module(f"{package}.{name}")
            setattr(sys.modules[package], name, value)  # asked once: the next lookup finds it directly
            return value
        home = _module(module)
        # Every name offered from that module is set now, not when asked: importing tracker.git.attention
        # made `tracker.git.attention` the module, and a later `from tracker.git import attention` would
        # find it there (never asking this function) instead of the function of that name.
        for offered, source in table.items():
            if source == module:
                setattr(sys.modules[package], offered, getattr(home, offered))
        return getattr(home, name)

    return __getattr__


def _module(name: str) -> object:
    """The module `name`, imported if it is not yet (`__import__`: `importlib` is not loaded for it).

    A Ctrl+C is held while it is imported, and raised once it is: one landing inside an import (msgspec's
    own, its Decoders built at a module's top) crashed the process (SIGSEGV) or printed importlib's
    "Exception ignored" and a traceback, about one in six times a `set` was interrupted at a random moment.
    After the import, KeyboardInterrupt is raised at a line of tracker's, and said as any other.
    """
    module = sys.modules.get(name)
    if module is not None:
        return module
    held = _hold()
    try:
        __import__(name)
    finally:
        if held:
            _release()
    return sys.modules[name]


_caught: list[int] = []  # Ctrl+Cs that came while an import was held (_hold)


def _hold() -> bool:
    """Whether a Ctrl+C is now held: only where Python's usual handler is set (another is its setter's, and an
    import within an import is held already), and only in the main thread (the one signals are set in)."""
    if _signal.getsignal(_signal.SIGINT) is not _signal.default_int_handler:
        return False
    try:
        _signal.signal(_signal.SIGINT, _catch)
    except ValueError:  # a worker thread's import
        return False
    return True


def _catch(signum, frame) -> None:
    _caught.append(signum)


def _release() -> None:
    """Python's usual handler back, and a Ctrl+C that came while held raised now, the import done."""
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    if _caught:
        _caught.clear()
        raise KeyboardInterrupt
