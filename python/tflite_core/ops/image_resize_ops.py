"""``tf.image``'s resizers: ``resize_bilinear`` is TF's ResizeBilinear op on a C++ kernel
(``cpp/image_resize.cc``: TF's scales, lerps and roundings, bit for bit; its gradient TF's
ResizeBilinearGrad, also a kernel); the others are composed from gathers and float32 arithmetic
in the order TF's kernels compute: ``resize_nearest_neighbor`` (ResizeNearestNeighbor's
rounding), ``resize_bicubic`` (ResizeBicubic: its 1024-entry coefficient table, Keys'
renormalised weights with half-pixel centres, y first then x), ``resize_area`` (ResizeArea's
box weights, as two dense weight matrices); ``resize_images`` / ``resize`` (TF 1.x forms:
``align_corners``, ``preserve_aspect_ratio``, ``ResizeMethod``) and ``resize_image_with_pad``.
Output sizes may be tensors known only when run. The composites' gradients flow through the
gathers (TF's ResizeNearestNeighborGrad / ResizeBicubicGrad compute the same sums); each
function opens TF's op name as its name scope and puts it on its result.

A C++ kernel would pay off for the other three resizers too (each output pixel here costs 4-16
gathered rows and as many multiply-adds as separate ops; ResizeArea's dense weights are
O(in x out)): ResizeBilinear's took a 300x451x3 -> 224x224 resize in Session.run from 2.0 ms
(as a composite) to 0.15 ms, against TF compat.v1's 0.32 ms (2 threads, AMD EPYC Zen 2;
benchmarks/bench_image_resize.py).

>>> img = tf.constant([[[[0.0], [1.0]]]])
>>> with tf.Session() as sess:
...     print(sess.run(tf.image.resize_bilinear(img, [1, 4]))[0, 0, :, 0])
[0.  0.5 1.  1. ]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope, rank4_dims, shape_error
from ..framework.import_forms import register_reader
from ..framework.op_util import make_tensor
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from ..framework.tensor_util import get_static_value
from .array_ops import cast, expand_dims, identity, reshape, squeeze, stack, transpose
from .image_ops import _as_batch, image_dims, pad_to_bounding_box, with_dependencies
from .indexing_ops import gather, one_hot, where_v2
from .indexing_ops import range as _range
from .logging_ops import Assert
from .math_extra_ops import ceil, logical_and, reduce_all, rint
from .math_ops import (
    abs as _abs,
)
from .math_ops import (
    equal,
    floor,
    greater,
    greater_equal,
    less,
    matmul,
    maximum,
    minimum,
    reduce_max,
)

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

F32 = _dt.float32
I32 = _dt.int32


class ResizeMethod:
    """TF 1.x's resize methods (``tf.compat.v1.image.ResizeMethod``)."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


_RESIZE_DTYPES = (
    _dt.int8,
    _dt.uint8,
    _dt.int16,
    _dt.uint16,
    _dt.int32,
    _dt.int64,
    _dt.bfloat16,
    _dt.float16,
    _dt.float32,
    _dt.float64,
)


def _resize_args(
    op: str, images: Any, size: Any, align_corners: bool, half_pixel: bool
) -> tuple[Tensor, Tensor, tuple[int, int] | None]:
    """The resizers' checks, in TF's words: the images and the int32 size as tensors, and the
    size's (height, width) where known at graph build."""
    x = convert_to_tensor(images, name="images")
    if x.dtype not in _RESIZE_DTYPES:
        raise TypeError(
            f"Value passed to parameter 'images' has DataType {x.dtype.name} not in list of "
            "allowed values"
        )
    if x.shape.ndims is not None and x.shape.ndims != 4:
        raise ValueError(
            f"Shape must be rank 4 but is rank {x.shape.ndims} for '{{{{node {op}}}}}'"
        )
    sz = convert_to_tensor(size, dtype=I32, name="size")
    if sz.shape.ndims is not None and (
        sz.shape.ndims != 1 or sz.shape.as_list()[0] not in (None, 2)
    ):
        raise ValueError(f"Shape must be rank 1 with 2 elements for size of '{op}'")
    if align_corners and half_pixel:
        raise errors.InvalidArgumentError(
            None, None, "If half_pixel_centers is True, align_corners must be False."
        )
    static = get_static_value(sz)
    if static is None:
        return x, sz, None
    oh, ow = (int(v) for v in np.asarray(static).reshape(2))
    if oh <= 0 or ow <= 0:
        raise errors.InvalidArgumentError(
            None, None, f"output dimensions must be positive, got [{oh},{ow}]"
        )
    return x, sz, (oh, ow)


class _Resize:
    """ImageResizerState: the 4-D input, its sizes, the output sizes and the scales."""

    def __init__(self, op: str, images: Any, size: Any, align_corners: bool, half_pixel: bool):
        x, sz, static = _resize_args(op, images, size, align_corners, half_pixel)
        self.x, self.op, self.align, self.half = x, op, align_corners, half_pixel
        dims = image_dims(x, 4)
        self.n, self.in_h, self.in_w, self.c = dims
        if static is not None:
            self.out_h: Any = static[0]
            self.out_w: Any = static[1]
        else:
            chk = Assert(reduce_all(greater(sz, 0)), ["output dimensions must be positive", sz])
            sz = with_dependencies([chk], sz)
            self.out_h, self.out_w = sz[0], sz[1]
        self.h_scale = self._scale(self.in_h, self.out_h)
        self.w_scale = self._scale(self.in_w, self.out_w)

    def _scale(self, in_size: Any, out_size: Any) -> Tensor:
        fin, fout = cast(in_size, F32), cast(out_size, F32)
        plain = fin / fout
        if not self.align:
            return plain
        aligned = cast(in_size - 1, F32) / cast(out_size - 1, F32)
        return where_v2(greater(out_size, 1), aligned, plain)

    def positions(self, out_size: Any, scale: Tensor, nn: bool = False) -> Tensor:
        """The float32 input coordinate of each output index (Legacy / HalfPixel scalers)."""
        o = cast(_range(out_size), F32)
        if self.half:
            return (o + 0.5) * scale if nn else (o + 0.5) * scale - 0.5
        return o * scale

    def finish(self, out: Tensor, scope: str) -> Tensor:
        out = identity(out, name=scope)  # TF's op name on the result
        out.set_shape(
            [v if isinstance(v, int) else None for v in (self.n, self.out_h, self.out_w, self.c)]
        )
        return out


# ---- ResizeBilinear and ResizeBilinearGrad: C++ kernels (cpp/image_resize.cc) --------------------


def _resize_bilinear_shape(op: Any, in_shapes: list, value_of: Any) -> list:
    """[batch, height, width, channels]: the size's values where known (at graph build, a
    constant's; when run, the fed or computed size, checked as TF's kernel does)."""
    n, _, _, c = rank4_dims(op, in_shapes[0], in_shapes)
    size = in_shapes[1]
    if size.ndims is not None and (size.ndims != 1 or size.as_list()[0] not in (None, 2)):
        raise shape_error(op.type, op.name, "Shape must be rank 1 with 2 elements", in_shapes)
    oh = ow = None
    v = value_of(1)
    if v is not None:
        oh, ow = (int(d) for d in np.asarray(v).reshape(2))
        if oh <= 0 or ow <= 0:
            raise shape_error(
                op.type, op.name, f"output dimensions must be positive, got [{oh},{ow}]", in_shapes
            )
    return [TensorShape([n, oh, ow, c])]


def _resize_bilinear_grad_shape(op: Any, in_shapes: list, value_of: Any) -> list:
    """The original image's shape (TF's rule; the kernel checks batch and channels)."""
    rank4_dims(op, in_shapes[0], in_shapes)
    rank4_dims(op, in_shapes[1], in_shapes)
    return [in_shapes[1]]


def _resize_ints(op: Any, *_: Any) -> tuple[list[int], list[float]]:
    return [
        int(bool(op.get_attr("align_corners"))),
        int(bool(op.get_attr("half_pixel_centers"))),
    ], []


register_op(
    "ResizeBilinear",
    _resize_bilinear_shape,
    "resize_bilinear",
    kernel_inputs=(0,),
    value_inputs=(1,),
    attrs_fn=_resize_ints,
)
register_op(
    "ResizeBilinearGrad",
    _resize_bilinear_grad_shape,
    "resize_bilinear_grad",
    kernel_inputs=(0,),
    attrs_fn=_resize_ints,
    graphdef_dtype=lambda op: op._inputs[1].dtype,  # TF's T: the original image's dtype
)
NotDifferentiable("ResizeBilinearGrad")  # as TF


@RegisterGradient("ResizeBilinear")
def _resize_bilinear_grad(op: Any, grad: Tensor) -> list:
    # TF's: ResizeBilinearGrad(grad, original image), nothing for the size
    x = op.inputs[0]
    attrs = {k: op.get_attr(k) for k in ("align_corners", "half_pixel_centers")}
    return [make_tensor("ResizeBilinearGrad", [grad, x], x.dtype, attrs), None]


def resize_bilinear(
    images: TensorLike,
    size: Any,
    align_corners: bool = False,
    name: str | None = None,
    half_pixel_centers: bool = False,
) -> Tensor:
    """Bilinear interpolation to ``size`` = [new_height, new_width] (float32 result; op
    ResizeBilinear, on a float32 cast of other dtypes: TF's kernel converts each value to
    float32 as it reads it, which gives the same values)."""
    with name_scope(name, "ResizeBilinear", [images, size]) as scope:
        x, sz, static = _resize_args(
            "ResizeBilinear", images, size, align_corners, half_pixel_centers
        )
        attrs = {
            "align_corners": bool(align_corners),
            "half_pixel_centers": bool(half_pixel_centers),
        }
        out = make_tensor("ResizeBilinear", [cast(x, F32), sz], F32, attrs, scope)
        if static is not None:  # (a size folded at graph build, not only a constant's)
            out.set_shape([None, *static, None])
        return out


def _nearest_axis(st: _Resize, out_size: Any, in_size: Any, scale: Tensor) -> Tensor:
    pos = st.positions(out_size, scale, nn=True)
    fl = floor(pos)
    if st.align:  # roundf: halves away from zero (pos >= 0)
        fl = where_v2(greater_equal(pos - fl, 0.5), fl + 1.0, fl)
    idx = minimum(cast(fl, I32), in_size - 1)
    return maximum(idx, 0) if st.half else idx


def resize_nearest_neighbor(
    images: TensorLike,
    size: Any,
    align_corners: bool = False,
    name: str | None = None,
    half_pixel_centers: bool = False,
) -> Tensor:
    """Nearest-neighbour resampling to ``size`` (the input's dtype; op
    ResizeNearestNeighbor)."""
    with name_scope(name, "ResizeNearestNeighbor", [images, size]) as scope:
        st = _Resize("ResizeNearestNeighbor", images, size, align_corners, half_pixel_centers)
        yi = _nearest_axis(st, st.out_h, st.in_h, st.h_scale)
        xi = _nearest_axis(st, st.out_w, st.in_w, st.w_scale)
        return st.finish(gather(gather(st.x, yi, axis=1), xi, axis=2), scope)


_TABLE_SIZE = 1024


def _cubic_table(a: float) -> np.ndarray:
    x = np.arange(_TABLE_SIZE + 1, dtype=np.float64) / _TABLE_SIZE
    x = x.astype(np.float32).astype(np.float64)
    t = np.empty((_TABLE_SIZE + 1, 2), np.float32)
    t[:, 0] = ((a + 2) * x - (a + 3)) * x * x + 1
    x1 = (x.astype(np.float32) + np.float32(1.0)).astype(np.float64)
    t[:, 1] = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
    return t.reshape(-1)


_TABLES = {True: _cubic_table(-0.5), False: _cubic_table(-0.75)}


def _cubic_axis(st: _Resize, out_size: Any, in_size: Any, scale: Tensor):
    pos = st.positions(out_size, scale)
    loc_f = floor(pos)
    loc = cast(loc_f, I32)
    offset = cast(rint((pos - loc_f) * float(_TABLE_SIZE)), I32)
    table = constant(_TABLES[st.half], F32, name="coeffs")
    w = [
        gather(table, offset * 2 + 1),
        gather(table, offset * 2),
        gather(table, (_TABLE_SIZE - offset) * 2),
        gather(table, (_TABLE_SIZE - offset) * 2 + 1),
    ]
    raw = [loc - 1, loc, loc + 1, loc + 2]
    idx = [minimum(maximum(r, 0), in_size - 1) for r in raw]
    if st.half:  # Keys' weights: taps outside the image weigh 0, the rest renormalised
        w = [where_v2(equal(i, r), wk, 0.0) for i, r, wk in zip(idx, raw, w)]
        total = w[0] + w[1] + w[2] + w[3]
        big = greater_equal(_abs(total), 1000.0 * float(np.finfo(np.float32).tiny))
        inv = 1.0 / where_v2(big, total, 1.0)
        w = [where_v2(big, wk * inv, wk) for wk in w]
    return idx, w


def resize_bicubic(
    images: TensorLike,
    size: Any,
    align_corners: bool = False,
    name: str | None = None,
    half_pixel_centers: bool = False,
) -> Tensor:
    """Bicubic interpolation to ``size`` (float32 result; op ResizeBicubic: cubic coefficient
    -0.75, or Keys' -0.5 with renormalised border weights under ``half_pixel_centers``)."""
    with name_scope(name, "ResizeBicubic", [images, size]) as scope:
        st = _Resize("ResizeBicubic", images, size, align_corners, half_pixel_centers)
        xf = cast(st.x, F32)
        yi, yw = _cubic_axis(st, st.out_h, st.in_h, st.h_scale)
        xi, xw = _cubic_axis(st, st.out_w, st.in_w, st.w_scale)
        rows = gather(xf, yi[0], axis=1) * reshape(yw[0], [1, -1, 1, 1])
        for k in range(1, 4):
            rows = rows + gather(xf, yi[k], axis=1) * reshape(yw[k], [1, -1, 1, 1])
        out = gather(rows, xi[0], axis=2) * reshape(xw[0], [1, 1, -1, 1])
        for k in range(1, 4):
            out = out + gather(rows, xi[k], axis=2) * reshape(xw[k], [1, 1, -1, 1])
        return st.finish(out, scope)


def _area_weights(out_size: Any, in_size: Any, scale: Tensor) -> Tensor:
    """ResizeArea's box weights along one axis as a dense [out, in] matrix (reads past the
    edge fold onto the last row/column, as the kernel's Bound does)."""
    o = _range(out_size)
    lo = cast(o, F32) * scale
    hi = cast(o + 1, F32) * scale
    start = floor(lo)
    end = ceil(hi)
    n_virtual = reduce_max(cast(end, I32))
    j = expand_dims(cast(_range(n_virtual), F32), 0)
    lo, hi = expand_dims(lo, 1), expand_dims(hi, 1)
    j1 = j + 1.0
    first = where_v2(greater(j1, hi), scale, j1 - lo)
    rest = where_v2(greater(j1, hi), hi - j, 1.0)
    w = where_v2(less(j, lo), first, rest)
    inside = logical_and(greater_equal(j, expand_dims(start, 1)), less(j, expand_dims(end, 1)))
    w = where_v2(inside, w, 0.0)
    fold = one_hot(minimum(_range(n_virtual), in_size - 1), in_size, dtype=F32)
    return matmul(w, fold)


def resize_area(
    images: TensorLike, size: Any, align_corners: bool = False, name: str | None = None
) -> Tensor:
    """Area (box-filter) resampling to ``size`` (float32 result; op ResizeArea)."""
    with name_scope(name, "ResizeArea", [images, size]) as scope:
        st = _Resize("ResizeArea", images, size, align_corners, False)
        xf = cast(st.x, F32)
        wy = _area_weights(st.out_h, st.in_h, st.h_scale)
        wx = _area_weights(st.out_w, st.in_w, st.w_scale)
        scale = cast(1.0 / cast(st.h_scale * st.w_scale, _dt.float64), F32)
        t = transpose(xf, [0, 2, 3, 1])  # N W C H
        t = matmul(reshape(t, [-1, st.in_h]), wy, transpose_b=True)  # (N W C) x OH
        t = transpose(reshape(t, stack([st.n, st.in_w, st.c, st.out_h])), [0, 3, 2, 1])
        t = matmul(reshape(t, [-1, st.in_w]), wx, transpose_b=True)  # (N OH C) x OW
        t = transpose(reshape(t, stack([st.n, st.out_h, st.c, st.out_w])), [0, 1, 3, 2])
        return st.finish(t * scale, scope)


_METHODS = {
    ResizeMethod.BILINEAR: resize_bilinear,
    "bilinear": resize_bilinear,
    ResizeMethod.NEAREST_NEIGHBOR: resize_nearest_neighbor,
    "nearest": resize_nearest_neighbor,
    ResizeMethod.BICUBIC: resize_bicubic,
    "bicubic": resize_bicubic,
    ResizeMethod.AREA: resize_area,
    "area": resize_area,
}


def resize_images(
    images: TensorLike,
    size: Any,
    method: Any = ResizeMethod.BILINEAR,
    align_corners: bool = False,
    preserve_aspect_ratio: bool = False,
    name: str | None = None,
) -> Tensor:
    """TF 1.x ``tf.image.resize_images`` (also ``tf.compat.v1.image.resize``): a 3-D or 4-D
    image resized by ``method`` (float32 unless NEAREST_NEIGHBOR); unchanged when the size
    already matches; with ``preserve_aspect_ratio`` the largest size within ``size``."""
    with name_scope(name, "resize", [images, size]):
        x = convert_to_tensor(images, name="images")
        if x.shape.ndims is None:
            raise ValueError("'images' contains no shape.")
        is_batch = True
        if x.shape.ndims == 3:
            is_batch = False
            x = expand_dims(x, 0)
        elif x.shape.ndims != 4:
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        _, height, width, _ = x.shape.as_list()
        try:
            sz = convert_to_tensor(size, dtype=I32, name="size")
        except (TypeError, ValueError):
            raise ValueError("'size' must be a 1-D int32 Tensor") from None
        if not sz.shape.is_compatible_with([2]):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        if preserve_aspect_ratio:
            _, ch, cw, _ = image_dims(x, 4)
            fh = cast(sz[0], F32) / cast(ch, F32)
            fw = cast(sz[1], F32) / cast(cw, F32)
            f = minimum(fh, fw)
            sz = stack(
                [
                    cast(rint(f * cast(ch, F32)), I32),
                    cast(rint(f * cast(cw, F32)), I32),
                ],
                name="size",
            )
        static = get_static_value(sz)
        nh = nw = None
        if static is not None:
            nh, nw = (int(v) for v in np.asarray(static).reshape(2))
        if nh is not None and nh == height and nw == width:
            return x if is_batch else squeeze(x, axis=[0])
        fn = _METHODS.get(method)
        if fn is None:
            raise ValueError(f"Resize method is not implemented: {method}")
        if fn is resize_area:
            out = resize_area(x, sz, align_corners=align_corners)
        else:
            out = fn(x, sz, align_corners=align_corners)
        out.set_shape([None, nh, nw, None])
        return out if is_batch else squeeze(out, axis=[0])


resize = resize_images


def resize_image_with_pad(
    image: TensorLike,
    target_height: Any,
    target_width: Any,
    method: Any = ResizeMethod.BILINEAR,
    align_corners: bool = False,
) -> Tensor:
    """The image resized keeping its aspect ratio to fit ``target_height`` x
    ``target_width``, then zero-padded (centred) to exactly that size."""
    with name_scope(None, "resize_image_with_pad", [image]):
        x, is_batch = _as_batch(convert_to_tensor(image, name="image"))
        if isinstance(target_width, int) and target_width <= 0:
            raise ValueError("target_width must be > 0.")
        if isinstance(target_height, int) and target_height <= 0:
            raise ValueError("target_height must be > 0.")
        _, height, width, _ = image_dims(x, 4)
        fh, fw = cast(height, F32), cast(width, F32)
        th, tw = cast(target_height, F32), cast(target_width, F32)
        ratio = maximum(fw / tw, fh / th)
        rh, rw = fh / ratio, fw / ratio
        new_h, new_w = cast(floor(rh), I32), cast(floor(rw), I32)
        p_h = maximum(0, cast(floor((th - rh) / 2), I32))
        p_w = maximum(0, cast(floor((tw - rw) / 2), I32))
        resized = resize_images(x, stack([new_h, new_w]), method, align_corners=align_corners)
        out = pad_to_bounding_box(resized, p_h, p_w, target_height, target_width)
        return out if is_batch else squeeze(out, axis=[0])


def _import_reader(build: Any, half_pixel: bool = True):
    """``tf.import_graph_def``'s reading of TF's resize node: the function above under the
    node's name (the op that carries it: ResizeBilinear's kernel op, after a Cast of images
    that are not float32; the composites' last op)."""

    def read(node: Any, make: Any) -> Any:
        del make  # (the composite is built by the function, in the node's name scope)
        kw = {"align_corners": bool(node.attrs.get("align_corners", False))}
        if half_pixel:
            kw["half_pixel_centers"] = bool(node.attrs.get("half_pixel_centers", False))
        images, size = node.inputs
        with node.graph.as_default(), node.graph.name_scope(None):
            out = build(images, size, name=f"{node.scope}{node.name}/", **kw)
        return out.op

    return read


register_reader("ResizeBilinear", _import_reader(resize_bilinear))
register_reader("ResizeNearestNeighbor", _import_reader(resize_nearest_neighbor))
register_reader("ResizeBicubic", _import_reader(resize_bicubic))
register_reader("ResizeArea", _import_reader(resize_area, half_pixel=False))
