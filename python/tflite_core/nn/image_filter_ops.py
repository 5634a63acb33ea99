"""``tf.image``'s filters built on convolutions, as TF composes them: ``sobel_edges``
(3x3 Sobel kernels by ``depthwise_conv2d`` on the REFLECT-padded image), ``ssim`` (a Gaussian
window from a softmax, ``depthwise_conv2d`` VALID, luminance x contrast-structure) and
``ssim_multiscale`` (five scales, 2x2 average pooling between them, SYMMETRIC padding of odd
sizes).

>>> img = tf.ones([1, 16, 16, 1])
>>> with tf.Session() as sess:
...     print(sess.run(tf.image.ssim(img, img, 1.0)))
[1.]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, control_dependencies, name_scope
from ..ops.array_ops import cast, concat, identity, reshape, shape, stack
from ..ops.image_ops import convert_image_dtype, verify_compatible_image_shapes
from ..ops.indexing_ops import range as _range
from ..ops.logging_ops import Assert
from ..ops.math_extra_ops import reduce_all
from ..ops.math_ops import (
    greater_equal,
    reduce_mean,
    reduce_prod,
    square,
)
from ..ops.math_ops import (
    pow as _pow,
)
from ..ops.shape_ops import shape_n
from ..ops.slicing_ops import pad, tile
from .conv_ops import avg_pool, depthwise_conv2d
from .nn_ops import relu, softmax

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

_SOBEL = np.expand_dims(
    np.transpose(
        np.array(
            [[[-1, -2, -1], [0, 0, 0], [1, 2, 1]], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]],
            np.float64,
        ),
        (1, 2, 0),
    ),
    -2,
)  # [3, 3, 1, 2]: d/dy, d/dx


def sobel_edges(image: TensorLike) -> Tensor:
    """``[batch, h, w, d, 2]``: the Sobel y and x responses of each channel (REFLECT edges)."""
    x = convert_to_tensor(image)
    static = x.shape
    s = shape(x)
    kernels = tile(constant(_SOBEL, x.dtype), stack([1, 1, s[-1], 1]), name="sobel_filters")
    padded = pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    out = depthwise_conv2d(padded, kernels, [1, 1, 1, 1], "VALID")
    out = reshape(out, concat([s, [2]], 0))
    if static.ndims is not None:
        out.set_shape(static.concatenate([2]))
    return out


def _gauss(size: Tensor, sigma: Tensor) -> Tensor:
    coords = cast(_range(size), sigma.dtype)
    coords = coords - cast(size - 1, sigma.dtype) / 2.0
    g = square(coords)
    g = g * (-0.5 / square(sigma))
    g = reshape(g, [1, -1]) + reshape(g, [-1, 1])
    g = softmax(reshape(g, [1, -1]))
    return reshape(g, stack([size, size, 1, 1]))


def _ssim_per_channel(
    img1: Tensor,
    img2: Tensor,
    max_val: Tensor,
    filter_size: int,
    filter_sigma: float,
    k1: float,
    k2: float,
    return_index_map: bool = False,
) -> tuple[Tensor, Tensor]:
    fs = constant(filter_size, _dt.int32)
    sigma = constant(filter_sigma, img1.dtype)
    s1, s2 = shape_n([img1, img2])
    checks = [
        Assert(reduce_all(greater_equal(s1[-3:-1], fs)), [s1, fs], summarize=8),
        Assert(reduce_all(greater_equal(s2[-3:-1], fs)), [s2, fs], summarize=8),
    ]
    with control_dependencies(checks):
        img1 = identity(img1)
    kernel = tile(_gauss(fs, sigma), stack([1, 1, s1[-1], 1]))

    def reducer(v: Tensor) -> Tensor:
        vs = shape(v)
        flat = reshape(v, concat([[-1], vs[-3:]], 0))
        y = depthwise_conv2d(flat, kernel, [1, 1, 1, 1], "VALID")
        return reshape(y, concat([vs[:-3], shape(y)[1:]], 0))

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean0, mean1 = reducer(img1), reducer(img2)
    num0 = mean0 * mean1 * 2.0
    den0 = square(mean0) + square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(img1 * img2) * 2.0
    den1 = reducer(square(img1) + square(img2))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    if return_index_map:
        return luminance * cs, cs
    axes = constant([-3, -2], _dt.int32)
    return reduce_mean(luminance * cs, axes), reduce_mean(cs, axes)


def _prepare(img1: Any, img2: Any, max_val: Any):
    a = convert_to_tensor(img1, name="img1")
    b = convert_to_tensor(img2, name="img2")
    s1, s2, checks = verify_compatible_image_shapes(a, b)
    with control_dependencies(checks):
        a = identity(a)
    mv = convert_image_dtype(cast(max_val, a.dtype), _dt.float32)
    return convert_image_dtype(a, _dt.float32), convert_image_dtype(b, _dt.float32), mv, s1, s2


def ssim(
    img1: TensorLike,
    img2: TensorLike,
    max_val: Any,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
    return_index_map: bool = False,
) -> Tensor:
    """The structural similarity of two images (or batches; last three axes h, w, c), with an
    11x11 Gaussian window of sigma 1.5; the mean over channels."""
    with name_scope(None, "SSIM", [img1, img2]):
        a, b, mv, _, _ = _prepare(img1, img2, max_val)
        per_channel, _ = _ssim_per_channel(
            a, b, mv, filter_size, filter_sigma, k1, k2, return_index_map
        )
        return reduce_mean(per_channel, [-1])


_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ssim_multiscale(
    img1: TensorLike,
    img2: TensorLike,
    max_val: Any,
    power_factors: Any = _MSSSIM_WEIGHTS,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
) -> Tensor:
    """Multi-scale SSIM: the contrast-structure terms of the first scales and the SSIM of the
    last, each to its power factor, multiplied (images halved between scales)."""
    with name_scope(None, "MS-SSIM", [img1, img2]):
        a, b, mv, s1, s2 = _prepare(img1, img2, max_val)
        imgs = [a, b]
        inner = a.shape.as_list()[-3:] if a.shape.ndims is not None else [None]
        if any(d is None for d in inner):
            raise ValueError(
                "tflite_core's ssim_multiscale needs images whose height, width and channels "
                "are known when the graph is built"
            )
        heads = [s[:-3] for s in (s1, s2)]
        divisor = [1, 2, 2, 1]
        mcs = []
        per_channel = None
        for k in range(len(power_factors)):
            with name_scope(None, f"Scale{k}", imgs):
                if k > 0:
                    flat = [reshape(v, [-1, *inner]) for v in imgs]
                    rem = [d % q for d, q in zip(inner, divisor[1:])]
                    if any(rem):  # odd sizes: mirrored by one row/column (with the edge)
                        pads = [[0, 0], [0, rem[0]], [0, rem[1]], [0, rem[2]]]
                        flat = [pad(v, pads, mode="SYMMETRIC") for v in flat]
                    down = [avg_pool(v, divisor, divisor, "VALID") for v in flat]
                    inner = down[0].shape.as_list()[1:]
                    imgs = [reshape(v, concat([h, inner], 0)) for v, h in zip(down, heads)]
                per_channel, cs = _ssim_per_channel(
                    imgs[0], imgs[1], mv, filter_size, filter_sigma, k1, k2
                )
                mcs.append(relu(cs))
        mcs.pop()
        assert per_channel is not None
        stacked = stack([*mcs, relu(per_channel)], axis=-1)
        ms = reduce_prod(_pow(stacked, constant(list(power_factors), stacked.dtype)), [-1])
        return reduce_mean(ms, [-1])
