"""TensorFlow's error classes (``tf.errors``): an ``OpError`` carries the node and a status code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND = 0, 1, 2, 3, 4, 5
ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION = 6, 7, 8, 9
ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS = 10, 11, 12, 13, 14, 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """A failed graph execution, naming the op (``node_def``/``op``) where it failed."""

    def __init__(self, node_def: Any, op: Any, message: str, error_code: int = UNKNOWN) -> None:
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code

    @property
    def message(self) -> str:
        return self._message

    @property
    def op(self) -> Any:
        return self._op

    @property
    def node_def(self) -> Any:
        return self._node_def

    @property
    def error_code(self) -> int:
        return self._error_code

    def __str__(self) -> str:
        return self._message


def _make(name: str, code: int) -> type[OpError]:
    def __init__(
        self: OpError, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
    ) -> None:
        OpError.__init__(self, node_def, op, message, code)

    return type(name, (OpError,), {"__init__": __init__, "__doc__": f"TF's {name} (code {code})."})


if TYPE_CHECKING:  # the classes _make builds, as mypy sees them

    class CancelledError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class UnknownError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class InvalidArgumentError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class DeadlineExceededError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class NotFoundError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class AlreadyExistsError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class PermissionDeniedError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class UnauthenticatedError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class ResourceExhaustedError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class FailedPreconditionError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class AbortedError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class OutOfRangeError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class UnimplementedError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class InternalError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class UnavailableError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

    class DataLossError(OpError):
        def __init__(
            self, node_def: Any, op: Any, message: str, *args: Any, **kwargs: Any
        ) -> None: ...

else:
    CancelledError = _make("CancelledError", CANCELLED)
    UnknownError = _make("UnknownError", UNKNOWN)
    InvalidArgumentError = _make("InvalidArgumentError", INVALID_ARGUMENT)
    DeadlineExceededError = _make("DeadlineExceededError", DEADLINE_EXCEEDED)
    NotFoundError = _make("NotFoundError", NOT_FOUND)
    AlreadyExistsError = _make("AlreadyExistsError", ALREADY_EXISTS)
    PermissionDeniedError = _make("PermissionDeniedError", PERMISSION_DENIED)
    UnauthenticatedError = _make("UnauthenticatedError", UNAUTHENTICATED)
    ResourceExhaustedError = _make("ResourceExhaustedError", RESOURCE_EXHAUSTED)
    FailedPreconditionError = _make("FailedPreconditionError", FAILED_PRECONDITION)
    AbortedError = _make("AbortedError", ABORTED)
    OutOfRangeError = _make("OutOfRangeError", OUT_OF_RANGE)
    UnimplementedError = _make("UnimplementedError", UNIMPLEMENTED)
    InternalError = _make("InternalError", INTERNAL)
    UnavailableError = _make("UnavailableError", UNAVAILABLE)
    DataLossError = _make("DataLossError", DATA_LOSS)
