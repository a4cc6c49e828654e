"""Verdicts and rendering: claim + measurement -> verdict -> Markdown / HTML / JSON / PNG.

The modules are imported where needed (`reports.write`, `reports.verdict`, ...): importing the package
loads nothing, so that the command line starts fast.
"""
