"""The exceptions tinygrad_bp raises on purpose, so callers can catch them by name."""


class TinygradBPError(Exception):
    """Base class of every error this library raises deliberately."""


class DataError(TinygradBPError, ValueError):
    """A data file or data set is unusable; the message starts with ``path:line:``."""


class GradcheckError(TinygradBPError, AssertionError):
    """An analytic gradient disagrees with its central-difference estimate."""
