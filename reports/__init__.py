"""Verdicts and rendering: claim + measurement -> verdict -> Markdown / HTML / JSON / PNG."""

from reports.result import Result
from reports.verdict import Verdict
from reports.write import write_report

__all__ = ["Result", "Verdict", "write_report"]
