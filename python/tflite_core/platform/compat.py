"""``tf.compat``: bytes/text conversion and forward-compatibility checks, as TF's.

>>> as_bytes("abc"), as_text(b"abc")
(b'abc', 'abc')
"""

from __future__ import annotations

import contextlib
import datetime
import numbers
import os
from collections.abc import Iterator
from typing import Any

import numpy as np

_FORWARD_COMPATIBILITY_HORIZON = datetime.date(2025, 12, 31)  # TF 2.21's

integral_types = (numbers.Integral, np.integer)
real_types = (numbers.Real, np.integer, np.floating)
complex_types = (numbers.Complex, np.number)
bytes_or_text_types = (bytes, str)


def as_bytes(bytes_or_text: Any, encoding: str = "utf-8") -> bytes:
    """``bytes_or_text`` as bytes (text encoded)."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text: Any, encoding: str = "utf-8") -> str:
    """``bytes_or_text`` as text (bytes decoded)."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value: Any, encoding: str = "utf-8") -> str:
    """``str(value)``, bytes decoded."""
    if isinstance(value, bytes):
        return as_str(value, encoding)
    return str(value)


def path_to_str(path: Any) -> Any:
    """A path-like object as a string (other values unchanged)."""
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    return path


def path_to_bytes(path: Any) -> Any:
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    return as_bytes(path)


def forward_compatible(year: int, month: int, day: int) -> bool:
    """Whether the forward-compatibility horizon is past the given date."""
    return datetime.date(year, month, day) < _FORWARD_COMPATIBILITY_HORIZON


@contextlib.contextmanager
def forward_compatibility_horizon(year: int, month: int, day: int) -> Iterator[None]:
    """Moves the horizon to the given date inside the block (for tests)."""
    global _FORWARD_COMPATIBILITY_HORIZON
    saved = _FORWARD_COMPATIBILITY_HORIZON
    _FORWARD_COMPATIBILITY_HORIZON = datetime.date(year, month, day)
    try:
        yield
    finally:
        _FORWARD_COMPATIBILITY_HORIZON = saved
