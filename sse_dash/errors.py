"""Errors a user can act on. They carry a French message that the command line prints (exit
code 2, no traceback) and the pages show; anything else is a bug and keeps its traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix: printed as a French message, exit code 2, no traceback."""
