"""tracker: a compliance programme's plan, kept as YAML in the repository it governs."""

__version__ = "0.1.0"
