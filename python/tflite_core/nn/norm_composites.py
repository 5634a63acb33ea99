"""Normalizations TF has as single ops, composed here of the math ops (whose gradients they
take): ``fused_batch_norm`` (TF's ``FusedBatchNormV3``), ``batch_norm_with_global_normalization``
and ``local_response_normalization`` / ``lrn`` (TF's ``LRN``).

>>> import numpy as np
>>> import tflite_core as tf
>>> x = tf.constant(np.array([1.0, 3.0], np.float32).reshape(2, 1, 1, 1))
>>> y, m, v = tf.nn.fused_batch_norm(x, [1.0], [0.0], epsilon=0.0)
>>> with tf.Session() as sess:
...     print(sess.run([tf.reshape(y, [-1]), m, v]))
[array([-1.,  1.], dtype=float32), array([2.], dtype=float32), array([2.], dtype=float32)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..framework.op_util import FLOATS, check_dtype_in, make_op
from ..ops.array_ops import cast, reshape, shape
from ..ops.math_ops import add, divide, multiply, pow, square
from ..ops.slicing_ops import pad
from . import batch_norm_ops  # noqa: F401  (registers FusedBatchNormV3 and its gradient)
from .conv_ops import conv2d
from .conv_util import dims
from .normalization_ops import batch_normalization

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

_FORMATS = {"NHWC": (4, 3), "NCHW": (4, 1), "NDHWC": (5, 4), "NCDHW": (5, 1)}
_HALF_FLOATS = (_dt.float16, _dt.bfloat16, _dt.float32)


def _fused_checks(x, scale, offset, mean, variance, data_format, is_training):
    op = "FusedBatchNormV3"
    if data_format not in _FORMATS:
        raise ValueError(
            f"Attr 'data_format' of '{op}' Op passed string '{data_format}' not in: \"NHWC\", "
            '"NCHW", "NDHWC", "NCDHW".'
        )
    if x.dtype not in _HALF_FLOATS:
        raise TypeError(
            f"Value passed to parameter 'x' has DataType {x.dtype.name} not in list of allowed "
            "values: float16, bfloat16, float32"
        )
    rank, c = _FORMATS[data_format]
    shapes = [t.shape for t in (x, scale, offset, mean, variance)]
    if x.shape.ndims is not None and x.shape.ndims != rank:
        raise shape_error(op, op, f"Shape must be rank {rank} but is rank {x.shape.ndims}", shapes)
    depth = x.shape.as_list()[c] if x.shape.ndims is not None else None
    vectors = (scale, offset) if is_training else (scale, offset, mean, variance)
    for t in vectors:
        if t.shape.ndims is not None and t.shape.ndims != 1:
            raise shape_error(op, op, f"Shape must be rank 1 but is rank {t.shape.ndims}", shapes)
        n = t.shape.as_list()[0] if t.shape.ndims else None
        if depth is not None and n is not None and n != depth:
            raise shape_error(op, op, f"Dimensions must be equal, but are {depth} and {n}", shapes)
        depth = depth if depth is not None else n
    return rank, c


def _param(value: Any, name: str) -> Tensor:
    """A per-channel input of FusedBatchNormV3 (TF's ``U``: float32 or bfloat16), as float32."""
    t = value if isinstance(value, Tensor) else convert_to_tensor(value, _dt.float32, name=name)
    check_dtype_in("FusedBatchNormV3", t, (_dt.bfloat16, _dt.float32), name)
    return t if t.dtype == _dt.float32 else cast(t, _dt.float32)


def fused_batch_norm(
    x: TensorLike,
    scale: TensorLike,
    offset: TensorLike,
    mean: TensorLike | None = None,
    variance: TensorLike | None = None,
    epsilon: float = 0.001,
    data_format: str = "NHWC",
    is_training: bool = True,
    name: str | None = None,
    exponential_avg_factor: float = 1.0,
) -> tuple[Tensor, Tensor, Tensor]:
    """Batch normalization over every dimension but the channel one (TF's
    ``FusedBatchNormV3``): ``y = (x - m) * rsqrt(v + epsilon) * scale + offset``; returns
    ``(y, running_mean, running_var)``.

    Training: ``m``, ``v`` are the batch mean and (biased) variance; the outputs are the batch
    mean and the Bessel-corrected variance ``v * n / (n - 1)`` (``n``: the elements per
    channel), or with ``exponential_avg_factor`` f != 1 ``(1 - f) * mean + f * batch_mean`` (and
    likewise for the variance). Inference (``is_training=False``): ``m``, ``v`` are ``mean``,
    ``variance``, passed through as the outputs. ``x`` is float16, bfloat16 or float32 (computed
    in float32), ``data_format`` NHWC, NCHW, NDHWC or NCDHW. Gradients flow to ``x``, ``scale``
    and ``offset`` only (as TF's ``FusedBatchNormGradV3``); the ops sit under the name scope
    ``FusedBatchNormV3`` and ``y`` is named after it.
    """
    if (not is_training or exponential_avg_factor != 1.0) and (mean is None or variance is None):
        raise ValueError(
            "Both `mean` and `variance` must be a 1D tensor when `is_training` is False or "
            f"`exponential_avg_factor` != 1.0. Received: `mean` {mean!r} and `variance` "
            f"{variance!r}"
        )
    with name_scope(name, "FusedBatchNormV3", [x, scale, offset, mean, variance]) as scope:
        x = convert_to_tensor(x, name="input")
        scale = _param(scale, "scale")
        offset = _param(offset, "offset")
        m_in = constant(np.zeros(0, np.float32)) if mean is None else mean
        v_in = constant(np.zeros(0, np.float32)) if variance is None else variance
        m_in = _param(m_in, "mean")
        v_in = _param(v_in, "variance")
        _fused_checks(x, scale, offset, m_in, v_in, data_format, is_training)
        xf = x if x.dtype == _dt.float32 else cast(x, _dt.float32)
        attrs = {
            "T": _dt.float32,
            "U": _dt.float32,
            "epsilon": float(epsilon),
            "exponential_avg_factor": float(exponential_avg_factor),
            "data_format": data_format,
            "is_training": bool(is_training),
        }
        same = x.dtype == _dt.float32
        bn = make_op(
            "FusedBatchNormV3",
            [xf, scale, offset, m_in, v_in],
            [_dt.float32] * 6,
            attrs,
            scope if same else "FusedBatchNormV3",
        )
        y = bn.outputs[0] if same else cast(bn.outputs[0], x.dtype, name=scope)
        return y, bn.outputs[1], bn.outputs[2]


def batch_norm_with_global_normalization(
    t: Any = None,
    m: Any = None,
    v: Any = None,
    beta: Any = None,
    gamma: Any = None,
    variance_epsilon: float | None = None,
    scale_after_normalization: bool | None = None,
    name: str | None = None,
    input: TensorLike | None = None,
    mean: TensorLike | None = None,
    variance: TensorLike | None = None,
) -> Tensor:
    """TF 1.x's deprecated batch norm: ``batch_normalization(t, m, v, beta, gamma if
    scale_after_normalization else None, variance_epsilon, name)``; ``input``, ``mean`` and
    ``variance`` are the new names of ``t``, ``m`` and ``v``."""
    t = input if input is not None else t
    m = mean if mean is not None else m
    v = variance if variance is not None else v
    scale: Any = gamma if scale_after_normalization else None
    return batch_normalization(t, m, v, beta, scale, variance_epsilon, name)


def local_response_normalization(
    input: TensorLike,
    depth_radius: int = 5,
    bias: float = 1,
    alpha: float = 1,
    beta: float = 0.5,
    name: str | None = None,
) -> Tensor:
    """TF's ``LRN`` of a 4-D ``input``: each element divided by ``(bias + alpha * sqr_sum) **
    beta``, ``sqr_sum`` the sum of the squares over the channels ``d - depth_radius`` to
    ``d + depth_radius`` at the same position. The window sum is a ``Conv2D`` of ones over the
    zero-padded channels; named ``name`` (default ``LRN``)."""
    with name_scope(name, "LRN", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        check_dtype_in("LRN", x, FLOATS, "input")
        if x.shape.ndims is not None and x.shape.ndims != 4:
            raise shape_error(
                "LRN", "LRN", f"Shape must be rank 4 but is rank {x.shape.ndims}", [x.shape]
            )
        r = int(depth_radius)
        if r < 0:
            raise ValueError(f"depth_radius must be non-negative, got {depth_radius}")
        c = dims(x)[3]
        sq = pad(reshape(square(x), [-1, 1, c, 1]), [[0, 0], [0, 0], [r, r], [0, 0]])
        ones = constant(np.ones((1, 2 * r + 1, 1, 1)), dtype=x.dtype)
        ssum = reshape(conv2d(sq, ones, [1, 1, 1, 1], "VALID"), shape(x))
        base = add(constant(float(bias), x.dtype), multiply(constant(float(alpha), x.dtype), ssum))
        return divide(x, pow(base, constant(float(beta), x.dtype)), name=scope)


lrn = local_response_normalization

__all__ = [
    "batch_norm_with_global_normalization",
    "fused_batch_norm",
    "local_response_normalization",
    "lrn",
]
