"""The exceptions tinygrad_bp raises on purpose, so callers can catch them by name."""


class TinygradBPError(Exception):
    """Base class of every error this library raises deliberately."""


class DataError(TinygradBPError, ValueError):
    """A data file or data set is unusable.

    The message starts with ``path:line:`` where one line is at fault, with ``path:`` where the
    file itself is (missing, a directory, unreadable).
    """


class GradcheckError(TinygradBPError, AssertionError):
    """An analytic gradient disagrees with its central-difference estimate."""
