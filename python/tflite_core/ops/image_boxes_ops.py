"""``tf.image``'s box functions, composed from existing ops: ``crop_and_resize``
(CropAndResize: per-box float32 sample positions, corner lerps, ``extrapolation_value``
outside the image; gradients for the image and the boxes through the gathers and the lerps),
``draw_bounding_boxes`` (DrawBoundingBoxes / V2: each box's outline, later boxes on top) and
``sample_distorted_bounding_box`` (SampleDistortedBoundingBoxV2's crop search, all
``max_attempts`` tries drawn at once, the first that fits taken).

A C++ kernel would pay off for CropAndResize (four gathers per crop).

>>> with tf.Session() as sess:
...     print(sess.run(tf.image.crop_and_resize(
...         [[[[0.0], [2.0]]]], [[0.0, 0.0, 1.0, 1.0]], [0], [1, 3]))[0, 0, :, 0])
[0. 1. 2.]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.tensor_util import get_static_value
from .array_ops import cast, expand_dims, reshape, shape, stack, unstack
from .image_ops import with_dependencies
from .indexing_ops import gather, where_v2
from .indexing_ops import range as _range
from .logging_ops import Assert
from .math_extra_ops import ceil, logical_and, logical_not, logical_or, reduce_all, reduce_any, rint
from .math_ops import (
    argmax,
    equal,
    floor,
    greater,
    greater_equal,
    less,
    less_equal,
    maximum,
    minimum,
    reduce_max,
    reduce_mean,
    reduce_min,
    sqrt,
    square,
)
from .random_ops import random_normal, random_uniform

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

F32 = _dt.float32
I32 = _dt.int32


def _roundf(v: Tensor) -> Tensor:
    """C's roundf (halves away from zero) of float32 values."""
    fl = floor(v)
    up = where_v2(greater_equal(v - fl, 0.5), fl + 1.0, fl)
    c = ceil(v)
    down = where_v2(greater_equal(c - v, 0.5), c - 1.0, c)
    return where_v2(less(v, 0.0), down, up)


def crop_and_resize(
    image: TensorLike,
    boxes: TensorLike,
    box_ind: TensorLike | None = None,
    crop_size: Any = None,
    method: str = "bilinear",
    extrapolation_value: float = 0,
    name: str | None = None,
    box_indices: TensorLike | None = None,
) -> Tensor:
    """Crops of ``image`` at the normalised ``boxes`` ([y1, x1, y2, x2]; box ``b`` from image
    ``box_ind[b]``), each resized to ``crop_size`` (float32; op CropAndResize)."""
    if box_ind is not None and box_indices is not None:
        raise ValueError("Cannot specify both 'box_indices' and 'box_ind'.")
    if box_ind is None:
        box_ind = box_indices
    if box_ind is None:
        raise TypeError("crop_and_resize() missing required argument: 'box_ind'")
    with name_scope(name, "CropAndResize", [image, boxes, box_ind, crop_size]) as scope:
        x = convert_to_tensor(image, name="image")
        bx = convert_to_tensor(boxes, F32, name="boxes")
        bi = convert_to_tensor(box_ind, I32, name="box_ind")
        cs = convert_to_tensor(crop_size, I32, name="crop_size")
        if method not in ("bilinear", "nearest"):
            raise ValueError(f"method must be 'bilinear' or 'nearest', got {method}")
        if x.shape.ndims is not None and x.shape.ndims != 4:
            raise ValueError(
                f"Shape must be rank 4 but is rank {x.shape.ndims} for '{{{{node "
                "CropAndResize}}}}' (input image must be 4-D)"
            )
        if bx.shape.ndims is not None and bx.shape.ndims != 2:
            raise ValueError(
                f"Shape must be rank 2 but is rank {bx.shape.ndims} for '{{{{node "
                "CropAndResize}}}}' (boxes must be 2-D)"
            )
        static = get_static_value(cs)
        if static is not None:
            ch, cw = (int(v) for v in np.asarray(static).reshape(2))
            if ch <= 0 or cw <= 0:
                raise errors.InvalidArgumentError(None, None, "crop dimensions must be positive")
        n, h, w, c = unstack(shape(x), 4)
        bi_static = get_static_value(bi)
        n_static = x.shape.as_list()[0] if x.shape.ndims == 4 else None
        if (
            bi_static is not None
            and n_static is not None
            and np.any((np.asarray(bi_static) < 0) | (np.asarray(bi_static) >= n_static))
        ):
            raise errors.OutOfRangeError(None, None, "box_index has values outside [0, batch_size)")
        ok = reduce_all(logical_and(greater_equal(bi, 0), less(bi, n)))
        bi = with_dependencies([Assert(ok, ["box_index has values outside [0, batch_size)"])], bi)
        crop_h, crop_w = cs[0], cs[1]
        y1, x1, y2, x2 = unstack(bx, 4, axis=1)
        hm1, wm1 = cast(h - 1, F32), cast(w - 1, F32)
        in_y = _crop_positions(y1, y2, hm1, crop_h)  # [B, CH]
        in_x = _crop_positions(x1, x2, wm1, crop_w)  # [B, CW]
        y_out = logical_or(less(in_y, 0.0), greater(in_y, hm1))
        x_out = logical_or(less(in_x, 0.0), greater(in_x, wm1))
        flat = reshape(cast(x, F32), stack([-1, c]))
        base = expand_dims(expand_dims(bi * h, 1), 2)  # [B, 1, 1]

        def clamp(v: Tensor, hi: Tensor) -> Tensor:
            return minimum(maximum(cast(v, I32), 0), hi - 1)

        def pick(yi: Tensor, xi: Tensor) -> Tensor:
            rows = base + expand_dims(clamp(yi, h), 2)
            idx = rows * w + expand_dims(clamp(xi, w), 1)
            return gather(flat, idx)  # [B, CH, CW, C]

        if method == "bilinear":
            ty, by = floor(in_y), ceil(in_y)
            lx, rx = floor(in_x), ceil(in_x)
            yl = reshape(in_y - ty, stack([-1, crop_h, 1, 1]))
            xl = reshape(in_x - lx, stack([-1, 1, crop_w, 1]))
            tl, tr = pick(ty, lx), pick(ty, rx)
            bl, br = pick(by, lx), pick(by, rx)
            top = tl + (tr - tl) * xl
            bot = bl + (br - bl) * xl
            out = top + (bot - top) * yl
        else:
            out = pick(_roundf(in_y), _roundf(in_x))
        outside = logical_or(expand_dims(y_out, 2), expand_dims(x_out, 1))
        fill_value = constant(float(extrapolation_value), F32)
        out = where_v2(expand_dims(outside, 3), fill_value, out, name=scope)
        out.set_shape(
            [
                bx.shape.as_list()[0] if bx.shape.ndims == 2 else None,
                static[0] if static is not None else None,
                static[1] if static is not None else None,
                x.shape.as_list()[3] if x.shape.ndims == 4 else None,
            ]
        )
        return out


def _crop_positions(a: Tensor, b: Tensor, size_m1: Tensor, crop: Tensor) -> Tensor:
    """The kernel's ``in_y``: ``a * (size - 1) + i * (b - a) * (size - 1) / (crop - 1)``,
    or the box centre (in float64, as C++ promotes ``0.5 * ...``) for a crop of 1."""
    scale = (b - a) * size_m1 / cast(crop - 1, F32)
    i = expand_dims(cast(_range(crop), F32), 0)
    many = expand_dims(a * size_m1, 1) + i * expand_dims(scale, 1)
    centre = cast(cast(a + b, _dt.float64) * 0.5 * cast(size_m1, _dt.float64), F32)
    one = expand_dims(centre, 1) + 0.0 * i
    return where_v2(greater(crop, 1), many, one)


_DEFAULT_COLORS = np.array(
    [
        [1, 1, 0, 1],
        [0, 0, 1, 1],
        [1, 0, 0, 1],
        [0, 1, 0, 1],
        [0.5, 0, 0.5, 1],
        [0.5, 0.5, 0, 1],
        [0.5, 0, 0, 1],
        [0, 0, 0.5, 1],
        [0, 1, 1, 1],
        [1, 0, 1, 1],
    ],
    np.float32,
)


def draw_bounding_boxes(
    images: TensorLike, boxes: TensorLike, name: str | None = None, colors: Any = None
) -> Tensor:
    """``images`` (float, [batch, height, width, 1|3|4]) with the outline of each box
    ([y_min, x_min, y_max, x_max], normalised) drawn in ``colors`` (cycled; TF's default
    table without) (op DrawBoundingBoxes / DrawBoundingBoxesV2)."""
    op = "DrawBoundingBoxes" if colors is None else "DrawBoundingBoxesV2"
    with name_scope(name, op, [images, boxes]) as scope:
        x = convert_to_tensor(images, name="images")
        bx = convert_to_tensor(boxes, F32, name="boxes")
        if x.dtype not in (_dt.float32, _dt.float16):
            raise TypeError(
                f"Value passed to parameter 'images' has DataType {x.dtype.name} not in list "
                "of allowed values: float32, half"
            )
        if x.shape.ndims is not None and x.shape.ndims != 4:
            raise errors.InvalidArgumentError(None, None, "The rank of the images should be 4")
        if bx.shape.ndims is not None and bx.shape.ndims != 3:
            raise errors.InvalidArgumentError(
                None, None, "The rank of the boxes tensor should be 3"
            )
        depth = x.shape.as_list()[3] if x.shape.ndims == 4 else None
        if depth is None:
            raise ValueError(f"{op}: the images' channel depth must be known")
        if depth not in (1, 3, 4):
            raise ValueError(
                "Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA) for "
                f"'{{{{node {op}}}}}' with input shapes: {x.shape}, {bx.shape}."
            )
        table = _DEFAULT_COLORS.copy()
        if depth == 1:
            table[:, 0] = 1
        if colors is not None:
            cv = get_static_value(convert_to_tensor(colors, F32))
            if cv is None:
                raise ValueError(f"{op}: colors must be known when the graph is built")
            cv = np.asarray(cv, np.float32)
            if cv.ndim != 2:
                raise errors.InvalidArgumentError(
                    None, None, f"colors must be a 2-D matrix{list(cv.shape)}"
                )
            if cv.shape[1] < depth:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    "colors must have equal or more channels than the image provided: "
                    f"{list(cv.shape)}",
                )
            if cv.size:
                table = cv
        k = table.shape[0]
        _, h, w, _ = unstack(shape(x), 4)
        nb = shape(bx)[1]
        y1, x1, y2, x2 = unstack(bx, 4, axis=2)  # [B, N]
        hm1, wm1 = cast(h - 1, F32), cast(w - 1, F32)

        def trunc(v: Tensor) -> Tensor:  # float -> int64 as C++ converts (toward zero)
            return cast(v, I32)

        r0, r1 = trunc(y1 * hm1), trunc(y2 * hm1)
        c0, c1 = trunc(x1 * wm1), trunc(x2 * wm1)
        r0c, r1c = maximum(r0, 0), minimum(r1, h - 1)
        c0c, c1c = maximum(c0, 0), minimum(c1, w - 1)
        bad = logical_or(greater(r0, r1), greater(c0, c1))
        outside = logical_or(
            logical_or(greater_equal(r0, h), less(r1, 0)),
            logical_or(greater_equal(c0, w), less(c1, 0)),
        )
        ok = logical_not(logical_or(bad, outside))

        def e(v: Tensor) -> Tensor:  # [B, N] -> [B, N, 1, 1]
            return expand_dims(expand_dims(v, 2), 3)

        rows = reshape(_range(h), [1, 1, -1, 1])
        cols = reshape(_range(w), [1, 1, 1, -1])
        in_cols = logical_and(greater_equal(cols, e(c0c)), less_equal(cols, e(c1c)))
        in_rows = logical_and(greater_equal(rows, e(r0c)), less_equal(rows, e(r1c)))
        top = logical_and(e(greater_equal(r0, 0)), logical_and(equal(rows, e(r0)), in_cols))
        bottom = logical_and(e(less(r1, h)), logical_and(equal(rows, e(r1)), in_cols))
        left = logical_and(e(greater_equal(c0, 0)), logical_and(equal(cols, e(c0)), in_rows))
        right = logical_and(e(less(c1, w)), logical_and(equal(cols, e(c1)), in_rows))
        edge = logical_and(e(ok), logical_or(logical_or(top, bottom), logical_or(left, right)))
        order = reshape(_range(1, nb + 1), [1, -1, 1, 1])
        last = reduce_max(where_v2(edge, order, 0), axis=1)  # [B, H, W]; 0: no box
        colour = gather(constant(table[:, :depth], F32), (maximum(last, 1) - 1) % k)
        out = where_v2(expand_dims(greater(last, 0), 3), cast(colour, x.dtype), x, name=scope)
        out.set_shape(x.shape)
        return out


def _lrint(v: Tensor) -> Tensor:
    return cast(rint(v), I32)


def sample_distorted_bounding_box(
    image_size: TensorLike,
    bounding_boxes: TensorLike,
    seed: int | None = None,
    seed2: int | None = None,
    min_object_covered: Any = 0.1,
    aspect_ratio_range: Any = None,
    area_range: Any = None,
    max_attempts: int | None = None,
    use_image_if_no_bounding_boxes: bool | None = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """``(begin, size, bboxes)``: a random crop of an image of ``image_size`` ([height, width,
    channels]) whose aspect ratio and area fraction lie in the given ranges and which covers
    at least ``min_object_covered`` of one of ``bounding_boxes``; the whole image when none
    of ``max_attempts`` tries fits (op SampleDistortedBoundingBoxV2). The tries are the
    kernel's (aspect ratio, then height, then offsets, each uniform), drawn from tflite_core's
    generator, so the crops differ from TF's but follow the same distribution."""
    del seed2  # one seed pair: the op's seed, as tflite_core's random ops take it
    aspect = [0.75, 1.33] if aspect_ratio_range is None else list(aspect_ratio_range)
    area = [0.05, 1.0] if area_range is None else list(area_range)
    attempts = 100 if max_attempts is None else int(max_attempts)
    use_image = bool(use_image_if_no_bounding_boxes)
    op = "SampleDistortedBoundingBoxV2"
    if len(aspect) != 2 or min(aspect) <= 0:
        raise errors.InvalidArgumentError(
            None, None, f"Aspect ratio range field must specify 2 dimensions, got {aspect}"
        )
    if len(area) != 2 or area[0] <= 0 or area[1] > 1 or area[0] > area[1]:
        raise errors.InvalidArgumentError(
            None, None, f"Area range field must specify 2 dimensions in (0, 1], got {area}"
        )
    if attempts <= 0:
        raise errors.InvalidArgumentError(None, None, f"Max attempts must be positive: {attempts}")
    with name_scope(name, "sample_distorted_bounding_box"), name_scope(None, op):
        isz = convert_to_tensor(image_size, name="image_size")
        if isz.shape.ndims is not None and isz.shape.ndims != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {isz.shape.ndims} for '{op}'")
        bb = convert_to_tensor(bounding_boxes, F32, name="bounding_boxes")
        if bb.shape.ndims is not None and bb.shape.ndims != 3:
            raise ValueError(f"Shape must be rank 3 but is rank {bb.shape.ndims} for '{op}'")
        moc = cast(convert_to_tensor(min_object_covered, F32, name="min_object_covered"), F32)
        boxes = reshape(bb, [-1, 4])
        in_range = reduce_all(logical_and(greater_equal(boxes, 0.0), less_equal(boxes, 1.0)))
        checks = [
            Assert(in_range, ["All bounding box coordinates must be in [0.0, 1.0]"]),
            Assert(greater_equal(moc, 0.0), ["min_object_covered must be non-negative"]),
        ]
        nbox = shape(boxes)[0]
        if not use_image:
            checks.append(
                Assert(
                    greater(nbox, 0),
                    [
                        "No bounding boxes provided as input. One must enable "
                        "use_image_if_no_bounding_boxes if you wish to not provide any "
                        "bounding boxes."
                    ],
                )
            )
        sz = with_dependencies(checks, cast(isz, I32))
        hh, ww = sz[0], sz[1]
        fh, fw = cast(hh, F32), cast(ww, F32)
        # the boxes in whole pixels (truncated as the kernel's int32 casts); none: the image
        whole = reshape(stack([0.0, 0.0, 1.0, 1.0]), [1, 4])
        boxes = where_v2(greater(nbox, 0), boxes, whole) if use_image else boxes
        py0, px0 = cast(boxes[:, 0] * fh, I32), cast(boxes[:, 1] * fw, I32)
        py1, px1 = cast(boxes[:, 2] * fh, I32), cast(boxes[:, 3] * fw, I32)
        obj_area = cast((py1 - py0) * (px1 - px0), F32)
        u = random_uniform([4, attempts], seed=seed)
        ratio = u[0] * (aspect[1] - aspect[0]) + aspect[0]
        min_area = constant(area[0], F32) * fw * fh
        max_area = constant(area[1], F32) * fw * fh
        h0 = _lrint((min_area / ratio) ** 0.5)
        hmax = _lrint((max_area / ratio) ** 0.5)
        too_wide = greater(_lrint(cast(hmax, F32) * ratio), ww)
        alt = cast(
            (cast(ww, _dt.float64) + (0.5 - float(np.float32(1e-7)))) / cast(ratio, _dt.float64),
            I32,
        )
        alt = where_v2(greater(_lrint(cast(alt, F32) * ratio), ww), alt - 1, alt)
        hmax = minimum(where_v2(too_wide, alt, hmax), hh)
        h0 = minimum(h0, hmax)
        h0 = h0 + cast(floor(u[1] * cast(hmax - h0 + 1, F32)), I32)

        def width_area(hv: Tensor) -> tuple[Tensor, Tensor]:
            wv = _lrint(cast(hv, F32) * ratio)
            return wv, cast(wv * hv, F32)

        w0, a0 = width_area(h0)
        h0 = where_v2(less(a0, min_area), h0 + 1, h0)
        w0, a0 = width_area(h0)
        h0 = where_v2(greater(a0, max_area), h0 - 1, h0)
        w0, a0 = width_area(h0)
        fits = logical_not(
            logical_or(
                logical_or(less(a0, min_area), greater(a0, max_area)),
                logical_or(
                    logical_or(greater(w0, ww), greater(h0, hh)),
                    logical_or(less_equal(w0, 0), less_equal(h0, 0)),
                ),
            )
        )
        y0 = cast(floor(u[2] * cast(maximum(hh - h0, 0), F32)), I32)
        x0 = cast(floor(u[3] * cast(maximum(ww - w0, 0), F32)), I32)
        # coverage of each box by each try: [attempts, boxes]
        iy = maximum(minimum(expand_dims(y0 + h0, 1), py1) - maximum(expand_dims(y0, 1), py0), 0)
        ix = maximum(minimum(expand_dims(x0 + w0, 1), px1) - maximum(expand_dims(x0, 1), px0), 0)
        real = greater_equal(obj_area, 1.0)
        covered = cast(iy * ix, F32) / where_v2(real, obj_area, 1.0)
        good = reduce_any(logical_and(real, greater_equal(covered, moc)), axis=1)
        good = logical_and(logical_and(fits, greater_equal(cast(w0 * h0, F32), 1.0)), good)
        found = reduce_any(good)
        k = argmax(cast(good, I32), 0)
        oy = where_v2(found, gather(y0, k), 0)
        ox = where_v2(found, gather(x0, k), 0)
        th = where_v2(found, gather(h0, k), hh)
        tw = where_v2(found, gather(w0, k), ww)
        begin = cast(stack([oy, ox, 0]), isz.dtype)
        size = cast(stack([th, tw, -1]), isz.dtype)
        fy0, fx0 = cast(oy, F32) / fh, cast(ox, F32) / fw
        fy1, fx1 = cast(oy + th, F32) / fh, cast(ox + tw, F32) / fw
        bboxes = reshape(stack([fy0, fx0, fy1, fx1]), [1, 1, 4])
        return begin, size, bboxes


def extract_glimpse(
    input: TensorLike,
    size: Any,
    offsets: TensorLike,
    centered: bool = True,
    normalized: bool = True,
    uniform_noise: bool = True,
    name: str | None = None,
) -> Tensor:
    """A ``size`` = [height, width] window of each image at ``offsets`` ([y, x] per image;
    ``normalized``: fractions of the image size, ``centered``: relative to its centre, in
    [-1, 1]); parts outside the image are noise: uniform between the image's minimum and
    maximum, or (``uniform_noise=False``) Gaussian with each channel's mean and deviation,
    clipped to its range (op ExtractGlimpse). The noise comes from tflite_core's generator."""
    with name_scope(name, "ExtractGlimpse", [input, size, offsets]):
        x = convert_to_tensor(input, F32, name="input")
        sz = convert_to_tensor(size, I32, name="size")
        off = convert_to_tensor(offsets, F32, name="offsets")
        if x.shape.ndims is not None and x.shape.ndims != 4:
            raise ValueError(
                f"Shape must be rank 4 but is rank {x.shape.ndims} for "
                "'{{node ExtractGlimpse}}' (input must be a 4-D tensor)"
            )
        if off.shape.ndims is not None and off.shape.ndims != 2:
            raise ValueError(
                f"Shape must be rank 2 but is rank {off.shape.ndims} for "
                "'{{node ExtractGlimpse}}' (offsets must be a matrix)"
            )
        n, h, w, c = unstack(shape(x), 4)
        gh, gw = sz[0], sz[1]
        fh, fw = cast(h, F32), cast(w, F32)
        oy, ox = off[:, 0], off[:, 1]
        if normalized:
            ox, oy = ox * fw, oy * fh
        if centered:
            ox, oy = ox / 2.0 + fw / 2.0, oy / 2.0 + fh / 2.0
        ox = cast(ox - cast(gw, F32) / 2.0, I32)  # truncated toward zero, as the kernel
        oy = cast(oy - cast(gh, F32) / 2.0, I32)
        rows = expand_dims(oy, 1) + expand_dims(_range(gh), 0)  # [B, GH]
        cols = expand_dims(ox, 1) + expand_dims(_range(gw), 0)  # [B, GW]
        row_in = logical_and(greater_equal(rows, 0), less(rows, h))
        col_in = logical_and(greater_equal(cols, 0), less(cols, w))
        inside = logical_and(expand_dims(row_in, 2), expand_dims(col_in, 1))  # [B, GH, GW]
        base = expand_dims(expand_dims(_range(n) * h, 1), 2)
        ri = minimum(maximum(rows, 0), h - 1)
        ci = minimum(maximum(cols, 0), w - 1)
        idx = (base + expand_dims(ri, 2)) * w + expand_dims(ci, 1)
        picked = gather(reshape(x, stack([-1, c])), idx)  # [B, GH, GW, C]
        noise_shape = stack([n, gh, gw, c])
        u = random_uniform(noise_shape)
        if uniform_noise:
            lo = reduce_min(x, axis=[1, 2, 3], keepdims=True)
            hi = reduce_max(x, axis=[1, 2, 3], keepdims=True)
            noise = lo + u * (hi - lo)
        else:
            mean = reduce_mean(x, axis=[1, 2], keepdims=True)
            sd = sqrt(reduce_mean(square(x - mean), axis=[1, 2], keepdims=True))
            gauss = random_normal(noise_shape)
            lo = reduce_min(x, axis=[1, 2], keepdims=True)
            hi = reduce_max(x, axis=[1, 2], keepdims=True)
            noise = maximum(minimum(mean + gauss * sd, hi), lo)
        out = where_v2(expand_dims(inside, 3), picked, noise)
        static = get_static_value(sz)
        hw = [None, None] if static is None else [int(v) for v in np.asarray(static)]
        out.set_shape([x.shape.as_list()[0] if x.shape.ndims == 4 else None, *hw, None])
        if x.shape.ndims == 4:
            out.set_shape([None, None, None, x.shape.as_list()[3]])
        return out
