"""``tf.compat``: bytes/text helpers, forward compatibility, and ``v1``/``v2`` (this package: its
``tf`` namespace is TF 1.x's, what TF 2 calls ``tf.compat.v1``)."""

import sys as _sys
from typing import Any as _Any

from .platform.compat import (
    as_bytes,
    as_str,
    as_str_any,
    as_text,
    bytes_or_text_types,
    complex_types,
    forward_compatibility_horizon,
    forward_compatible,
    integral_types,
    path_to_bytes,
    path_to_str,
    real_types,
)


def __getattr__(name: str) -> _Any:
    if name in ("v1", "v2"):
        return _sys.modules[__name__.rsplit(".", 1)[0]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
