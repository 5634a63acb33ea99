"""TF's fused batch-normalization ops, each one C++ kernel (``cpp/batch_norm.cc``):
``FusedBatchNormV3`` (x, scale, offset, mean, variance -> y, batch_mean, batch_variance,
reserve_space_1, reserve_space_2, reserve_space_3) and its gradient ``FusedBatchNormGradV3``
(y_backprop, x, scale, reserve_space_1, reserve_space_2, reserve_space_3 -> x_backprop,
scale_backprop, offset_backprop, reserve_space_4, reserve_space_5), with TF's attributes
(``epsilon``, ``exponential_avg_factor``, ``data_format``, ``is_training``). The kernels take
float32 or float64; ``tf.nn.fused_batch_norm`` casts half inputs around them.

The reserve spaces keep the batch mean and biased variance (training) or the given ones
(inference), as TF's CPU kernel; reserve_space_3 and the gradient's reserve_space_4/5 are empty.
"""

from __future__ import annotations

from ..framework.graph import shape_error
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape

CHANNELS_LAST = {"NHWC": True, "NDHWC": True, "NCHW": False, "NCDHW": False}


def _attrs(op, in_shapes, out_shapes, value_of):
    ints = [int(bool(op.get_attr("is_training"))), int(CHANNELS_LAST[op.get_attr("data_format")])]
    return ints, [
        float(op.get_attr("epsilon")),
        float(op._attrs.get("exponential_avg_factor", 1.0)),
    ]


def _channels(op, x: TensorShape, vectors) -> int | None:
    """The channel count from x's channel axis and the per-channel vectors (all must agree)."""
    c = None
    if x.ndims is not None:
        c = x.as_list()[-1 if CHANNELS_LAST[op.get_attr("data_format")] else 1]
    for v in vectors:
        if v.ndims is not None and v.ndims != 1:
            raise shape_error(
                op.type, op.name, f"Shape must be rank 1 but is rank {v.ndims}", [x, *vectors]
            )
        n = v.as_list()[0] if v.ndims else None
        if c is not None and n is not None and c != n:
            raise shape_error(
                op.type, op.name, f"Dimensions must be equal, but are {c} and {n}", [x, *vectors]
            )
        c = c if c is not None else n
    return c


def _empty() -> TensorShape:
    """The reserve spaces TF's CPU kernels leave empty: [0] (TF's shape function says unknown;
    a known shape lets a gradient inside ``tf.cond`` take them from the forward If's outputs
    instead of running the forward branch again)."""
    return TensorShape([0])


def _bn_shape(op, in_shapes, value_of):
    x, scale, offset, mean, variance = in_shapes
    training = bool(op.get_attr("is_training"))
    vectors = [scale, offset] if training else [scale, offset, mean, variance]
    c = TensorShape([_channels(op, x, vectors)])
    return [x, c, c, c, c, _empty()]


def _bn_grad_shape(op, in_shapes, value_of):
    dy, x, scale, r1, r2, _ = in_shapes
    x = x.merge_with(dy) if x.is_compatible_with(dy) else x
    c = TensorShape([_channels(op, x, [scale, r1, r2])])
    return [x, c, c, _empty(), _empty()]


register_op("FusedBatchNormV3", _bn_shape, "fused_batch_norm", attrs_fn=_attrs)
register_op(
    "FusedBatchNormGradV3",
    _bn_grad_shape,
    "fused_batch_norm_grad",
    attrs_fn=_attrs,
    kernel_inputs=(0, 1, 2, 3, 4),
    inplace=0,  # dx over dy when nothing else reads dy (the kernel reads dy fully first)
)
# TF differentiates the gradient once more (FusedBatchNormGradV3's own gradient); not here yet
NotDifferentiable("FusedBatchNormGradV3")


@RegisterGradient("FusedBatchNormV3")
def _fused_batch_norm_grad(op, dy, *unused):
    """TF's ``_FusedBatchNormV3Grad``: the gradient op on the forward's reserve spaces (the batch
    statistics in training, the given mean and variance in inference); none for mean/variance."""
    if dy is None:
        return [None] * 5
    attrs = {
        "T": op.get_attr("T"),
        "U": op.get_attr("U"),
        "epsilon": op.get_attr("epsilon"),
        "data_format": op.get_attr("data_format"),
        "is_training": op.get_attr("is_training"),
    }
    x, scale = op.inputs[0], op.inputs[1]
    grad = op.graph.create_op(
        "FusedBatchNormGradV3",
        [dy, x, scale, op.outputs[3], op.outputs[4], op.outputs[5]],
        [x.dtype, scale.dtype, scale.dtype, scale.dtype, scale.dtype],
        attrs,
        "FusedBatchNormGradV3",
    )
    return [grad.outputs[0], grad.outputs[1], grad.outputs[2], None, None]
