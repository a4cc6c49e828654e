"""The error a report folder raises before any work (kept free of imports: the CLI catches it without
loading the renderers)."""


class UnwritableOut(ValueError):
    """The report folder cannot be written (one line: what and why)."""
