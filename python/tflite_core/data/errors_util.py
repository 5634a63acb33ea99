"""TF's error classes for exceptions raised by Python code a pipeline calls (``from_generator``'s
generator): ``ValueError``/``TypeError`` -> InvalidArgumentError, ``MemoryError`` ->
ResourceExhaustedError, others -> UnknownError; the message keeps the exception's words."""

from __future__ import annotations

import traceback

from ..framework import errors


def from_python(e: BaseException, where: str) -> errors.OpError:
    if isinstance(e, errors.OpError):
        return e
    if isinstance(e, (ValueError, TypeError)):
        cls: type[errors.OpError] = errors.InvalidArgumentError
    elif isinstance(e, MemoryError):
        cls = errors.ResourceExhaustedError
    elif isinstance(e, NotImplementedError):
        cls = errors.UnimplementedError
    else:
        cls = errors.UnknownError
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    tb = tb.replace("Traceback (most recent call last):", "").rstrip("\n")
    err = cls(None, None, f"{type(e).__name__}: {e}\n{tb}\n\t [[{{{{node {where}}}}}]]")
    err.__cause__ = e
    return err
