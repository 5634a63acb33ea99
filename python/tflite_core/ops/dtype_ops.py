"""Casts beyond ``tf.cast``: ``saturate_cast`` (clamped to the target's range first, TF's
composite), ``to_bfloat16``, ``to_complex64`` and ``to_complex128``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from .array_ops import cast
from .complex_ops import complex, imag, real
from .math_ops import maximum, minimum

if TYPE_CHECKING:
    from ..framework.type_aliases import DTypeLike, TensorLike


def _clamp(x: Tensor, lo, hi) -> Tensor:
    return minimum(maximum(x, convert_to_tensor(lo, x.dtype)), convert_to_tensor(hi, x.dtype))


def _limits(in_dtype: _dt.DType, out_dtype: _dt.DType):
    """TF's clamp bounds: the tighter of the two ranges, as ``in_dtype`` values, nudged toward 0
    where rounding to ``in_dtype`` took them past the target's range (TF's code)."""
    np_dtype = in_dtype.as_numpy_dtype
    try:
        promoted = np.promote_types(np_dtype, out_dtype.as_numpy_dtype)
    except TypeError:  # bfloat16 (not a NumPy dtype): floats, as TF
        promoted = np.dtype(float)
    lo = np_dtype(np.maximum(in_dtype.min, out_dtype.min))
    p = np.array([lo, out_dtype.min], dtype=promoted)
    if p[0] < p[1]:
        lo = np.nextafter(lo, np_dtype(0), dtype=np_dtype)
    hi = np_dtype(np.minimum(float(in_dtype.max), float(out_dtype.max)))
    p = np.array([hi, out_dtype.max], dtype=promoted)
    if p[0] > p[1]:
        hi = np.nextafter(hi, np_dtype(0), dtype=np_dtype)
    return lo, hi


def saturate_cast(value: TensorLike, dtype: DTypeLike, name: str | None = None) -> Tensor:
    """``cast`` without overflow: values are first clamped to ``dtype``'s range (TF's composite;
    a complex input cast to a real type keeps its real part).

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.saturate_cast(tf.constant([-5.0, 300.0]), tf.uint8)))
    [  0 255]
    """
    with name_scope(name, "saturate_cast", [value]) as scope:
        x = convert_to_tensor(value, name="value")
        dtype = _dt.as_dtype(dtype)
        in_dtype = x.dtype
        if in_dtype.is_complex:
            if dtype.is_complex:
                rin, rout = in_dtype.real_dtype, dtype.real_dtype
                if rin.min < rout.min or rin.max > rout.max:  # each part clamped
                    x = complex(
                        _clamp(real(x), rout.min, rout.max), _clamp(imag(x), rout.min, rout.max)
                    )
                return cast(x, dtype, name=scope)
            x = real(x)
            in_dtype = in_dtype.real_dtype
        lo, hi = _limits(in_dtype, dtype.real_dtype)
        return cast(_clamp(x, lo, hi), dtype, name=scope)


def to_bfloat16(x: TensorLike, name: str = "ToBFloat16") -> Tensor:
    """``cast(x, tf.bfloat16)``."""
    return cast(x, _dt.bfloat16, name=name)


def to_complex64(x: TensorLike, name: str = "ToComplex64") -> Tensor:
    """``cast(x, tf.complex64)``."""
    return cast(x, _dt.complex64, name=name)


def to_complex128(x: TensorLike, name: str = "ToComplex128") -> Tensor:
    """``cast(x, tf.complex128)``."""
    return cast(x, _dt.complex128, name=name)
