"""``tf.image``'s colour functions, composed from element-wise ops: ``rgb_to_hsv`` /
``hsv_to_rgb`` (TF's RGBToHSV / HSVToRGB kernels' formulas), ``adjust_hue`` and
``adjust_saturation`` (the AdjustHue / AdjustSaturation kernels' per-pixel float32 code, their
branches as selects, the same float64 steps where the kernel has them), ``adjust_contrast``
(AdjustContrastv2: ``(x - mean) * factor + mean`` per channel), ``adjust_brightness``,
``adjust_gamma``, the ``random_*`` forms (one seeded uniform draw, as TF), the grayscale and
YIQ / YUV conversions. Each kernel-backed function opens TF's op name as its name scope.

A C++ kernel would pay off for AdjustHue, AdjustSaturation and RGBToHSV / HSVToRGB (here ~30
element-wise ops per pixel each).

>>> with tf.Session() as sess:
...     print(sess.run(tf.image.rgb_to_hsv([[[1.0, 0.0, 0.0]]])))
[[[0. 1. 1.]]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from .array_ops import cast, concat, expand_dims, identity, ones, rank, shape, stack, unstack
from .check_ops import assert_equal, assert_greater_equal
from .custom_gradient import custom_gradient
from .image_ops import _assert, convert_image_dtype, with_dependencies
from .indexing_ops import where_v2
from .linalg_ops import tensordot
from .math_extra_ops import div_no_nan, logical_and
from .math_ops import (
    abs as _abs,
)
from .math_ops import (
    add,
    equal,
    floor,
    floormod,
    greater,
    greater_equal,
    less,
    less_equal,
    maximum,
    minimum,
    multiply,
    reciprocal,
    reduce_mean,
    square,
)
from .math_ops import (
    pow as _pow,
)
from .random_ops import random_uniform
from .slicing_ops import tile

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _c(v: float, like: Tensor) -> Tensor:
    return constant(v, like.dtype)


def _channels3(x: Tensor, op: str) -> list[Tensor]:
    s = x.shape
    if s.ndims is not None and s.ndims < 1:
        raise ValueError(f"Shape must be at least rank 1 but is rank {s.ndims} for '{op}'")
    last = s.as_list()[-1] if s.ndims else None
    if last is not None and last != 3:
        raise errors.InvalidArgumentError(
            None, None, f"input must have 3 channels but instead has {last} channels."
        )
    if last is None:
        x = with_dependencies(
            [assert_equal(shape(x)[-1], 3, message="input must have 3 channels")], x
        )
        x.set_shape(s[:-1].concatenate([3]))
    return unstack(x, 3, axis=-1)


def _sel(c: Tensor, a: Tensor, b: Tensor) -> Tensor:
    return where_v2(c, a, b)


def _rgb_to_hsv_grad(x: Tensor, hsv: Tensor, grad: Tensor) -> Tensor:
    """TF's gradient of RGBToHSV: per pixel, by which channel is largest / smallest (ties
    resolved as TF's), the partial derivatives of value, saturation and hue (hue's in
    degrees / 360); reciprocals of 0 count as 0."""
    r, g, b = unstack(x, 3, axis=-1)
    s, v = hsv[..., 1], hsv[..., 2]

    def f(c: Tensor) -> Tensor:
        return cast(c, x.dtype)

    def rec(t: Tensor) -> Tensor:
        return div_no_nan(_c(1.0, t), t)

    rb, gb, bb = (
        f(logical_and(greater_equal(r, b), greater_equal(r, g))),
        f(logical_and(greater(g, r), greater_equal(g, b))),
        f(logical_and(greater(b, r), greater(b, g))),
    )
    rs, gs, bs = (
        f(logical_and(less(r, b), less(r, g))),
        f(logical_and(less_equal(g, r), less(g, b))),
        f(logical_and(less_equal(b, r), less_equal(b, g))),
    )
    rp, gp, bp = f(greater(r, 0.0)), f(greater(g, 0.0)), f(greater(b, 0.0))
    ds_dr = rp * (rb * (gs * g + bs * b) * rec(square(r)) + rs * -1 * rec(gb * g + bb * b))
    ds_dg = gp * (gb * (rs * r + bs * b) * rec(square(g)) + gs * -1 * rec(rb * r + bb * b))
    ds_db = bp * (bb * (gs * g + rs * r) * rec(square(b)) + bs * -1 * rec(gb * g + rb * r))
    sv = rec(square(s)) * rec(square(v))
    dh_dr = (
        60 * (rp * rb * -1 * (g - b) * sv)
        + 60 * (gp * gb * rs * (b - g) * rec(square(r - g)))
        + 60 * (gp * gb * bs * -1 * rec(g - b))
        + 60 * (bp * bb * rs * (b - g) * rec(square(b - r)))
        + 60 * (bp * bb * gs * rec(b - g))
    ) / 360
    dh_dg = (
        60 * (gp * gb * -1 * (b - r) * sv)
        + 60 * (rp * rb * gs * (r - b) * rec(square(r - g)))
        + 60 * (rp * rb * bs * rec(r - b))
        + 60 * (bp * bb * gs * (r - b) * rec(square(b - g)))
        + 60 * (bp * bb * rs * -1 * rec(b - r))
    ) / 360
    dh_db = (
        60 * (bp * bb * -1 * (r - g) * sv)
        + 60 * (rp * rb * bs * (g - r) * rec(square(r - b)))
        + 60 * (rp * rb * gs * -1 * rec(r - g))
        + 60 * (gp * gb * bs * (g - r) * rec(square(g - b)))
        + 60 * (gp * gb * rs * rec(g - r))
    ) / 360
    gh, gs_, gv = grad[..., 0], grad[..., 1], grad[..., 2]
    dv = stack([gv * rb, gv * gb, gv * bb], axis=-1)
    ds = stack([gs_ * ds_dr, gs_ * ds_dg, gs_ * ds_db], axis=-1)
    dh = stack([gh * dh_dr, gh * dh_dg, gh * dh_db], axis=-1)
    return dv + ds + dh


def _rgb_to_hsv_values(x: Tensor, scope: str) -> Tensor:
    r, g, b = _channels3(x, "RGBToHSV")
    v = maximum(maximum(r, g), b)
    rng = v - minimum(minimum(r, g), b)
    zero = _c(0, x)
    s = _sel(greater(v, zero), rng / v, zero)
    norm = reciprocal(rng) * _c(1.0 / 6.0, x)
    h = _sel(
        equal(r, v),
        norm * (g - b),
        _sel(equal(g, v), norm * (b - r) + _c(2.0 / 6.0, x), norm * (r - g) + _c(4.0 / 6.0, x)),
    )
    h = _sel(greater(rng, zero), h, zero)
    h = _sel(less(h, zero), h + _c(1, x), h)
    return stack([h, s, v], axis=-1, name=scope)


def rgb_to_hsv(images: TensorLike, name: str | None = None) -> Tensor:
    """RGB (last axis, floats in [0, 1]) to hue, saturation, value in [0, 1] (op RGBToHSV;
    its gradient is TF's)."""
    with name_scope(name, "RGBToHSV", [images]) as scope:
        x = convert_to_tensor(images, name="images")
        if x.dtype not in (_dt.float16, _dt.bfloat16, _dt.float32, _dt.float64):
            raise TypeError(
                f"Value passed to parameter 'images' has DataType {x.dtype.name} not in list "
                "of allowed values: half, bfloat16, float32, float64"
            )
        _channels3(x, "RGBToHSV")  # the channel check, before the gradient wrapper

        @custom_gradient
        def hsv_of(t):
            out = _rgb_to_hsv_values(t, "values")

            def grad(dy):
                return _rgb_to_hsv_grad(t, out, dy)

            return out, grad

        return identity(hsv_of(x), name=scope)


def hsv_to_rgb(images: TensorLike, name: str | None = None) -> Tensor:
    """Hue, saturation, value (last axis, in [0, 1]) to RGB (op HSVToRGB)."""
    with name_scope(name, "HSVToRGB", [images]) as scope:
        x = convert_to_tensor(images, name="images")
        h, s, v = _channels3(x, "HSVToRGB")
        zero, one, two = _c(0, x), _c(1, x), _c(2, x)
        dh = h * _c(6, x)

        def clip01(t: Tensor) -> Tensor:
            return minimum(maximum(t, zero), one)

        dr = clip01(_abs(dh - _c(3, x)) - one)
        dg = clip01(-_abs(dh - two) + two)
        db = clip01(-_abs(dh - _c(4, x)) + two)
        one_s = -s + one
        return stack(
            [(one_s + s * dr) * v, (one_s + s * dg) * v, (one_s + s * db) * v], -1, name=scope
        )


def _float_image(image: TensorLike) -> tuple[Tensor, Any]:
    x = convert_to_tensor(image, name="image")
    orig = x.dtype
    if orig in (_dt.float16, _dt.float32):
        return x, orig
    return convert_image_dtype(x, _dt.float32), orig


def _hue_ops(x: Tensor, delta: Tensor) -> Tensor:
    """The AdjustHue kernel per pixel: RGB -> (hue in [0, 6), v_min, v_max), hue shifted by
    ``6 * delta`` and wrapped, back to RGB."""
    r, g, b = _channels3(x, "AdjustHue")
    one = _c(1, x)
    r_lt_g = less(r, g)
    # the six orderings of (r, g, b), as the kernel's nested ifs decide them
    b_lt_r, b_gt_g = less(b, r), greater(b, g)
    b_lt_g, b_gt_r = less(b, g), greater(b, r)
    cat = _sel(
        r_lt_g,
        _sel(b_lt_r, _c(1, x), _sel(b_gt_g, _c(3, x), _c(2, x))),
        _sel(b_lt_g, _c(0, x), _sel(b_gt_r, _c(4, x), _c(5, x))),
    )
    v_max = _sel(r_lt_g, _sel(b_lt_r, g, _sel(b_gt_g, b, g)), _sel(b_lt_g, r, _sel(b_gt_r, b, r)))
    v_mid = _sel(r_lt_g, _sel(b_lt_r, r, _sel(b_gt_g, g, b)), _sel(b_lt_g, g, _sel(b_gt_r, r, b)))
    v_min = _sel(r_lt_g, _sel(b_lt_r, b, _sel(b_gt_g, r, r)), _sel(b_lt_g, b, _sel(b_gt_r, g, g)))
    same = equal(v_max, v_min)
    span = _sel(same, one, v_max - v_min)
    ratio = (v_mid - v_min) / span
    odd = equal(floormod(cat, _c(2, x)), one)
    h = _sel(same, _c(0, x), cat + _sel(odd, one - ratio, ratio))
    six = _c(6, x)
    h = h + delta * six
    h = _sel(less(h, _c(0, x)), h + six, h)
    h = _sel(less(h, _c(0, x)), h + six, h)
    h = _sel(greater_equal(h, six), h - six, h)
    h = _sel(greater_equal(h, six), h - six, h)
    hcat = floor(h)
    ratio2 = h - hcat
    ratio2 = _sel(equal(floormod(hcat, _c(2, x)), one), one - ratio2, ratio2)
    mid = v_min + ratio2 * (v_max - v_min)

    def pick(vals: list[Tensor]) -> Tensor:
        out = vals[5]
        for k in (4, 3, 2, 1, 0):
            out = _sel(equal(hcat, _c(k, x)), vals[k], out)
        return out

    return stack(
        [
            pick([v_max, mid, v_min, v_min, mid, v_max]),
            pick([mid, v_max, v_max, mid, v_min, v_min]),
            pick([v_min, v_min, mid, v_max, v_max, mid]),
        ],
        -1,
    )


def adjust_hue(image: TensorLike, delta: Any, name: str | None = None) -> Tensor:
    """The hue rotated by ``delta`` (a fraction of the colour circle, in [-1, 1]); other
    dtypes are converted to float32 and back (op AdjustHue)."""
    with name_scope(name, "adjust_hue", [image]):
        flt, orig = _float_image(image)
        if flt.shape.ndims is not None and flt.shape.ndims < 3:
            raise ValueError(
                f"Shape must be at least rank 3 but is rank {flt.shape.ndims} for "
                "'{{node AdjustHue}} = AdjustHue[T=DT_FLOAT]'"
            )
        with name_scope(None, "AdjustHue"):
            d = cast(convert_to_tensor(delta, name="delta"), _dt.float32)
            out = _hue_ops(cast(flt, _dt.float32), d)
            out = cast(out, flt.dtype)
        return convert_image_dtype(out, orig)


def _saturation_ops(x: Tensor, scale: Tensor) -> Tensor:
    r, g, b = _channels3(x, "AdjustSaturation")
    zero, one = _c(0, x), _c(1, x)
    vv = maximum(r, maximum(g, b))
    rng = vv - minimum(r, minimum(g, b))
    s = _sel(greater(vv, zero), rng / vv, zero * vv)
    norm = one / (_c(6, x) * rng)
    f64 = _dt.float64
    hh = _sel(
        equal(r, vv),
        norm * (g - b),
        _sel(
            equal(g, vv),
            cast(cast(norm * (b - r), f64) + constant(2.0 / 6.0, f64), _dt.float32),
            cast(cast(norm * (r - g), f64) + constant(4.0 / 6.0, f64), _dt.float32),
        ),
    )
    hh = _sel(less_equal(rng, zero), zero, hh)
    hh = _sel(less(hh, zero), hh + one, hh)
    s = minimum(one, maximum(zero, s * scale))
    c = s * vv
    m = vv - c
    dh = hh * _c(6, x)
    cat = floor(dh)
    fm = floormod(dh, _c(2, x))
    xx = c * (one - _abs(fm - one))

    def pick(vals: list[Tensor]) -> Tensor:
        out = zero * c
        for k in (5, 4, 3, 2, 1, 0):
            out = _sel(equal(cat, _c(k, x)), vals[k], out)
        return out

    z = zero * c
    return stack(
        [
            pick([c, xx, z, z, xx, c]) + m,
            pick([xx, c, c, xx, z, z]) + m,
            pick([z, z, xx, c, c, xx]) + m,
        ],
        -1,
    )


def adjust_saturation(image: TensorLike, saturation_factor: Any, name: str | None = None) -> Tensor:
    """The saturation multiplied by ``saturation_factor`` (clipped to [0, 1]) in HSV space
    (op AdjustSaturation)."""
    with name_scope(name, "adjust_saturation", [image]):
        flt, orig = _float_image(image)
        if flt.shape.ndims is not None and flt.shape.ndims < 3:
            raise ValueError(
                f"Shape must be at least rank 3 but is rank {flt.shape.ndims} for "
                "'{{node AdjustSaturation}} = AdjustSaturation[T=DT_FLOAT]'"
            )
        with name_scope(None, "AdjustSaturation"):
            sc = cast(convert_to_tensor(saturation_factor, name="scale"), _dt.float32)
            out = cast(_saturation_ops(cast(flt, _dt.float32), sc), flt.dtype)
        return convert_image_dtype(out, orig)


def adjust_brightness(image: TensorLike, delta: Any) -> Tensor:
    """``image + delta`` in float (other dtypes converted and saturated back)."""
    with name_scope(None, "adjust_brightness", [image, delta]) as scope:
        flt, orig = _float_image(image)
        adjusted = add(flt, cast(delta, flt.dtype), name=scope)
        return convert_image_dtype(adjusted, orig, saturate=True)


def adjust_contrast(images: TensorLike, contrast_factor: Any) -> Tensor:
    """``(x - mean) * contrast_factor + mean``, the mean per image and channel over height and
    width (op AdjustContrastv2)."""
    with name_scope(None, "adjust_contrast", [images, contrast_factor]):
        x = convert_to_tensor(images, name="images")
        orig = x.dtype
        flt = x if orig in (_dt.float16, _dt.float32) else convert_image_dtype(x, _dt.float32)
        if flt.shape.ndims is not None and flt.shape.ndims < 3:
            raise ValueError(
                f"Shape must be at least rank 3 but is rank {flt.shape.ndims} for "
                "'{{node AdjustContrastv2}} = AdjustContrastv2[T=DT_FLOAT]'"
            )
        with name_scope(None, "AdjustContrastv2"):
            f = cast(convert_to_tensor(contrast_factor, name="contrast_factor"), _dt.float32)
            xf = cast(flt, _dt.float32)
            mean = reduce_mean(xf, axis=[-3, -2], keepdims=True)
            out = cast((xf - mean) * f + mean, flt.dtype)
        return convert_image_dtype(out, orig, saturate=True)


def adjust_gamma(image: TensorLike, gamma: Any = 1, gain: Any = 1) -> Tensor:
    """``gain * image ** gamma`` in float (``gamma`` >= 0), converted back saturating."""
    with name_scope(None, "adjust_gamma", [image, gamma, gain]):
        flt, orig = _float_image(image)
        checks = _assert(gamma >= 0, ValueError, "Gamma should be a non-negative real number.")
        g = convert_to_tensor(gamma, flt.dtype) if not isinstance(gamma, Tensor) else gamma
        if checks:
            g = with_dependencies(checks, g)
        adjusted = multiply(convert_to_tensor(gain, flt.dtype), _pow(flt, cast(g, flt.dtype)))
        return convert_image_dtype(adjusted, orig, saturate=True)


def random_brightness(image: TensorLike, max_delta: float, seed: int | None = None) -> Tensor:
    """``adjust_brightness`` by one uniform draw in ``[-max_delta, max_delta)``."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_brightness(image, delta)


def _check_range(lower: float, upper: float) -> None:
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")


def random_contrast(image: TensorLike, lower: float, upper: float, seed: int | None = None):
    """``adjust_contrast`` by one uniform draw in ``[lower, upper)``."""
    _check_range(lower, upper)
    return adjust_contrast(image, random_uniform([], lower, upper, seed=seed))


def random_saturation(image: TensorLike, lower: float, upper: float, seed: int | None = None):
    """``adjust_saturation`` by one uniform draw in ``[lower, upper)``."""
    _check_range(lower, upper)
    return adjust_saturation(image, random_uniform([], lower, upper, seed=seed))


def random_hue(image: TensorLike, max_delta: float, seed: int | None = None) -> Tensor:
    """``adjust_hue`` by one uniform draw in ``[-max_delta, max_delta)`` (``max_delta`` <=
    0.5)."""
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_hue(image, random_uniform([], -max_delta, max_delta, seed=seed))


def rgb_to_grayscale(images: TensorLike, name: str | None = None) -> Tensor:
    """``0.2989 R + 0.5870 G + 0.1140 B`` (a tensordot in float32), last axis kept as 1."""
    with name_scope(name, "rgb_to_grayscale", [images]) as scope:
        x = convert_to_tensor(images, name="images")
        orig = x.dtype
        flt = convert_image_dtype(x, _dt.float32)
        gray = tensordot(flt, constant([0.2989, 0.5870, 0.1140], _dt.float32), [-1, -1])
        return convert_image_dtype(expand_dims(gray, -1), orig, name=scope)


def grayscale_to_rgb(images: TensorLike, name: str | None = None) -> Tensor:
    """The single channel repeated three times."""
    with name_scope(name, "grayscale_to_rgb", [images]) as scope:
        x = convert_to_tensor(images, name="images")
        s = x.shape
        if s.ndims is not None and s.ndims < 2:
            raise ValueError(f"A grayscale image (shape {s}) must be at least two-dimensional.")
        if s.is_fully_defined():
            if s.as_list()[-1] != 1:
                raise ValueError("Last dimension of a grayscale image should be size 1.")
        else:
            x = with_dependencies(
                [
                    assert_equal(
                        shape(x)[-1],
                        1,
                        message="Last dimension of a grayscale image should be size 1.",
                    ),
                    assert_greater_equal(
                        rank(x), 3, message="A grayscale image must be at least two-dimensional."
                    ),
                ],
                x,
            )
        rank_1 = expand_dims(rank(x) - 1, 0)
        multiples = concat([ones(rank_1, dtype=_dt.int32), constant([3], _dt.int32)], 0)
        rgb = tile(x, multiples, name=scope)
        if s.ndims is not None:
            rgb.set_shape(s[:-1].concatenate([3]))
        return rgb


_RGB_TO_YIQ = [
    [0.299, 0.59590059, 0.2115],
    [0.587, -0.27455667, -0.52273617],
    [0.114, -0.32134392, 0.31119955],
]
_YIQ_TO_RGB = [
    [1, 1, 1],
    [0.95598634, -0.27201283, -1.10674021],
    [0.6208248, -0.64720424, 1.70423049],
]
_RGB_TO_YUV = [
    [0.299, -0.14714119, 0.61497538],
    [0.587, -0.28886916, -0.51496512],
    [0.114, 0.43601035, -0.10001026],
]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _mix(images: TensorLike, kernel: Any) -> Tensor:
    x = convert_to_tensor(images, name="images")
    k = constant(kernel, x.dtype, name="kernel")
    nd = x.shape.ndims
    if nd is None:
        raise ValueError("tensordot needs inputs of known rank")
    return tensordot(x, k, axes=[[nd - 1], [0]])


def rgb_to_yiq(images: TensorLike) -> Tensor:
    """RGB to YIQ (a 3x3 matrix on the last axis)."""
    return _mix(images, _RGB_TO_YIQ)


def yiq_to_rgb(images: TensorLike) -> Tensor:
    """YIQ to RGB."""
    return _mix(images, _YIQ_TO_RGB)


def rgb_to_yuv(images: TensorLike) -> Tensor:
    """RGB to YUV."""
    return _mix(images, _RGB_TO_YUV)


def yuv_to_rgb(images: TensorLike) -> Tensor:
    """YUV to RGB."""
    return _mix(images, _YUV_TO_RGB)
