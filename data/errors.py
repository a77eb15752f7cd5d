"""The one exception type of the data package.

Every problem with a data file (a bad header, a truncated download, a stray
character in a CSV, a missing dataset) is raised as `DataError`, with a message
that names the file and says what was wrong. It is a `ValueError`, so code that
already catches `ValueError` keeps working.

This module is not a logging or warning system: it only defines the class.
"""

from __future__ import annotations


class DataError(ValueError):
    """A data file is missing, malformed or does not match what was expected."""
