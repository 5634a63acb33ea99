"""TensorFlow's error classes (``tf.errors``): an ``OpError`` carries the node and a status code."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Literal

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


_CODE_TO_EXCEPTION_CLASS: dict[int, type[OpError]] = {
    CANCELLED: CancelledError,
    UNKNOWN: UnknownError,
    INVALID_ARGUMENT: InvalidArgumentError,
    DEADLINE_EXCEEDED: DeadlineExceededError,
    NOT_FOUND: NotFoundError,
    ALREADY_EXISTS: AlreadyExistsError,
    PERMISSION_DENIED: PermissionDeniedError,
    UNAUTHENTICATED: UnauthenticatedError,
    RESOURCE_EXHAUSTED: ResourceExhaustedError,
    FAILED_PRECONDITION: FailedPreconditionError,
    ABORTED: AbortedError,
    OUT_OF_RANGE: OutOfRangeError,
    UNIMPLEMENTED: UnimplementedError,
    INTERNAL: InternalError,
    UNAVAILABLE: UnavailableError,
    DATA_LOSS: DataLossError,
}
_EXCEPTION_CLASS_TO_CODE = {cls: code for code, cls in _CODE_TO_EXCEPTION_CLASS.items()}


def exception_type_from_error_code(error_code: int) -> type[OpError]:
    """The error class of a status code (a ``KeyError`` for an unknown code, as TF)."""
    return _CODE_TO_EXCEPTION_CLASS[error_code]


def error_code_from_exception_type(cls: type) -> Any:
    """The status code of an error class; for an unknown class, as TF, a warning and an
    ``UnknownError`` instance."""
    try:
        return _EXCEPTION_CLASS_TO_CODE[cls]
    except KeyError:
        warnings.warn("Unknown class exception", stacklevel=2)
        return UnknownError(None, None, "Unknown class exception", None)


class _Status:
    """A status that code may set (``code``, ``message``) inside
    ``raise_exception_on_not_ok_status``."""

    def __init__(self) -> None:
        self.code = OK
        self.message = ""


class raise_exception_on_not_ok_status:
    """Context manager yielding a status; on exit, a status whose ``code`` is not OK raises the
    error class of that code with its ``message`` (as TF's, for its C API status)."""

    def __enter__(self) -> _Status:
        self.status = _Status()
        return self.status

    def __exit__(self, *exc: object) -> Literal[False]:
        try:
            if self.status.code != OK:
                cls = _CODE_TO_EXCEPTION_CLASS.get(self.status.code)
                if cls is None:
                    warnings.warn(f"Unknown error code: {self.status.code}", stacklevel=2)
                    raise UnknownError(None, None, self.status.message, self.status.code)
                raise cls(None, None, self.status.message)
        finally:
            del self.status
        return False
