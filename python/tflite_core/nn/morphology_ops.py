"""Grayscale morphology (``tf.nn.dilation2d``, ``erosion2d``; TF's ``Dilation2D``), composed of
``extract_image_patches``: each output is the maximum over its window of ``input + filter``
(elements outside the input take no part), the window dilated by ``rates``.

>>> import numpy as np
>>> import tflite_core as tf
>>> x = tf.constant(np.arange(4.0).reshape(1, 2, 2, 1))
>>> k = tf.constant(np.zeros((2, 2, 1)))
>>> with tf.Session() as sess:
...     print(sess.run(tf.nn.dilation2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")).ravel())
[3.]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope, shape_error
from ..framework.op_util import FLOATS, check_dtype_in
from ..ops.array_ops import ones_like, reshape, stop_gradient
from ..ops.math_ops import add, log, negative, reduce_max
from ..ops.permute_ops import extract_image_patches, reverse_v2
from .conv_util import check_padding, dims

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _four(what: str, v: Any) -> list[int]:
    v = [int(a) for a in v]
    if len(v) < 4:
        raise ValueError(
            f"Attr '{what}' of 'Dilation2D' Op passed list of length {len(v)} less than minimum 4."
        )
    if len(v) != 4 or v[0] != 1 or v[3] != 1:
        raise ValueError(f"Dilation2D: {what} must be [1, {what}_height, {what}_width, 1], got {v}")
    return v


def _dilation(x, f, strides, rates, padding, scope):
    op = "Dilation2D"
    shapes = [x.shape, f.shape]
    for t, rank in ((x, 4), (f, 3)):
        if t.shape.ndims is not None and t.shape.ndims != rank:
            msg = f"Shape must be rank {rank} but is rank {t.shape.ndims}"
            raise shape_error(op, op, msg, shapes)
    xc = x.shape.as_list()[3] if x.shape.ndims else None
    fc = f.shape.as_list()[2] if f.shape.ndims else None
    if xc is not None and fc is not None and xc != fc:
        raise shape_error(op, op, f"Dimensions must be equal, but are {xc} and {fc}", shapes)
    kh, kw, _ = f.shape.as_list() if f.shape.ndims else [None] * 3
    if kh is None or kw is None:
        raise ValueError("Dilation2D: the filter's height and width must be known")
    padding = check_padding(padding, op, op, [x, f])
    s, r = _four("strides", strides), _four("rates", rates)
    win: tuple[Any, ...] = ([1, kh, kw, 1], s, r, padding)
    p = extract_image_patches(x, *win)
    b, ho, wo, _ = dims(p)
    c = dims(x)[3]
    p = reshape(p, [b, ho, wo, kh * kw, c])
    # the padding's zeros: log(0) = -inf keeps them out of the maximum
    inside = extract_image_patches(stop_gradient(ones_like(x)), *win)
    penalty = stop_gradient(log(reshape(inside, [b, ho, wo, kh * kw, c])))
    v = add(add(p, penalty), reshape(f, [kh * kw, c]))
    return reduce_max(v, axis=3, name=scope)


def dilation2d(
    input: TensorLike,
    filter: TensorLike | None = None,
    strides: Any = None,
    rates: Any = None,
    padding: str | None = None,
    name: str | None = None,
    filters: TensorLike | None = None,
    dilations: Any = None,
) -> Tensor:
    """Grayscale dilation of an NHWC ``input`` by a ``[KH, KW, C]`` ``filter`` (TF 1.x's
    ``Dilation2D``): ``out[b, y, x, c] = max over (i, j) of input[b, y * sh + i * rh - top,
    x * sw + j * rw - left, c] + filter[i, j, c]`` over the positions inside the input.
    ``strides`` and ``rates`` are 4 ints ``[1, h, w, 1]``; ``filters``/``dilations``: TF 2's
    names. Named ``name`` (default ``Dilation2D``)."""
    f = filters if filter is None else filter
    if f is None:
        raise ValueError("dilation2d needs a filter (filter= or filters=)")
    r = dilations if rates is None else rates
    with name_scope(name, "Dilation2D", [input, f]) as scope:
        x = convert_to_tensor(input, name="input")
        f = convert_to_tensor(f, name="filter", dtype=x.dtype)
        check_dtype_in("Dilation2D", x, FLOATS, "input")
        return _dilation(x, f, strides, r, padding, scope)


def erosion2d(
    value: TensorLike,
    kernel: TensorLike,
    strides: Any,
    rates: Any,
    padding: str,
    name: str | None = None,
) -> Tensor:
    """Grayscale erosion, as TF: ``-dilation2d(-value, reverse(kernel, [0, 1]))``, under the
    name scope ``erosion2d``."""
    with name_scope(name, "erosion2d", [value, kernel]) as scope:
        x = convert_to_tensor(value, name="value")
        k = convert_to_tensor(kernel, name="kernel", dtype=x.dtype)
        check_dtype_in("Dilation2D", x, FLOATS, "input")
        d = _dilation(negative(x), reverse_v2(k, [0, 1]), strides, rates, padding, scope)
        return negative(d)


__all__ = ["dilation2d", "erosion2d"]
