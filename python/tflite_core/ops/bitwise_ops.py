"""``tf.bitwise`` (bitwise_and, bitwise_or, bitwise_xor, invert, left_shift, right_shift) on the
integer dtypes, and ``tf.bitcast``; none of them is differentiable, as in TF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, shape_error
from ..framework.op_dtypes import allowed_dtypes
from ..framework.op_util import (
    check_dtype_in,
    check_same_dtype,
    make_tensor,
    same_shape,
    to_tensors,
)
from ..framework.registry import NotDifferentiable, register_op
from ..framework.tensor_shape import TensorShape
from .math_ops import _binary_shape

if TYPE_CHECKING:
    from ..framework.type_aliases import DTypeLike, TensorLike

INTEGERS = (
    _dt.int8,
    _dt.int16,
    _dt.int32,
    _dt.int64,
    _dt.uint8,
    _dt.uint16,
    _dt.uint32,
    _dt.uint64,
)

_BINARY = {
    "BitwiseAnd": "bitwise_and",
    "BitwiseOr": "bitwise_or",
    "BitwiseXor": "bitwise_xor",
    "LeftShift": "left_shift",
    "RightShift": "right_shift",
}
for _t, _k in _BINARY.items():
    register_op(_t, _binary_shape, _k)
    NotDifferentiable(_t)
register_op("Invert", same_shape, "invert")
NotDifferentiable("Invert")


def _binary(op_type: str, x: TensorLike, y: TensorLike, name: str | None) -> Tensor:
    x, y = to_tensors([x, y])
    check_same_dtype(op_type, [x, y])
    check_dtype_in(op_type, x, INTEGERS)
    return make_tensor(op_type, [x, y], x.dtype, None, name or op_type)


def bitwise_and(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """``x & y`` elementwise, with broadcasting (integer dtypes).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.bitwise.bitwise_and(tf.constant([12, 10], tf.uint8), 6)))
    [4 2]
    """
    return _binary("BitwiseAnd", x, y, name)


def bitwise_or(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """``x | y`` elementwise, with broadcasting (integer dtypes)."""
    return _binary("BitwiseOr", x, y, name)


def bitwise_xor(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """``x ^ y`` elementwise, with broadcasting (integer dtypes)."""
    return _binary("BitwiseXor", x, y, name)


def left_shift(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """``x << y`` as TF: ``y`` clamped to ``[0, bits - 1]``, bits shifted out are lost."""
    return _binary("LeftShift", x, y, name)


def right_shift(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """``x >> y`` as TF: arithmetic for signed types, ``y`` clamped to ``[0, bits - 1]``."""
    return _binary("RightShift", x, y, name)


def invert(x: TensorLike, name: str | None = None) -> Tensor:
    """``~x``: every bit flipped (integer dtypes)."""
    x = convert_to_tensor(x)
    check_dtype_in("Invert", x, INTEGERS)
    return make_tensor("Invert", [x], x.dtype, None, name or "Invert")


# ---- Bitcast -------------------------------------------------------------------------------------
def _bitcast_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    src, dst = op.inputs[0].dtype.size, op.get_attr("type").size
    if src == dst:
        return [s]
    if s.ndims is None:
        return [TensorShape(None)]
    dims = s.as_list()
    if src > dst:
        return [TensorShape([*dims, src // dst])]
    last = dims[-1] if dims else None
    if not dims or (last is not None and last != dst // src):
        raise shape_error(
            op.type,
            op.name,
            f"Cannot bitcast from {op.inputs[0].dtype.name} to {op.get_attr('type').name}: "
            f"the last dimension must be {dst // src}",
            [s],
        )
    return [TensorShape(dims[:-1])]


register_op("Bitcast", _bitcast_shape, "bitcast")
NotDifferentiable("Bitcast")

_BITCAST_TYPES = allowed_dtypes("Bitcast", "input") or ()


def bitcast(input: TensorLike, type: DTypeLike, name: str | None = None) -> Tensor:
    """The same bytes as another dtype (TF's ``Bitcast``): ``[..., 4]`` int8 from int32, the
    last dimension dropped the other way.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.bitcast(tf.constant([1.0], tf.float32), tf.int32)))
    [1065353216]
    """
    x = convert_to_tensor(input)
    dtype = _dt.as_dtype(type)
    check_dtype_in("Bitcast", x, _BITCAST_TYPES, "input")
    if dtype not in _BITCAST_TYPES:
        names = ", ".join(d.name for d in _BITCAST_TYPES)
        raise TypeError(
            f"Value passed to parameter 'type' has DataType {dtype.name} not in list of "
            f"allowed values: {names}"
        )
    return make_tensor("Bitcast", [x], dtype, {"T": x.dtype, "type": dtype}, name or "Bitcast")
