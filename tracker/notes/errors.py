"""What a session note reports when it cannot be made."""


class SummaryError(Exception):
    """The summary cannot be made; the message is ready for stderr (`where: error: what, and how to fix it`)."""
