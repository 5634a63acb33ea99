"""``tf.image``'s geometry, dtype and statistics functions, composed from existing ops as TF
composes them: flips (``ReverseV2``), ``rot90`` and ``transpose``, crops and pads (``Slice``,
``Pad``), ``central_crop``, ``resize_image_with_crop_or_pad``, ``convert_image_dtype`` (TF's
scaling, rounding and saturation rules), ``per_image_standardization``, ``total_variation``,
``image_gradients`` and ``psnr``. Gradients come from the ops they are built of.

>>> img = tf.constant([[[1.0], [2.0]], [[3.0], [4.0]]])
>>> with tf.Session() as sess:
...     print(sess.run(tf.image.flip_left_right(img))[:, :, 0])
[[2. 1.]
 [4. 3.]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, control_dependencies, name_scope
from ..framework.tensor_util import get_static_value
from .array_ops import (
    cast,
    concat,
    expand_dims,
    identity,
    rank,
    reshape,
    shape,
    size,
    squeeze,
    stack,
    unstack,
    zeros,
)
from .array_ops import (
    transpose as _transpose,
)
from .check_ops import assert_greater_equal, assert_positive
from .cond import cond
from .dtype_ops import saturate_cast
from .indexing_ops import gather, where_v2
from .indexing_ops import range as _range
from .logging_ops import Assert
from .math_extra_ops import reduce_all, reduce_std, rsqrt, squared_difference
from .math_extra_ops import round as _round
from .math_ops import (
    abs as _abs,
)
from .math_ops import (
    divide,
    equal,
    floordiv,
    greater_equal,
    less,
    log,
    maximum,
    minimum,
    multiply,
    reduce_mean,
    reduce_prod,
    reduce_sum,
    subtract,
)
from .permute_ops import extract_image_patches, reverse_v2
from .random_ops import random_uniform
from .shape_ops import shape_n
from .slicing_ops import pad
from .slicing_ops import slice as _slice

if TYPE_CHECKING:
    from ..framework.graph import Operation
    from ..framework.type_aliases import DTypeLike, TensorLike


def _is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor)


def _assert(pred: Any, ex_type: type, msg: str) -> list[Operation]:
    """TF's ``_assert``: a Python bool raises ``ex_type`` now, a tensor becomes an Assert op."""
    if _is_tensor(pred):
        return [Assert(pred, [msg])]
    if not pred:
        raise ex_type(msg)
    return []


def with_dependencies(deps: list[Operation], x: Tensor) -> Tensor:
    """``x`` through an Identity that runs after ``deps`` (``x`` itself when there are none)."""
    if not deps:
        return x
    with control_dependencies(deps):
        return identity(x)


def image_dims(image: Tensor, rank_: int) -> list[Any]:
    """The image's dimensions: Python ints where static, scalar int32 tensors elsewhere."""
    static = image.shape.with_rank(rank_).as_list()
    if all(s is not None for s in static):
        return static
    dyn = unstack(shape(image), rank_)
    return [s if s is not None else d for s, d in zip(static, dyn)]


def check_at_least_3d(image: Tensor, require_static: bool = True) -> list[Operation]:
    """TF's ``_CheckAtLeast3DImage``: ValueError for a static rank below 3 or a zero inner
    dimension; Assert ops for what is known only when run."""
    s = image.shape
    if s.ndims is None:  # TF asserts the rank when run; tflite_core's plans need it known
        raise ValueError(
            f"'image' (shape {s}) must have a known rank: tflite_core's tf.image functions "
            "take 3-D or 4-D images of known rank"
        )
    if s.ndims < 3:
        raise ValueError(f"'image' (shape {s}) must be at least three-dimensional.")
    if require_static and not s.is_fully_defined():
        raise ValueError("'image' must be fully defined.")
    inner = s.as_list()[-3:]
    if any(x == 0 for x in inner):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {s}")
    if any(x is None for x in inner):
        return [
            assert_positive(shape(image)[-3:], ["inner 3 dims of 'image.shape' must be > 0."]),
            assert_greater_equal(
                rank(image), 3, message="'image' must be at least three-dimensional."
            ),
        ]
    return []


def assert_at_least_3d(image: Tensor) -> Tensor:
    return with_dependencies(check_at_least_3d(image, require_static=False), image)


def _rank34(image: Tensor, f3, f4, msg_space: str = " ") -> Tensor:
    nd = image.shape.ndims
    if nd is None:
        return cond(equal(rank(image), 3), f3, f4)
    if nd == 3:
        return f3()
    if nd == 4:
        return f4()
    raise ValueError(f"'image' (shape {image.shape}){msg_space}must have either 3 or 4 dimensions.")


def _fix_flip_shape(image: Tensor, result: Tensor) -> Tensor:
    result.set_shape([None, None, None] if image.shape.ndims is None else image.shape)
    return result


def _flip(image: TensorLike, axis: int, scope: str) -> Tensor:
    with name_scope(None, scope, [image]):
        x = assert_at_least_3d(convert_to_tensor(image, name="image"))
        return _rank34(
            x,
            lambda: _fix_flip_shape(x, reverse_v2(x, [axis])),
            lambda: reverse_v2(x, [axis + 1]),
            msg_space="",
        )


def flip_left_right(image: TensorLike) -> Tensor:
    """The image mirrored along its width (axis -2 of a 3-D or 4-D NHWC image)."""
    return _flip(image, 1, "flip_left_right")


def flip_up_down(image: TensorLike) -> Tensor:
    """The image mirrored along its height."""
    return _flip(image, 0, "flip_up_down")


def _random_flip(image: TensorLike, axis: int, seed: int | None, scope_name: str) -> Tensor:
    with name_scope(None, scope_name, [image]) as scope:
        x = assert_at_least_3d(convert_to_tensor(image, name="image"))

        def f3():
            u = random_uniform([], 0, 1.0, seed=seed)
            res = cond(less(u, 0.5), lambda: reverse_v2(x, [axis]), lambda: x, name=scope)
            return _fix_flip_shape(x, res)

        def f4():
            n = shape(x)[0]
            u = random_uniform(stack([n]), 0, 1.0, seed=seed)
            flips = cast(_round(reshape(u, stack([n, 1, 1, 1]))), x.dtype)
            one = constant(1, x.dtype)
            return flips * reverse_v2(x, [axis + 1]) + (one - flips) * x

        return _rank34(x, f3, f4)


def random_flip_left_right(image: TensorLike, seed: int | None = None) -> Tensor:
    """Each image mirrored left-right with probability 1/2 (per image of a batch)."""
    return _random_flip(image, 1, seed, "random_flip_left_right")


def random_flip_up_down(image: TensorLike, seed: int | None = None) -> Tensor:
    """Each image mirrored upside down with probability 1/2 (per image of a batch)."""
    return _random_flip(image, 0, seed, "random_flip_up_down")


def rot90(image: TensorLike, k: Any = 1, name: str | None = None) -> Tensor:
    """The image rotated ``k`` quarter turns counter-clockwise. A ``k`` known only when run
    takes the pixels by a gather whose indices follow ``k`` (TF selects among four branches
    with ``case``; tflite_core's plans need one shape per branch output)."""
    with name_scope(name, "rot90", [image, k]) as scope:
        x = assert_at_least_3d(convert_to_tensor(image, name="image"))
        kt = convert_to_tensor(k, dtype=_dt.int32, name="k")
        kt.shape.assert_has_rank(0)
        k_value = get_static_value(kt)
        k_static = None if k_value is None else int(k_value) % 4
        kt = kt % 4

        def rot(off: int):
            def r90():
                return _transpose(reverse_v2(x, [off + 1]), [*range(off), off + 1, off, off + 2])

            def r180():
                return reverse_v2(x, [off, off + 1])

            def r270():
                return reverse_v2(_transpose(x, [*range(off), off + 1, off, off + 2]), [off + 1])

            if k_static is not None:
                with name_scope(None, "case"):
                    return [lambda: identity(x), r90, r180, r270][k_static]()
            res = _rot90_gather(x, kt, off, scope)
            if off == 0:
                res.set_shape([None, None, x.shape[2]])
            else:
                res.set_shape([x.shape[0], None, None, x.shape[3]])
            return res

        return _rank34(x, lambda: rot(0), lambda: rot(1))


def _rot90_gather(x: Tensor, k: Tensor, off: int, name: str) -> Tensor:
    """``rot90`` by ``k`` (an int32 tensor in [0, 4)) as one gather: output pixel (i, j) of
    the [W, H] (odd k) or [H, W] image reads input (r, c) by k's formula."""
    s = shape(x)
    h, w = s[off], s[off + 1]
    odd = equal(k % 2, 1)
    oh, ow = where_v2(odd, w, h), where_v2(odd, h, w)
    i = expand_dims(_range(oh), 1)
    j = expand_dims(_range(ow), 0)
    zero = i * 0 + j * 0
    rows = [i + zero, j + zero, h - 1 - i + zero, h - 1 - j + zero]
    cols = [j + zero, w - 1 - i + zero, w - 1 - j + zero, i + zero]
    r, c = rows[3], cols[3]
    for q in (2, 1, 0):
        r = where_v2(equal(k, q), rows[q], r)
        c = where_v2(equal(k, q), cols[q], c)
    flat_shape = concat([s[:off], reshape(h * w, [1]), s[off + 2 :]], 0)
    picked = gather(reshape(x, flat_shape), r * w + c, axis=off)
    out_shape = concat([s[:off], stack([oh, ow]), s[off + 2 :]], 0)
    return reshape(picked, out_shape, name=name)


def transpose(image: TensorLike, name: str | None = None) -> Tensor:
    """Height and width swapped (``tf.image.transpose``, alias ``transpose_image``)."""
    with name_scope(name, "transpose", [image]):
        x = assert_at_least_3d(convert_to_tensor(image, name="image"))
        return _rank34(
            x,
            lambda: _transpose(x, [1, 0, 2], name=name or "transpose"),
            lambda: _transpose(x, [0, 2, 1, 3], name=name or "transpose"),
        )


transpose_image = transpose


def central_crop(image: TensorLike, central_fraction: Any) -> Tensor:
    """The central ``central_fraction`` (in (0, 1]) of the image's height and width; the offset
    is ``int((size - size * fraction) / 2)`` computed in float64, as TF does."""
    with name_scope(None, "central_crop", [image]):
        x = convert_to_tensor(image, name="image")
        frac = get_static_value(central_fraction) if _is_tensor(central_fraction) else None
        static = frac if _is_tensor(central_fraction) else central_fraction
        if static is not None:
            static = float(np.asarray(static))
            if static <= 0.0 or static > 1.0:
                raise ValueError("central_fraction must be within (0, 1]")
            if static == 1.0:
                return x
        check_at_least_3d(x, require_static=False)
        nd = x.shape.ndims
        if nd not in (3, 4):
            raise ValueError(
                f"`image` should either be a Tensor with rank = 3 or rank = 4. Had rank = {nd}."
            )
        off = 0 if nd == 3 else 1
        dims = x.shape.as_list()
        starts: list[Any] = []
        sizes: list[Any] = []
        dyn: list[bool] = []
        for i in (off, off + 1):
            d = dims[i]
            is_dyn = d is None or static is None
            size_d = shape(x)[i] if d is None else d
            start: Any
            if is_dyn or d is None or static is None:
                fd = cast(size_d, _dt.float64)
                fr = cast(convert_to_tensor(central_fraction), _dt.float64)
                start = cast((fd - fd * fr) / 2, _dt.int32)
            else:
                start = int((float(d) - float(d) * static) / 2)
            starts.append(start)
            sizes.append(size_d - start * 2)
            dyn.append(is_dyn)
        if nd == 3:
            begin, size = stack([starts[0], starts[1], 0]), stack([sizes[0], sizes[1], -1])
        else:
            begin = stack([0, starts[0], starts[1], 0])
            size = stack([-1, sizes[0], sizes[1], -1])
        out = _slice(x, begin, size)
        hw: list[Any] = [None if dyn[j] else sizes[j] for j in range(2)]
        out.set_shape([*hw, dims[2]] if nd == 3 else [dims[0], *hw, dims[3]])
        return out


def _as_batch(image: Tensor) -> tuple[Tensor, bool]:
    nd = image.shape.ndims
    if nd == 3:
        return expand_dims(image, 0), False
    if nd is None:
        x = expand_dims(image, 0)
        x.set_shape([None] * 4)
        return x, False
    if nd != 4:
        raise ValueError(f"'image' (shape {image.shape}) must have either 3 or 4 dimensions.")
    return image, True


def _static_or_none(v: Any) -> Any:
    return None if _is_tensor(v) else v


def pad_to_bounding_box(
    image: TensorLike, offset_height: Any, offset_width: Any, target_height: Any, target_width: Any
) -> Tensor:
    """The image zero-padded to ``target_height`` x ``target_width``, its top-left corner at
    (``offset_height``, ``offset_width``)."""
    with name_scope(None, "pad_to_bounding_box", [image]):
        x, is_batch = _as_batch(convert_to_tensor(image, name="image"))
        batch, height, width, depth = image_dims(x, 4)
        after_w = target_width - offset_width - width
        after_h = target_height - offset_height - height
        checks = check_at_least_3d(x, require_static=False)
        checks += _assert(offset_height >= 0, ValueError, "offset_height must be >= 0")
        checks += _assert(offset_width >= 0, ValueError, "offset_width must be >= 0")
        checks += _assert(after_w >= 0, ValueError, "width must be <= target - offset")
        checks += _assert(after_h >= 0, ValueError, "height must be <= target - offset")
        x = with_dependencies(checks, x)
        paddings = reshape(
            stack([0, 0, offset_height, after_h, offset_width, after_w, 0, 0]), [4, 2]
        )
        out = pad(x, paddings)
        out.set_shape([_static_or_none(v) for v in (batch, target_height, target_width, depth)])
        return out if is_batch else squeeze(out, axis=[0])


def crop_to_bounding_box(
    image: TensorLike, offset_height: Any, offset_width: Any, target_height: Any, target_width: Any
) -> Tensor:
    """The ``target_height`` x ``target_width`` window whose top-left corner is at
    (``offset_height``, ``offset_width``)."""
    with name_scope(None, "crop_to_bounding_box", [image]):
        x, is_batch = _as_batch(convert_to_tensor(image, name="image"))
        checks = check_at_least_3d(x, require_static=False)
        batch, height, width, depth = image_dims(x, 4)
        checks += _assert(offset_width >= 0, ValueError, "offset_width must be >= 0.")
        checks += _assert(offset_height >= 0, ValueError, "offset_height must be >= 0.")
        checks += _assert(target_width > 0, ValueError, "target_width must be > 0.")
        checks += _assert(target_height > 0, ValueError, "target_height must be > 0.")
        checks += _assert(
            width >= (target_width + offset_width), ValueError, "width must be >= target + offset."
        )
        checks += _assert(
            height >= (target_height + offset_height),
            ValueError,
            "height must be >= target + offset.",
        )
        x = with_dependencies(checks, x)
        out = _slice(
            x,
            stack([0, offset_height, offset_width, 0]),
            stack([shape(x)[0], target_height, target_width, shape(x)[3]]),
        )
        out.set_shape([_static_or_none(v) for v in (batch, target_height, target_width, depth)])
        return out if is_batch else squeeze(out, axis=[0])


def _max(a: Any, b: Any) -> Any:
    return maximum(a, b) if _is_tensor(a) or _is_tensor(b) else max(a, b)


def _min(a: Any, b: Any) -> Any:
    return minimum(a, b) if _is_tensor(a) or _is_tensor(b) else min(a, b)


def resize_image_with_crop_or_pad(
    image: TensorLike, target_height: Any, target_width: Any
) -> Tensor:
    """The image centrally cropped and/or zero-padded to ``target_height`` x ``target_width``
    (alias ``resize_with_crop_or_pad``)."""
    with name_scope(None, "resize_image_with_crop_or_pad", [image]):
        x, is_batch = _as_batch(convert_to_tensor(image, name="image"))
        checks = check_at_least_3d(x, require_static=False)
        checks += _assert(target_width > 0, ValueError, "target_width must be > 0.")
        checks += _assert(target_height > 0, ValueError, "target_height must be > 0.")
        x = with_dependencies(checks, x)
        if _is_tensor(target_height):
            target_height = with_dependencies(checks, target_height)
        if _is_tensor(target_width):
            target_width = with_dependencies(checks, target_width)
        _, height, width, _ = image_dims(x, 4)
        wd = target_width - width
        hd = target_height - height
        cropped = crop_to_bounding_box(
            x,
            _max(-hd // 2, 0),
            _max(-wd // 2, 0),
            _min(target_height, height),
            _min(target_width, width),
        )
        out = pad_to_bounding_box(
            cropped, _max(hd // 2, 0), _max(wd // 2, 0), target_height, target_width
        )
        return out if is_batch else squeeze(out, axis=[0])


resize_with_crop_or_pad = resize_image_with_crop_or_pad


def convert_image_dtype(
    image: TensorLike, dtype: DTypeLike, saturate: bool = False, name: str | None = None
) -> Tensor:
    """The image in ``dtype``: floats span [0, 1), integers their full positive range. Between
    integers a floor division or a multiply by the ratio of the ranges; integer -> float
    multiplies by ``1 / max``; float -> integer multiplies by ``max + 0.5`` and casts (clamped
    first with ``saturate``)."""
    x = convert_to_tensor(image, name="image")
    dt = _dt.as_dtype(dtype)
    if not dt.is_floating and not dt.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    if not x.dtype.is_floating and not x.dtype.is_integer:
        raise AttributeError("image dtype must be either floating point or integer")
    if dt == x.dtype:
        return identity(x, name=name)
    with name_scope(name, "convert_image", [x]) as scope:
        tail = scope
        if x.dtype.is_integer and dt.is_integer:
            s_in, s_out = x.dtype.max, dt.max
            if s_in > s_out:
                scaled = floordiv(x, constant((s_in + 1) // (s_out + 1), x.dtype))
                if saturate:
                    return saturate_cast(scaled, dt, name=tail)
                return cast(scaled, dt, name=tail)
            c = saturate_cast(x, dt) if saturate else cast(x, dt)
            return multiply(c, constant((s_out + 1) // (s_in + 1), dt), name=tail)
        if x.dtype.is_floating and dt.is_floating:
            return cast(x, dt, name=tail)
        if x.dtype.is_integer:
            return multiply(cast(x, dt), constant(1.0 / x.dtype.max, dt), name=tail)
        scaled = multiply(x, constant(dt.max + 0.5, x.dtype))
        if saturate:
            return saturate_cast(scaled, dt, name=tail)
        return cast(scaled, dt, name=tail)


def per_image_standardization(image: TensorLike) -> Tensor:
    """``(x - mean) / max(stddev, 1 / sqrt(num_pixels))`` per image, in float32."""
    with name_scope(None, "per_image_standardization", [image]) as scope:
        x = assert_at_least_3d(convert_to_tensor(image, name="image"))
        x = cast(x, _dt.float32)
        num_pixels = reduce_prod(shape(x)[-3:])
        mean = reduce_mean(x, axis=[-1, -2, -3], keepdims=True)
        std = reduce_std(x, axis=[-1, -2, -3], keepdims=True)
        min_std = rsqrt(cast(num_pixels, _dt.float32))
        adj = maximum(std, min_std)
        x = x - mean
        return divide(x, adj, name=scope)


def total_variation(images: TensorLike, name: str | None = None) -> Tensor:
    """The sum of absolute differences of neighbouring pixels (per image of a batch)."""
    with name_scope(name, "total_variation"):
        x = convert_to_tensor(images)
        nd = x.shape.ndims
        if nd == 3:
            d1 = x[1:, :, :] - x[:-1, :, :]
            d2 = x[:, 1:, :] - x[:, :-1, :]
            axis = None
        elif nd == 4:
            d1 = x[:, 1:, :, :] - x[:, :-1, :, :]
            d2 = x[:, :, 1:, :] - x[:, :, :-1, :]
            axis = [1, 2, 3]
        else:
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        return reduce_sum(_abs(d1), axis=axis) + reduce_sum(_abs(d2), axis=axis)


def image_gradients(image: TensorLike) -> tuple[Tensor, Tensor]:
    """``(dy, dx)``: forward differences along height and width, zero in the last row/column."""
    x = convert_to_tensor(image)
    if x.shape.ndims != 4:
        raise ValueError(
            f"image_gradients expects a 4D tensor [batch_size, h, w, d], not {x.shape}."
        )
    s = shape(x)
    b, h, w, d = unstack(s)
    dy = x[:, 1:, :, :] - x[:, :-1, :, :]
    dx = x[:, :, 1:, :] - x[:, :, :-1, :]
    dy = reshape(concat([dy, zeros(stack([b, 1, w, d]), x.dtype)], 1), s)
    dx = reshape(concat([dx, zeros(stack([b, h, 1, d]), x.dtype)], 2), s)
    return dy, dx


def verify_compatible_image_shapes(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor, list[Operation]]:
    """TF's check that two images (or batches) have equal inner 3 dims and broadcastable
    batch dims: ValueError where static, Assert ops otherwise."""
    s1, s2 = a.shape, b.shape
    for s in (s1, s2):
        if s.ndims is not None and s.ndims < 3:
            raise ValueError(f"Shape must be at least rank 3 but is rank {s.ndims}")
    if s1.ndims is not None and s2.ndims is not None:
        s1[-3:].assert_is_compatible_with(s2[-3:])
        for d1, d2 in zip(reversed(s1.as_list()[:-3]), reversed(s2.as_list()[:-3])):
            if not (d1 == 1 or d2 == 1 or d1 is None or d2 is None or d1 == d2):
                raise ValueError(f"Two images are not compatible: {s1} and {s2}")
    t1, t2 = shape_n([a, b])
    checks = [
        Assert(greater_equal(size(t1), 3), [t1, t2], summarize=10),
        Assert(reduce_all(equal(t1[-3:], t2[-3:])), [t1, t2], summarize=10),
    ]
    return t1, t2, checks


def psnr(a: TensorLike, b: TensorLike, max_val: Any, name: str | None = None) -> Tensor:
    """Peak signal-to-noise ratio between two images (per image of a batch), in dB."""
    with name_scope(name, "PSNR", [a, b]):
        a = convert_to_tensor(a)
        b = convert_to_tensor(b)
        mv = convert_image_dtype(cast(max_val, a.dtype), _dt.float32)
        a = convert_image_dtype(a, _dt.float32)
        b = convert_image_dtype(b, _dt.float32)
        mse = reduce_mean(squared_difference(a, b), [-3, -2, -1])
        val = subtract(
            20 * log(mv) / log(constant(10.0)),
            np.float32(10 / np.log(10)) * log(mse),
            name="psnr",
        )
        _, _, checks = verify_compatible_image_shapes(a, b)
        with control_dependencies(checks):
            return identity(val)


def extract_patches(
    images: TensorLike, sizes: Any, strides: Any, rates: Any, padding: str, name: str | None = None
) -> Tensor:
    """``tf.image.extract_patches``: ``extract_image_patches`` with TF 2's argument names."""
    return extract_image_patches(images, sizes, strides, rates, padding, name=name)
