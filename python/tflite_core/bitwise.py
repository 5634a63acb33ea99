"""``tf.bitwise``: bitwise operations on the integer dtypes (as TF's names)."""

from __future__ import annotations

from .ops.bitwise_ops import (
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    invert,
    left_shift,
    right_shift,
)
