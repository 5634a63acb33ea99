"""Helpers shared by the composite convolutions and poolings: TF's ``_get_sequence`` (an int or
a list of 1, N or N + 2 ints -> the full per-dimension list), TF's output-size rule per spatial
dimension, and shapes whose dimensions may be known only when the graph runs."""

from __future__ import annotations

import collections.abc
from typing import Any

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, shape_error
from ..framework.op_util import partial_ints
from ..ops.array_ops import shape

CHANNELS_LAST = ("NWC", "NHC", "NHWC", "NDHWC", "NC", None)


def get_sequence(value: Any, n: int, channel_index: int, name: str) -> list[int]:
    """TF's ``_get_sequence``: ``value`` (None, an int, or 1, ``n`` or ``n + 2`` ints) as the
    ``n + 2`` element list with 1 in the batch and channel positions."""
    if value is None:
        return [1] * (n + 2)
    if not isinstance(value, collections.abc.Sized):
        value = [value]
    v = list(value)
    if len(v) == n + 2:
        return [int(a) for a in v]
    if len(v) == 1:
        v = v * n
    elif len(v) != n:
        raise ValueError(
            f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of "
            f"length {len(v)}"
        )
    v = [int(a) for a in v]
    return [1, 1, *v] if channel_index == 1 else [1, *v, 1]


def check_padding(padding: Any, op_type: str, name: str | None, tensors: list[Tensor]) -> str:
    """``padding`` as "SAME" or "VALID" (bytes accepted), else TF's ValueError (its op-attribute
    check, naming ``op_type``)."""
    if isinstance(padding, bytes):
        padding = padding.decode()
    if padding not in ("SAME", "VALID"):
        raise ValueError(
            f"Attr 'padding' of '{op_type}' Op passed string '{padding}' not in: \"SAME\", "
            f'"VALID". ({name or op_type}, input shapes: '
            + ", ".join(str(t.shape) for t in tensors)
            + ")"
        )
    return padding


def out_size(
    size: int, k: int, stride: int, dilation: int, padding: str, op_type: str, name: str, shapes
) -> tuple[int, int, int]:
    """TF's ``(output length, pad before, pad after)`` along one dimension of length ``size``
    for a window ``k`` dilated by ``dilation``: SAME gives ``ceil(size / stride)`` and pads
    the rest (half before), VALID ``(size - k_eff) // stride + 1`` (a ValueError below 1)."""
    ek = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + ek - size, 0)
        return out, total // 2, total - total // 2
    if size < ek:
        raise shape_error(
            op_type, name, f"Negative dimension size caused by subtracting {ek} from {size}", shapes
        )
    return (size - ek) // stride + 1, 0, 0


def dims(t: Tensor) -> list[Any]:
    """``t``'s dimensions: the static ones as ints, the others as scalar tensors of its shape."""
    static = t.shape.as_list()
    if all(d is not None for d in static):
        return static
    dyn = shape(t)
    return [d if d is not None else dyn[i] for i, d in enumerate(static)]


def static_ints(value: Any) -> list[int | None] | None:
    """The elements of a shape argument (a list, an array or a 1-D int tensor) known at graph
    build, None where unknown; None when even its length is unknown."""
    if isinstance(value, Tensor):
        return partial_ints(value)
    return partial_ints(convert_to_tensor(value))
