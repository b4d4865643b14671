"""Error types and the catalogue of user-facing messages.

Every error a user can cause says *where* (file, column, row or id), *what was expected*,
*what was found* and *what to do*.  The CLI prints ``str(error)`` as one line and exits
with ``error.exit_code``; a notebook user sees the same sentence in the exception.
"""

from __future__ import annotations


class FeedbackMiningError(Exception):
    """Base class of every error raised on purpose by feedback-mining."""

    code = "FM000"
    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def __reduce__(self):
        # the same error, message and type, when it comes back from a worker process
        return _rebuild, (type(self), self.message)


def _rebuild(cls: type[FeedbackMiningError], message: str) -> FeedbackMiningError:
    error = cls.__new__(cls)
    FeedbackMiningError.__init__(error, message)
    return error


class InputError(FeedbackMiningError, ValueError):
    """The input file or table cannot be used as it is (exit code 2)."""

    code = "FM100"
    exit_code = 2


class ConfigError(FeedbackMiningError, ValueError):
    """A setting is unknown or has a value that is not allowed (exit code 3)."""

    code = "FM200"
    exit_code = 3


class ModelError(FeedbackMiningError, RuntimeError):
    """A model could not be loaded or does not match what was expected (exit code 4)."""

    code = "FM300"
    exit_code = 4


class NotFittedError(FeedbackMiningError, AttributeError):
    """A model was used before ``fit`` (exit code 5)."""

    code = "FM400"
    exit_code = 5


class MissingExtraError(FeedbackMiningError, ImportError):
    """An optional dependency is not installed (exit code 6)."""

    code = "FM500"
    exit_code = 6

    def __init__(self, package: str, extra: str, purpose: str):
        super().__init__(
            f"{purpose} needs the package '{package}', which is not installed. "
            f"Install it with: pip install 'feedback-mining[{extra}]'"
        )


class OutputError(FeedbackMiningError, OSError):
    """The outputs could not be written: the folder is used by another run, not writable,
    or the disk is full (exit code 7).  The previous outputs are left as they were."""

    code = "FM600"
    exit_code = 7


class HistoryError(FeedbackMiningError, RuntimeError):
    """The outputs are written, but the run history store could not be updated (exit code
    8): locked, damaged, read-only or unreachable."""

    code = "FM700"
    exit_code = 8


class WorkerError(FeedbackMiningError, RuntimeError):
    """A worker process of the run stopped before its chunk was done, most likely killed
    for lack of memory (exit code 9); nothing was written."""

    code = "FM800"
    exit_code = 9


def input_error(
    where: str, expected: str, found: str, fix: str, code: str = "FM100"
) -> InputError:
    """Build an :class:`InputError` in the one shape every input message has."""
    err = InputError(f"{where}: expected {expected}, found {found}. {fix}")
    err.code = code
    return err


def config_error(param: str, allowed: str, received: object) -> ConfigError:
    """Build a :class:`ConfigError`: which parameter, what is allowed, what was received."""
    return ConfigError(f"setting '{param}' must be {allowed}; received {received!r}.")
