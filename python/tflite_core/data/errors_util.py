"""TF's error for an exception raised by Python code a pipeline calls (``from_generator``'s
generator): ``py_func``'s classes (``ops/script_ops.py``), the exception's words and traceback."""

from __future__ import annotations

from ..framework import errors
from ..ops.script_ops import python_error_class, python_error_text


def from_python(e: BaseException, where: str) -> errors.OpError:
    if isinstance(e, errors.OpError):
        return e
    err = python_error_class(e)(None, None, f"{python_error_text(e)}\n\t [[{{{{node {where}}}}}]]")
    err.__cause__ = e
    return err
