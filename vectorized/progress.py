"""A progress line for training: the same module as the pure twin's.

Drawing a progress line has nothing to do with numpy, so this twin uses
pure/progress.py as it is (see that file).
"""
from pure.progress import Progress, format_duration  # noqa: F401
