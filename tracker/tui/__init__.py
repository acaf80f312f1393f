"""The dashboard: a Textual view of the plan that writes back through tracker.edit.writer."""
