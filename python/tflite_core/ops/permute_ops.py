"""Ops that move elements without changing them: ``reverse`` (ReverseV2), ``roll``,
``reverse_sequence``, ``space_to_depth`` / ``depth_to_space`` and ``space_to_batch_nd`` /
``batch_to_space_nd`` (with TF 1.x's ``space_to_batch`` / ``batch_to_space`` and
``required_space_to_batch_paddings``), ``extract_image_patches`` and ``extract_volume_patches``;
kernels in
``cpp/permute.cc``. Each one's gradient is its inverse (the patches': their sum back into the
pixels).

Axes, shifts, block shapes, paddings and crops are tensors whose values must be known when the
plan is compiled (constants, fed values, or values a pre-plan computes).

>>> with tf.Session() as sess:
...     print(sess.run(tf.roll([1, 2, 3, 4], shift=1, axis=0)))
[4 1 2 3]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, name_scope, shape_error
from ..framework.op_util import check_dtype_in, make_tensor
from ..framework.registry import RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import cast, reshape, shape, stack, transpose
from .indexing_ops import INDEX_DTYPES, unsorted_segment_sum
from .math_ops import add, floormod, negative, subtract

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _int_tensor(v: Any, name: str, dtype=_dt.int32) -> Tensor:
    """``v`` as an int tensor (a constant when ``v`` is a list or an array)."""
    if isinstance(v, Tensor) or hasattr(v, "_tflite_as_tensor"):
        t = convert_to_tensor(v)
        if not t.dtype.is_integer:
            raise TypeError(f"{name} must be an int32 or int64 tensor, got {t.dtype.name}")
        return t
    arr = np.asarray(v)
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers, got {v!r}")
    return constant(arr.astype(dtype.np), name=name)


def _ints(value_of, i: int):
    v = value_of(i)
    return None if v is None else [int(a) for a in np.asarray(v).reshape(-1)]


# ---- ReverseV2 ---------------------------------------------------------------------------------
def _reverse_axes(op, rank: int, value_of) -> list[int] | None:
    axes = _ints(value_of, 1)
    if axes is None:
        return None
    out: list[int] = []
    for a in axes:
        if not -rank <= a < rank:
            raise shape_error(
                "ReverseV2",
                op.name,
                f"'axis'[{len(out)}] = {a} is out of valid range [0, {rank - 1}]",
                [],
            )
        if a % rank in out:
            raise shape_error("ReverseV2", op.name, f"axis {a % rank} specified more than once", [])
        out.append(a % rank)
    return out


def _reverse_shape(op, in_shapes, value_of):
    if in_shapes[0].ndims is not None:
        _reverse_axes(op, in_shapes[0].ndims, value_of)
    return [in_shapes[0]]


def _reverse_attrs(op, in_shapes, out_shapes, value_of):
    rank = len(in_shapes[0])
    axes = _reverse_axes(op, rank, value_of) or []
    return [int(d in axes) for d in range(rank)], []


register_op(
    "ReverseV2",
    _reverse_shape,
    "reverse",
    kernel_inputs=(0,),
    value_inputs=(1,),
    attrs_fn=_reverse_attrs,
)


@RegisterGradient("ReverseV2")
def _reverse_grad(op, grad):
    return [reverse_v2(grad, op.inputs[1]), None]


def reverse_v2(tensor: TensorLike, axis: Any, name: str | None = None) -> Tensor:
    """``tensor`` with the dimensions ``axis`` (a list of ints) reversed: ``np.flip``.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.reverse([[1, 2], [3, 4]], [1])))
    [[2 1]
     [4 3]]
    """
    x = convert_to_tensor(tensor)
    with name_scope(name, "ReverseV2", [x]) as scope:
        a = _int_tensor(axis, "axis")
        return make_tensor("ReverseV2", [x, a], x.dtype, {"T": x.dtype, "Tidx": a.dtype}, scope)


reverse = reverse_v2


# ---- Roll --------------------------------------------------------------------------------------
def _roll_shifts(op, shape, value_of) -> list[int] | None:
    shift, axis = _ints(value_of, 1), _ints(value_of, 2)
    if shift is None or axis is None:
        return None
    if len(shift) != len(axis):
        raise shape_error(
            "Roll", op.name, "shift and axis must have the same size", [TensorShape(shape)]
        )
    rank = len(shape)
    out = [0] * rank
    for s, a in zip(shift, axis):
        if not -rank <= a < rank:
            raise shape_error("Roll", op.name, f"axis {a} is out of range", [TensorShape(shape)])
        out[a % rank] += s
    return [s % n if n else 0 for s, n in zip(out, shape)]


def _roll_shape(op, in_shapes, value_of):
    for i in (1, 2):
        if in_shapes[i].ndims not in (None, 0, 1):
            raise shape_error("Roll", op.name, "shift and axis must be scalars or 1-D", in_shapes)
    return [in_shapes[0]]


register_op(
    "Roll",
    _roll_shape,
    "roll",
    kernel_inputs=(0,),
    value_inputs=(1, 2),
    attrs_fn=lambda op, i, o, v: (_roll_shifts(op, i[0], v), []),
)


@RegisterGradient("Roll")
def _roll_grad(op, grad):
    return [roll(grad, negative(op.inputs[1]), op.inputs[2]), None, None]


def roll(input: TensorLike, shift: Any, axis: Any, name: str | None = None) -> Tensor:
    """``np.roll(input, shift, axis)``: elements shifted along ``axis`` (ints or lists of ints;
    one axis named twice gets the sum of its shifts), wrapping around.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.roll([[1, 2, 3], [4, 5, 6]], shift=[1, -1], axis=[0, 1])))
    [[5 6 4]
     [2 3 1]]
    """
    x = convert_to_tensor(input)
    with name_scope(name, "Roll", [x]) as scope:
        s = _int_tensor(shift, "shift")
        a = _int_tensor(axis, "axis")
        attrs = {"T": x.dtype, "Tshift": s.dtype, "Taxis": a.dtype}
        return make_tensor("Roll", [x, s, a], x.dtype, attrs, scope)


# ---- ReverseSequence ---------------------------------------------------------------------------
def _reverse_sequence_shape(op, in_shapes, value_of):
    x, lens = in_shapes
    sd, bd = op.get_attr("seq_dim"), op.get_attr("batch_dim")
    if x.ndims is not None:
        r = x.ndims
        if not (0 <= sd < r and 0 <= bd < r) or sd == bd:
            raise shape_error(
                "ReverseSequence",
                op.name,
                f"seq_dim ({sd}) and batch_dim ({bd}) must be distinct and in [0, {r})",
                in_shapes,
            )
        if lens.ndims not in (None, 1):
            raise shape_error(
                "ReverseSequence",
                op.name,
                f"Shape must be rank 1 but is rank {lens.ndims}",
                in_shapes,
            )
        if lens.ndims == 1 and not x[bd].is_compatible_with(lens[0]):
            raise shape_error(
                "ReverseSequence",
                op.name,
                f"Dimensions must be equal, but are {x[bd]} and {lens[0]}",
                in_shapes,
            )
    return [x]


register_op(
    "ReverseSequence",
    _reverse_sequence_shape,
    "reverse_sequence",
    attrs_fn=lambda op, i, o, v: ([op.get_attr("seq_dim"), op.get_attr("batch_dim")], []),
)


@RegisterGradient("ReverseSequence")
def _reverse_sequence_grad(op, grad):
    return [
        reverse_sequence(
            grad,
            op.inputs[1],
            seq_axis=op.get_attr("seq_dim"),
            batch_axis=op.get_attr("batch_dim"),
        ),
        None,
    ]


def reverse_sequence(
    input: TensorLike,
    seq_lengths: TensorLike,
    seq_axis: int | None = None,
    batch_axis: int | None = None,
    name: str | None = None,
    seq_dim: int | None = None,
    batch_dim: int | None = None,
) -> Tensor:
    """For each ``b`` along ``batch_axis``, the first ``seq_lengths[b]`` elements along
    ``seq_axis`` reversed (the rest kept). ``seq_dim``/``batch_dim``: TF 1.x's old names.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_axis=1)))
    [[2 1 3]
     [6 5 4]]
    """
    if seq_axis is None:
        seq_axis = seq_dim
    if batch_axis is None:
        batch_axis = 0 if batch_dim is None else batch_dim
    if seq_axis is None:
        raise ValueError("reverse_sequence needs seq_axis")
    x = convert_to_tensor(input)
    lens = convert_to_tensor(seq_lengths)
    check_dtype_in("ReverseSequence", lens, INDEX_DTYPES, "seq_lengths")
    r = x.shape.ndims
    sd, bd = int(seq_axis), int(batch_axis)
    if r is not None:
        sd, bd = (sd % r if sd < 0 else sd), (bd % r if bd < 0 else bd)
    attrs = {"seq_dim": sd, "batch_dim": bd, "T": x.dtype, "Tlen": lens.dtype}
    return make_tensor("ReverseSequence", [x, lens], x.dtype, attrs, name or "ReverseSequence")


# ---- SpaceToDepth / DepthToSpace -----------------------------------------------------------------
def _block_check(op, in_shapes):
    b = op.get_attr("block_size")
    if b < 2:
        raise ValueError(f"Attr block_size of '{op.name}' must be >= 2, got {b}")
    x = in_shapes[0]
    if x.ndims not in (None, 4):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 4 but is rank {x.ndims}", in_shapes
        )
    return b, x


def _space_to_depth_shape(op, in_shapes, value_of):
    b, x = _block_check(op, in_shapes)
    if x.ndims is None:
        return [TensorShape([None] * 4)]
    n, h, w, c = x.as_list()
    for d, what in ((h, "height"), (w, "width")):
        if d is not None and d % b:
            raise shape_error(
                "SpaceToDepth",
                op.name,
                f"Dimension size must be evenly divisible by {b} but is {d} ({what})",
                in_shapes,
            )
    return [
        TensorShape(
            [
                n,
                None if h is None else h // b,
                None if w is None else w // b,
                None if c is None else c * b * b,
            ]
        )
    ]


def _depth_to_space_shape(op, in_shapes, value_of):
    b, x = _block_check(op, in_shapes)
    if x.ndims is None:
        return [TensorShape([None] * 4)]
    n, h, w, c = x.as_list()
    if c is not None and c % (b * b):
        raise shape_error(
            "DepthToSpace",
            op.name,
            f"Dimension size must be evenly divisible by {b * b} but is {c}",
            in_shapes,
        )
    return [
        TensorShape(
            [
                n,
                None if h is None else h * b,
                None if w is None else w * b,
                None if c is None else c // (b * b),
            ]
        )
    ]


def _block_attrs(op, i, o, v):
    return [op.get_attr("block_size")], []


register_op("SpaceToDepth", _space_to_depth_shape, "space_to_depth", attrs_fn=_block_attrs)
register_op("DepthToSpace", _depth_to_space_shape, "depth_to_space", attrs_fn=_block_attrs)


@RegisterGradient("SpaceToDepth")
def _space_to_depth_grad(op, grad):
    return [depth_to_space(grad, op.get_attr("block_size"))]


@RegisterGradient("DepthToSpace")
def _depth_to_space_grad(op, grad):
    return [space_to_depth(grad, op.get_attr("block_size"))]


def _to_from_depth(op_type, input, block_size, name, data_format) -> Tensor:
    if data_format != "NHWC":  # as TF's CPU kernels (NCHW runs only on GPUs there)
        raise ValueError(f"{op_type}: only data_format NHWC is supported on CPU, got {data_format}")
    x = convert_to_tensor(input)
    attrs = {"block_size": int(block_size), "data_format": data_format, "T": x.dtype}
    return make_tensor(op_type, [x], x.dtype, attrs, name or op_type)


def space_to_depth(
    input: TensorLike, block_size: int, name: str | None = None, data_format: str = "NHWC"
) -> Tensor:
    """Moves ``block_size x block_size`` spatial blocks into the depth (NHWC):
    ``[N, H, W, C] -> [N, H/b, W/b, C*b*b]``.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.space_to_depth([[[[1], [2]], [[3], [4]]]], 2)))
    [[[[1 2 3 4]]]]
    """
    return _to_from_depth("SpaceToDepth", input, block_size, name, data_format)


def depth_to_space(
    input: TensorLike, block_size: int, name: str | None = None, data_format: str = "NHWC"
) -> Tensor:
    """The inverse of ``space_to_depth``: ``[N, H, W, C*b*b] -> [N, H*b, W*b, C]``."""
    return _to_from_depth("DepthToSpace", input, block_size, name, data_format)


# ---- SpaceToBatchND / BatchToSpaceND ---------------------------------------------------------
def _blocks(op, value_of, what: str):
    block, pads = value_of(1), value_of(2)
    if block is None or pads is None:
        return None
    block = [int(b) for b in np.asarray(block).reshape(-1)]
    pads = np.asarray(pads).astype(np.int64)
    m = len(block)
    if pads.shape != (m, 2):
        raise shape_error(
            op.type, op.name, f"{what} must have shape [{m}, 2], got {list(pads.shape)}", []
        )
    for b in block:
        if b < 1:
            raise shape_error(op.type, op.name, f"block_shape must be positive, got {block}", [])
    if (pads < 0).any():
        raise shape_error(op.type, op.name, f"{what} must be non-negative", [])
    return block, pads


def _space_to_batch_shape(op, in_shapes, value_of):
    x = in_shapes[0]
    k = _blocks(op, value_of, "paddings")
    m = in_shapes[1].as_list()[0] if in_shapes[1].ndims == 1 else None
    if x.ndims is None:
        return [TensorShape(None)]
    if m is not None and x.ndims < 1 + m:
        raise shape_error(op.type, op.name, f"input rank should be >= {1 + m}", in_shapes)
    if k is None:
        return [TensorShape([None] * x.ndims)]
    block, pads = k
    d = x.as_list()
    out = [None if d[0] is None else d[0] * int(np.prod(block))]
    for i, b in enumerate(block):
        s = d[1 + i]
        if s is None:
            out.append(None)
            continue
        wide = s + int(pads[i, 0]) + int(pads[i, 1])
        if wide % b:
            raise shape_error(
                op.type,
                op.name,
                f"padded_shape[{i}]={wide} is not divisible by block_shape[{i}]={b}",
                in_shapes,
            )
        out.append(wide // b)
    return [TensorShape(out + d[1 + len(block) :])]


def _batch_to_space_shape(op, in_shapes, value_of):
    x = in_shapes[0]
    k = _blocks(op, value_of, "crops")
    if x.ndims is None:
        return [TensorShape(None)]
    if k is None:
        return [TensorShape([None] * x.ndims)]
    block, crops = k
    d = x.as_list()
    n = int(np.prod(block))
    if d[0] is not None and d[0] % n:
        raise shape_error(
            op.type,
            op.name,
            f"Input batch dimension ({d[0]}) is not divisible by product of block sizes ({n})",
            in_shapes,
        )
    out = [None if d[0] is None else d[0] // n]
    for i, b in enumerate(block):
        s = d[1 + i]
        if s is None:
            out.append(None)
            continue
        left = s * b - int(crops[i, 0]) - int(crops[i, 1])
        if left < 0:
            raise shape_error(
                op.type,
                op.name,
                f"Negative output dimension size caused by too large crops: {left}",
                in_shapes,
            )
        out.append(left)
    return [TensorShape(out + d[1 + len(block) :])]


def _blocks_attrs(op, i, o, value_of):
    block, pads = _blocks(op, value_of, "paddings")
    return [len(block), *block, *[int(p) for p in pads.reshape(-1)]], []


register_op(
    "SpaceToBatchND",
    _space_to_batch_shape,
    "space_to_batch_nd",
    kernel_inputs=(0,),
    value_inputs=(1, 2),
    attrs_fn=_blocks_attrs,
)
register_op(
    "BatchToSpaceND",
    _batch_to_space_shape,
    "batch_to_space_nd",
    kernel_inputs=(0,),
    value_inputs=(1, 2),
    attrs_fn=_blocks_attrs,
)


@RegisterGradient("SpaceToBatchND")
def _space_to_batch_grad(op, grad):
    return [batch_to_space_nd(grad, op.inputs[1], op.inputs[2]), None, None]


@RegisterGradient("BatchToSpaceND")
def _batch_to_space_grad(op, grad):
    return [space_to_batch_nd(grad, op.inputs[1], op.inputs[2]), None, None]


def _nd(op_type, input, block_shape, pads, name, pads_name) -> Tensor:
    x = convert_to_tensor(input)
    with name_scope(name, op_type, [x]) as scope:
        b = _int_tensor(block_shape, "block_shape")
        p = _int_tensor(pads, pads_name)
        if b.shape.ndims not in (None, 1):
            raise ValueError(f"block_shape must be 1-D, got shape {b.shape}")
        attrs = {"T": x.dtype, "Tblock_shape": b.dtype, f"T{pads_name}": p.dtype}
        return make_tensor(op_type, [x, b, p], x.dtype, attrs, scope)


def space_to_batch_nd(
    input: TensorLike, block_shape: Any, paddings: Any, name: str | None = None
) -> Tensor:
    """Pads the ``M = len(block_shape)`` spatial dimensions after the batch with ``paddings``
    (``[M, 2]``), then moves each ``block_shape`` block into the batch:
    ``[B, s..., rest] -> [B * prod(block), (s + pads) / block..., rest]``.

    >>> x = [[[[1], [2]], [[3], [4]]]]
    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])).ravel())
    [1 2 3 4]
    """
    return _nd("SpaceToBatchND", input, block_shape, paddings, name, "paddings")


def batch_to_space_nd(
    input: TensorLike, block_shape: Any, crops: Any, name: str | None = None
) -> Tensor:
    """The inverse of ``space_to_batch_nd``, then ``crops`` (``[M, 2]``) cut from the spatial
    dimensions."""
    return _nd("BatchToSpaceND", input, block_shape, crops, name, "crops")


def space_to_batch(
    input: TensorLike,
    paddings: Any,
    block_size: int | None = None,
    name: str | None = None,
    block_shape: Any = None,
) -> Tensor:
    """TF 1.x's ``space_to_batch``: ``space_to_batch_nd`` of a 4-D NHWC ``input`` with square
    blocks ``[block_size, block_size]``."""
    if block_size is None:
        block_size = block_shape
    if block_size is None:
        raise ValueError("space_to_batch needs block_size")
    block = np.array([block_size, block_size], np.int64)
    return space_to_batch_nd(input, block, paddings, name=name)


def batch_to_space(
    input: TensorLike,
    crops: Any,
    block_size: int | None = None,
    name: str | None = None,
    block_shape: Any = None,
) -> Tensor:
    """TF 1.x's ``batch_to_space``: ``batch_to_space_nd`` with square blocks."""
    if block_size is None:
        block_size = block_shape
    if block_size is None:
        raise ValueError("batch_to_space needs block_size")
    block = np.array([block_size, block_size], np.int64)
    return batch_to_space_nd(input, block, crops, name=name)


def required_space_to_batch_paddings(
    input_shape: Any, block_shape: Any, base_paddings: Any = None, name: str | None = None
) -> tuple[Tensor, Tensor]:
    """The ``(paddings, crops)`` that make ``input_shape`` (plus ``base_paddings``) divisible by
    ``block_shape``, as TF: ``pad_end += (block - (shape + pads) % block) % block``; crops
    ``[[0, extra], ...]`` undo the extra.

    >>> p, c = tf.required_space_to_batch_paddings([5, 6], [2, 4])
    >>> with tf.Session() as sess:
    ...     print(sess.run(p).tolist(), sess.run(c).tolist())
    [[0, 1], [0, 2]] [[0, 1], [0, 2]]
    """
    with name_scope(name, "required_space_to_batch_paddings", []):
        shape_t = _int_tensor(input_shape, "input_shape")
        block_t = _int_tensor(block_shape, "block_shape")
        if shape_t.dtype != _dt.int32:
            shape_t = cast(shape_t, _dt.int32)
        if block_t.dtype != _dt.int32:
            block_t = cast(block_t, _dt.int32)
        if not block_t.shape.is_fully_defined() or block_t.shape.ndims != 1:
            raise ValueError(
                f"block_shape must be a 1-D tensor of known length, got {block_t.shape}"
            )
        m = int(block_t.shape.as_list()[0] or 0)
        if m == 0:
            z = constant(np.zeros((0, 2), np.int32))
            return z, z
        base = (
            constant(np.zeros((m, 2), np.int32), name="base_paddings")
            if base_paddings is None
            else _int_tensor(base_paddings, "base_paddings")
        )
        cb, cs, cp = constant_value(block_t), constant_value(shape_t), constant_value(base)
        if cb is not None and cs is not None and cp is not None:
            cb, cs, cp = (np.asarray(v, np.int32) for v in (cb, cs, cp))
            lo, hi = cp[:, 0], cp[:, 1]
            more = (cb - (cs + lo + hi) % cb) % cb
            paddings = constant(np.stack([lo, hi + more], 1).astype(np.int32), name="paddings")
            crops = constant(
                np.stack([np.zeros(m, np.int32), more], 1).astype(np.int32), name="crops"
            )
            return paddings, crops
        start, end = base[:, 0], base[:, 1]
        full = add(add(shape_t, start), end)
        extra = floormod(subtract(block_t, floormod(full, block_t)), block_t)
        pad_end = add(end, extra)
        paddings = stack([stack([start[i], pad_end[i]]) for i in range(m)], name="paddings")
        zero = constant(0, _dt.int32)
        crops = stack([stack([zero, extra[i]]) for i in range(m)], name="crops")
        return paddings, crops


# ---- ExtractImagePatches, ExtractVolumePatches ------------------------------------------------
def _spatial(op) -> int:
    return 2 if op.type == "ExtractImagePatches" else 3


def _windows(op, dims, shapes) -> list[tuple[int | None, int]]:
    """Per spatial dimension of size ``dims[i]`` (None: unknown): ``(outputs, padding before)``
    of TF's VALID or SAME windows of the (dilated) ``ksizes`` (SAME's may be negative). A VALID
    window past the input by two strides or more is TF's ValueError (``shapes``: the inputs')."""
    n = _spatial(op)
    ks, ss = op.get_attr("ksizes")[1 : 1 + n], op.get_attr("strides")[1 : 1 + n]
    rs = op.get_attr("rates")[1 : 1 + n] if n == 2 else [1] * n
    out: list[tuple[int | None, int]] = []
    for size, k, s, r in zip(dims, ks, ss, rs):
        if size is None:
            out.append((None, 0))
            continue
        eff = k + (k - 1) * (r - 1)
        if op.get_attr("padding") == "VALID":
            if size - eff + s <= -s:
                got = int((size - eff + s) / s)  # C's division, as TF's message
                raise shape_error(
                    op.type,
                    op.name,
                    f"Computed output size would be negative: {got} [input_size: {size}, "
                    f"effective_filter_size: {eff}, stride: {s}]",
                    shapes,
                )
            out.append((max(-(-(size - eff + 1) // s), 0), 0))
        else:
            m = -(-size // s)
            # Eigen's patch ops: a window smaller than the stride pads by a negative amount
            # (C division), so the output starts inside the input
            out.append((m, int(((m - 1) * s + eff - size) / 2)))
    return out


def _patches_shape(op, in_shapes, value_of):
    n = _spatial(op)
    x = in_shapes[0]
    if x.ndims not in (None, n + 2):
        raise shape_error(
            op.type, op.name, f"Shape must be rank {n + 2} but is rank {x.ndims}", in_shapes
        )
    if x.ndims is None:
        return [TensorShape([None] * (n + 2))]
    dims = x.as_list()
    outs = [m for m, _ in _windows(op, dims[1 : 1 + n], in_shapes)]
    depth = dims[-1]
    k = int(np.prod(op.get_attr("ksizes")[1 : 1 + n]))
    return [TensorShape([dims[0], *outs, None if depth is None else k * depth])]


def _patches_attrs(op, in_shapes, out_shapes, value_of):
    n = _spatial(op)
    before = [b for _, b in _windows(op, in_shapes[0][1 : 1 + n], in_shapes)]
    k, s = op.get_attr("ksizes")[1 : 1 + n], op.get_attr("strides")[1 : 1 + n]
    r = op.get_attr("rates")[1:3] if n == 2 else []
    return [*k, *s, *r, *before], []


for _t, _k in (
    ("ExtractImagePatches", "extract_image_patches"),
    ("ExtractVolumePatches", "extract_volume_patches"),
):
    register_op(_t, _patches_shape, _k, attrs_fn=_patches_attrs)


def _patch_sources(op, dims: list[int]) -> np.ndarray:
    """For each element of one input's patches (one channel), ``1 +`` the flat index of the
    pixel it copies, 0 for the padding: the map the gradient sums back through."""
    n = _spatial(op)
    wins = _windows(op, dims, [op._inputs[0].shape])
    ks, ss = op.get_attr("ksizes")[1 : 1 + n], op.get_attr("strides")[1 : 1 + n]
    rs = op.get_attr("rates")[1 : 1 + n] if n == 2 else [1] * n
    grids = np.meshgrid(
        *[np.arange(m or 0) for m, _ in wins], *[np.arange(k) for k in ks], indexing="ij"
    )
    flat = np.zeros(grids[0].shape, np.int64)
    inside = np.ones(grids[0].shape, bool)
    for a in range(n):
        pos = grids[a] * ss[a] + grids[n + a] * rs[a] - wins[a][1]
        inside &= (pos >= 0) & (pos < dims[a])
        flat = flat * dims[a] + pos
    return np.where(inside, 1 + flat, 0).reshape(-1).astype(np.int32)


def _patches_grad(op, grad):
    # each patch element's gradient summed back into the pixel it copied (padding dropped)
    x = op.inputs[0]
    n = _spatial(op)
    known = x.shape.as_list()[1:] if x.shape.ndims == n + 2 else [None]
    if any(d is None for d in known):
        raise ValueError(f"The gradient of '{op.name}' needs the input's spatial size and depth")
    *spatial, d = [int(v or 0) for v in known]
    src = _patch_sources(op, spatial)
    b = shape(x)[0]  # (not -1: reshapes of empty tensors cannot infer it)
    g = transpose(reshape(grad, stack([b, len(src), d])), [1, 0, 2])  # [patch elements, B, D]
    total = int(np.prod(spatial))
    summed = unsorted_segment_sum(g, constant(src, name="patch_sources"), total + 1)[1:]
    back = reshape(summed, stack([*spatial, b, d]))
    return [transpose(back, [n, *range(n), n + 1])]


RegisterGradient("ExtractImagePatches")(_patches_grad)
RegisterGradient("ExtractVolumePatches")(_patches_grad)


def _patch_lists(n: int, **lists) -> dict:
    out = {}
    for what, v in lists.items():
        v = [int(a) for a in v]
        if len(v) != n + 2 or v[0] != 1 or v[-1] != 1 or min(v) < 1:
            raise ValueError(f"{what} must be a list of {n + 2} positive ints [1, ..., 1], got {v}")
        out[what] = v
    return out


def extract_image_patches(
    images: TensorLike,
    ksizes: Any = None,
    strides: Any = None,
    rates: Any = None,
    padding: str | None = None,
    name: str | None = None,
    sizes: Any = None,
) -> Tensor:
    """The ``ksizes[1] x ksizes[2]`` patches of the NHWC ``images`` every ``strides`` pixels,
    sampled every ``rates`` pixels, flattened into the depth: ``[B, rows, cols, kr * kc * D]``
    (``padding`` "VALID" or "SAME", zeros outside the image). ``sizes``: TF 2's name of
    ``ksizes``.

    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> p = tf.extract_image_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    >>> with tf.Session() as sess:
    ...     print(sess.run(p)[0, 0])
    [[0. 1. 4. 5.]
     [2. 3. 6. 7.]]
    """
    ksizes = sizes if ksizes is None else ksizes
    if ksizes is None or strides is None or rates is None or padding is None:
        raise TypeError("extract_image_patches needs ksizes, strides, rates and padding")
    lists = _patch_lists(2, ksizes=ksizes, strides=strides, rates=rates)
    if padding not in ("VALID", "SAME"):
        raise ValueError(f"padding must be VALID or SAME, got {padding!r}")
    x = convert_to_tensor(images)
    attrs = {**lists, "padding": padding, "T": x.dtype}
    return make_tensor("ExtractImagePatches", [x], x.dtype, attrs, name or "ExtractImagePatches")


def extract_volume_patches(
    input: TensorLike, ksizes: Any, strides: Any, padding: str, name: str | None = None
) -> Tensor:
    """The 3-D ``extract_image_patches``: the ``ksizes[1:4]`` patches of the NDHWC ``input``
    every ``strides[1:4]`` voxels, flattened into the depth (``padding`` "VALID" or "SAME")."""
    lists = _patch_lists(3, ksizes=ksizes, strides=strides)
    if padding not in ("VALID", "SAME"):
        raise ValueError(f"padding must be VALID or SAME, got {padding!r}")
    x = convert_to_tensor(input)
    attrs = {**lists, "padding": padding, "T": x.dtype}
    return make_tensor("ExtractVolumePatches", [x], x.dtype, attrs, name or "ExtractVolumePatches")
