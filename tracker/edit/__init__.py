"""The writer, the only way from the model back to the text: one change at a time, edited in place,
checked, locked and replaced atomically."""

from typing import TYPE_CHECKING

from tracker.support import faces

if TYPE_CHECKING:
    from tracker.edit.writer import (
        AppendSession,
        SetDeliverableStatus,
        SetIssueStatus,
        SetStepStatus,
        WriteRefused,
        apply,
        summary,
    )

__getattr__ = faces.lazy(__name__, __file__)
