"""``tf.train.sdca_fprint`` (TF's op ``SdcaFprint``): a 128-bit fingerprint of each string of a
vector, as the two int64 columns of an ``[N, 2]`` tensor, for SDCA's example ids.

The fingerprint is FarmHash's ``Fingerprint128`` (its CityHash128 variant, ``farmhashcc``) of the
string's bytes: column 0 its low 64 bits, column 1 its high 64 bits (as signed int64); a low half
of 0 or 1 becomes ``low + 2**64 - 2`` (TF keeps 0 and 1 free as sentinels). It is a host op
(``OpKind.HOST``) whose output kernels may read, computed in Python when the graph runs.
"""

from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, shape_error
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from ..ops.farmhash import fingerprint128


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def _fprint(op: Operation, values) -> list:
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1:
        shape = "[" + ",".join(str(d) for d in arr.shape) + "]"
        raise errors.InvalidArgumentError(
            None, op, f"Input must be a vector, got shape {shape}\n\t [[node {op.name}]]"
        )
    out = np.zeros((arr.size, 2), np.int64)
    for i, v in enumerate(arr):
        low, high = fingerprint128(v if isinstance(v, bytes) else str(v).encode())
        out[i] = (_signed(low if low >= 2 else low + (1 << 64) - 2), _signed(high))
    return [out]


def _fprint_shape(op: Operation, in_shapes: list, value_of) -> list:
    s = in_shapes[0]
    if s.ndims is not None and s.ndims != 1:
        raise shape_error(
            op.type, op.name, f"Shape must be rank 1 but is rank {s.ndims}", in_shapes
        )
    return [TensorShape([s[0] if s.ndims else None, 2])]


register_op(
    "SdcaFprint",
    _fprint_shape,
    kind=OpKind.HOST,
    host_fn=_fprint,
    feeds_plan=True,
    graphdef_dtype=lambda op: None,  # (TF's SdcaFprint has no type attribute)
)
NotDifferentiable("SdcaFprint")


def sdca_fprint(input: Tensor, name: str | None = None) -> Tensor:  # (TF's argument name)
    """Fingerprints of the strings of the vector ``input``: an int64 ``[N, 2]`` tensor (TF's
    ``SdcaFprint``)."""
    if isinstance(input, Tensor) and input.dtype != _dt.string:
        raise TypeError(
            f"Input 'input' of 'SdcaFprint' Op has type {input.dtype.name} that does not match "
            "expected type of string."
        )
    value = input
    if not isinstance(input, Tensor):
        flat = np.asarray(input, dtype=object).reshape(-1)
        bad = next((x for x in flat if not isinstance(x, (str, bytes))), None)
        if bad is not None:
            raise TypeError(
                f"Expected string passed to parameter 'input' of op 'SdcaFprint', got {input!r} "
                f"of type '{type(input).__name__}' instead. Error: Expected string, but got "
                f"{bad} of type '{type(bad).__name__}'."
            )
        shape = np.shape(np.asarray(input, dtype=object))
        value = np.array([x.encode() if isinstance(x, str) else x for x in flat], dtype=object)
        value = value.reshape(shape).tolist()
    g = graph_of(input)
    with g.as_default(), g.name_scope(name or "SdcaFprint") as scope:
        t = convert_to_tensor(value, dtype=_dt.string, name="input")
        return g.create_op("SdcaFprint", [t], [_dt.int64], {}, scope).outputs[0]
